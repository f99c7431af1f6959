"""The cache folder: where it goes by default, which folders kb may use for it, and its lock.

kb marks its cache folder with a `CACHEDIR.TAG` (the Cache Directory Tagging convention, which
backup tools honour) and uses a folder only when it is empty, carries that tag, or holds nothing
but files kb names itself; so `--cache` pointed at a folder of someone else's files is refused
before anything in it is read (the cache's files are unpickled) or removed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import OutputError

TAG = "CACHEDIR.TAG"
SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
OWNER = "# This folder is kb's cache"  # the signature is every tool's; this line is kb's alone
TAG_TEXT = (f"{SIGNATURE}\n{OWNER}: parsed and rendered articles, pages and search shards.\n"
            "# kb rebuilds anything in it; see https://bford.info/cachedir/\n")
DEFAULT_NAME = ".kb-cache"
# what kb writes at the top of its cache folder (an earlier kb wrote no tag: a folder holding only
# these, a pickle of kb's among them, and only files named by a digest in pages/ and search/, is kb's)
_KB_NAMES = re.compile(r"(?:render|parsed|pages|leaks|canaries)(?:-[0-9a-f])?\.pickle|pages|search|internal|\.lock|" + re.escape(TAG))
_KB_PICKLE = re.compile(r"(?:render|parsed|pages|leaks|canaries)(?:-[0-9a-f])?\.pickle")
_DIGEST = re.compile(r"[0-9a-f]{64}")
# files a killed build wrote aside and never put in place
_STALE = re.compile(r"\.(?:render|parsed|pages|leaks|canaries)\.pickle-\w+\.tmp")


def default_cache(content: Path, audience: str = "public") -> Path:
    """`.kb-cache` beside the content folder: in the project, never in a folder that is published;
    for another audience than the public, a folder of its own in it (`.kb-cache/internal`)."""
    return content.parent / DEFAULT_NAME if audience == "public" else content.parent / DEFAULT_NAME / audience


def check_cache(cache: Path, content: Path, out: Path) -> None:
    """Refuse a cache folder that would hold the content, the project or the output, that is inside
    the output or (unless hidden) the content folder, or that holds files kb did not write."""
    cache_r, content_r, out_r = cache.resolve(), content.resolve(), out.resolve()
    for folder, what in ((content_r, "the content folder"), (content_r.parent, "the project folder"),
                         (out_r, "the output folder")):
        if folder.is_relative_to(cache_r):
            raise OutputError(f"cache folder '{cache}' would hold {what}; choose another --cache")
    if cache_r.is_relative_to(out_r):
        raise OutputError(f"cache folder '{cache}' is inside the output folder '{out}', which each build replaces; "
                          "choose another --cache")
    if cache_r.is_relative_to(content_r) and not any(
        part.startswith((".", "_")) for part in cache_r.relative_to(content_r).parts
    ):
        raise OutputError(f"cache folder '{cache}' is inside the content folder, where its files would be published; "
                          "choose another --cache")
    above = next((p for p in cache_r.parents if p.exists()), None)
    if (cache.is_symlink() and not cache_r.exists()) or (above is not None and not above.is_dir()):
        raise OutputError(f"cache folder '{cache}' cannot be made there; choose another --cache")
    if not cache_r.exists():
        return
    if not cache_r.is_dir():
        raise OutputError(f"cache folder '{cache}' is not a folder; choose another --cache")
    if not is_kb_cache(cache_r):
        raise OutputError(f"cache folder '{cache}' exists and was not written by kb; remove it or choose another --cache")


def is_kb_cache(folder: Path) -> bool:
    """Whether kb may use `folder`: empty, tagged by kb, or laid out as an earlier kb left its cache."""
    try:
        with open(folder / TAG, encoding="utf-8", errors="replace") as handle:
            return handle.read(len(TAG_TEXT)).startswith(f"{SIGNATURE}\n{OWNER}")  # another tool's tag: not kb's
    except FileNotFoundError:
        pass
    except OSError:
        return False
    try:
        names = [entry.name for entry in folder.iterdir()]
        inside = [entry.name for sub in ("pages", "search") if (folder / sub).is_dir()
                  for entry in (folder / sub).iterdir()]
    except OSError:
        return False
    if not names:
        return True
    return (all(_KB_NAMES.fullmatch(name) or _STALE.fullmatch(name) for name in names)
            and any(_KB_PICKLE.fullmatch(name) for name in names)
            and all(_DIGEST.fullmatch(name) or name.endswith(".tmp") for name in inside))


def mark_cache(cache: Path) -> None:
    """Make the cache folder (with its parents) and tag it as kb's."""
    cache.mkdir(parents=True, exist_ok=True)
    tag = cache / TAG
    if not tag.is_file():
        tag.write_text(TAG_TEXT, encoding="utf-8")


def remove_stale(cache: Path) -> None:
    """Remove the files a killed build wrote aside in the cache folder and never put in place (call it
    holding the cache's lock: then no other build is writing them)."""
    for folder in (cache, cache / "pages"):
        try:
            names = [entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)]
        except OSError:
            continue
        for name in names:
            if _STALE.fullmatch(name) or (folder != cache and re.fullmatch(r"\.[0-9a-f]{64}\.\d+\.tmp", name)):
                (folder / name).unlink(missing_ok=True)
