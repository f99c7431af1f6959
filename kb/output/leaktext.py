"""The text the leak check compares: words of Markdown and of output files, made alike (tags,
entities, JSON escapes and Markdown syntax dropped, case folded), and a matcher that finds many
word runs and raw strings in one pass over a file (`kb.output.leaks` builds the canaries)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from itertools import islice
from urllib.parse import unquote

# a word: a run of letters and digits; a CJK character is one (those scripts put no space between words)
WORD = re.compile(r"[^\W_]+")
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TAG = re.compile(r"<[A-Za-z/!?][^<>\n]*>")  # `a < b` is text; a tag starts with a name, `/`, `!` or `?`
_TAG_LINES = re.compile(r"<[A-Za-z/!?][^<>]*>")
_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.I)
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
_SIMPLE = {"n": " ", "r": " ", "t": " ", "b": " ", "f": " "}  # a space: a line of the file stays a line
# Markdown syntax that leaves no words in the page: fence markers, reference definitions,
# abbreviation definitions, images (their alt text is an attribute), link targets, attribute lists
_MD_LINES = re.compile(r"^ {0,3}(?:(?:```|~~~).*|\[[^\]\n]+\]:[ \t]*\S.*|\*\[[^\]\n]+\]:.*)$", re.M)
# each stops at the next opening bracket: a line of many `](` costs no more than a line
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]{0,1000}\]\([^()\n]{0,2000}\)")
_MD_TARGET = re.compile(r"\]\([^()\n]{0,2000}\)|\]\[[^\[\]\n]{0,1000}\]")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]{1,2000})>")
_MD_ATTRS = re.compile(r"\{[:#.][^{}\n]{0,1000}\}|\[TOC\]|\[![A-Za-z]+\]")  # and a callout's `[!NOTE]` marker


def _unjson(text: str) -> str:
    """`text` with JSON's backslash escapes decoded (`\\u00e9`, `\\/`, `\\"`; `\\n` as a space)."""
    if "\\" not in text:
        return text
    text = _PAIR.sub(lambda m: chr(0x10000 + ((int(m[1], 16) - 0xD800) << 10) + int(m[2], 16) - 0xDC00), text)

    def one(match: re.Match) -> str:
        escape = match[1]
        if len(escape) == 5:
            code = int(escape[1:], 16)
            return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)
        return _SIMPLE.get(escape, escape)
    return _ESCAPE.sub(one, text)


EDGE = "\x1f"  # where a tag was, in `page_text(..., edges=True)`: no word, but the edge of an element's text


def _untag(text: str, edges: bool = False) -> str:
    """`text` with each tag replaced by a space (by its line breaks, for a tag across lines); with
    `edges`, by a space and EDGE."""
    gap = f" {EDGE} " if edges else " "
    text = _TAG.sub(gap, text)
    return _TAG_LINES.sub(lambda m: gap + "\n" * m[0].count("\n"), text) if "<" in text else text


def raw_text(raw: str) -> str:
    """An output file with entities, JSON escapes and percent escapes decoded, for URLs and names."""
    return unquote(_unjson(html.unescape(raw)), errors="replace")


def page_text(decoded: str, edges: bool = False) -> str:
    """The words a file decoded by `raw_text` shows (HTML, JSON, XML, JavaScript): tags dropped (an
    escaped tag too, as Markdown's; with `edges`, marked by EDGE), a line of the file still a line,
    CJK spaced, case folded."""
    return spaced(_untag(decoded, edges)).casefold()


_EDGES = re.compile(f'[{EDGE}"\n]')


def whole_text(folded: str, start: int, length: int) -> bool:
    """Whether the `length` words from word `start` of `folded` (made with edges) are the whole
    text of an element, a JSON string or a line: a title, rather than words of a sentence that
    happen to read like one, or of two elements side by side."""
    spans = [m.span() for m in WORD.finditer(folded)]
    end = start + length - 1
    if end >= len(spans):
        return False
    before = folded[spans[start - 1][1] if start > 0 else 0:spans[start][0]]
    after = folded[spans[end][1]:spans[end + 1][0] if end + 1 < len(spans) else len(folded)]
    return (start == 0 or _EDGES.search(before) is not None) and (end + 1 == len(spans) or _EDGES.search(after) is not None)


def markdown_text(markdown: str) -> str:
    """The words Markdown (or a template) would show, in the order a page shows them, as written."""
    text = _MD_LINES.sub("", markdown)
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_TARGET.sub("] ", text)
    text = _MD_AUTOLINK.sub(r" \1 ", text)
    text = _MD_ATTRS.sub(" ", text)
    return html.unescape(_untag(text))


_ATTRIBUTE = re.compile(r"""=[ \t]*(?:"([^"<>\n]*)"|'([^'<>\n]*)')""")


def attribute_texts(decoded: str) -> list[tuple[int, str]]:
    """The quoted attribute values of several words (`content`, `alt`, `title`…) and their offsets:
    text a page holds outside its elements' text."""
    values = ((match.start(), match[1] if match[1] is not None else match[2]) for match in _ATTRIBUTE.finditer(decoded))
    return [(start, value) for start, value in values if " " in value]


def spaced(text: str) -> str:
    """`text` with a space around each CJK character, so that WORD takes each for a word."""
    return CJK.sub(r" \g<0> ", text) if CJK.search(text) else text


def words(text: str) -> list[str]:
    """The case-folded words of `text` (normalised by `page_text` or `markdown_text`)."""
    return WORD.findall(spaced(text).casefold())


_ASCII_WORD = re.compile("[A-Za-z0-9]+")
_ASCII_TABLE = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))
FEW_KEYS = 8  # keys found in a text up to which each is looked for alone (str.find, list.index)


def _occurrences(within: str | list[str], key: str) -> list[int]:
    """Where `key` is in `within` (a string: as a substring; a list: as an item)."""
    places, at = [], -1
    find = within.find if isinstance(within, str) else None
    while True:
        if find is not None:
            at = find(key, at + 1)
            if at < 0:
                break
        else:
            try:
                at = within.index(key, at + 1)
            except ValueError:
                break
        places.append(at)
    return places


def _word_char(char: str) -> bool:
    return char.isalnum() or char in "-_"


class Matcher:
    """Finds word runs (`runs[i]`, case-folded words, two or more) and raw strings (`raws[i]`, as
    written, bounded: no letter, digit, `-` or `_` may touch an end that is one) in a text, in time
    linear in the text. A run is keyed by two adjacent words of it, a raw string by its longest
    piece: a text holding no key costs a few set operations done in C; each place a run's key is
    found, one dict lookup per shape (place of the key, length) of the runs it keys; each key of a
    raw string found, a str.find of each raw string it keys."""

    def __init__(self, runs: Sequence[tuple[tuple[str, ...], int]], raws: Sequence[str]) -> None:
        """`runs`: each run's words and the place of the pair of words to key it by (-1: its longest)."""
        self.run_keys: dict[tuple[str, str], list[tuple[int, int]]] = {}  # pair -> [(its place, the length)]
        self.run_index: dict[tuple[str, ...], list[int]] = {}  # run -> its indexes in `runs`
        self.run_firsts: dict[str, set[str]] = {}  # a key's first word -> the second words of its keys
        for index, (run, place) in enumerate(runs):
            if len(run) >= 2:
                if not 0 <= place < len(run) - 1:
                    place = max(range(len(run) - 1), key=lambda i: (len(run[i]) + len(run[i + 1]), -i))
                self.run_firsts.setdefault(run[place], set()).add(run[place + 1])
                shapes = self.run_keys.setdefault((run[place], run[place + 1]), [])
                if (place, len(run)) not in shapes:
                    shapes.append((place, len(run)))
                self.run_index.setdefault(tuple(run), []).append(index)
        self.raw_keys: dict[str, list[str]] = {}  # piece -> the raw strings it keys
        self.raw_index: dict[str, list[int]] = {}  # raw string -> its indexes in `raws`
        for index, raw in enumerate(raws):
            pieces = _ASCII_WORD.findall(raw) or WORD.findall(spaced(raw))
            if pieces:
                if raw not in self.raw_index:
                    self.raw_keys.setdefault(max(pieces, key=len), []).append(raw)  # the first of the longest
                self.raw_index.setdefault(raw, []).append(index)
        # the keys that are ASCII letters and digits, as bytes
        self.ascii_keys = {key.encode("ascii"): key for key in self.raw_keys if _ASCII_WORD.fullmatch(key)}
        self.wide_keys = self.raw_keys.keys() - set(self.ascii_keys.values())  # none of ASCII: found by WORD

    def find_runs(self, tokens: list[str]) -> dict[int, int]:
        """Run index -> the word index where it first starts in `tokens`."""
        found: dict[int, int] = {}
        if self.run_firsts.keys().isdisjoint(tokens):
            return found
        pairs = self.run_keys.keys() & set(zip(tokens, islice(tokens, 1, None)))  # the keys in the text, found in C
        if not pairs:
            return found
        firsts = {first for first, _ in pairs}
        if len(firsts) <= FEW_KEYS:  # look for each: list.index is fast
            places = sorted(at for word in firsts for at in _occurrences(tokens, word))
        else:  # one pass over the words
            places = [at for at, word in enumerate(tokens) if word in firsts]
        last = len(tokens) - 1
        lookup = self.run_index.get
        for at in places:
            if at < last and (pair := (tokens[at], tokens[at + 1])) in pairs:
                for place, length in self.run_keys[pair]:
                    start = at - place
                    if start >= 0:
                        for index in lookup(tuple(tokens[start:start + length]), ()):
                            if found.get(index, start) >= start:
                                found[index] = start
        return found

    def find_raws(self, text: str) -> dict[int, int]:
        """Raw string index -> the character offset where it first occurs in `text`, bounded."""
        found: dict[int, int] = {}
        # the ASCII words of the text, cut by bytes.translate (fast): every other byte is a separator
        ascii_words = set(text.encode("utf-8", "surrogatepass").translate(_ASCII_TABLE).split())
        keys = {self.ascii_keys[key] for key in self.ascii_keys.keys() & ascii_words}
        if self.wide_keys:
            keys |= self.wide_keys & set(WORD.findall(spaced(text)))
        for key in keys:  # each raw string its key stands for, looked for whole (str.find: in C)
            for raw in self.raw_keys[key]:
                at = text.find(raw)
                while at >= 0 and not self._bounded(text, raw, at):
                    at = text.find(raw, at + 1)
                if at >= 0:
                    for index in self.raw_index[raw]:
                        found[index] = at
        return found

    @staticmethod
    def _bounded(text: str, raw: str, start: int) -> bool:
        end = start + len(raw)
        if _word_char(raw[0]) and start > 0 and _word_char(text[start - 1]):
            return False
        return not (_word_char(raw[-1]) and end < len(text) and _word_char(text[end]))


def word_offsets(text: str, indexes: set[int]) -> dict[int, int]:
    """The character offset in `text` of each word index in `indexes` (as WORD.findall counts them)."""
    offsets: dict[int, int] = {}
    if indexes:
        last = max(indexes)
        for number, match in enumerate(WORD.finditer(text)):
            if number in indexes:
                offsets[number] = match.start()
            if number >= last:
                break
    return offsets


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
