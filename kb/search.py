"""The Pagefind index: built over the staged site, before it is swapped in.

A large site's index is split into shards by a hash of each page's path: Pagefind indexes each
shard on its own (on every core), and the browser searches them together with Pagefind's
`mergeIndex`, which ranks all results by score. With a cache folder, a shard whose pages are the
same bytes as in an earlier build is taken from the cache, so an edit re-indexes one shard only.
Pagefind is given only the pages it would index anyway: those marked `data-pagefind-body`
(every page when none is marked). When every page of a shard keeps all that Pagefind reads from it
inside its marked element (see `body_only`), Pagefind is told to read that element alone (its root
selector): the index is the same, made with a fifth less work (so a shard's cache key does not
depend on it).
"""

from __future__ import annotations

import concurrent.futures
import functools
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
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import SearchError
from .speed.tables import is_digest
from .output import write_file
from .pagefindfiles import normalise_index

if TYPE_CHECKING:
    from .runner import Runner

SUBDIR = "pagefind"
SHARDS_FILE = "kb-shards.json"  # the other shards' folders, for the browser to merge
SHARD_PAGES = 1000  # pages per shard, about
MAX_SHARDS = 8  # a query fetches a piece of every shard
BODY = b"data-pagefind-body"
ROOT_SELECTOR = "[data-pagefind-body]"
_PAGES = re.compile(r"Indexed (\d+) pages?")
# where tags are not tags (comments and raw text), so counting tags to find an element's end could go wrong
_OPAQUE = re.compile(rb"<(?:!--|script|style|template|textarea|title|xmp|noscript|plaintext)")
_ATTRIBUTE = b"data-pagefind-"
_TAG_NAME = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")


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


def index_site(site_dir: Path, language: str, run: Runner) -> SearchReport:
    """Index the pages of `site_dir` into `site_dir/pagefind/` (with the other shards under it);
    the runner may know the pages' digests (else they are read) and keep shards between builds."""
    started = time.perf_counter()
    pages = _searchable(site_dir, run.facts())
    shards = shard_count(len(pages))
    groups: list[list[tuple[str, str]]] = [[] for _ in range(shards)]
    for path, (digest, _) in sorted(pages.items()):
        groups[shard_of(path, shards)].append((path, digest))
    code = _language_code(language)
    executable = pagefind_executable()
    salt = _salt(executable, code, shards)
    target = site_dir / SUBDIR
    # beside the site, named after it: a build that crashes leaves it where the next build cleans up
    work = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}-search-", dir=site_dir.parent))
    kept = run.kept("search")

    keys = [hashlib.sha256(json.dumps([salt, number, group]).encode()).hexdigest() for number, group in enumerate(groups)]

    def one(number: int) -> tuple[str, int, bool, int]:
        """Put a shard's index in place, from the cache or made now; its key, page count, whether it
        was made, and the size of its files."""
        key = keys[number]
        place = target if number == 0 else target / f"shard-{number}"  # the first shard is the folder the others go in
        stored = _load(kept / key) if kept is not None else None
        if stored is not None:
            made: set[str] = set()
            place.mkdir(parents=True, exist_ok=True)
            for rel, source in stored[0].items():
                write_file(place, rel, made=made, link_from=source)
            return key, len(groups[number]), False, stored[1]
        output = work / f"out-{number}"
        paths = [p for p, _ in groups[number]] if shards > 1 else None  # one shard: Pagefind picks the same pages
        alone = all(_body_only(site_dir, path, pages[path][1]) for path, _ in groups[number])
        found = _run(executable, site_dir, paths, work / f"in-{number}", output, code, alone)
        normalise_index(output)  # the same input gives the same files, build after build
        if kept is not None:
            size = _keep(output, kept / key)
        else:
            size = sum(info.st_size for info in map(os.lstat, output.rglob("*")) if stat.S_ISREG(info.st_mode))
        place.mkdir(parents=True, exist_ok=True)
        for entry in os.scandir(output):  # moved, not copied
            os.rename(entry.path, place / entry.name)
        return key, found, True, size

    # shards to index first (their cache entry is missing), so that the others are put in place meanwhile
    order = sorted(range(shards), key=lambda number: kept is not None and (kept / keys[number] / DIGESTS).exists())
    try:
        with concurrent.futures.ThreadPoolExecutor(max(1, min(run.workers, shards))) as pool:
            done = list(pool.map(one, order))
        shard_list = json.dumps([f"shard-{n}/" for n in range(1, shards)]) + "\n"
        (target / SHARDS_FILE).write_text(shard_list, encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = len(shard_list) + sum(size for *_, size in done)
    return SearchReport(sum(found for _, found, *_ in done), time.perf_counter() - started, size, shards,
                        sum(1 for _, _, made, _ in done if not made), tuple(keys))


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


def _body_only(site_dir: Path, path: str, known: bool | None) -> bool:
    """`body_only` of a page of the site, as known or from its file."""
    if known is not None:
        return known
    try:
        return body_only((site_dir / path).read_bytes())
    except OSError:
        return False


def _searchable(site_dir: Path, known: dict[str, tuple[str, bool, bool | None]]) -> dict[str, tuple[str, bool | None]]:
    """The pages Pagefind indexes (path -> digest of the bytes, and whether `body_only` if known):
    the marked ones, or all when none is. `known`: what the build knows of some pages already."""
    marked: dict[str, tuple[str, bool | None]] = {}
    plain: dict[str, tuple[str, bool | None]] = {}
    paths = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html") if p.is_file())
    for path in paths:
        if path.startswith(f"{SUBDIR}/"):
            continue
        if path in known:
            digest, has_body, alone = known[path]
        else:
            data = (site_dir / path).read_bytes()
            digest, has_body = hashlib.sha256(data).hexdigest(), BODY in data
            alone = has_body and body_only(data)
        (marked if has_body else plain)[path] = (digest, alone)
    return marked or plain


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


DIGESTS = "digests.json"  # beside a cached shard's files: what each file's bytes were


def _keep(output: Path, entry: Path) -> int:
    """Store a shard's index in the cache (files linked, not copied) with the digest of every file,
    and return their size; the digests are written last, so an entry without them is incomplete
    and never used."""
    shutil.rmtree(entry, ignore_errors=True)
    digests = {}
    made: set[str] = set()
    size = 0
    (entry / "files").mkdir(parents=True)
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        rel = path.relative_to(output).as_posix()
        data = path.read_bytes()
        digests[rel] = hashlib.sha256(data).hexdigest()
        size += len(data)
        write_file(entry / "files", rel, made=made, link_from=path)
    temp = entry / f"{DIGESTS}.tmp"
    temp.write_text(json.dumps(digests), encoding="utf-8")
    os.replace(temp, entry / DIGESTS)
    return size


def _load(entry: Path) -> tuple[dict[str, str], int] | None:
    """A cached shard's files and their total size, if every one is still what was stored (they
    are linked, not copied, into the site, so a change to a published file would show here)."""
    files = os.path.join(entry, "files")
    found: dict[str, str] = {}
    size = 0
    try:
        with open(os.path.join(entry, DIGESTS), encoding="utf-8") as handle:
            digests = json.load(handle)
        for rel, digest in digests.items():
            path = os.path.join(files, rel)
            with open(path, "rb") as handle:
                data = handle.read()
            if hashlib.sha256(data).hexdigest() != digest:
                return None
            found[rel] = path
            size += len(data)
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return found, size


def kept_shards(cache: Path | None) -> set[str]:
    """The shards the cache folder holds now (their keys)."""
    try:
        return {entry.name for entry in os.scandir(cache / "search")} if cache is not None else set()
    except OSError:
        return set()


def keep_shards(cache: Path | None, keys: set[str]) -> None:
    """Keep in the cache folder only the shards named: those of a failed build's cache as it was
    before it (`kept_shards`), or those a published index uses (SearchReport.keys)."""
    if cache is not None:
        _prune(cache / "search", keys)


def _prune(folder: Path, keep: set[str]) -> None:
    """Remove the cached shards no longer used."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:  # only the folders kb names (a digest): nothing else is kb's to remove
        if entry.name not in keep and is_digest(entry.name) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def _language_code(language: str) -> str:
    """Pagefind wants an ISO 639-1 code: `en` from `en-US` or `en_GB`."""
    return re.split(r"[-_]", language.strip() or "en")[0].lower() or "en"
