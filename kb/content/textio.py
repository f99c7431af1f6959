"""Read text files strictly: UTF-8, no byte-order mark; problems become diagnostics."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import Diagnostic, error

BOM = b"\xef\xbb\xbf"
ARTICLE_LIMIT = 1 << 20  # bytes of one article: 6.5 times the largest of a real help centre of 2,459
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class Unreadable(OSError):
    """A file kb will not read: not a regular file, or larger than it may be."""


def file_kind(mode: int) -> str:
    """`a named pipe`, `a folder`, ... for a `st_mode` that is not a regular file's."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bytes(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; Unreadable (an OSError) for anything
    else. A named pipe or device is never read: reading one could wait forever."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable(f"not a regular file but {file_kind(info.st_mode)}; kb reads only regular files")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)  # the file opened, which may not be the one looked at
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"not a regular file but {file_kind(info.st_mode)}; kb reads only regular files")
        if limit is not None and info.st_size > limit:
            raise Unreadable(_too_large(info.st_size, limit))
        with open(fd, "rb", closefd=False) as file:
            data = file.read() if limit is None else file.read(limit + 1)
    finally:
        os.close(fd)
    if limit is not None and len(data) > limit:
        raise Unreadable(_too_large(len(data), limit))
    return data


def _too_large(size: int, limit: int) -> str:
    return f"file is {size:,} bytes, more than the {limit:,} ({limit / (1 << 20):g} MiB) it may have; split it"


def read_text(path: Path, shown: str, limit: int | None = None) -> tuple[str, Diagnostic | None]:
    """The text of a regular file (of at most `limit` bytes) with `\\n` line ends, or a positioned problem."""
    try:
        data = read_bytes(path, limit)
    except Unreadable as exc:
        return "", error(shown, 1, 1, str(exc))
    except OSError as exc:
        return "", error(shown, 1, 1, f"cannot read file: {exc.strerror or exc}")
    return decode_text(data, shown)


def decode_text(data: bytes, shown: str) -> tuple[str, Diagnostic | None]:
    """Decode UTF-8 bytes, reporting a BOM or an invalid byte at its line and column."""
    if data.startswith(BOM):
        return "", error(
            shown, 1, 1, "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        return "", error(
            shown, line, col, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None
