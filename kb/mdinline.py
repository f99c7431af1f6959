"""Python-Markdown's inline step, without trying patterns that cannot match.

Python-Markdown runs every inline pattern's regular expression over every run of text, about
fifteen per paragraph, list item and cell; most text has none of the characters those patterns
start with. This inline processor skips a pattern when its text lacks every character any match
of it must contain, and tries it exactly as Python-Markdown does otherwise, so the output is the
same (tests/test_markdown.py compares both on real articles). A pattern kb does not know about
is always tried.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown, inlinepatterns, util
from markdown.treeprocessors import InlineProcessor

# Each known regular expression, as Python-Markdown writes it, and characters one of which is in
# every match (or, for backticks, in its lookahead).
_NEEDS: dict[str, str] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": "`",  # backtick
    r"\\(.)": "\\",  # escape
    r"(?<!\!)\[": "[",  # link, reference, short reference
    r"\!\[": "[",  # image link, image reference, short image reference
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": "<",  # autolink
    r"<([^<> !]+@[^@<> ]+)>": "<",  # automail
    r"  \n": "\n",  # line break
    (  # a tag, comment, processing instruction or CDATA: `<…>`
        r'''(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?|'''
        r"!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"
    ): "<",
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": "&",  # entity
    r"\[\^([^\]]*)\]": "[",  # footnote reference
}


def needs(pattern: inlinepatterns.Pattern) -> frozenset[str] | None:
    """Characters text must have one of for `pattern` to match anything in it; None when kb cannot tell."""
    delimiters = getattr(inlinepatterns, "DelimiterProcessor", None)  # Python-Markdown 3.11 and later
    if delimiters is not None and isinstance(pattern, delimiters):
        return frozenset(token[0] for token in pattern.tokens) if all(pattern.tokens) else None
    regex = getattr(pattern, "compiled_re", None)
    return frozenset(_NEEDS[regex.pattern]) if regex is not None and regex.pattern in _NEEDS else None


class QuickInlineProcessor(InlineProcessor):
    """Python-Markdown's InlineProcessor that tries a pattern only on text that could match it."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self._patterns: list[inlinepatterns.Pattern] = []
        self._needs: list[frozenset[str] | None] = []

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        patterns = list(self.inlinePatterns)
        if patterns != self._patterns:  # an extension may register patterns after this was made
            self._patterns, self._needs = patterns, [needs(pattern) for pattern in patterns]
        return super().run(tree, ancestors)

    # InlineProcessor calls this private method by its mangled name; this is the same loop with one test added.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        patterns, wanted = self._patterns, self._needs
        apply = self._InlineProcessor__applyPattern
        chars = set(data)  # matches only take characters away, so what is missing stays missing
        start = 0
        count = len(patterns)
        while patternIndex < count:
            need = wanted[patternIndex]
            if need is not None and need.isdisjoint(chars):
                patternIndex += 1
                start = 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data
