"""Rendered pages kept between builds, keyed on everything a template can see.

A template sees its context, kb's version, the `url` filter (the URL prefix) and the templates
themselves. The key is a digest of all of these, the context written out by pickle; a context
holding anything but plain data (strings, numbers, dates, lists, dicts, frozen dataclasses of
those) has no key and its page is always rendered. The bytes are stored under
their own digest and checked against it when reused, so a cached page that was changed on disk
(the published file and the cached one may be the same file) is rendered again, not reused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import os
import pickle
import shutil
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from ..content.textio import read_bytes
from .tables import is_digest, load_entries, save_entries

INDEX = "pages.pickle"
FOLDER = "pages"


class Uncacheable(Exception):
    """The context holds a value whose written form might not say everything about it."""


_PLAIN = (dt.date, dt.datetime, dt.time)


class _Writer(pickle.Pickler):
    """Pickle's own writing of plain data (fast, and the same bytes for the same values); anything
    else is refused. Strings, numbers, lists, tuples and dicts never reach `reducer_override`."""

    def reducer_override(self, obj: object) -> object:
        kind = obj if isinstance(obj, type) else type(obj)  # a class is written by name, as its instances' kind
        if _plain_kind(kind):
            return NotImplemented
        raise Uncacheable(kind.__name__)


@functools.cache
def _plain_kind(kind: type) -> bool:
    """Whether pickle's own writing of this kind says everything about a value (asked once a kind)."""
    if kind in _PLAIN or issubclass(kind, str):  # Markup too: its text is all there is
        return True
    return dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen  # type: ignore[attr-defined]


def fingerprint(context: dict) -> bytes:
    """The context written out unambiguously; raise Uncacheable when it holds anything but plain data."""
    buffer = io.BytesIO()
    try:
        writer = _Writer(buffer, protocol=5)
        writer.fast = True  # no memo: the bytes depend on the values alone, not on which objects are shared
        writer.dump(context)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as exc:
        raise Uncacheable(str(exc)) from None
    return buffer.getvalue()


def page_salt(salt: object) -> str:
    """What every page depends on besides its context, from the page step's salt (its template
    folders, the URL prefix, whether the templates run in the sandbox, where some fail, and the
    digest of the message catalogs the theme's words come from)."""
    folders, url_prefix, sandboxed, *words = salt  # type: ignore[misc]
    found = "\0".join((__version__, theme_digest(list(folders)), url_prefix, *words))
    return found + "\0sandboxed" if sandboxed else found


def theme_digest(folders: list[str]) -> str:
    """A digest of every file in the template folders, by path and content."""
    digest = hashlib.sha256()
    for folder in folders:
        for base, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(base, name)
                digest.update(f"{os.path.relpath(path, folder)}\0".encode("utf-8", "surrogatepass"))
                try:
                    digest.update(read_bytes(path))  # never a named pipe: it would wait for a writer
                except OSError:
                    digest.update(b"\0unreadable")
        digest.update(b"\0folder\0")
    return digest.hexdigest()


Entry = tuple[str, "bool | None"]  # the digest of a page's bytes, and its `body_only` (None: not searchable)


class Kept(NamedTuple):
    """A page from the cache: its file, bytes, their digest and their `body_only`."""

    path: str
    data: bytes
    digest: str
    alone: bool | None


class PageCache:
    """Pages by key, in `folder`: an index (key -> digest of the bytes, and the page's `body_only`,
    a function of the bytes alone) and the bytes by digest."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt  # kb's version, the templates and the URL prefix
        self.index: dict[str, Entry] = {
            key: value for key, value in load_entries(folder, INDEX).items() if isinstance(value, tuple) and len(value) == 2
        }
        self.used: dict[str, Entry] = {}  # what this build took from or gave to the cache

    def key(self, template: str, context: dict) -> str | None:
        """The page's key, or None when its context cannot be written out safely."""
        try:
            written = fingerprint(context)
        except Uncacheable:
            return None
        digest = hashlib.sha256(f"{self.salt}\0{template}\0".encode("utf-8", "surrogatepass"))
        digest.update(written)
        return digest.hexdigest()

    def fetch(self, key: str) -> Kept | None:
        """The page stored under `key`, if its bytes are still what was stored."""
        entry = self.index.get(key)
        if entry is None:
            return None
        digest, alone = entry
        path = os.path.join(self.folder, FOLDER, digest)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        return Kept(path, data, digest, alone) if hashlib.sha256(data).hexdigest() == digest else None

    def store(self, digest: str, written: Path) -> None:
        """Keep the page written at `written`, whose bytes have the sha256 `digest`."""
        target = self.folder / FOLDER / digest
        try:
            os.link(written, target)  # the same bytes: share them rather than copy (one step, whole file)
        except FileExistsError:
            pass  # named by its digest: a file already there holds these bytes (checked when used)
        except FileNotFoundError:
            if target.parent.is_dir():
                raise
            target.parent.mkdir(parents=True, exist_ok=True)
            self.store(digest, written)
        except OSError:  # no links here (another file system): a copy, put in place whole
            temp = target.with_name(f".{digest}.{os.getpid()}.tmp")
            shutil.copyfile(written, temp)
            os.replace(temp, target)

    def discard(self) -> None:
        """Remove the pages this build stored (the build failed): those the loaded index does not name.
        (One build at a time uses a cache folder, so no other build stored them.)"""
        self._keep_only({digest for digest, _ in self.index.values()})

    def save(self) -> None:
        """Keep the pages this build used (others are dropped), the index written atomically."""
        save_entries(self.folder, INDEX, self.used, self.index)
        self._keep_only({digest for digest, _ in self.used.values()})

    def _keep_only(self, keep: set[str]) -> None:
        """Remove the stored pages whose digests are not in `keep`: only files kb names (a digest),
        nothing else is kb's to remove."""
        try:
            entries = list(os.scandir(self.folder / FOLDER))
        except OSError:
            return
        for entry in entries:
            if entry.name not in keep and is_digest(entry.name) and entry.is_file(follow_symlinks=False):
                Path(entry.path).unlink(missing_ok=True)
