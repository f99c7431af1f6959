"""kb.serve.watch: a wait ends when a file under the folders changes, and only then."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from kb.serve.watch import POLL_SECONDS, Watcher

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


def _later(action, seconds: float = 0.2) -> None:
    threading.Timer(seconds, action).start()


def _drain(watcher: Watcher) -> None:
    """Take the events of what the test did so far."""
    while watcher.wait(timeout=0.2):
        pass


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "billing" / "cards").mkdir(parents=True)
    (tmp_path / "billing" / "cards" / "visa.md").write_text("a")
    return tmp_path


@pytest.fixture
def watcher(tree: Path):
    found = Watcher([tree])
    yield found
    found.close()


@linux
def test_the_kernel_tells_of_an_edit_deep_in_the_tree_at_once(tree: Path, watcher: Watcher) -> None:
    assert not watcher.polling
    assert watcher.wait(timeout=0.3) is False  # nothing changed
    _later(lambda: (tree / "billing" / "cards" / "visa.md").write_text("b"))
    started = time.perf_counter()
    assert watcher.wait(timeout=5) is True
    assert time.perf_counter() - started < 1.0


@linux
def test_a_new_folder_is_watched_too(tree: Path, watcher: Watcher) -> None:
    (tree / "setup").mkdir()
    assert watcher.wait(timeout=5) is True
    _drain(watcher)  # the folder's own events
    _later(lambda: (tree / "setup" / "new.md").write_text("new"))
    assert watcher.wait(timeout=5) is True


@linux
def test_a_rename_over_a_file_is_a_change(tree: Path, watcher: Watcher) -> None:
    """How many editors save: write a temporary file, then rename it over the article."""
    temp = tree / "billing" / "cards" / ".visa.md.swp"
    temp.write_text("c")
    _drain(watcher)
    _later(lambda: temp.replace(tree / "billing" / "cards" / "visa.md"))
    assert watcher.wait(timeout=5) is True


def test_without_the_kernel_every_wait_is_a_short_poll(tree: Path) -> None:
    watcher = Watcher([tree], kernel=False)
    assert watcher.polling
    started = time.perf_counter()
    assert watcher.wait(timeout=5) is True
    assert time.perf_counter() - started < POLL_SECONDS * 5
    watcher.close()
