"""What one Markdown text may cost: Python-Markdown takes time that grows with the square of some
inputs (runs of unmatched `[` or `(`, unclosed `<tag`s and code fences, many inline marks in one
paragraph or code blocks in one text) and
recurses once per level of nested lists and quotes. Those are measured here in one pass over the
text, and a text beyond the limits is refused with the position of its worst part."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MAX_CHARS = 1 << 20  # an article's Markdown; the largest of a real help centre of 2,459 has 160,000
MAX_DEPTH = 32  # lists and quotes inside each other
MAX_BRACKET_SCAN = 2_000_000  # characters read looking for the `]` or `)` that closes each `[`, `](`
MAX_TAG_SCAN = 4_000_000  # characters read looking for the `>` that closes each `<tag`
MAX_INLINE_WORK = 2_000_000_000  # a paragraph's inline marks times its length, summed over paragraphs
MAX_FENCE_SCAN = 50_000_000  # characters read from each code fence never closed to the end
MAX_FENCE_COPY = 4_000_000_000  # code blocks times the text's length

_OPENER = re.compile(r"""(~{3,}|`{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*[ ]*(?:hl_lines=(["']).*?\2[ ]*)?)$""")
_CLOSER = re.compile(r"(~{3,}|`{3,})[ ]*$")
_PREFIX = re.compile(r"^[ \t>]*")
_MARKER = re.compile(r"^(?:[-*+]|\d+[.)])(?:[ \t]|$)")
_TAG = re.compile(r"</?[A-Za-z]")
_PARENS = re.compile(r"[()'\"]")
_MARK_CHARS = "\\`*_[<&!"
_DEEP = re.compile(r"^[ \t>]{%d}" % (MAX_DEPTH + 1), re.M)


@dataclass(frozen=True)
class Problem:
    """Where a text goes beyond a limit: 1-based line and column in the text, and why."""

    line: int
    col: int
    message: str


def check_cost(text: str) -> Problem | None:
    """The first limit `text` goes beyond, or None."""
    size = len(text)
    if size > MAX_CHARS:
        return Problem(1, 1, f"too long: {size:,} characters of Markdown (at most {MAX_CHARS:,}); split it")
    # Quick answers first (most articles): no scan reads more than the whole text, and a
    # nesting deeper than the limit needs a line starting with more marks than the limit.
    deep = _DEEP.search(text) is not None
    fences = text.count("```") + text.count("~~~")
    scans = ((text.count("[") + text.count("](")) * size > MAX_BRACKET_SCAN or text.count("<") * size > MAX_TAG_SCAN
             or sum(map(text.count, _MARK_CHARS)) * size > MAX_INLINE_WORK or fences * size > MAX_FENCE_SCAN)
    if not deep and not scans:
        return None
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    code, problem = _fences(lines, starts, size) if fences else ({}, None)
    if problem is not None:
        return problem
    prose: list[tuple[int, int]] = []  # (first line, end line) of each paragraph outside fenced code
    first = None
    number = 0
    while number < len(lines):
        if number in code:  # fenced code: set aside before Markdown reads HTML, lists or links
            if first is not None:
                prose.append((first, number))
                first = None
            for fenced in range(number, code[number] + 1):
                lines[fenced] = ""
            number = code[number] + 1
            continue
        line = lines[number]
        depth = _depth(line) if deep else 0
        if depth > MAX_DEPTH:
            return Problem(number + 1, 1, f"nested too deeply: {depth} levels of lists and quotes (at most {MAX_DEPTH})")
        if not line.strip():
            if first is not None:
                prose.append((first, number))
                first = None
        elif first is None:
            first = number
        number += 1
    if not scans:
        return None
    if first is not None:
        prose.append((first, len(lines)))
    if code:  # the same lines and columns, without the code
        text = "\n".join(lines)
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
    return _scans(text, starts, prose)


def _fences(lines: list[str], starts: list[int], size: int) -> tuple[dict[int, int], Problem | None]:
    """Fenced code blocks as Python-Markdown finds them ({first line: last line}), or a problem: it
    reads from an opening fence that is never closed to the end of the text, and copies the whole
    text for every block it sets aside."""
    closers: dict[str, list[int]] = {}
    openers: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        if line[:3] in ("```", "~~~"):
            closer = _CLOSER.match(line)
            if closer:
                closers.setdefault(closer.group(1), []).append(number)
            opener = _OPENER.match(line)
            if opener:
                openers.append((number, opener.group(1)))
    code: dict[int, int] = {}
    unclosed = 0
    after = -1
    for number, fence in openers:
        if number <= after:
            continue
        found = closers.get(fence, [])
        index = bisect.bisect_right(found, number)
        if index < len(found):
            code[number] = after = found[index]
        else:
            unclosed += size - starts[number]
            if unclosed > MAX_FENCE_SCAN:
                return code, Problem(number + 1, 1, f"too many code fences ('{fence}') never closed (Markdown would "
                                                    f"take minutes to read them); close each with a line '{fence}'")
    if len(code) * size > MAX_FENCE_COPY:
        first = sorted(code)[0]
        return code, Problem(first + 1, 1, f"too many code blocks ({len(code):,}) for an article this long "
                                           "(Markdown would take minutes to read them); split it")
    return code, None


def _depth(line: str) -> int:
    """Levels of quotes and of list indentation (four columns each) before a list item or quote."""
    if not line or line[0] not in " \t>":
        return 0
    prefix = _PREFIX.match(line).group()  # type: ignore[union-attr]
    rest = line[len(prefix):]
    quotes = prefix.count(">")
    if not quotes and not _MARKER.match(rest):
        return 0  # text or code indented deeply is not nesting
    indent = prefix.rpartition(">")[2].expandtabs(4)  # the spaces between `>` marks are no indentation
    columns = len(indent) - (1 if quotes and indent.startswith(" ") else 0)
    return quotes + columns // 4


def _scans(text: str, starts: list[int], prose: list[tuple[int, int]]) -> Problem | None:
    brackets = work = 0
    for first, end in prose:
        begin = starts[first]
        stop = starts[end] - 1 if end < len(starts) else len(text)
        chunk = text[begin:stop]
        cost, worst = _bracket_cost(chunk)
        brackets += cost
        if brackets > MAX_BRACKET_SCAN:
            char = chunk[worst]
            return _at(text, begin + worst, f"too many '{char}' without a near '{']' if char == '[' else ')'}' to close "
                                            f"them (Markdown would take minutes to read them); write '\\{char}' for "
                                            "one that is not a link")
        marks = sum(map(chunk.count, _MARK_CHARS))
        work += marks * len(chunk)
        if work > MAX_INLINE_WORK:
            return _at(text, begin, "paragraph too long for its many marks such as '*', '_', '[', '<', '\\', '&' "
                                    "(Markdown would take minutes to read it); split it with blank lines")
    cost, worst = _tag_cost(text)
    if cost > MAX_TAG_SCAN:
        return _at(text, worst, "too many '<' without a near '>' to close them (Markdown would take minutes to "
                                "read them); write '&lt;' for one that opens no HTML tag")
    return None


def _bracket_cost(chunk: str) -> tuple[int, int]:
    """Characters Python-Markdown reads to close each `[` (its matching `]`, else the end) and each
    `](` (its matching `)`, else the end; a quote inside may take it to the end), and the worst opener."""
    cost = 0
    worst, worst_cost = 0, -1
    opened: list[int] = []
    for match in re.finditer(r"[\[\]]", chunk):
        index = match.start()
        if chunk[index] == "[":
            opened.append(index)
        elif opened:
            start = opened.pop()
            cost += index - start
            if index - start > worst_cost:
                worst, worst_cost = start, index - start
    for start in opened:
        cost += len(chunk) - start
        if len(chunk) - start > worst_cost:
            worst, worst_cost = start, len(chunk) - start
    if "](" not in chunk:
        return cost, worst
    closes = _closing_parens(chunk)
    quotes = [m.start() for m in re.finditer("['\"]", chunk)]
    for match in re.finditer(r"\]\(", chunk):
        start = match.end()
        end = closes.get(start - 1, len(chunk))
        after = bisect.bisect_left(quotes, start)
        if after < len(quotes) and quotes[after] < end:
            end = len(chunk)  # a title: the scan may go on to the end
        cost += end - start
        if end - start > worst_cost:
            worst, worst_cost = start - 1, end - start
    return cost, worst


def _closing_parens(chunk: str) -> dict[int, int]:
    """The index of the `)` that closes each `(`, counting nested pairs."""
    closes: dict[int, int] = {}
    opened: list[int] = []
    for token in _PARENS.finditer(chunk):
        if token.group() == "(":
            opened.append(token.start())
        elif token.group() == ")" and opened:
            closes[opened.pop()] = token.start()
    return closes


def _tag_cost(text: str) -> tuple[int, int]:
    """Characters the HTML parser reads from each `<tag` to the next `>`, and the worst `<tag`."""
    cost = 0
    worst, worst_cost = 0, -1
    close = -1
    for match in _TAG.finditer(text):
        start = match.start()
        if close < start and close != len(text):
            close = text.find(">", start)
            close = len(text) if close < 0 else close
        cost += close - start
        if close - start > worst_cost:
            worst, worst_cost = start, close - start
    return cost, worst


def _at(text: str, index: int, message: str) -> Problem:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return Problem(line, col, message)
