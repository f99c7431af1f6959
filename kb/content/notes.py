"""Agent notes: `> [!INTERNAL]` blocks in an article's Markdown.

A block is the marker's line and every line after it up to the next blank line or code fence, as
Markdown reads a quote (lines without `>` carry on its paragraph). Code is what both Python-Markdown's
fenced_code and a reader take for code: after a fence that is never closed, is indented or has more
than a language after it, Markdown reads on as text, and a note there is a note; one before a
closing fence Markdown does not take (```` for ```) is a note too, to be safe. The public build blanks a block's lines, so
that its text reaches nothing (not the page, excerpt, search index or feed) and every other line
keeps its number; the internal build keeps it, every line quoted, for the renderer's "Internal"
callout. A marker anywhere else (`> > [!INTERNAL]`, mid-line) would publish what it was meant to
hide: it is an error, except in code; so is a quote opening with a marker misspelt (`> [! INTERNAL]`,
`> [INTERNAL]`, fullwidth brackets), which Markdown would publish as a quote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markdown.extensions.fenced_code import FencedBlockPreprocessor

MARKER = "[!INTERNAL]"
_START = re.compile(r"^([ \t]*)>[ \t]?\[!internal\]", re.I)
_ANYWHERE = re.compile(r"\[!internal\]", re.I)
_NEAR = re.compile(r"^[ \t]*>[ \t>]*(\[[^\]\w\n]{0,3}internal[^\]\w\n]{0,3}\])", re.I)  # `> [! INTERNAL]`, `> [INTERNAL]`
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_FENCED = FencedBlockPreprocessor.FENCED_BLOCK_RE  # a code block as the fenced_code extension finds it
_BLANK = re.compile(r"^ +$", re.M)
# a code span read alike by every reading of backticks (no backtick inside): a marker in it is code;
# one in a span read otherwise is reported rather than risked. Linear: each try ends at a backtick.
_CODE_SPAN = re.compile(r"(?<!`)(`+)([^`]+)\1(?!`)")
_QUOTED = re.compile(r"^[ \t]*>[ \t]?")


@dataclass(frozen=True)
class Block:
    """An agent note taken out of a public article: where it was, and its text."""

    source: str  # the article's path
    line: int  # the line of `> [!INTERNAL]` in that file
    text: str  # its Markdown, without the quote markers


@dataclass(frozen=True)
class Notes:
    """An article's body with its agent notes blanked (public) or quoted throughout (internal)."""

    body: str
    blocks: tuple[Block, ...] = ()
    stray: tuple[tuple[int, int], ...] = ()  # (line, column) of each marker that opens no block


def find_notes(body: str, body_line: int, source: str, keep: bool) -> Notes:
    """The agent notes of `body` (whose first line is line `body_line` of `source`): blanked, or
    with `keep` quoted on every line; and where a marker opens no block."""
    lowered = body.lower()
    if "internal" not in lowered and "ｉｎｔｅｒｎａｌ" not in lowered:
        return Notes(body)
    lines = body.split("\n")
    blocks: list[Block] = []
    stray: list[tuple[int, int]] = []
    code = code_lines(body)
    index = 0
    while index < len(lines):
        line = lines[index]
        if index in code:
            index += 1
            continue
        start = _START.match(line)
        if start is None:
            for match in _ANYWHERE.finditer(_CODE_SPAN.sub(lambda m: " " * len(m[0]), line)) if _ANYWHERE.search(line) else ():
                stray.append((body_line + index, match.start() + 1))
            near = _NEAR.match(unicodedata.normalize("NFKC", line)) if line.lstrip().startswith(">") else None
            if near is not None and _ANYWHERE.search(line) is None:  # a marker misspelt: published as a quote
                stray.append((body_line + index, near.start(1) + 1))
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() and not _FENCE.match(lines[end]):
            end += 1  # a fence opens code, as Markdown reads it: the note ends before it
        indent = start.group(1)
        text = [line[start.end():].strip()] + [_QUOTED.sub("", lines[i], count=1) for i in range(index + 1, end)]
        blocks.append(Block(source, body_line + index, "\n".join(text).strip()))
        for i in range(index, end):
            if not keep:
                lines[i] = ""
            elif i > index:  # quoted alike, a line carrying on the quote's paragraph among them
                rest = _QUOTED.sub("", lines[i], count=1) if _QUOTED.match(lines[i]) else lines[i].strip()
                lines[i] = f"{indent}> {rest}"
        index = end
    return Notes("\n".join(lines), tuple(blocks), tuple(stray))


def code_lines(body: str) -> set[int]:
    """The indexes of the lines of `body` in fenced code blocks, found as Python-Markdown finds
    them (after its whitespace normalisation, which keeps every line where it was)."""
    if "```" not in body and "~~~" not in body:
        return set()
    text = _BLANK.sub("", body.expandtabs(4))
    lines: set[int] = set()
    for match in _FENCED.finditer(text):
        first = text.count("\n", 0, match.start())
        lines.update(range(first, first + match.group(0).count("\n") + 1))
    return lines & _read_as_code(body)


def _read_as_code(body: str) -> set[int]:
    """The indexes of the lines of `body` a reader takes for code: from a fence to one as long or
    longer, indented or not."""
    lines: set[int] = set()
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        opened = _FENCE.match(line)
        if fence is not None:
            lines.add(index)
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
        elif opened:
            fence = opened.group(1)
            lines.add(index)
    return lines

