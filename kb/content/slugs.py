"""Unicode-aware slugs and folder titles."""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+|_+")


@functools.lru_cache(maxsize=8192)  # the same tags and folders, over and over
def slugify(text: str) -> str:
    """Lower-case, Unicode letters and digits kept, every other run becomes one `-`."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("'", "").replace("\u2019", "")
    return _NON_WORD.sub("-", text).strip("-")


def heading_id(text: str) -> str:
    """A heading's anchor as GitHub and DocFX make it, so links written for them keep working:
    lower-case, punctuation dropped, each space a `-` (`Free/busy: what's new` → `freebusy-whats-new`)."""
    text = unicodedata.normalize("NFKC", text).lower().strip()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LMN")
    return kept.replace(" ", "-") or "section"


def title_from_name(name: str) -> str:
    """A readable title from a file or folder name: `getting-started` → `Getting started`."""
    stem = name[:-3] if name.lower().endswith(".md") else name
    if " " not in stem and ("-" in stem or "_" in stem):
        words = re.sub(r"[-_]+", " ", stem).strip()
        return words[:1].upper() + words[1:]
    return stem.strip()


def is_safe_slug(slug: str) -> bool:
    """A slug is one path segment: no `/`, `\\`, `..`, control characters or leading dot."""
    return bool(slug) and not (
        "/" in slug or "\\" in slug or ".." in slug or slug.startswith(".")
        or any(unicodedata.category(c)[0] == "C" for c in slug)
        or any(c in slug for c in "?#%\"<>")
    )
