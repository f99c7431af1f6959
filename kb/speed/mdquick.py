"""Quicker parts for Python-Markdown, each giving the same output as the part it replaces
(tests/unit/test_content_markdown.py renders the example, generated and real articles, and random text, with
and without them).

The inline step tries a pattern only on text that could match it. Python-Markdown runs every
inline pattern's regular expression over every run of text, about fifteen per paragraph, list
item and cell; most text has none of the characters those patterns start with. This inline
processor skips a pattern when its text lacks every character any match of it must contain, and
tries it exactly as Python-Markdown does otherwise, so the output is the same. A pattern kb does
not know about is always tried.

The others make once per Markdown instance what Python-Markdown makes for every block, element
or heading: the answer to whether a tag is block-level, the ordered list of block processors,
the inner HTML of a heading of plain text; the unescaping step skips text with nothing to
unescape; and the tests of headings, rules, quotes, tables and admonitions say no at once to a
block without the characters they look for.

Importing this module changes nothing: `quicken` installs these parts on one Markdown instance
kb made. Those that rely on a private part of Python-Markdown check first that it is there as
expected, and are left out when it is not (the same output, more slowly).
"""

from __future__ import annotations

import functools
import inspect
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown, inlinepatterns, util
from markdown.blockprocessors import (
    BlockProcessor,
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions import toc as _toc
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.extensions.tables import TableProcessor
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor

from .highlight import quicken_code
from .rebind import replace, with_globals

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


def quicken(md: Markdown) -> None:
    """Give a Markdown instance, once its extensions are loaded, the quicker parts of this module."""
    treeprocessors = md.treeprocessors
    if type(treeprocessors["inline"]) is InlineProcessor and inline_fits(InlineProcessor):
        replace(treeprocessors, "inline", QuickInlineProcessor(md))
    if type(treeprocessors["unescape"]) is UnescapeTreeprocessor:
        replace(treeprocessors, "unescape", _QuickUnescape)
    if "toc" in treeprocessors and type(treeprocessors["toc"]) is _toc.TocTreeprocessor and _quick_toc() is not None:
        replace(treeprocessors, "toc", _quick_toc())
    md.is_block_level = _block_level_test(tuple(md.block_level_elements))  # type: ignore[method-assign]
    blocks = md.parser.blockprocessors
    if registry_fits(blocks):
        blocks.__class__ = _ListedRegistry  # iterated for every block
    for processor in blocks:
        quick = _QUICK_BLOCKS.get(type(processor))
        if quick is not None:
            processor.__class__ = quick
    quicken_code(md)


def inline_fits(kind: type) -> bool:
    """Whether `kind` has the two private methods QuickInlineProcessor relies on, as Python-Markdown
    3.x has them: its `run` calls `__handleInline(data, patternIndex=0)`, which calls
    `__applyPattern(pattern, data, patternIndex, startIndex=0)` and returns (data, matched, start)."""
    handle = vars(kind).get("_InlineProcessor__handleInline")
    apply = vars(kind).get("_InlineProcessor__applyPattern")
    run = vars(kind).get("run")
    if not all(callable(f) and hasattr(f, "__code__") for f in (handle, apply, run)):
        return False
    return ("_InlineProcessor__handleInline" in run.__code__.co_names  # type: ignore[union-attr]
            and "_InlineProcessor__applyPattern" in handle.__code__.co_names  # type: ignore[union-attr]
            and _parameters(handle) == ["self", "data", "patternIndex"]
            and _parameters(apply) == ["self", "pattern", "data", "patternIndex", "startIndex"])


def registry_fits(registry: object) -> bool:
    """Whether `registry` is Python-Markdown's own Registry with the private flag _ListedRegistry reads."""
    return type(registry) is util.Registry and isinstance(vars(registry).get("_is_sorted"), bool)


def _parameters(function: Callable) -> list[str]:
    return list(inspect.signature(function).parameters)


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
        self._any: frozenset[str] | None = None  # every character some pattern needs; None: some pattern is unknown

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        patterns = list(self.inlinePatterns)
        if patterns != self._patterns:  # an extension may register patterns after this was made
            self._patterns, self._needs = patterns, [needs(pattern) for pattern in patterns]
            known = [need for need in self._needs if need is not None]
            self._any = frozenset().union(*known) if len(known) == len(self._needs) else None
        return super().run(tree, ancestors)

    # InlineProcessor calls this private method by its mangled name; this is the same loop with two tests added.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        chars = set(data)  # matches only take characters away, so what is missing stays missing
        if self._any is not None and self._any.isdisjoint(chars):
            return data  # no pattern can match
        patterns, wanted = self._patterns, self._needs
        apply = self._InlineProcessor__applyPattern
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


class _QuickUnescape(UnescapeTreeprocessor):
    """Python-Markdown's last tree step, which puts back backslash-escaped characters, without
    running its expression over text that has no escaped character (none has its start marker)."""

    def unescape(self, text: str) -> str:
        return super().unescape(text) if "\x02" in text else text


def _guarded(kind: type[BlockProcessor], needles: tuple[str, ...]) -> type[BlockProcessor]:
    """`kind` with a test that says no at once to a block holding none of `needles`, one of which
    every block its own test accepts holds."""

    def test(self: BlockProcessor, parent: etree.Element, block: str) -> bool:
        return any(needle in block for needle in needles) and kind.test(self, parent, block)

    return type(f"Quick{kind.__name__}", (kind,), {"test": test, "__doc__": kind.__doc__})


class _QuickSetext(SetextHeaderProcessor):
    """A setext heading is a first line underlined with `=` or `-` on the next."""

    def test(self, parent: etree.Element, block: str) -> bool:
        newline = block.find("\n")
        return newline >= 0 and block[newline + 1:newline + 2] in ("=", "-") and super().test(parent, block)


class _QuickAdmonition(AdmonitionProcessor):
    """An admonition starts with `!!!`, or continues the one before it with an indented block."""

    def test(self, parent: etree.Element, block: str) -> bool:
        if "!!!" not in block and self.current_sibling is None and not block.startswith(" " * self.tab_length):
            return False
        return super().test(parent, block)


# Block tests run for every block; these say no at once to a block their expression cannot match.
_QUICK_BLOCKS: dict[type, type] = {
    TableProcessor: _guarded(TableProcessor, ("|",)),  # which splits a block's first row character by character
    HashHeaderProcessor: _guarded(HashHeaderProcessor, ("#",)),
    BlockQuoteProcessor: _guarded(BlockQuoteProcessor, (">",)),
    HRProcessor: _guarded(HRProcessor, ("-", "_", "*")),
    SetextHeaderProcessor: _QuickSetext,
    AdmonitionProcessor: _QuickAdmonition,
}


class _ListedRegistry(util.Registry):
    """A Registry that keeps its items in order as a list until one is added or removed:
    Python-Markdown's makes that list again each time it is iterated."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        listed = self.__dict__.get("_listed")
        if listed is None or not self._is_sorted:
            listed = self.__dict__["_listed"] = list(super().__iter__())
        return iter(listed)

    def register(self, item, name, priority):  # type: ignore[no-untyped-def]
        self.__dict__.pop("_listed", None)
        super().register(item, name, priority)

    def deregister(self, name, strict=True):  # type: ignore[no-untyped-def]
        self.__dict__.pop("_listed", None)
        super().deregister(name, strict)


def _block_level_test(names: tuple[str, ...]) -> Callable[[object], bool]:
    """Markdown.is_block_level for these block-level names, remembering its answer for each tag:
    Python-Markdown looks the tag up in a list of about 50 names, about 100 times an article.
    (kb's extensions leave the list as it is once they are loaded.)"""
    blocks = frozenset(names)
    known: dict[object, bool] = {}

    def is_block_level(tag: object) -> bool:
        found = known.get(tag)
        if found is None:
            found = known[tag] = isinstance(tag, str) and tag.lower().rstrip("/") in blocks
        return found

    return is_block_level


_NOT_PLAIN = re.compile("[&<>\x02\x03]")  # escaped by the serializer, or a placeholder a postprocessor replaces


def _inner_html(element: etree.Element, md: Markdown) -> str:
    """The table of contents' `render_inner_html`, without serializing a heading of plain text:
    text with no children, no character the serializer escapes and no placeholder is its own inner
    HTML, stripped (kb's postprocessors change only placeholders and tags)."""
    text = element.text
    if text and not len(element) and not _NOT_PLAIN.search(text):
        return text.strip()
    return _toc.render_inner_html(element, md)


@functools.cache
def _quick_toc() -> type | None:
    """The table of contents' processor rendering each heading's inner HTML by `_inner_html`."""
    plain, render = _toc.TocTreeprocessor, getattr(_toc, "render_inner_html", None)  # Python-Markdown 3.6 and later
    run = with_globals(plain.run, render_inner_html=(render, _inner_html)) if render is not None else None
    return None if run is None else type("QuickTocTreeprocessor", (plain,), {"run": run, "__doc__": plain.__doc__})
