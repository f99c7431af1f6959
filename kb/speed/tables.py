"""Files kept in the cache folder by content key, in parts, written atomically; and a table of
results by key for one kind of job (parsed articles, rendered articles)."""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from pathlib import Path

from .. import __version__

FORMAT = 4  # 4: diagnostics kept with parsed and rendered articles name paths relative to the content
# folder (the folder as typed is no longer in a key); 3: one key scheme for every kind of job
# (kb.speed.runner); 2: untrusted articles are sanitised
MISSING = object()


class Table:
    """Results by key: loaded from `folder` (when given), and those this build used, to save."""

    def __init__(self, folder: Path | None, name: str) -> None:
        self.folder, self.name = folder, name
        self.entries: dict = load_entries(folder, name) if folder is not None else {}
        self.used: dict = {}

    def get(self, key: object) -> object:
        """The result kept under `key`, or MISSING."""
        found = self.entries.get(key, MISSING)
        if found is not MISSING:
            self.used[key] = found
        return found

    def put(self, key: object, value: object) -> None:
        self.used[key] = value

    def settle(self) -> None:
        """Keep in memory only what this build used (`kb serve`)."""
        self.entries, self.used = self.used, {}

    def save(self, staged: Staged | None = None) -> None:
        """Write the entries this build used (others are dropped); see save_entries."""
        if self.folder is not None:
            save_entries(self.folder, self.name, self.used, self.entries, staged)


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


def kept_shards(cache: Path | None) -> set[str]:
    """The search index's shards the cache folder holds now (their keys; see kb.search.shards)."""
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
