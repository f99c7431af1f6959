"""The quick runner: the plain runner's work on every core, with results kept between builds (in
the cache folder, or in memory for `kb serve`) and pages written where they are rendered."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import posixpath
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__
from ..errors import ContentError
from ..output.locks import Busy, Lock
from ..model import OutputFile
from ..output.folder import write_file, write_files
from ..render.i18n import Catalogs
from ..runner import Progress, Runner
from ..search import BODY, body_only
from ..content.textio import ARTICLE_LIMIT, read_bytes
from .cachedir import check_cache, mark_cache, remove_stale
from .pages import PageCache, page_salt, theme_digest
from .pool import Sized, chunk_size, fork_map, workers_for
from .tables import FORMAT, MISSING, Staged, Table, keep_shards, kept_shards

TABLES = {"parse": "parsed.pickle", "render": "render.pickle", "leaks": "leaks.pickle",
          "canaries": "canaries.pickle"}  # the kinds of job kept in the cache folder
POOL_MIN = {"parse": 600, "render": 150, "pages": 400, "canaries": 2}  # fewer jobs than this run faster in one process


class Speed(Runner):
    """The plain runner's results, sooner. `folder`: the cache folder; `serve`: keep results in
    memory from one build to the next."""

    quick = True

    def __init__(self, jobs: int = 0, folder: Path | None = None, progress: Progress | None = None,
                 serve: bool = False) -> None:
        super().__init__(progress)
        self.workers = workers_for(jobs)
        self.asked = folder  # the cache folder asked for
        self.folder: Path | None = None  # ...while this build holds it
        self.notes: list[str] = []  # what the build could not do as asked
        self.memos: dict[str, Any] | None = {} if serve else None
        self.stats: dict[str, tuple[int, int, int]] | None = None  # `kb serve`: every file's (mtime, size, inode)
        self.staging: Path | None = None  # where pages are written as they are rendered
        self._tables: dict[str, Table] = {}
        self._done: set[str] = set()  # the kinds whose table is complete, to save
        self._staged = Staged()
        self._pages: PageCache | None = None
        self._facts: dict[str, tuple[str, bool, bool | None]] = {}
        self._side: list[tuple] = []  # what `store` learnt in this process, sent back with the job's result
        self._made: set[str] = set()  # folders made in the staging folder by this process
        self._shards: set[str] = set()
        self._read: tuple[str, int | None, bytes] | None = None  # the file `map` read to key a job, for `read`
        self._keyed: dict[str, dict[int, tuple]] = {}  # `kb serve`: kind -> id of an item -> (item, salt, its key)

    @contextlib.contextmanager
    def session(self, content: Path, out: Path) -> Iterator[Speed]:
        """The cache folder, tagged as kb's and locked for this build (a second build goes without);
        on a failure, left as it was, except that a build failing on content keeps its work."""
        if self.asked is None:
            yield self
            return
        check_cache(self.asked, content, out)
        mark_cache(self.asked)
        try:
            with Lock(self.asked / ".lock"):
                remove_stale(self.asked)
                self.folder, self._shards = self.asked, kept_shards(self.asked)
                try:
                    yield self
                except ContentError:
                    if self._pages is not None:  # a template's problem: the pages it stored are not kept
                        self._pages.discard()
                    self._save_quietly()
                    raise
                except BaseException:
                    self._discard()
                    raise
        except Busy:
            self.notes.append(f"the cache folder '{self.asked}' is in use by another build; this build kept no cache")
            yield self

    def map(
        self, kind: str, function: Callable[[Any], Any], items: Sequence[Any], *, salt: object = None,
        key: Callable[[Any], object] | None = None, file: Callable[[Any], str] | None = None,
        valid: Callable[[Any], bool] | None = None, progress: bool = False,
    ) -> Iterator[Any]:
        table = self._table(kind) if key is not None else None
        if kind == "pages" and self.folder is not None and self.staging is not None and salt is not None:
            self._pages = PageCache(self.folder, page_salt(salt))
        salted = hashlib.sha256(repr((__version__, FORMAT, kind, salt)).encode("utf-8", "surrogatepass")).digest()
        by_bytes = table is not None and file is not None and self.memos is None  # keyed in the worker, by the file's bytes
        results: list[Any] = [MISSING] * len(items)
        keys: list[object] = [None] * len(items)
        if table is not None and not by_bytes:
            earlier = self._keyed.get(kind, {})  # `kb serve`: an unchanged item is the very object it was
            self._keyed[kind] = {}
            for index, item in enumerate(items):
                known = earlier.get(id(item))
                if known is not None and known[0] is item and known[1] == salted:
                    keys[index] = known[2]
                else:
                    keys[index] = self._key(salted, key(item), file(item) if file is not None else None)  # type: ignore[misc]
                if self.memos is not None and file is None:
                    self._keyed[kind][id(item)] = (item, salted, keys[index])
                found = table.get(keys[index])
                if found is not MISSING and (valid is None or valid(found)):
                    results[index] = found
        todo = [index for index, result in enumerate(results) if result is MISSING]

        def job(index: int) -> tuple[object, bool, object, list[tuple]]:
            """(the result's key, whether the table has it, the result when not, what `store` learnt)."""
            item, found_key = items[index], keys[index]
            if by_bytes:
                found_key = self._bytes_key(salted, key(item), file(item))  # type: ignore[misc]
                if found_key is not None and found_key in table.entries:  # type: ignore[union-attr]
                    return found_key, True, None, []
            result = function(item)
            side, self._side = self._side, []
            return found_key, False, result, side

        many = self.workers > 1 and len(todo) >= POOL_MIN.get(kind, 0)
        workers = self.workers if many else 1
        # the tables are written aside while the pages render (the other steps' workers need the cores)
        meanwhile = self._meanwhile if kind == "pages" else self._load_tables
        done: Iterable[Any] = fork_map(job, todo, workers, chunk_size(kind, len(todo), workers), meanwhile)
        if progress and self.progress is not None:
            done = self.progress(Sized(done, len(todo)))
        done = iter(done)
        for index in range(len(items)):
            if results[index] is MISSING:
                found_key, kept, result, side = next(done)
                self._absorb(side)
                if kept:
                    result = table.get(found_key)  # type: ignore[union-attr]
                elif table is not None and found_key is not None:
                    table.put(found_key, result)
                results[index] = result
            yield results[index]
        self._done.add(kind)
        if table is not None and self.memos is not None:
            table.settle()

    def environment(self, theme: Path, root: Path, url_prefix: str, sandboxed: bool,
                    catalogs: Catalogs | None = None, default_language: str = "en") -> jinja2.Environment:
        """`kb serve`: the templates compiled once, until a template file or a catalog changes."""
        env = super().environment(theme, root, url_prefix, sandboxed, catalogs, default_language)
        memo = self.memo("environment")
        if memo is None:
            return env
        folders = list(getattr(env.loader, "searchpath", []))
        words = catalogs.digest if catalogs is not None else ""
        key = "\0".join((*folders, url_prefix, theme_digest(folders), str(sandboxed), words, default_language))
        if memo.get("key") != key:
            memo.update(key=key, env=env)
        return memo["env"]  # type: ignore[no-any-return]

    def store(self, path: str, produce: Callable[[], bytes], key: object = None) -> OutputFile:
        if self.staging is None:
            return OutputFile(path, produce())
        pages = self._pages
        page_key = pages.key(*key) if pages is not None and key is not None else None  # type: ignore[misc]
        kept = pages.fetch(page_key) if pages is not None and page_key is not None else None
        data = produce() if kept is None else kept.data
        # written here: the page's bytes never travel back to the main process
        write_file(self.staging, path, data, made=self._made, link_from=Path(kept.path) if kept is not None else None)
        searchable = BODY in data
        if kept is None:
            digest, alone = hashlib.sha256(data).hexdigest(), body_only(data) if searchable else None
            if pages is not None and page_key is not None:
                pages.store(digest, self.staging / posixpath.normpath(path))
        else:
            digest, alone = kept.digest, kept.alone
        self._side.append((path, (digest, searchable, alone), page_key))
        return OutputFile(path, copy_from=str(self.staging / posixpath.normpath(path)))

    def write(self, staging: Path, files: Iterable[OutputFile]) -> None:
        write_files(staging, (f for f in files if f.path not in self._facts))

    def seen(self, stats: dict[str, tuple[int, int, int]]) -> None:
        self.stats = stats

    def memo(self, name: str) -> dict | None:
        return None if self.memos is None else self.memos.setdefault(name, {})

    def kept(self, name: str) -> Path | None:
        return None if self.folder is None else self.folder / name

    def facts(self) -> dict[str, tuple[str, bool, bool | None]]:
        return self._facts

    def publish(self, shards: Iterable[str] | None) -> tuple[str, ...]:
        """The site is published: keep this build's work for the next (the shards of its index);
        a failure to is a note, not an error."""
        if self.folder is None:
            return tuple(self.notes)
        try:
            if self._pages is not None:
                self._pages.save()
            if shards is not None:
                keep_shards(self.folder, set(shards))
            self._meanwhile()
            self._staged.commit()
        except OSError as exc:
            self._staged.discard()
            self.notes.append(f"the cache folder could not be updated ({exc.strerror or exc}); the next build starts afresh")
        return tuple(self.notes)

    def _table(self, kind: str) -> Table | None:
        if self.memos is not None:
            return self.memos.setdefault(f"table {kind}", Table(None, kind))  # type: ignore[no-any-return]
        if self.folder is None or kind not in TABLES:
            return None
        if kind not in self._tables:
            self._tables[kind] = Table(self.folder, TABLES[kind])
        return self._tables[kind]

    def _key(self, salted: bytes, key: object, file: str | None) -> object:
        if file is not None:  # `kb serve`: a file is the same while its time, size and inode are
            known = self.stats.get(file) if self.stats is not None else None
            if known is None:
                try:
                    stat = os.stat(file)
                except OSError:  # gone since it was found: the job runs, and says why it cannot read it
                    return None
                known = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            return (*known, salted, key)
        return hashlib.sha256(salted + pickle.dumps(key, protocol=5)).hexdigest()

    def read(self, path: str, limit: int | None = None) -> bytes:
        read, self._read = self._read, None
        if read is not None and read[0] == path and read[1] == limit:  # read for the job's key just now
            return read[2]
        return super().read(path, limit)

    def _bytes_key(self, salted: bytes, key: object, file: str) -> str | None:
        try:
            data = read_bytes(file, ARTICLE_LIMIT)
        except OSError:
            return None  # the job reads it again, to say why it cannot
        self._read = (file, ARTICLE_LIMIT, data)
        digest = hashlib.sha256(salted + pickle.dumps(key, protocol=5))
        digest.update(data)
        return digest.hexdigest()

    def _absorb(self, side: list[tuple]) -> None:
        for path, facts, page_key in side:
            self._facts[path] = facts
            if page_key is not None and self._pages is not None:
                self._pages.used[page_key] = (facts[0], facts[2])

    def _meanwhile(self) -> None:
        """While the workers work: load the tables not loaded yet, write aside those complete."""
        if self.folder is None:
            return
        for kind in TABLES:
            table = self._table(kind)
            if kind in self._done and table is not None and table.folder is not None:
                table.save(self._staged)
                table.folder = None  # saved once

    def _load_tables(self) -> None:
        for kind in TABLES:
            self._table(kind)

    def _save_quietly(self) -> None:
        """The build failed on content: the next build after the fix reuses what this one did."""
        try:
            self._staged.commit()  # the tables written aside already
            for kind in self._done:
                table = self._tables.get(kind)
                if table is not None:
                    table.save()
        except OSError:  # a full disk: the errors matter, the cache does not
            pass

    def _discard(self) -> None:
        """The build failed (a full disk): the cache folder as it was before it."""
        self._staged.discard()
        if self._pages is not None:
            self._pages.discard()
        keep_shards(self.folder, self._shards)
