"""The output folder: a build writes into a staging folder beside it, then swaps it in.

The published site is never written in place: until the swap, a failed or killed build leaves it
as it was, and the next build removes the staging folder a crashed one left behind.

With a cache folder, the site a swap replaces is kept there (`SPARE`) and the next build is made
in it: the two sites take turns, so that a build which changes a few pages makes no folders and
deletes nothing. Nothing in that folder is trusted: a file is left in place only when it is the
very file (the same inode) the build would link there, every other file is written anew, and
whatever the new site does not hold is removed before the swap. No file is ever written into: it
is replaced, since its inode may be shared with the published site or with the cache.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .model import OutputFile

BACKGROUND_DELETE = 2000  # a previous site of this many files is deleted after kb exits, not before
SPARE = "previous-site"  # in the cache folder: the site the last swap replaced, to make the next one in


def write_site(files: list[OutputFile], out: Path, before_swap: Callable[[Path], object] | None = None) -> None:
    """Write every file into a fresh folder beside `out`, run `before_swap` on it, then swap it in."""
    staging, _ = new_staging(out)
    try:
        write_files(staging, files)
        if before_swap is not None:
            before_swap(staging)
        swap(staging, out, large=len(files) >= BACKGROUND_DELETE)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def new_staging(out: Path, spare: Path | None = None) -> tuple[Path, bool]:
    """A folder beside `out` (the output's permissions, after removing crashed builds' ones) and
    whether it holds an earlier site: `spare`, when there is one, else a fresh empty folder."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    reused = False
    if spare is not None and _is_folder(spare):
        try:
            os.rename(spare, staging)  # over the empty folder just made
            reused = True
        except OSError:  # another file system, or not ours to move: not worth keeping
            shutil.rmtree(spare, ignore_errors=True)
    elif spare is not None and os.path.lexists(spare):
        clear(spare)
    os.chmod(staging, 0o777 & ~_umask())
    return staging, reused


def give_back(staging: Path, spare: Path | None) -> None:
    """A build stopped: keep its staging folder as the spare (none of it is trusted), or remove it."""
    if spare is not None and not os.path.lexists(spare):
        try:
            spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(staging, spare)
            return
        except OSError:
            pass
    shutil.rmtree(staging, ignore_errors=True)


def write_files(staging: Path, files: Iterable[OutputFile]) -> None:
    """Write files into `staging`, in path order; a file already written there is left alone."""
    made: set[str] = set()
    for file in sorted(files, key=lambda f: f.path):
        if not file.written:
            write_file(staging, file.path, file.data, file.copy_from, made)


def write_file(staging: Path, path: str, data: bytes | None = None, copy_from: str | None = None,
               made: set[str] | None = None, link_from: Path | str | None = None,
               move_from: Path | str | None = None) -> None:
    """One file of the site: `data`, a copy of `copy_from`, `link_from` itself (a hard link, a copy
    where links cannot be made) or `move_from`, moved; `made` remembers folders known to be there.
    Whatever is at `path` already is replaced, never written into, unless it is `link_from` itself."""
    rel = posixpath.normpath(path)
    if rel.startswith(("../", "/")) or rel == ".." or "\\" in rel or rel == ".":
        raise RuntimeError(f"refusing to write outside the output folder: {path!r}")
    make_folder(staging, posixpath.dirname(rel), set() if made is None else made)
    target = os.path.join(staging, rel)
    if link_from is not None:
        _link(link_from, target)
    elif move_from is not None:
        try:
            os.replace(move_from, target)  # over a file or a link: in one step
        except OSError:
            if not _is_folder(target):
                raise
            clear(target)
            os.replace(move_from, target)
    elif copy_from is not None:
        clear(target)  # copyfile would write into what is there
        shutil.copyfile(copy_from, target)
    else:
        try:
            _create(target, data or b"")
        except FileExistsError:
            clear(target)
            _create(target, data or b"")


def _create(target: str, data: bytes) -> None:
    with open(target, "xb") as handle:  # a new file: never one that is there
        handle.write(data)


def move_tree(staging: Path, folder: str, source: Path | str, made: set[str]) -> None:
    """Move everything under `source` into `folder` of `staging`: a folder that is not there yet in
    one step, one that is there file by file, over what it holds."""
    make_folder(staging, folder, made)
    for entry in os.scandir(source):
        rel = f"{folder}/{entry.name}" if folder else entry.name
        full = os.path.join(staging, rel)
        if not entry.is_dir(follow_symlinks=False):
            write_file(staging, rel, made=made, move_from=entry.path)
        elif _is_folder(full):
            move_tree(staging, rel, entry.path, made)
        else:
            clear(full)
            os.rename(entry.path, full)


def make_folder(staging: Path, folder: str, made: set[str]) -> None:
    """Make `folder` (relative to `staging`) and those above it as real folders: a file or a symbolic
    link in the way is removed first, so that nothing is ever written through a link."""
    if not folder or folder in made:
        return
    make_folder(staging, posixpath.dirname(folder), made)
    full = os.path.join(staging, folder)
    try:
        os.mkdir(full)
    except FileExistsError:
        if not _is_folder(full):
            clear(full)
            try:
                os.mkdir(full)
            except FileExistsError:  # another worker cleared the way and made it
                if not _is_folder(full):
                    raise
    made.add(folder)


def _link(source: Path | str, target: str) -> None:
    try:
        os.link(source, target)
        return
    except FileExistsError:
        if _same_file(source, target):
            return
        clear(target)
    except OSError:  # no links here (another file system)
        shutil.copyfile(source, target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _same_file(source: Path | str, target: str) -> bool:
    try:
        one, other = os.stat(source), os.lstat(target)
    except OSError:
        return False
    return (one.st_ino, one.st_dev) == (other.st_ino, other.st_dev)


def _is_folder(path: Path | str) -> bool:
    """A folder, not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def clear(path: Path | str) -> None:
    """Remove whatever is at `path`: a file, a link (not what it points to) or a folder."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        if not _is_folder(path):
            raise
        shutil.rmtree(path)


def prune(folder: Path, keep: Iterable[str], skip: str | None = None) -> None:
    """Remove from `folder` every file not in `keep` (paths relative to it, as written) and every
    folder that holds none of them; the folder `skip` is left as it is."""
    kept = {posixpath.normpath(path) for path in keep}
    needed = {""}
    for path in kept:
        parent = posixpath.dirname(path)
        while parent not in needed:
            needed.add(parent)
            parent = posixpath.dirname(parent)
    pending = [""]
    while pending:
        rel = pending.pop()
        with os.scandir(os.path.join(folder, rel)) as entries:
            for entry in entries:
                path = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    if path in needed:
                        pending.append(path)
                    elif path != skip:
                        shutil.rmtree(entry.path)
                elif path not in kept:
                    os.unlink(entry.path)


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


def swap(staging: Path, out: Path, large: bool = False, keep: Path | None = None) -> None:
    """Put `staging` where `out` is. The previous site is kept as `keep` when given (and free), else
    removed (after kb exits when `large`)."""
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
    if keep is not None and not os.path.lexists(keep):
        try:
            keep.parent.mkdir(parents=True, exist_ok=True)
            os.rename(retired / out.name, keep)
            retired.rmdir()
            return
        except OSError:
            pass
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
