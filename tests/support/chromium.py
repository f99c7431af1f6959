"""Debian's Chromium as the browser tests and benches launch it (Playwright for Python)."""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path

EXECUTABLE = Path("/usr/bin/chromium")
# No sandbox (containers), no GPU, and nothing that talks to the network behind the test's back.
ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)


def missing() -> list[str]:
    """What is missing to run a browser here (empty when nothing is), each with how to get it."""
    found = []
    if importlib.util.find_spec("playwright") is None:
        found.append("the 'playwright' Python package (pip install -e '.[test]')")
    if not EXECUTABLE.is_file():
        found.append(f"Chromium at {EXECUTABLE} (apt-get install chromium)")
    return found


def launch(playwright, **options):
    """A headless Chromium from a started Playwright (`sync_playwright().start()` or its `with`)."""
    return playwright.chromium.launch(executable_path=str(EXECUTABLE), args=list(ARGS), headless=True, **options)


@contextlib.contextmanager
def browser(**options) -> Iterator[object]:
    """A headless Chromium for the `with` block, closed (and Playwright stopped) after it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        opened = launch(playwright, **options)
        try:
            yield opened
        finally:
            opened.close()
