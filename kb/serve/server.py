"""`kb serve`: a preview server that rebuilds what changed and reloads the open page by itself.

This module runs it: the first build, the server's threads, and the loop that watches the
content folder (and waits for it when it goes away). `preview.py` holds the site and answers
requests, `servehttp.py` the HTTP side, `overlay.py` what each page gets added.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..build import BuildOptions
from .preview import Preview, settle
from .handler import make_server, server_url
from ..render.theme import theme_dir
from .watch import Watcher

LOOK_SECONDS = 2.0  # with the kernel telling of changes, how often to look anyway
QUIET_SECONDS = 0.02  # a save's events come this close together
ABSENT_SECONDS = 0.25  # while the content folder is gone, how often to look for it


def snapshot(folders: list[Path]) -> dict[str, tuple[int, int, int]]:
    """(mtime, size, inode) of every file under `folders`: what the watcher compares, and what tells
    the rebuild which files it need not read again."""
    found: dict[str, tuple[int, int, int]] = {}
    for folder in folders:
        stack = [folder]
        while stack:
            try:
                entries = list(os.scandir(stack.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                        continue
                    info = entry.stat()
                except OSError:
                    continue
                found[entry.path] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return found


def watched(options: BuildOptions, preview: Preview) -> list[Path]:
    """The content folder, and the theme folders when they are elsewhere."""
    folders = [options.content]
    plan = preview.plan
    if plan is not None:
        for theme in (plan.prepared.theme, theme_dir("default", options.content)):
            if theme is not None and not theme.resolve().is_relative_to(options.content.resolve()):
                folders.append(theme)
    return folders


def serve(options: BuildOptions, port: int, say: Callable[[str], None], ready: Callable[[str], None],
          host: str | None = None, display: str = "") -> None:
    """Build, serve on `host` (127.0.0.1 by default) and `port`, rebuild on every change until interrupted;
    messages name the content folder as `display` (as the user typed it)."""
    if threading.current_thread() is threading.main_thread():  # stop cleanly on SIGTERM as on Ctrl+C
        signal.signal(signal.SIGTERM, _interrupt)
    preview = Preview(options, say, display)
    folders = watched(options, preview)
    watcher = Watcher(folders)  # before the first build: a save while it runs is a change after it
    before = snapshot(folders)
    try:
        preview.rebuild()
        preview.warm()
        httpd = make_server(preview, host, port, say)
    except BaseException:
        watcher.close()
        shutil.rmtree(preview.search_dir.parent, ignore_errors=True)
        raise
    preview.serving = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        ready(server_url(httpd))
        threading.Thread(target=_search_loop, args=(preview,), daemon=True).start()
        _watch(options, preview, folders, watcher, before)
    finally:
        httpd.shutdown()
        httpd.server_close()
        shutil.rmtree(preview.search_dir.parent, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _watch(options: BuildOptions, preview: Preview, folders: list[Path], watcher: Watcher,
           before: dict[str, tuple[int, int, int]]) -> None:
    absent = False
    try:
        while True:
            if absent:
                time.sleep(ABSENT_SECONDS)
            # told of a change, or a while without one: a look now and then catches what the kernel
            # does not report (a network file system)
            elif watcher.wait(timeout=LOOK_SECONDS) and not watcher.polling:
                # a save is often several events (emptied, then written): look once they stop, not
                # after the first, or the emptied file is built and the page reloads twice
                while watcher.wait(timeout=QUIET_SECONDS):
                    pass
            if not options.content.is_dir():  # renamed, moved or deleted: wait for it, serving what was built
                if not absent:
                    preview.say(f"kb: the content folder '{preview.display}' is gone; still serving the last "
                                "good site, and waiting for the folder to come back")
                absent = True
                continue
            now_watched = watched(options, preview)
            if absent or now_watched != folders:  # back (maybe another folder), or a theme from elsewhere now
                watcher.close()
                added = [folder for folder in now_watched if folder not in folders]
                folders, watcher = now_watched, Watcher(now_watched)
                before = {**before, **snapshot(added)}  # the theme as the build that named it found it
            now = snapshot(folders)
            if now == before and not absent:
                continue
            changed = sorted(set(now.items()) ^ set(before.items()))
            names = sorted({Path(p).name for p, _ in changed})
            reason = " (the content folder is back)" if absent else \
                f" ({', '.join(names[:3])}{'…' if len(names) > 3 else ''} changed)"
            absent, before = False, now
            preview.run.seen(now)
            preview.rebuild(reason)
    finally:
        watcher.close()


def _search_loop(preview: Preview) -> None:
    """Keep the search index behind the pages: refresh it once edits pause for a second. Then
    collect the garbage of the builds before, which an edit does not wait for (see `settle`)."""
    collected = -1
    while True:
        version = preview.version
        time.sleep(1.0)
        if preview.version == version and preview.search_version != version and preview.options.search:
            preview.refresh_search()
        if preview.version == version and collected != version:
            collected = version
            settle(collect=True)
