"""Shared fixtures of the end-to-end browser tests.

One build of the example site (`content/`), one HTTP server, one headless
Chromium per session; a fresh browser context (and page) per test. What the
pages should show comes from kb's own model of the content (`content`, see
tests/support/expect.py); the Chromium settings, the static server and the
built-page reader are tests/support's, shared with the benches.

The tests need Debian's /usr/bin/chromium and the `playwright` package. When
either is missing the whole folder is skipped, except that with CI=true a
missing Chromium is an error: CI must not silently skip the browser tests.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from kbtest import ISOLATED
from support import chromium
from support.expect import Expected
from support.pages import built_pages
from support.server import serve

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CONTENT = REPO / "content"
IN_CI = os.environ.get("CI", "").strip().lower() == "true"
# The example is built as if it were this moment, so that the status page (open incidents,
# maintenance, uptime bars) is the same in every run.
NOW = "2026-11-26T20:00:00Z"


@pytest.fixture(scope="session", autouse=True)
def _browser_stack() -> None:
    """Skip this folder when the browser stack is missing; under CI=true a missing Chromium is an error."""
    missing = chromium.missing()
    if not missing:
        return
    if IN_CI and not chromium.EXECUTABLE.is_file():
        pytest.fail(f"CI=true but the browser tests cannot run: missing {'; '.join(missing)}", pytrace=False)
    pytest.skip(f"browser tests skipped: missing {'; '.join(missing)}")


# --------------------------------------------------------------------------
# What the site should contain: the example content as kb models it
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def content() -> Expected:
    return Expected(CONTENT, NOW)


# --------------------------------------------------------------------------
# The built site
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BuiltSite:
    """The example as `kb build` wrote it, with its article and topic pages found by their <h1>."""

    root: Path
    article_urls: dict[str, str]  # title -> URL path (percent-encoded)
    category_urls: dict[str, str]  # title -> URL path

    def html_files(self) -> list[Path]:
        return sorted(self.root.rglob("*.html"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build content/ with the real CLI, as a user would."""
    work = tmp_path_factory.mktemp("kb-build")
    out = work / "site"
    result = subprocess.run(
        [sys.executable, "-m", "kb", "build", "--content", str(CONTENT), "--out", str(out), "--now", NOW,
         "--cache", str(work / "cache")],
        cwd=work, capture_output=True, text=True, timeout=180, env={**os.environ, **ISOLATED},
    )
    assert result.returncode == 0, (
        f"kb build exited with {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    pages = built_pages(out)
    articles = {p.title: p.url for p in pages if p.kind == "article"}
    categories = {p.title: p.url for p in pages if p.kind == "category"}
    return BuiltSite(out, articles, categories)


@pytest.fixture(scope="session")
def server(built_site: BuiltSite):
    """The built site over HTTP on 127.0.0.1 with a free port; yields its origin."""
    with serve(built_site.root) as origin:
        yield origin


@pytest.fixture(scope="session")
def http_status(server):
    """status(path) -> the HTTP status the server gives for a path (no browser involved)."""

    def status(path: str) -> int:
        try:
            with urllib.request.urlopen(server + path, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    return status


# --------------------------------------------------------------------------
# The browser
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    with chromium.browser() as opened:
        yield opened


@pytest.fixture
def new_context(browser):
    """new_context(**options) -> a fresh browser context, closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a new context (light colour scheme, desktop viewport)."""
    return new_context(color_scheme="light").new_page()


# --------------------------------------------------------------------------
# axe-core
# --------------------------------------------------------------------------


def format_violations(violations: list[dict], targets: int = 3) -> str:
    """axe violations, one readable block per rule."""
    lines = []
    for v in violations:
        nodes = v.get("nodes", [])
        lines.append(f"- {v['id']} [{v.get('impact') or 'n/a'}] {v.get('help', '')} ({len(nodes)} node{'s' * (len(nodes) != 1)})")
        for node in nodes[:targets]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}" + (f"  — {summary[:160]}" if summary else ""))
        if len(nodes) > targets:
            lines.append(f"    … and {len(nodes) - targets} more")
    return "\n".join(lines)


class AxeRunner:
    """axe(page) -> the axe-core violations on the page as it is now; axe.format(violations) -> text."""

    def __init__(self, runner) -> None:
        self.runner = runner

    def __call__(self, page) -> list[dict]:
        return self.runner.run(page).response["violations"]

    format = staticmethod(format_violations)


@pytest.fixture(scope="session")
def axe() -> AxeRunner:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    return AxeRunner(axe_module.Axe())


@pytest.fixture(scope="session")
def stylesheets_ok(server, built_site):
    """True when every stylesheet the home page links to is served (the theme CSS may not exist yet)."""
    html = (built_site.root / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"', html)
    hrefs += re.findall(r'<link[^>]+href="([^"]+)"[^>]*rel="stylesheet"', html)
    if not hrefs:
        return False
    for href in hrefs:
        url = urllib.parse.urljoin(server + "/", href)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status != 200:
                    return False
        except (urllib.error.URLError, OSError):
            return False
    return True


@pytest.fixture
def serve_folder():
    """serve_folder(path) -> the origin of a static server for `path`, stopped after the test."""
    with contextlib.ExitStack() as servers:
        yield lambda folder: servers.enter_context(serve(folder))


@pytest.fixture
def build_example(tmp_path: Path):
    """build_example(out, *args) -> runs `kb build` on content/ into `out` with extra arguments."""

    def build(out: Path, *args: str) -> Path:
        result = subprocess.run(
            [sys.executable, "-m", "kb", "build", "--content", str(CONTENT), "--out", str(out),
             *([] if "--no-cache" in args or "--cache" in args else ["--cache", str(tmp_path / "cache")]), *args],
            cwd=tmp_path, capture_output=True, text=True, timeout=180, env={**os.environ, **ISOLATED},
        )
        assert result.returncode == 0, result.stderr
        return out

    return build
