"""Waiting for files to change under some folders: told by the kernel (inotify) on Linux, else by polling.

A wait returns as soon as something under the folders may have changed; the caller compares
snapshots to learn what did. With inotify, `kb serve` notices a save at once and uses no CPU
while nothing changes; polling reads every file's time and size ten times a second.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import struct
import sys
import time
from pathlib import Path

POLL_SECONDS = 0.1
# IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF
_MASK = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800
_IN_ISDIR = 0x40000000
_IN_Q_OVERFLOW = 0x4000
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, name length; the name follows


class Watcher:
    """Wait for a change under `folders` (folders and files whose names start with `.` are left out)."""

    def __init__(self, folders: list[Path], kernel: bool = True) -> None:
        self.folders = list(folders)
        self._fd = -1
        self._libc = _inotify() if kernel else None
        if self._libc is not None:
            self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
            if self._fd < 0 or not self._watch_all():
                self.close()

    @property
    def polling(self) -> bool:
        return self._fd < 0

    def wait(self, timeout: float | None = None) -> bool:
        """Block until something may have changed (True), or `timeout` seconds pass (False).
        When polling, every wait lasts POLL_SECONDS: the caller then looks."""
        if self.polling:
            time.sleep(POLL_SECONDS if timeout is None else min(POLL_SECONDS, timeout))
            return True
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return False
        new_folder = False
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                break
            offset = 0
            while offset + _EVENT.size <= len(data):
                _, mask, _, length = _EVENT.unpack_from(data, offset)
                offset += _EVENT.size + length
                new_folder = new_folder or bool(mask & (_IN_ISDIR | _IN_Q_OVERFLOW))
        if new_folder and not self._watch_all():  # a folder made or moved in is watched from now on
            self.close()
        return True

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = -1

    def _watch_all(self) -> bool:
        """Watch every folder under the folders (adding a watch twice is harmless); False when the
        kernel refuses one (too many watches), so that the caller polls instead."""
        assert self._libc is not None
        stack = [str(folder) for folder in self.folders]
        while stack:
            folder = stack.pop()
            if self._libc.inotify_add_watch(self._fd, os.fsencode(folder), _MASK) < 0:
                if not os.path.isdir(folder):
                    continue  # gone already, or never there (a theme folder yet to be made)
                return False
            try:
                with os.scandir(folder) as entries:
                    stack.extend(e.path for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False))
            except OSError:
                continue
        return True


def _inotify() -> ctypes.CDLL | None:
    """The C library's inotify functions, where there are any."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    except (OSError, AttributeError):
        return None
    return libc
