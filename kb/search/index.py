"""The Pagefind index: built over the staged site, in shards, before the site is swapped in.

A large site's index is split into shards by a hash of each page's path: Pagefind indexes each
shard on its own (on every core), and the browser searches them together with Pagefind's
`mergeIndex`, which ranks all results by score. With a cache folder, a shard whose pages are the
same bytes as in an earlier build is taken from the cache (`shards`), so an edit re-indexes one
shard only. Pagefind is given only the pages it would index anyway (`pages.searchable`). When every
page of a shard keeps all that Pagefind reads from it inside its marked element (`pages.body_only`),
Pagefind is told to read that element alone (its root selector): the index is the same, made with a
fifth less work (so a shard's cache key does not depend on it).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import SearchError
from ..output.folder import write_file
from .files import normalise_index
from .languages import Bundle, split_pages
from .pages import SUBDIR, body_only_of, searchable
from .shards import DIGESTS, keep_shard, load_shard

if TYPE_CHECKING:
    from ..runner import Runner

SHARDS_FILE = "kb-shards.json"  # the other shards' folders, for the browser to merge ({"pages": 0}: no index)
SHARD_PAGES = 1000  # pages per shard, about
MAX_SHARDS = 8  # a query fetches a piece of every shard
ROOT_SELECTOR = "[data-pagefind-body]"
_PAGES = re.compile(r"Indexed (\d+) pages?")


@dataclass(frozen=True)
class SearchReport:
    """What the indexer did."""

    pages: int
    seconds: float
    bytes: int
    shards: int = 1
    reused: int = 0  # shards taken from the cache
    keys: tuple[str, ...] = ()  # the shards' keys in the cache: what to keep there once the site is published


def pagefind_executable() -> Path:
    """The Pagefind binary shipped by the `pagefind[bin]` dependency."""
    try:
        import pagefind_bin
    except ImportError:
        raise SearchError("the Pagefind binary is not installed (pip install 'pagefind[bin]'); use --no-search to skip the index") from None
    try:
        return pagefind_bin.get_executable()
    except FileNotFoundError as exc:
        raise SearchError(f"the Pagefind binary is missing: {exc}") from None


def shard_count(pages: int) -> int:
    """How many shards an index of `pages` pages is split into: one below a shard's worth, else an
    even number (shards are indexed two or four at a time, and none is left to run alone at the end)."""
    if pages < SHARD_PAGES:
        return 1
    count = pages // SHARD_PAGES
    return min(MAX_SHARDS, count + count % 2)


def shard_of(path: str, shards: int) -> int:
    """The shard a page belongs to, from its path alone (so it stays there from build to build)."""
    return int.from_bytes(hashlib.sha256(path.encode("utf-8", "surrogatepass")).digest()[:4], "big") % shards


def index_site(
    site_dir: Path, languages: str | Sequence[tuple[str, str]], run: Runner, paths: Iterable[str] | None = None,
) -> SearchReport:
    """Index the pages of `site_dir` into one bundle per language (`languages`: (code, path), the
    default first): `site_dir/pagefind/` for the default, `pagefind/<path>/` for the others, each
    with its other shards under it; `paths`: the site's files (else the folder is read). The runner
    may know the pages' digests (else they are read) and keep shards between builds."""
    started = time.perf_counter()
    bundles = split_pages(languages, searchable(site_dir, run.facts(), paths))
    executable = pagefind_executable()
    jobs: list[_Job] = []
    one_language = len(bundles) == 1
    for bundle in bundles:
        if not bundle.pages and not one_language:
            continue  # Pagefind makes no index of no page (a language of one page or more has one)
        shards = shard_count(len(bundle.pages))
        groups: list[list[tuple[str, str]]] = [[] for _ in range(shards)]
        for path, (digest, _) in sorted(bundle.pages.items()):
            groups[shard_of(path, shards)].append((path, digest))
        salt = _salt(executable, bundle.code, shards) + (f"|{bundle.path}" if bundle.path else "")
        for number, group in enumerate(groups):
            key = hashlib.sha256(json.dumps([salt, number, group]).encode()).hexdigest()
            jobs.append(_Job(bundle, number, shards, group, key, len(jobs)))
    # beside the site, named after it: a build that crashes leaves it where the next build cleans up
    work = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}-search-", dir=site_dir.parent))
    kept = run.kept("search")

    def one(job: _Job) -> tuple[int, bool, int]:
        """Put a shard's index in place, from the cache or made now; its page count, whether it
        was made, and the size of its files."""
        target = site_dir / job.bundle.folder
        place = target if job.number == 0 else target / f"shard-{job.number}"  # the first shard is the folder the others go in
        stored = load_shard(kept / job.key) if kept is not None else None
        if stored is not None:
            made: set[str] = set()
            place.mkdir(parents=True, exist_ok=True)
            for rel, source in stored[0].items():
                write_file(place, rel, made=made, link_from=source)
            return len(job.group), False, stored[1]
        output = work / f"out-{job.order}"
        # one shard of a one-language site: Pagefind picks the same pages
        pages = [p for p, _ in job.group] if job.shards > 1 or not one_language else None
        alone = all(body_only_of(site_dir, path, job.bundle.pages[path][1]) for path, _ in job.group)
        found = _run(executable, site_dir, pages, work / f"in-{job.order}", output, job.bundle.code, alone)
        normalise_index(output)  # the same input gives the same files, build after build
        if kept is not None:
            size = keep_shard(output, kept / job.key)
        else:
            size = sum(info.st_size for info in map(os.lstat, output.rglob("*")) if stat.S_ISREG(info.st_mode))
        place.mkdir(parents=True, exist_ok=True)
        for entry in os.scandir(output):  # moved, not copied
            os.rename(entry.path, place / entry.name)
        return found, True, size

    # shards to index first (their cache entry is missing), so that the others are put in place meanwhile
    order = sorted(jobs, key=lambda job: kept is not None and (kept / job.key / DIGESTS).exists())
    size = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(max(1, min(run.workers, len(jobs)))) as pool:
            done = list(pool.map(one, order))
        for bundle in bundles:
            count = shard_count(len(bundle.pages))
            shard_list = json.dumps([f"shard-{n}/" for n in range(1, count)]) + "\n"
            if not bundle.pages and not one_language:  # no index: the browser finds nothing in this language
                shard_list = json.dumps({"pages": 0}) + "\n"
                (site_dir / bundle.folder).mkdir(parents=True, exist_ok=True)
            (site_dir / bundle.folder / SHARDS_FILE).write_text(shard_list, encoding="utf-8")
            size += len(shard_list)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size += sum(made_size for *_, made_size in done)
    return SearchReport(sum(found for found, *_ in done), time.perf_counter() - started, size, len(jobs),
                        sum(1 for _, made, _ in done if not made), tuple(job.key for job in jobs))


@dataclass(frozen=True)
class _Job:
    """A shard of a language's bundle to put in place."""

    bundle: Bundle
    number: int  # the shard's number in its bundle
    shards: int  # the bundle's shard count
    group: list[tuple[str, str]]  # its pages (path, digest)
    key: str  # its key in the cache
    order: int  # its number among every bundle's shards (its work folders')


_PLAIN_PATH = re.compile(r"[A-Za-z0-9._~/-]+")
MAX_GLOB = 60_000  # characters; a glob of 170,000 matched nothing


def _run(
    executable: Path, site_dir: Path, paths: list[str] | None, work: Path, output: Path, code: str, alone: bool = False,
) -> int:
    """Pagefind over `paths` of the site (all of it when None), where they keep their URLs; returns
    the pages indexed. With `alone`, Pagefind reads only each page's `data-pagefind-body` element.

    The paths are given as one glob in a config file when they are plain and the glob is not long
    (Pagefind finds nothing with a very long one); otherwise they are linked into a folder of
    their own, laid out as in the site."""
    work.mkdir(parents=True, exist_ok=True)
    config: dict[str, object] = {"output_path": str(output), "force_language": code}
    if alone:
        config["root_selector"] = ROOT_SELECTOR
    pattern = "{" + ",".join(paths) + "}" if paths else ""
    if paths is None:
        config["site"] = str(site_dir)
    elif paths and len(pattern) <= MAX_GLOB and all(_PLAIN_PATH.fullmatch(path) for path in paths):
        config |= {"site": str(site_dir), "glob": pattern}
    else:
        source = work / "site"
        source.mkdir()
        made: set[str] = set()
        for path in paths:
            write_file(source, path, made=made, link_from=site_dir / path)
        config["site"] = str(source)
    (work / "pagefind.json").write_text(json.dumps(config), encoding="utf-8")  # read from the working folder
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:
        done = subprocess.run([str(executable)], cwd=work, capture_output=True, text=True, env=env, timeout=1800,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(f"Pagefind could not run: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError("Pagefind failed: " + (detail[-1] if detail else f"exit status {done.returncode}"))
    found = _PAGES.search(done.stdout)
    return int(found.group(1)) if found else 0


def _salt(executable: Path, code: str, shards: int) -> str:
    """What every shard's index depends on besides its pages: Pagefind itself, the language, the split."""
    try:
        info = executable.stat()
        binary = f"{executable}:{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        binary = str(executable)
    return f"kb {__version__}|{binary}|{code}|{shards}"

