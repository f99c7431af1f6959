"""`kb serve` in a real browser: an edit shows up by itself, a broken file shows its error and the server lives on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kbtest import ISOLATED

from conftest import CONTENT, NOW

pytestmark = pytest.mark.browser

ARTICLE = "Billing/can-i-pay-by-check.md"


@pytest.fixture
def served(tmp_path: Path):
    """A copy of the example content under `kb serve`; yields (url, content folder, stderr file)."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    log = tmp_path / "serve.log"
    with open(log, "wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "kb", "serve", "--content", str(content), "--port", "0", "--no-search", "--now", NOW],
            stdout=subprocess.PIPE, stderr=errors, cwd=tmp_path, env={**os.environ, **ISOLATED},
        )
        try:
            url = process.stdout.readline().decode().strip()
            assert url.startswith("http://127.0.0.1:"), log.read_text()
            yield url, content, log
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert process.returncode == 0, log.read_text()
    assert "kb: stopped" in log.read_text()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_reloads_the_open_page_by_itself(served, page) -> None:
    url, content, log = served
    page.goto(url + "billing/can-i-pay-by-check/")
    heading = page.locator("h1")
    assert heading.inner_text().startswith("Can I pay by check")
    page.evaluate("window.kbNotReloaded = true")
    started = time.monotonic()
    _edit(content / ARTICLE, "title: Can I pay by check instead of credit card?", "title: Can I pay by cheque?")
    heading.filter(has_text="Can I pay by cheque?").wait_for(timeout=10_000)
    elapsed = time.monotonic() - started
    assert page.evaluate("window.kbNotReloaded === undefined"), "the page changed without reloading"
    assert elapsed < 10
    assert "rebuilt" in log.read_text()


def test_a_broken_file_shows_its_error_and_the_server_keeps_running(served, page) -> None:
    url, content, log = served
    page.goto(url + "billing/can-i-pay-by-check/")
    broken = content / "Billing" / "broken.md"
    broken.write_text("---\ntitle: [oops\n---\nText.\n", encoding="utf-8")
    overlay = page.locator("#kb-problems")
    overlay.wait_for(timeout=10_000)
    message = "Billing/broken.md:3:1: invalid YAML"
    assert message in overlay.inner_text()
    assert message in log.read_text(), "the terminal shows the error too"
    page.goto(url + "billing/")  # other pages still work, with the overlay
    assert page.locator("h1").inner_text() == "Billing"
    assert message in page.locator("#kb-problems").inner_text()
    broken.unlink()
    page.wait_for_function("document.getElementById('kb-problems') === null", timeout=10_000)
    assert page.locator("h1").inner_text() == "Billing"


def test_drafts_are_shown_and_marked(served, page, content) -> None:
    url, _, _ = served
    if not content.drafts:
        pytest.skip("the example has no draft")
    draft = content.drafts[0]
    topic = content.folder(draft.category)
    page.goto(url)
    page.get_by_role("link", name=topic.title, exact=True).first.click()
    link = page.get_by_role("link", name=draft.title, exact=True)
    assert link.count() == 1, "a draft is listed on its topic page while previewing"
    link.click()
    assert page.locator("h1").inner_text().strip() == draft.title
    assert page.locator(".badge-draft").first.is_visible()
