"""The leak check of a public build: canaries taken from what it withholds (internal articles'
URLs, aliases, ids, titles and text, internal topics, internal blocks, media only internal
articles use), looked for in every output file and path before the site is swapped in.

A canary that the public build may show anyway (found in `public_text`) is left out, and so is
one too short to mean anything: a URL, alias, id or file name under MIN_RAW characters, a title
of one word, a text of fewer than MIN_WORDS words. Text is compared as words (letters and
digits, case folded) after tags, entities, JSON escapes and Markdown syntax are dropped, in runs
of RUN words taken every STEP words: any leaked span of RUN + STEP - 1 words holds a whole run.
Text is looked for in a file's elements and, apart, in its attribute values of several words (a
meta description, an alt text). A file that is not UTF-8 (an image) is checked for URLs, aliases,
ids and file names only."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import math
import re
import zlib
from collections.abc import Iterable
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from urllib.parse import unquote

from ..content.audience import Withheld
from ..errors import Diagnostic, error
from ..runner import Runner
from .leaktext import (CJK, WORD, Matcher, attribute_texts, line_col, markdown_text, page_text, raw_text, spaced,
                       whole_text, word_offsets, words)

RUN = 8  # words in a run of text
STEP = 4  # a run starts every STEP words
MIN_WORDS = 4  # a shorter block or article is not looked for; one of MIN_WORDS..RUN-1 words is, whole
MAX_RUNS = 500  # runs per article or block; a longer text's runs are spread further apart
MIN_RAW = 6  # characters of a URL (without its last `/`), alias, id or file name
SAMPLE = 4  # every SAMPLE-th public text is counted, to key each run by its rarest words
MAX_BYTES = 64 * 1024 * 1024  # of a file (gunzipped) that is read: a gzip bomb is read no further
_EMPHASIS = re.compile(r"\*+|`+|~~")  # left out of the words a message quotes
_CJK_SPACE = re.compile(f" ?({CJK.pattern}) ?")  # the spaces `spaced` put around CJK characters
KIND = "internal content in the public site"
NOUNS = {"url": "URL", "alias": "alias", "id": "id", "title": "title", "media": "file", "text": "text"}


@dataclass(frozen=True, order=True)
class Canary:
    """Something only the internal build may show, and where it comes from."""

    kind: str  # "url" | "alias" | "id" | "title" | "media" | "text"
    shown: str  # what the message quotes (the URL, the title, the words as written)
    source: str  # the content file it comes from (a topic or section: its folder and `/`)
    tokens: tuple[str, ...] = ()  # title and text: the case-folded words to find in a row
    raw: str = ""  # url, alias, id and media: the string to find (bounded by non-word characters)
    key: int = field(default=-1, compare=False)  # the place in `tokens` of its rarest two words, to look it up by

    @property
    def message(self) -> str:
        """What an error about it says."""
        return f"internal {NOUNS.get(self.kind, self.kind)} '{self.shown}' of '{self.source}' is in the public site"


def collect_canaries(withheld: Withheld, public_text: Iterable[str], run: Runner | None = None) -> tuple[Canary, ...]:
    """The canaries of what a public build withholds, less those found in `public_text` (every text
    the public build may show: public articles, as Markdown and as rendered, category titles, site
    strings, theme files), read both as Markdown and as an output file; its jobs on `run` (every
    core, unless it is the plain runner)."""
    found: list[Canary] = []
    for article in sorted(withheld.articles, key=lambda a: a.source):
        found.extend(_raw("url", article.url, article.source))
        for alias in article.aliases:
            found.extend(_raw("alias", alias, article.source))
        found.extend(_raw("id", article.id or "", article.source))
        found.extend(_title(article.title, article.source))
        found.extend(_text(article.summary, article.source))
        found.extend(_text(article.body, article.source))
    for category in sorted(withheld.categories, key=lambda c: (c.key, c.lang, c.url)):
        folder = f"{category.key}/"
        found.extend(_raw("url", category.url, folder))
        found.extend(_title(category.title, folder))
        found.extend(_text(category.description, folder))
    for block in sorted(withheld.blocks, key=lambda b: (b.source, b.line)):
        found.extend(_text(block.text, block.source))
    for media in sorted(set(withheld.media)):
        found.extend(_raw("media", media.rsplit("/", 1)[-1], media))
    unique: dict[tuple, Canary] = {}
    for canary in found:
        unique.setdefault((canary.tokens, canary.raw), canary)
    texts = list(public_text)
    counts: Counter[str] = Counter()  # words and pairs of words
    for text in texts[::SAMPLE]:  # the keys only make the search quick: a sample tells the common words
        tokens = words(markdown_text(text))
        counts.update(tokens)
        counts.update(map(" ".join, zip(tokens, islice(tokens, 1, None))))
    canaries = tuple(replace(c, key=_rarest(c.tokens, counts)) if c.tokens else c for c in unique.values())
    runs, raws = _split(canaries)
    matcher = Matcher([(c.tokens, c.key) for c in runs], [c.raw for c in raws])

    def found_in(text: str) -> tuple[list[int], list[int]]:
        # each text read as Markdown and as a page: a rendered page may show words its Markdown does
        # not seem to (a fence the renderer does not take for one), and the other way round
        decoded = raw_text(text)
        return ([*matcher.find_runs(words(markdown_text(text))), *matcher.find_runs(WORD.findall(page_text(decoded)))],
                list(matcher.find_raws(decoded)))
    common: set[Canary] = set()
    for in_runs, in_raws in (run or Runner()).map("leaks", found_in, texts):
        common.update(runs[i] for i in in_runs)
        common.update(raws[i] for i in in_raws)
    return tuple(c for c in canaries if c not in common)


def _rarest(tokens: tuple[str, ...], counts: Counter[str]) -> int:
    """The place of the two adjacent words of `tokens` least often together in the public text
    (`counts` of words and of pairs, `a b`; then the product of the words' counts, the longest, the first)."""
    return min(range(len(tokens) - 1), key=lambda i: (counts[f"{tokens[i]} {tokens[i + 1]}"],
                                                      (counts[tokens[i]] + 1) * (counts[tokens[i + 1]] + 1),
                                                      -len(tokens[i]) - len(tokens[i + 1]), i))


def find_leaks(staging: Path, paths: Iterable[str], canaries: tuple[Canary, ...], shown: str = "site",
               run: Runner | None = None) -> list[Diagnostic]:
    """An error for each canary in each output file under `staging` named in `paths` (relative posix),
    gzip files read gunzipped, and for each URL or file name in the path itself; `shown` is the
    output folder as the messages name it; `run` as for `collect_canaries`."""
    runs, raws = _split(canaries)
    matcher = Matcher([(c.tokens, c.key) for c in runs], [c.raw for c in raws])

    def found_in(path: str) -> list[tuple[Canary, tuple[int, int]]]:
        file = staging / path
        if not file.is_file():
            return []
        return [*_scan(_contents(file), matcher, runs, raws), *((raws[i], (1, 1)) for i in matcher.find_raws("/" + path))]
    hits: dict[tuple[str, Canary], tuple[int, int]] = {}
    ordered = sorted(set(paths))
    # a file's hits depend on its path, its bytes and the canaries alone: the runner may keep them
    digest = hashlib.sha256(repr([(c.kind, c.shown, c.source, c.tokens, c.raw) for c in sorted(canaries)])
                            .encode("utf-8", "surrogatepass")).hexdigest()
    scans = (run or Runner()).map("leaks", found_in, ordered, salt=digest, key=str, file=lambda path: str(staging / path))
    for path, found in zip(ordered, scans):
        for canary, where in found:
            hits.setdefault((path, canary), where)
    prefix = f"{shown.rstrip('/')}/" if shown else ""
    return sorted(error(f"{prefix}{path}", line, col, canary.message, KIND, in_content=False)
                  for (path, canary), (line, col) in hits.items())


def _split(canaries: Iterable[Canary]) -> tuple[list[Canary], list[Canary]]:
    canaries = list(canaries)
    return [c for c in canaries if c.tokens], [c for c in canaries if c.raw and not c.tokens]


def _raw(kind: str, value: str, source: str) -> list[Canary]:
    raw = unquote(value, errors="replace")
    raw = raw.rstrip("/") if kind in ("url", "alias") else raw
    if len(raw) < MIN_RAW or not WORD.search(raw):
        return []
    return [Canary(kind, value, source, raw=raw)]


def _title(title: str, source: str) -> list[Canary]:
    tokens = tuple(words(title))
    return [Canary("title", title, source, tokens=tokens)] if len(tokens) >= 2 else []


def _text(markdown: str, source: str) -> list[Canary]:
    """Runs of RUN words of the text, every STEP words and the last; a shorter text whole."""
    text = spaced(markdown_text(markdown))
    folded = text.casefold()
    same = len(folded) == len(text)  # then a word's place in `folded` is its place in `text`
    matches = list(WORD.finditer(folded))
    count = len(matches)
    if count < MIN_WORDS:
        return []
    if count < RUN:
        starts, length = [0], count
    else:
        step = max(STEP, math.ceil((count - RUN) / (MAX_RUNS - 1)) if MAX_RUNS > 1 else count)
        starts, length = sorted({*range(0, count - RUN + 1, step), count - RUN}), RUN
    canaries = []
    for start in starts:
        first, last = matches[start], matches[start + length - 1]
        shown = _CJK_SPACE.sub(r"\1", " ".join(_EMPHASIS.sub("", (text if same else folded)[first.start():last.end()]).split()))
        canaries.append(Canary("text", shown, source, tokens=tuple(m[0] for m in matches[start:start + length])))
    return canaries


def _contents(file: Path) -> bytes:
    """The file's first MAX_BYTES bytes, gunzipped (a gzip file that does not read: as it is)."""
    with file.open("rb") as handle:
        data = handle.read(MAX_BYTES)
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                return unzipped.read(MAX_BYTES)  # read in bounded chunks: never more than this in memory
        except (OSError, EOFError, zlib.error):
            return data
    return data


def _scan(data: bytes, matcher: Matcher, runs: list[Canary], raws: list[Canary]) -> list[tuple[Canary, tuple[int, int]]]:
    """The canaries in one file's bytes and where (line, column; 1:1 in a binary file)."""
    try:  # a file that is not UTF-8 is binary (its last character may be cut short at MAX_BYTES)
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return [(raws[index], (1, 1)) for index in matcher.find_raws(data.decode("utf-8", "replace"))]
    lines = text.split("\n")
    found = []
    decoded = raw_text(text)
    folded = page_text(decoded, edges=True)
    tokens = WORD.findall(folded)
    starts = matcher.find_runs(tokens)
    starts = {i: at for i, at in starts.items() if runs[i].kind != "title" or whole_text(folded, at, len(runs[i].tokens))}
    offsets = word_offsets(folded, set(starts.values()))
    for index, start in starts.items():
        line, col = line_col(folded, offsets[start])
        found.append((runs[index], _place(lines, line, col, runs[index].tokens[0], fold=True)))
    values = attribute_texts(decoded)  # each on a line of its own, so that a line is a value
    folded = spaced("\n".join(value for _, value in values)).casefold()
    starts = matcher.find_runs(WORD.findall(folded))
    starts = {i: at for i, at in starts.items() if runs[i].kind != "title" or whole_text(folded, at, len(runs[i].tokens))}
    offsets = word_offsets(folded, set(starts.values()))
    for index, start in starts.items():
        line, col = line_col(decoded, values[line_col(folded, offsets[start])[0] - 1][0])
        found.append((runs[index], _place(lines, line, col, runs[index].tokens[0], fold=True)))
    for index, offset in matcher.find_raws(decoded).items():
        line, col = line_col(decoded, offset)
        found.append((raws[index], _place(lines, line, col, raws[index].raw, fold=False)))
    return found


def _place(lines: list[str], line: int, col: int, needle: str, fold: bool) -> tuple[int, int]:
    """The column of `needle` in the file's line, at or after the column found in its decoded text
    (decoding shortens a line), else its first on the line; that column when it is not there as written."""
    if line > len(lines):
        return line, col
    text = lines[line - 1].casefold() if fold else lines[line - 1]
    at = text.find(needle, col - 1)
    at = at if at >= 0 else text.find(needle)  # CJK: `spaced` made the decoded line longer
    return line, at + 1 if at >= 0 else col
