"""Which pages of the site Pagefind indexes, and whether it may read their marked element alone."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

SUBDIR = "pagefind"  # the index's folder in the site (its pages are not indexed)
BODY = b"data-pagefind-body"
# where tags are not tags (comments and raw text), so counting tags to find an element's end could go wrong
_OPAQUE = re.compile(rb"<(?:!--|script|style|template|textarea|title|xmp|noscript|plaintext)")
_ATTRIBUTE = b"data-pagefind-"
_TAG_NAME = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")


def body_only(data: bytes) -> bool:
    """Whether Pagefind reads the same from the page's `data-pagefind-body` element alone as from
    the whole page. Outside that element Pagefind reads its other attributes, the first h1 (the
    title when none is given) and the first image after the title; so: one marked element, holding
    an h1, with no other Pagefind attribute and no h1 outside it, no image after it, and no comment
    or raw text inside it (where counting tags to find its end could go wrong). When unsure, False."""
    low = data.lower()  # tag and attribute names are not case-sensitive
    at = low.find(BODY)
    if at < 0 or low.find(BODY, at + len(BODY)) >= 0:
        return False
    start = low.rfind(b"<", 0, at)
    name = _TAG_NAME.match(low, start) if start >= 0 else None
    if name is None or b">" in low[start:at]:
        return False
    end = _element_end(low, start, name.group(1))
    if end < 0 or _OPAQUE.search(low, start, end):
        return False
    if low.find(_ATTRIBUTE, 0, start) >= 0 or low.find(_ATTRIBUTE, end) >= 0:
        return False
    if _has_tag(low, b"<h1", 0, start) or _has_tag(low, b"<h1", end) or _has_tag(low, b"<img", end):
        return False
    return _has_tag(low, b"<h1", start, end)


def _element_end(low: bytes, start: int, name: bytes) -> int:
    """Where the element whose start tag is at `start` ends (after its end tag); -1 if it does not."""
    tags = _tag_pattern(name)
    depth = 0
    for tag in tags.finditer(low, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return -1


@functools.lru_cache(maxsize=16)
def _tag_pattern(name: bytes) -> re.Pattern[bytes]:
    """Start and end tags named `name` (the slash of an end tag in group 1)."""
    return re.compile(rb"<(/?)" + re.escape(name) + rb"[\s>/]")


def _has_tag(low: bytes, tag: bytes, start: int = 0, end: int | None = None) -> bool:
    """Whether the start tag `tag` (`<h1`) is in `low[start:end]`."""
    stop = len(low) if end is None else end
    found = low.find(tag, start, stop)
    while found >= 0:
        after = low[found + len(tag):found + len(tag) + 1]
        if after in (b" ", b"\t", b"\n", b"\r", b"\f", b">", b"/"):
            return True
        found = low.find(tag, found + 1, stop)
    return False


def body_only_of(site_dir: Path, path: str, known: bool | None) -> bool:
    """`body_only` of a page of the site, as known or from its file."""
    if known is not None:
        return known
    try:
        return body_only((site_dir / path).read_bytes())
    except OSError:
        return False


def searchable(
    site_dir: Path, known: dict[str, tuple[str, bool, bool | None]], paths: Iterable[str] | None = None,
) -> dict[str, tuple[str, bool | None]]:
    """The pages Pagefind indexes (path -> digest of the bytes, and whether `body_only` if known):
    the marked ones, or all when none is. `known`: what the build knows of some pages already;
    `paths`: the site's files (else the folder is read)."""
    marked: dict[str, tuple[str, bool | None]] = {}
    plain: dict[str, tuple[str, bool | None]] = {}
    if paths is None:
        paths = (p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html") if p.is_file())
    for path in sorted(paths):
        if not path.endswith(".html") or path.startswith(f"{SUBDIR}/"):
            continue
        if path in known:
            digest, has_body, alone = known[path]
        else:
            data = (site_dir / path).read_bytes()
            digest, has_body = hashlib.sha256(data).hexdigest(), BODY in data
            alone = has_body and body_only(data)
        (marked if has_body else plain)[path] = (digest, alone)
    return marked or plain
