"""How the build runs its many small jobs. `Runner` is the plain way: every job in this process,
in order, nothing kept between builds, every file written at the end. kb.speed.Speed does the
same work faster (processes, caches, pages written as they are rendered) and gives the same site.

A stage says what its jobs depend on (`salt` for the whole call, `key` and `file` per item,
`valid` for a result kept from an earlier build); the plain runner needs none of it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from .model import OutputFile
from .content.textio import read_bytes
from .output.folder import write_files
from .render.i18n import Catalogs
from .render.theme import make_environment

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[Iterable[Any]], Iterable[Any]]


class Runner:
    """The plain way: in this process, in order, nothing kept."""

    quick = False  # the quicker parts of Python-Markdown and Jinja, off
    workers = 1
    staging: Path | None = None  # the folder the site is written into

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress  # wraps the jobs of a step that asks for it (rendering articles)

    @contextlib.contextmanager
    def session(self, content: Path, out: Path) -> Iterator[Runner]:
        """One build's use of the runner."""
        yield self

    def map(
        self, kind: str, function: Callable[[T], R], items: Sequence[T], *, salt: object = None,
        key: Callable[[T], object] | None = None, file: Callable[[T], str] | None = None,
        valid: Callable[[R], bool] | None = None, progress: bool = False,
    ) -> Iterator[R]:
        """`function(item)` for every item, in order. `function` must depend on nothing but the
        item, `salt`, `key(item)` and the bytes of `file(item)` (a result kept from an earlier build
        is used again only while `valid` says it holds)."""
        jobs = self.progress(items) if progress and self.progress is not None else items
        return map(function, jobs)

    def environment(self, theme: Path, root: Path, url_prefix: str, sandboxed: bool,
                    catalogs: Catalogs | None = None, default_language: str = "en") -> jinja2.Environment:
        """The Jinja environment to render the theme's pages with (the theme's words from `catalogs`)."""
        return make_environment(theme, root, url_prefix, sandboxed=sandboxed, quick=self.quick,
                                catalogs=catalogs, default_language=default_language)

    def read(self, path: str, limit: int | None = None) -> bytes:
        """The bytes of a file a job depends on (see `map`'s `file`): an OSError when it cannot be read."""
        return read_bytes(path, limit)

    def store(self, path: str, produce: Callable[[], bytes], key: object = None) -> OutputFile:
        """A file of the site made by `produce`, which depends on nothing but `key` (see `map`)."""
        return OutputFile(path, produce())

    def write(self, staging: Path, files: Iterable[OutputFile]) -> None:
        """Write the site's files into the staging folder."""
        write_files(staging, files)

    def publish(self, shards: Iterable[str] | None) -> tuple[str, ...]:
        """The site is published (with the search index's shards); what could not be done as asked."""
        return ()

    def seen(self, stats: dict[str, tuple[int, int, int]]) -> None:
        """`kb serve`: every file's (mtime, size, inode) as the watcher just found them."""

    def memo(self, name: str) -> dict | None:
        """A dict a step may keep its work in from one build to the next (`kb serve`); None: none."""
        return None

    def kept(self, name: str) -> Path | None:
        """A folder a step may keep its files in between builds (the search shards); None: none."""
        return None

    def facts(self) -> dict[str, tuple[str, bool, bool | None]]:
        """What is known of the pages stored so far: path -> digest, searchable, body_only."""
        return {}
