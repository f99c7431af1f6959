"""Links in raw HTML (`<img src="img/x.jpg">` in an article): found, and rewritten as Markdown's are.

Python-Markdown keeps raw HTML aside as pieces of text, so the link step never sees their tags.
This module reads such text as a browser does, left to right: a whole tag at a time (so that a
quoted attribute value, `title="<img src=x>"`, is part of its own tag), comments, and the text
of the elements whose text is not HTML (`<script>`, `<style>`, `<textarea>`, `<title>`, …),
all left alone. It hands each link attribute (and each URL of a `srcset`) to a function that
may give a new value; the rest of the text is left exactly as written, quotes included.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable

# the attributes that name a URL, by tag: "image" (its target must exist), "link", or "srcset"
# (a list of image URLs, each with its width or density)
LINKS: dict[str, dict[str, str]] = {
    "a": {"href": "link"}, "area": {"href": "link"}, "iframe": {"src": "link"},
    "img": {"src": "image", "srcset": "srcset"}, "source": {"src": "image", "srcset": "srcset"},
    "video": {"src": "image", "poster": "image"}, "audio": {"src": "image"}, "track": {"src": "image"},
    "embed": {"src": "image"},
}
# elements whose text is not HTML (raw text and RCDATA): left as written up to their end tag.
# <noscript> is not among them: with scripts off, browsers show its HTML (a lazy image's fallback).
RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"})
# a piece without a start tag of these names has nothing to rewrite and leaves no element open
# (most pieces are Pygments' highlighted code: spans only)
_WORTH_READING = re.compile("<(?:" + "|".join(sorted({*LINKS, *RAW_TEXT})) + r")[\t\n\f\r />]", re.I)
_SPACE = "\t\n\f\r "
_NAME = re.compile(r"[^\t\n\f\r />]*")  # a tag's name
_GAP = re.compile(r"[\t\n\f\r /]*")  # before an attribute
_ATTR_NAME = re.compile(r"[^\t\n\f\r />=]*")
_SPACES = re.compile(r"[\t\n\f\r ]*")
_BARE = re.compile(r"[^\t\n\f\r >]*")  # a value without quotes
_COMMENT_END = re.compile(r"--!?>")
_BARE_UNSAFE = frozenset(_SPACE + "\"'=<>`")  # what an attribute value without quotes may not hold

Rewrite = Callable[[str, bool], "str | None"]  # (the value as written, an image?) -> a new value, or None to keep it


def rewrite_links(text: str, rewrite: Rewrite) -> str:
    """`text` with the value of every link attribute of its start tags passed through `rewrite`."""
    return _rewrite(text, rewrite, None)[0]


def rewrite_pieces(pieces: Iterable[object], rewrite: Rewrite) -> list[object]:
    """Pieces of one document's raw HTML, in order, each rewritten as by `rewrite_links`; an element
    whose text is not HTML may open in one piece and end in a later one (what is not text is kept)."""
    inside: str | None = None
    out: list[object] = []
    for piece in pieces:
        if isinstance(piece, str) and (inside or _WORTH_READING.search(piece)):
            piece, inside = _rewrite(piece, rewrite, inside)
        out.append(piece)
    return out


def _rewrite(text: str, rewrite: Rewrite, inside: str | None) -> tuple[str, str | None]:
    """`text` rewritten, starting inside the element `inside` (its text not HTML); and the element
    of that kind still open at its end."""
    out: list[str] = []
    done = at = 0
    if inside:
        at = _end_of_raw_text(text, 0, inside)
        if at < 0:
            return text, inside
    while True:
        at = text.find("<", at)
        if at < 0 or at + 1 >= len(text):
            break
        following = text[at + 1]
        if following.isascii() and following.isalpha():
            tag = _tag(text, at + 1)
            if tag is None:  # the text ends inside the tag: nothing after its start is a tag
                break
            end, name, attrs = tag
            for start, stop, new in _changes(text, name, attrs, rewrite):
                out += [text[done:start], new]
                done = stop
            at = end
            if name in RAW_TEXT:
                at = _end_of_raw_text(text, at, name)
                if at < 0:
                    return "".join(out) + text[done:], name
        elif text.startswith("<!--", at):
            at = _end_of_comment(text, at + 4)
        elif following == "/" and at + 2 < len(text) and text[at + 2].isascii() and text[at + 2].isalpha():
            tag = _tag(text, at + 2)  # an end tag: its attributes, if any, are read and ignored
            if tag is None:
                break
            at = tag[0]
        elif following in "!?/":  # <!DOCTYPE>, <![CDATA[…]]>, <?…>, </…>: a bogus comment up to '>'
            found = text.find(">", at + 2)
            at = len(text) if found < 0 else found + 1
        else:
            at += 1  # a '<' in the text
    return "".join(out) + text[done:], None


def _tag(text: str, at: int) -> tuple[int, str, list[tuple[str, int, int, str]]] | None:
    """The tag whose name starts at `at`: where it ends, its lower-case name and its attributes
    (name, start and end of the value, its quote or "" when bare), read as the HTML tokenizer
    reads them; None when the text ends first."""
    end = _over(_NAME, text, at)
    name = text[at:end].lower()
    attrs: list[tuple[str, int, int, str]] = []
    while True:
        end = _over(_GAP, text, end)  # a stray '/' starts no attribute
        if end >= len(text):
            return None
        if text[end] == ">":
            return end + 1, name, attrs
        start = end
        end = _over(_ATTR_NAME, text, end + 1)  # a name may start with '='
        attr = text[start:end].lower()
        after = _over(_SPACES, text, end)
        if not text.startswith("=", after):
            continue  # no value: what follows is another attribute, '/' or '>'
        after = _over(_SPACES, text, after + 1)
        if after >= len(text):
            return None
        quote = text[after]
        if quote in "\"'":
            close = text.find(quote, after + 1)
            if close < 0:
                return None
            attrs.append((attr, after + 1, close, quote))
            end = close + 1
        elif quote == ">":  # a value left out
            end = after
        else:
            end = _over(_BARE, text, after)
            attrs.append((attr, after, end, ""))


def _changes(text: str, tag: str, attrs: list[tuple[str, int, int, str]], rewrite: Rewrite) -> list[tuple[int, int, str]]:
    """(start, end, new text) of each link value of a tag that `rewrite` changes."""
    wanted = LINKS.get(tag)
    if not wanted:
        return []
    changes = []
    for name, start, end, quote in attrs:
        kind = wanted.get(name)
        if kind is None:
            continue
        value = html.unescape(text[start:end])
        new = _srcset(value, rewrite) if kind == "srcset" else rewrite(value, kind == "image")
        if new is None:
            continue
        escaped = html.escape(new, quote=True)
        if not quote and (not escaped or any(c in _BARE_UNSAFE for c in escaped)):
            escaped = f'"{escaped}"'  # a bare value that can no longer be bare
        changes.append((start, end, escaped))
    return changes


def _srcset(value: str, rewrite: Rewrite) -> str | None:
    """A `srcset` with each of its URLs passed through `rewrite` as an image (widths and densities kept)."""
    out: list[str] = []
    done = 0
    for start, end in srcset_urls(value):
        new = rewrite(value[start:end], True)
        if new is not None:
            out += [value[done:start], new]
            done = end
    return "".join(out) + value[done:] if out else None


def srcset_urls(value: str) -> list[tuple[int, int]]:
    """(start, end) of each URL of a `srcset`, found as browsers find them (a URL may hold commas,
    but not end with one; a descriptor ends at a comma outside parentheses)."""
    found = []
    at, size = 0, len(value)
    while True:
        while at < size and (value[at] in _SPACE or value[at] == ","):
            at += 1
        if at >= size:
            return found
        start = at
        while at < size and value[at] not in _SPACE:
            at += 1
        end = at
        if value[end - 1] == ",":  # no descriptors
            end = start + len(value[start:end].rstrip(","))
        else:  # descriptors, up to a comma not inside parentheses
            parenthesis = False
            while at < size and (parenthesis or value[at] != ","):
                parenthesis = (value[at] == "(") or (parenthesis and value[at] != ")")
                at += 1
        if end > start:
            found.append((start, end))


def _over(run: re.Pattern[str], text: str, at: int) -> int:
    """Where the run of `run`'s characters that starts at `at` ends."""
    found = run.match(text, at)
    return found.end() if found else at


@functools.lru_cache(maxsize=16)
def _end_tag(name: str) -> re.Pattern[str]:
    return re.compile(r"</" + re.escape(name) + r"(?=[\t\n\f\r />])", re.I)


def _end_of_raw_text(text: str, at: int, name: str) -> int:
    """Where the end tag of the raw text element `name` starts from `at` (-1: not in `text`)."""
    if name == "plaintext":
        return -1  # nothing ends it
    found = _end_tag(name).search(text, at)
    return found.start() if found else -1


def _end_of_comment(text: str, at: int) -> int:
    """Where a comment whose text starts at `at` (after `<!--`) ends: after `-->` or `--!>`
    (`<!-->` and `<!--->` end at once); the end of `text` when it is not closed."""
    for short in (">", "->"):
        if text.startswith(short, at):
            return at + len(short)
    found = _COMMENT_END.search(text, at)
    return found.end() if found else len(text)
