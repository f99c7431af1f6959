"""Random front matter, Markdown, site.yaml, _category.yaml and status.yaml, written as text: never a
traceback, never a hang (5 s a document), always a result or positioned errors that print on one
line, and a build writes nothing outside its output folder. Derandomized: CI runs the same
documents every time (about 5,300 of them, in about a minute)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from fuzzdocs import (
    CATEGORY_KEYS,
    CATEGORY_TEMPLATE,
    FRONT_KEYS,
    FRONT_TEMPLATE,
    GOOD_MARKDOWN,
    MARKDOWN,
    SITE_KEYS,
    SITE_TEMPLATE,
    STATUS_KEYS,
    STATUS_TEMPLATE,
    filled,
    time_limit,
    yaml_text,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.build import BuildOptions, build_site, compile_site
from kb.content.config import load_config
from kb.content.parse import discover, load_categories, parse_article
from kb.errors import ContentError
from kb.content.markdown import MarkdownRenderer
from kb.model import LinkContext, MarkdownOptions, SiteConfig
from kb.status import StatusLinks, load_status
from kb.status.report import status_report

FOLDERS = {"billing": "/billing/", "": "/general/"}
NOW = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
LINKS = StatusLinks(articles={"billing/a.md": "billing/a.md"}, categories={"billing": "billing"})
_RAW = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
COUNTS: Counter[str] = Counter()
RENDERERS = {raw: MarkdownRenderer(MarkdownOptions(raw_html=raw)) for raw in (False, True)}  # made once: slow to make


def fuzz(examples: int):
    """The same documents on every run, no database, no per-example deadline (time_limit instead)."""
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print("\nfuzzed documents:", dict(COUNTS), "total", sum(n for k, n in COUNTS.items() if " that " not in k))


def _check(diagnostics) -> None:
    for d in diagnostics:
        assert d.path and d.line >= 1 and d.col >= 1 and d.message, d
        assert not _RAW.search(d.format()), d.format()  # one line, no terminal control


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@fuzz(1500)
@given(front=yaml_text(FRONT_KEYS, FRONT_TEMPLATE), body=MARKDOWN)
def test_front_matter_text(front: str, body: str) -> None:
    COUNTS["front matter"] += 1
    with time_limit(5):
        article, diagnostics = parse_article("billing/a.md", f"---\n{front}\n---\n{body}", "content/billing/a.md",
                                             SiteConfig(), FOLDERS)
        _check(diagnostics)
        if article is not None:
            assert not any(d.is_error for d in diagnostics)
            assert ".." not in article.url.split("/") and article.title.strip()
            rendered = RENDERERS[False].render(
                article, LinkContext(urls={"billing/a.md": article.url}), "content/billing/a.md")
            _check(rendered.diagnostics)
            assert "<script" not in rendered.html


@fuzz(900)
@given(body=MARKDOWN, raw_html=st.booleans())
def test_markdown_text(body: str, raw_html: bool) -> None:
    COUNTS["markdown"] += 1
    with time_limit(5):
        article, _ = parse_article("billing/a.md", "---\ntitle: A\n---\n" + body, "content/billing/a.md",
                                   SiteConfig(), FOLDERS)
        assert article is not None
        rendered = RENDERERS[raw_html].render(article, LinkContext(), "a.md")
        _check(rendered.diagnostics)
        if not raw_html:
            assert "<script" not in rendered.html
            assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript):""", rendered.html, re.I)


@fuzz(1000)
@given(text=yaml_text(SITE_KEYS, SITE_TEMPLATE))
def test_site_yaml_text(scratch: Path, text: str) -> None:
    COUNTS["site.yaml"] += 1
    (scratch / "site.yaml").write_text(text, encoding="utf-8")
    with time_limit(5):
        _, diagnostics = load_config(scratch)
        _check(diagnostics)


@fuzz(800)
@given(text=yaml_text(CATEGORY_KEYS, CATEGORY_TEMPLATE))
def test_category_yaml_text(scratch: Path, text: str) -> None:
    COUNTS["_category.yaml"] += 1
    folder = scratch / "cat" / "billing"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.md").write_text("# A\n", encoding="utf-8")
    (folder / "_category.yaml").write_text(text, encoding="utf-8")
    with time_limit(5):
        categories, diagnostics = load_categories(scratch / "cat", discover(scratch / "cat"))
        _check(diagnostics)
        assert [c.key for c in categories] == ["billing"]
        assert all(".." not in c.url.split("/") for c in categories)


@fuzz(1000)
@given(text=yaml_text(STATUS_KEYS, STATUS_TEMPLATE))
def test_status_yaml_text(scratch: Path, text: str) -> None:
    COUNTS["status.yaml"] += 1
    (scratch / "status.yaml").write_text(text, encoding="utf-8")
    with time_limit(5):
        status, diagnostics = load_status(scratch, LINKS)
        _check(diagnostics)
        if status is not None and not any(d.is_error for d in diagnostics):
            report = status_report(status, NOW)
            assert report.indicator in ("none", "minor", "major", "critical", "maintenance")
            assert all(u.percent is None or 0 <= u.percent <= 100 for u in report.uptime.values())


@fuzz(60)
@given(front=yaml_text(FRONT_KEYS, FRONT_TEMPLATE), body=st.one_of(MARKDOWN, GOOD_MARKDOWN),
       site=st.one_of(filled(SITE_TEMPLATE), yaml_text(SITE_KEYS, SITE_TEMPLATE)),
       category=st.one_of(filled(CATEGORY_TEMPLATE), yaml_text(CATEGORY_KEYS, CATEGORY_TEMPLATE)),
       status=st.one_of(filled(STATUS_TEMPLATE), yaml_text(STATUS_KEYS, STATUS_TEMPLATE)))
def test_whole_sites_compile(tmp_path_factory, front: str, body: str, site: str, category: str, status: str) -> None:
    COUNTS["whole sites"] += 5
    content = _project(tmp_path_factory.mktemp("site"), front, body, site, category, status)
    with time_limit(10):
        try:
            compiled = compile_site(_options(content, content.parent / "out"))
            COUNTS["whole sites that compiled"] += 1
        except ContentError as exc:
            _check(exc.diagnostics)
            return
    _check(compiled.warnings)
    for file in compiled.files:
        assert ".." not in Path(file.path).parts and not Path(file.path).is_absolute(), file.path


@fuzz(6)
@given(front=filled(FRONT_TEMPLATE, 30), body=GOOD_MARKDOWN, site=filled(SITE_TEMPLATE, 30),
       status=filled(STATUS_TEMPLATE, 60))
def test_builds_write_only_their_output(tmp_path_factory, front: str, body: str, site: str, status: str) -> None:
    COUNTS["builds"] += 4
    box = tmp_path_factory.mktemp("box")
    root = box / "project"
    content = _project(root, front, body, site, "title: Billing", status)
    before = _tree(box)
    with time_limit(60):
        try:
            build_site(_options(content, root / "site", cache=root / "cache", search=True))
            COUNTS["builds that published"] += 1
        except ContentError as exc:
            _check(exc.diagnostics)
    after = _tree(box)
    written = {p for p in after if after[p] != before.get(p)}
    outside = {p for p in written if not p.startswith(("project/site/", "project/cache/", "project/.site."))}
    assert not outside, sorted(outside)
    assert {p: v for p, v in after.items() if p.startswith("project/content/")} == \
        {p: v for p, v in before.items() if p.startswith("project/content/")}


def _project(root: Path, front: str, body: str, site: str, category: str, status: str) -> Path:
    content = root / "content"
    (content / "billing").mkdir(parents=True)
    (content / "media").mkdir()
    (content / "media" / "logo.svg").write_text("<svg/>")
    (content / "billing" / "a.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    (content / "billing" / "b.md").write_text("---\ntitle: Other\naliases: [/old/]\n---\nSee [a](a.md).\n")
    (content / "billing" / "_category.yaml").write_text(category, encoding="utf-8")
    (content / "site.yaml").write_text(site, encoding="utf-8")
    (content / "status.yaml").write_text(status, encoding="utf-8")
    return content


def _options(content: Path, out: Path, cache: Path | None = None, search: bool = False) -> BuildOptions:
    return BuildOptions(content=content, out=out, search=search, now=NOW, git_dates=False,
                        cache=cache, jobs=1)


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `folder`, by relative path."""
    return {p.relative_to(folder).as_posix() + ("/" if p.is_dir() else ""): None if p.is_dir() else p.read_bytes()
            for p in folder.rglob("*")}


@fuzz(40)
@given(front=st.dictionaries(st.sampled_from(FRONT_KEYS), st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=12), max_size=8))
def test_values_of_every_type(front: dict) -> None:
    """Front matter of well-formed YAML with values of every type, as the earlier version of this file made it."""
    COUNTS["typed front matter"] += 1
    _, diagnostics = parse_article("billing/a.md", "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nBody.",
                                   "content/billing/a.md", SiteConfig(), FOLDERS)
    _check(diagnostics)
