"""The output folder: a build writes into a fresh staging folder beside it, then swaps it in.

The published site is never written in place: until the swap, a failed or killed build leaves it
as it was, and the next build removes the staging folder a crashed one left behind. The swap is
one atomic exchange of the two folders where the system has one (Linux), so the published path
never goes missing; elsewhere it is two renames, and a build that finds the site moved aside but
not replaced (a crash between them) puts it back first. One build at a time writes an output
folder: the lock file beside it says which.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import OutputError, UnsafePath
from .locks import Busy, Lock
from ..model import OutputFile

BACKGROUND_DELETE = 2000  # a previous site of this many files is deleted after kb exits, not before
MARKER = ".kb-site"  # in every site kb writes: kb replaces only folders that carry it
MARKER_TEXT = b"This folder was written by kb and is replaced by each build.\n"


def output_lock(out: Path) -> Lock:
    """The lock of the output folder (`.<name>.lock` beside it); entering it raises OutputError when
    another build holds it."""
    return _OutputLock(out.absolute().parent / f".{out.absolute().name}.lock", out)


class _OutputLock(Lock):
    def __init__(self, path: Path, out: Path) -> None:
        super().__init__(path)
        self.out = out

    def __enter__(self) -> Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return super().__enter__()
        except Busy as busy:
            who = f" (process {busy.holder})" if busy.holder.isdigit() else ""
            raise OutputError(f"another kb build is writing '{self.out}'{who}; wait for it to end or choose "
                              "another --out") from None
        except OSError as exc:
            raise OutputError(f"cannot lock the output folder '{self.out}' ({self.path.name}: "
                              f"{exc.strerror or exc})") from None


def write_site(files: list[OutputFile], out: Path, before_swap: Callable[[Path], object] | None = None) -> None:
    """Write every file into a fresh folder beside `out`, run `before_swap` on it, then swap it in."""
    with output_lock(out):
        recover(out)
        staging = new_staging(out)
        try:
            write_files(staging, files)
            if before_swap is not None:
                before_swap(staging)
            swap(staging, out, large=len(files) >= BACKGROUND_DELETE)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


@contextlib.contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A fresh folder beside `out` to write the site into, removed unless it is swapped in."""
    staging = new_staging(out)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def new_staging(out: Path) -> Path:
    """A fresh folder beside `out` (the output's permissions) holding only the site's marker (call it
    holding the output lock, after `recover`)."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    os.chmod(staging, 0o777 & ~_umask())
    (staging / MARKER).write_bytes(MARKER_TEXT)  # at once: what tells a crashed build's folder from a stranger's
    return staging


def write_files(staging: Path, files: Iterable[OutputFile]) -> None:
    """Write files into `staging`, in path order."""
    made: set[str] = set()
    for file in sorted(files, key=lambda f: f.path):
        write_file(staging, file.path, file.data, file.copy_from, made)


def write_file(staging: Path, path: str, data: bytes | None = None, copy_from: str | None = None,
               made: set[str] | None = None, link_from: Path | None = None) -> None:
    """One file of the site: `data`, a copy of `copy_from`, or `link_from` itself (a hard link, a copy
    where links cannot be made); `made` remembers folders already made."""
    rel = posixpath.normpath(path)
    if rel.startswith(("../", "/")) or rel == ".." or "\\" in rel or rel == ".":
        raise UnsafePath(path)
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


def _leftovers(out: Path, kind: str) -> list[Path]:
    """The folders named as kb's mkdtemp names a build's staging (`new`) or retired site (`old`)
    beside `out`, or the search index's work folder in a staging one (`search`): exact names only."""
    stem = re.escape(f".{out.name}.")
    pattern = re.compile({"new": rf"{stem}new-{_RANDOM}", "old": rf"{stem}old-{_RANDOM}",
                          "search": rf"{stem}new-{_RANDOM}-search-{_RANDOM}"}[kind])
    try:
        names = sorted(entry.name for entry in os.scandir(out.parent) if entry.is_dir(follow_symlinks=False))
    except OSError:
        return []
    return [out.parent / name for name in names if pattern.fullmatch(name)]


_RANDOM = "[a-z0-9_]{8}"  # what tempfile.mkdtemp puts after the prefix


def _restore(out: Path) -> None:
    """Put back a site that a swap interrupted by a crash moved aside and never replaced."""
    if os.path.lexists(out):
        return
    for folder in _leftovers(out, "old"):
        kept = folder / out.name
        if kept.is_dir() and not kept.is_symlink() and (kept / MARKER).is_file():
            os.rename(kept, out)
            return


def recover(out: Path) -> None:
    """Put back a site a crashed swap moved aside, then remove the folders crashed builds left beside
    `out`: only kb's own, by the exact names kb's mkdtemp makes and what is in them (a staging
    folder carries the site's marker, a retired one holds nothing but the site it moved aside, and
    either may be empty)."""
    out = out.absolute()
    _restore(out)
    for folder in _leftovers(out, "new"):
        if (folder / MARKER).is_file() or not os.listdir(folder):  # killed before the marker: empty
            shutil.rmtree(folder, ignore_errors=True)
    for folder in _leftovers(out, "old"):
        inside = os.listdir(folder)
        if inside == [] or (inside == [out.name] and (folder / out.name / MARKER).is_file()):
            shutil.rmtree(folder, ignore_errors=True)
    for folder in _leftovers(out, "search"):
        shutil.rmtree(folder, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def swap(staging: Path, out: Path, large: bool = False) -> None:
    """Put `staging` where `out` is; the previous site is removed (after kb exits when `large`)."""
    out = out.absolute()
    if not os.path.lexists(out):
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        retired = staging  # which holds the previous site now
    else:
        retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        try:
            os.rename(out, retired / out.name)
        except BaseException:
            retired.rmdir()
            raise
        try:
            os.rename(staging, out)
        except BaseException:
            os.rename(retired / out.name, out)
            retired.rmdir()
            raise
    if retired.is_symlink():  # `out` was a link: the link goes, what it pointed at stays
        retired.unlink()
    elif large:
        _remove_later(retired)
    else:
        shutil.rmtree(retired, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}


def _exchange(a: Path, b: Path) -> bool:
    """Swap the paths `a` and `b` in one step; False where the system or file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """The C library's renameat2 (Linux, glibc 2.28 and later), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


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
