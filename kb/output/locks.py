"""Advisory file locks (flock) that say which process holds them; none where the system has no flock."""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class Busy(Exception):
    """Another process holds the lock; `holder` is its process id as it wrote it, when known."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


class Lock:
    """An exclusive lock on the file at `path` (made when missing), taken at once or not at all.

    It is released, and its file removed, on leaving the `with` block; a process that dies holding
    it releases it too (the kernel drops it with the last open descriptor: this process's and the
    workers' it forked), leaving the file for the next holder to reuse."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = -1

    def __enter__(self) -> Lock:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        while True:
            self.fd = os.open(self.path, flags, 0o666)
            if fcntl is None:
                return self
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip()
                self.close()
                raise Busy(holder) from None
            try:
                current = os.stat(self.path, follow_symlinks=False).st_ino
            except FileNotFoundError:
                current = -1
            if current == os.fstat(self.fd).st_ino:
                break
            self.close()  # its holder removed the file as we opened it: lock the one there now
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0 and fcntl is not None:
            try:
                os.unlink(self.path)  # while still held: whoever opens it next makes a new one
            except OSError:
                pass
        self.close()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
        self.fd = -1
