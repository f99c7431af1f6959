"""The output folder: a build writes into a fresh staging folder beside it, then swaps it in.

The published site is never written in place: until the swap, a failed or killed build leaves it
as it was, and the next build removes the staging folder a crashed one left behind.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .model import OutputFile

BACKGROUND_DELETE = 2000  # a previous site of this many files is deleted after kb exits, not before


def write_site(files: list[OutputFile], out: Path, before_swap: Callable[[Path], object] | None = None) -> None:
    """Write every file into a fresh folder beside `out`, run `before_swap` on it, then swap it in."""
    staging = new_staging(out)
    try:
        write_files(staging, files)
        if before_swap is not None:
            before_swap(staging)
        swap(staging, out, large=len(files) >= BACKGROUND_DELETE)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def new_staging(out: Path) -> Path:
    """A fresh, empty folder beside `out` (the output's permissions), after removing crashed builds' ones."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    os.chmod(staging, 0o777 & ~_umask())
    return staging


def write_files(staging: Path, files: Iterable[OutputFile]) -> None:
    """Write files into `staging`, in path order; a file already written there is left alone."""
    made: set[str] = set()
    for file in sorted(files, key=lambda f: f.path):
        if not file.written:
            write_file(staging, file.path, file.data, file.copy_from, made)


def write_file(staging: Path, path: str, data: bytes | None = None, copy_from: str | None = None,
               made: set[str] | None = None, link_from: Path | None = None) -> None:
    """One file of the site: `data`, a copy of `copy_from`, or `link_from` itself (a hard link, a copy
    where links cannot be made); `made` remembers folders already made."""
    rel = posixpath.normpath(path)
    if rel.startswith(("../", "/")) or rel == ".." or "\\" in rel or rel == ".":
        raise RuntimeError(f"refusing to write outside the output folder: {path!r}")
    folder = posixpath.dirname(rel)
    if folder and (made is None or folder not in made):
        (staging / folder).mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(folder)
    target = staging / rel
    if link_from is not None:
        try:
            os.link(link_from, target)
        except OSError:
            shutil.copyfile(link_from, target)
    elif copy_from is not None:
        shutil.copyfile(copy_from, target)
    else:
        target.write_bytes(data or b"")


def _remove_leftovers(out: Path) -> None:
    """Remove the folders a build that crashed left beside `out` (kb's own, by name and marker)."""
    for path in out.parent.glob(f".{out.name}.*-*"):
        if not path.is_dir() or path.is_symlink():
            continue
        if path.name.startswith((f".{out.name}.new-", f".{out.name}.old-")):  # names only kb's mkdtemp makes
            shutil.rmtree(path, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def swap(staging: Path, out: Path, large: bool = False) -> None:
    """Put `staging` where `out` is; the previous site is removed (after kb exits when `large`)."""
    out = out.absolute()
    if not out.exists():
        os.rename(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, retired / out.name)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(retired / out.name, out)
        retired.rmdir()
        raise
    if large:
        _remove_later(retired)
    else:
        shutil.rmtree(retired, ignore_errors=True)


def _remove_later(folder: Path) -> None:
    """Delete a retired site in a process of its own: the build is done and need not wait.
    (If that process is stopped, the next build removes what it left.)"""
    try:
        subprocess.Popen(
            [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(folder)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
