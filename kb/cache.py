"""Parsed and rendered articles kept between builds, and rendering many articles on every core.

An article's HTML depends on its own text, the Markdown settings, the URL prefix, kb's version
and the link targets it looked up (other articles' URLs, whether files exist). The cache key
covers the first four; the looked-up targets are stored with the entry and checked again, so
adding an article elsewhere re-renders only the articles that link to it. Pages are kept by
kb.pagecache, search shards by kb.search.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from . import __version__
from .markdown import MarkdownRenderer, dependencies_hold
from .model import Article, LinkContext, MarkdownOptions, RenderedArticle
from .pool import can_fork, fork_map

FORMAT = 2  # 2: articles of the untrusted mode (raw_html: false) are sanitised
POOL_MIN = 150  # fewer articles than this render faster in one process than a pool starts


class RenderCache:
    """Rendered articles by content key; loaded from and saved to `folder` when given."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.entries: dict[str, RenderedArticle] = {}
        self.used: set[str] = set()
        self.last: dict[str, tuple[Article, tuple, str]] = {}  # source -> the article object last keyed, its settings, key
        self.context: LinkContext | None = None  # the link targets the entries in `verified` were checked against
        self.verified: set[str] = set()
        if folder is not None:
            self.entries = load_entries(folder, "render.pickle")  # a missing or unreadable cache is an empty one
        self.stored = dict(self.entries)  # as loaded: parts left as they were are not written again

    def key(self, article: Article, options: MarkdownOptions, url_prefix: str, shown: str) -> str:
        """render_key, remembered for articles seen before in this process."""
        settings = (options, url_prefix, shown)
        last = self.last.get(article.source)
        if last is not None and last[0] is article and last[1] == settings:  # the very object: frozen, so unchanged
            return last[2]
        found = render_key(article, options, url_prefix, shown)
        self.last[article.source] = (article, settings, found)
        return found

    def get(self, key: str, context: LinkContext) -> RenderedArticle | None:
        """The cached rendering for `key`, if every link target it used is unchanged."""
        if context is not self.context:  # a build's articles share one context: compared once per build
            if context != self.context:
                self.verified = set()
            self.context = context
        found = self.entries.get(key)
        if found is not None and (key in self.verified or dependencies_hold(found.deps, context)):
            self.verified.add(key)
            self.used.add(key)
            return found
        return None

    def put(self, key: str, rendered: RenderedArticle) -> None:
        self.entries[key] = rendered
        self.used.add(key)
        self.verified.discard(key)

    def save(self, staged: Staged | None = None) -> None:
        """Write the entries this build used (others are dropped), atomically (see save_entries)."""
        if self.folder is not None:
            save_entries(self.folder, "render.pickle", {k: v for k, v in self.entries.items() if k in self.used},
                         self.stored, staged)


class ParsedCache:
    """Articles parsed from their files in earlier builds, by a digest of the file's bytes and of
    everything else parsing depends on (the path, the site settings, the topics' URLs, kb's version)."""

    NAME = "parsed.pickle"

    def __init__(self, folder: Path, setting: str) -> None:
        self.folder = folder
        self.setting = f"{__version__}\0{FORMAT}\0{setting}".encode()  # `setting`: a digest of the settings
        self.entries = load_entries(folder, self.NAME)
        self.used: dict[str, object] = {}

    def key(self, rel: str, shown: str, data: bytes) -> str:
        digest = hashlib.sha256(self.setting)
        digest.update(f"\0{rel}\0{shown}\0".encode("utf-8", "surrogatepass"))
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> object | None:
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, value: object) -> None:
        self.used[key] = value

    def save(self, staged: Staged | None = None) -> None:
        save_entries(self.folder, self.NAME, self.used, self.entries, staged)


PARTS = 16  # a cache file is kept in parts, by its keys' first hex digit: a build rewrites only the parts that changed


def _part(name: str, number: int) -> str:
    stem, _, suffix = name.rpartition(".")
    return f"{stem}-{number:x}.{suffix}"


def _split(entries: dict) -> list[dict]:
    parts: list[dict] = [{} for _ in range(PARTS)]
    for key, value in entries.items():
        digit = key[:1] if isinstance(key, str) else ""
        parts[int(digit, 16) if digit in _HEX else 0][key] = value
    return parts


_HEX = frozenset("0123456789abcdef")


def is_digest(name: str) -> bool:
    """Whether a file name is a sha256 hex digest: the names kb gives the files it keeps by content."""
    return len(name) == 64 and _HEX.issuperset(name)


def load_entries(folder: Path, name: str) -> dict:
    """The entries kept in `folder` under `name` by this kb version; a missing or unreadable part is empty."""
    entries: dict = {}
    for number in range(PARTS):
        try:
            with open(folder / _part(name, number), "rb") as handle:
                data = pickle.load(handle)
            if data.get("format") == FORMAT and data.get("kb") == __version__:
                entries.update(data["entries"])
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            pass
    return entries


def save_entries(folder: Path, name: str, entries: dict, stored: dict | None = None, staged: Staged | None = None) -> None:
    """Write `entries` to `folder` under `name`, each part atomically; with `stored` (the entries as
    they were loaded), a part holding the same entries is not written again. With `staged`, the
    parts are written aside and put in place only when the build commits them."""
    folder.mkdir(parents=True, exist_ok=True)
    before = _split(stored) if stored is not None else None
    for number, part in enumerate(_split(entries)):
        final = folder / _part(name, number)
        if not part:  # no file for no entries (and none left unreadable)
            if staged is None:
                final.unlink(missing_ok=True)
            else:
                staged.removed.append(final)
            continue
        if before is not None and part == before[number]:  # the same objects, mostly: compared by identity first
            continue
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump({"format": FORMAT, "kb": __version__, "entries": part}, out, protocol=pickle.HIGHEST_PROTOCOL)
            if staged is None:
                os.replace(temp, final)
            else:
                staged.written.append((Path(temp), final))
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    if staged is None:
        (folder / name).unlink(missing_ok=True)  # the single file earlier versions kept
    else:
        staged.removed.append(folder / name)


class Staged:
    """Cache files written aside during a build: put in place by `commit` once the site is
    published, or removed by `discard` when the build fails (a failed build on a full disk leaves
    the disk as it found it)."""

    def __init__(self) -> None:
        self.written: list[tuple[Path, Path]] = []  # (the file written aside, where it goes)
        self.removed: list[Path] = []

    def commit(self) -> None:
        """Put the files in place (on a failure, the ones left are removed by `discard`)."""
        while self.written:
            temp, final = self.written[0]
            os.replace(temp, final)
            self.written.pop(0)
        for path in self.removed:
            path.unlink(missing_ok=True)
        self.removed = []

    def discard(self) -> None:
        for temp, _ in self.written:
            temp.unlink(missing_ok=True)
        self.written, self.removed = [], []


def render_key(article: Article, options: MarkdownOptions, url_prefix: str, shown: str) -> str:
    """What an article's rendering depends on besides link targets, as a digest."""
    parts = (__version__, FORMAT, repr(options), url_prefix, shown, article.source, article.body_line,
             article.summary, article.body)  # strings, numbers and None: pickle writes them unambiguously
    return hashlib.sha256(pickle.dumps(parts, protocol=5)).hexdigest()


def render_all(
    jobs: list[tuple[Article, str]], options: MarkdownOptions, context: LinkContext, workers: int,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> list[RenderedArticle]:
    """Render (article, shown path) pairs in order; with several workers, in a process pool."""
    if workers <= 1 or len(jobs) < POOL_MIN:
        renderer = MarkdownRenderer(options)
        items = progress(jobs) if progress else jobs
        return [renderer.render(article, context, shown) for article, shown in items]
    chunk = max(8, min(64, len(jobs) // (workers * 8)))
    if can_fork():  # the workers inherit the articles: only the renderings travel
        renderer = MarkdownRenderer(options)
        done = fork_map(lambda job: renderer.render(job[0], context, job[1]), jobs, workers, chunk)
        return list(progress(_Sized(done, len(jobs))) if progress else done)
    with concurrent.futures.ProcessPoolExecutor(  # started afresh (spawn): the jobs are sent to them
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker, initargs=(options, context),
    ) as pool:
        results = pool.map(_render_in_worker, jobs, chunksize=chunk)
        return list(progress(_Sized(results, len(jobs))) if progress else results)


class _Sized:
    """An iterator with a known length (a progress bar wants one)."""

    def __init__(self, items: Iterable, length: int) -> None:
        self.items, self.length = items, length

    def __len__(self) -> int:
        return self.length

    def __iter__(self):
        return iter(self.items)


_worker: tuple[MarkdownRenderer, LinkContext] | None = None  # one renderer per worker process


def _start_worker(options: MarkdownOptions, context: LinkContext) -> None:
    global _worker
    _worker = (MarkdownRenderer(options), context)


def _render_in_worker(job: tuple[Article, str]) -> RenderedArticle:
    assert _worker is not None
    renderer, context = _worker
    return renderer.render(job[0], context, job[1])
