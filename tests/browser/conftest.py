"""Shared fixtures of the end-to-end browser tests.

One build of the example site (`content/`), one HTTP server, one headless
Chromium per session; a fresh browser context (and page) per test.

The tests need Debian's /usr/bin/chromium and the `playwright` package. When
either is missing the whole folder is skipped, except that with CI=true a
missing Chromium is an error: CI must not silently skip the browser tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import http.server
import importlib.util
import os
import posixpath
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from kbtest import ISOLATED

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CONTENT = REPO / "content"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").strip().lower() == "true"
# The example is built as if it were this moment, so that the status page (open incidents,
# maintenance, uptime bars) is the same in every run.
NOW = "2026-11-26T20:00:00Z"


def _missing() -> list[str]:
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the 'playwright' Python package (pip install -e '.[test]')")
    if not CHROMIUM.is_file():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    return missing


@pytest.fixture(scope="session", autouse=True)
def _browser_stack() -> None:
    """Skip this folder when the browser stack is missing; under CI=true a missing Chromium is an error."""
    missing = _missing()
    if not missing:
        return
    if IN_CI and not CHROMIUM.is_file():
        pytest.fail(f"CI=true but the browser tests cannot run: missing {'; '.join(missing)}", pytrace=False)
    pytest.skip(f"browser tests skipped: missing {'; '.join(missing)}")


# --------------------------------------------------------------------------
# What the content folder says the site should contain (independent of kb)
# --------------------------------------------------------------------------

_FENCE = re.compile(r"^---[ \t]*$")
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_CALLOUT = re.compile(r"^\s*>\s?\[!(note|tip|important|warning|caution)\]", re.I | re.M)
_ADMONITION = re.compile(r"^\s*!!!\s+[\w-]+", re.M)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.M)
_IMAGE = re.compile(r"!\[[^\]]*\]\((?:<[^>]+>|[^)\s]+)\)|^\s*:::image\b", re.M)
_MD_LINK = re.compile(r"(?<!!)\[((?:[^\[\]]|\n)+?)\]\((<[^>]+>|[^)\s]+)\)")
_HEADING = re.compile(r"^#{2,3}\s+\S", re.M)


@dataclasses.dataclass(frozen=True)
class Doc:
    """One Markdown article of the content folder, read the way a writer sees it."""

    rel: str  # posix path relative to content/
    title: str
    summary: str
    tags: tuple[str, ...]
    draft: bool
    updated: dt.date | None
    related: tuple[str, ...]
    slug: str | None
    order: int | None
    body: str

    @property
    def category(self) -> str:
        return self.rel.split("/")[0] if "/" in self.rel else ""

    @property
    def section(self) -> str | None:
        parts = self.rel.split("/")[:-1]
        return "/".join(parts[:2]) if len(parts) >= 2 else None

    @property
    def callouts(self) -> int:
        """GitHub callouts (`> [!NOTE]`) plus `!!! note` admonitions."""
        text = _without_code(self.body)
        return len(_CALLOUT.findall(text)) + len(_ADMONITION.findall(text))

    @property
    def code_languages(self) -> tuple[str, ...]:
        """The language of each fenced code block ("" when it names none)."""
        found, fence = [], None
        for line in self.body.split("\n"):
            opened = re.match(r"^\s*(`{3,}|~{3,})[ \t]*([^\s`{]*)", line)
            if fence:
                if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) and not opened.group(2):
                    fence = None
            elif opened:
                fence = opened.group(1)
                found.append(opened.group(2).lower())
        return tuple(found)

    @property
    def has_table(self) -> bool:
        return bool(_TABLE_RULE.search(_without_code(self.body)))

    @property
    def images(self) -> int:
        return len(_IMAGE.findall(_without_code(self.body)))

    @property
    def headings(self) -> int:
        return len(_HEADING.findall(_without_code(self.body)))

    def article_links(self) -> list[tuple[str, str]]:
        """(link text, target .md path relative to content/) for links to other articles."""
        found = []
        for text, target in _MD_LINK.findall(_without_code(self.body)):
            target = target.strip("<>").split("#")[0]
            if not target.lower().endswith(".md") or re.match(r"^[a-z]+:", target, re.I):
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(self.rel), urllib.parse.unquote(target)))
            found.append((" ".join(text.split()), path))
        return found


@dataclasses.dataclass(frozen=True)
class Category:
    key: str  # folder path relative to content/
    title: str
    order: int | None = None


def _without_code(body: str) -> str:
    out, fence = [], None
    for line in body.split("\n"):
        opened = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence:
            if opened and opened.group(1)[0] == fence[0]:
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        out.append(line)
    return "\n".join(out)


def _read_doc(path: Path) -> Doc:
    text = path.read_text(encoding="utf-8-sig")
    meta: dict = {}
    body = text
    lines = text.split("\n")
    if lines and _FENCE.match(lines[0]):
        for index, line in enumerate(lines[1:], start=1):
            if _FENCE.match(line) or line.rstrip() == "...":
                meta = yaml.safe_load("\n".join(lines[1:index])) or {}
                body = "\n".join(lines[index + 1:])
                break
    heading = None
    stripped = body.lstrip("\n").split("\n", 1)
    match = _H1.match(stripped[0]) if stripped else None
    if match:
        heading = match.group(1).strip()
        body = stripped[1] if len(stripped) > 1 else ""
    rel = path.relative_to(CONTENT).as_posix()
    tags = meta.get("tags") or ()
    tags = (tags,) if isinstance(tags, str) else tuple(str(t) for t in tags)
    updated = meta.get("updated") or meta.get("date")
    return Doc(
        rel=rel,
        title=str(meta.get("title") or heading or path.stem.replace("-", " ").capitalize()),
        summary=" ".join(str(meta.get("summary") or meta.get("description") or "").split()),
        tags=tags,
        draft=bool(meta.get("draft")),
        updated=updated if isinstance(updated, dt.date) else None,
        related=tuple(str(r) for r in (meta.get("related") or ())),
        slug=meta.get("slug"),
        order=meta.get("order") if isinstance(meta.get("order"), int) else None,
        body=body,
    )


class ContentModel:
    """The example content, parsed with PyYAML; expected values for the tests come from here."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config: dict = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8")) or {}
        docs = []
        for path in sorted(root.rglob("*.md")):
            rel_parts = path.relative_to(root).parts
            if any(p.startswith(("_", ".")) for p in rel_parts) or rel_parts[0] == "templates":
                continue
            docs.append(_read_doc(path))
        self.docs: tuple[Doc, ...] = tuple(docs)
        self.by_rel = {d.rel: d for d in self.docs}

    @property
    def published(self) -> list[Doc]:
        return [d for d in self.docs if not d.draft]

    @property
    def drafts(self) -> list[Doc]:
        return [d for d in self.docs if d.draft]

    def folder_meta(self, key: str) -> dict:
        meta_file = self.root / key / "_category.yaml"
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else None
        return meta if isinstance(meta, dict) else {}

    def folder(self, key: str) -> Category:
        order = self.folder_meta(key).get("order")
        return Category(key, self.folder_title(key), order if isinstance(order, int) else None)

    def folder_title(self, key: str) -> str:
        meta = self.folder_meta(key)
        if meta.get("title"):
            return str(meta["title"])
        name = key.rpartition("/")[2]
        if " " not in name and ("-" in name or "_" in name):
            words = re.sub(r"[-_]+", " ", name).strip()
            return words[:1].upper() + words[1:]
        return name

    @functools.cached_property
    def categories(self) -> list[Category]:
        """First-level folders that hold published articles."""
        keys = sorted({d.category for d in self.published if d.category})
        return [self.folder(k) for k in keys]

    def category(self, title: str) -> Category:
        return next(c for c in self.categories if c.title == title)

    def articles_in(self, category_key: str) -> list[Doc]:
        return [d for d in self.published if d.category == category_key]

    def sections_of(self, category_key: str) -> list[Category]:
        keys = sorted({d.section for d in self.articles_in(category_key) if d.section})
        return [self.folder(k) for k in keys]

    def doc(self, title: str) -> Doc:
        return next(d for d in self.docs if d.title == title)

    def pick(self, test, prefer: str | None = None) -> Doc:
        """A published article passing `test`: `prefer` (a path under content/) if it does, else the first."""
        if prefer and prefer in self.by_rel and not self.by_rel[prefer].draft and test(self.by_rel[prefer]):
            return self.by_rel[prefer]
        for doc in self.published:
            if test(doc):
                return doc
        pytest.skip("no article in the example content has the feature this test needs")

    def resolve(self, source: Doc, ref: str) -> Doc | None:
        """A `related:` entry (id or relative path) as the article it names."""
        ref = ref.replace("\\", "/")
        for candidate in (posixpath.normpath(posixpath.join(posixpath.dirname(source.rel), ref)), ref.lstrip("/")):
            if candidate in self.by_rel:
                return self.by_rel[candidate]
        for doc in self.docs:
            text = (self.root / doc.rel).read_text(encoding="utf-8-sig")
            if re.search(rf"^id:\s*['\"]?{re.escape(ref)}['\"]?\s*$", text, re.M):
                return doc
        return None


@pytest.fixture(scope="session")
def content() -> ContentModel:
    return ContentModel(CONTENT)


# --------------------------------------------------------------------------
# The built site
# --------------------------------------------------------------------------


class _PageInfo(HTMLParser):
    """The body class and first <h1> text (without badges) of a built page."""

    def __init__(self) -> None:
        super().__init__()
        self.body_class = ""
        self.h1 = ""
        self._depth = 0  # inside h1
        self._skip = 0  # inside a badge span
        self._done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body_class = attrs.get("class") or ""
        elif tag == "h1" and not self._done:
            self._depth = 1
        elif self._depth and tag == "span" and "badge" in (attrs.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "h1" and self._depth:
            self._depth = 0
            self._done = True
        elif tag == "span" and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._depth and not self._skip:
            self.h1 += data


@dataclasses.dataclass
class BuiltSite:
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
    articles: dict[str, str] = {}
    categories: dict[str, str] = {}
    for page in sorted(out.rglob("index.html")):
        info = _PageInfo()
        info.feed(page.read_text(encoding="utf-8"))
        rel = page.parent.relative_to(out).as_posix()
        url = "/" + urllib.parse.quote(rel + "/") if rel != "." else "/"
        title = " ".join(info.h1.split())
        if "page-article" in info.body_class.split():
            articles[title] = url
        elif "page-category" in info.body_class.split():
            categories[title] = url
    return BuiltSite(out, articles, categories)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static hosting the way Netlify/GitHub Pages do it: folder/index.html, and /404.html for misses."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def server(built_site: BuiltSite):
    """The built site over HTTP on 127.0.0.1 with a free port; yields its origin."""
    handler = functools.partial(_Handler, directory=str(built_site.root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="kb-site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


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
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_Handler, directory=str(folder))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


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
