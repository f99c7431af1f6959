"""Random front matter, Markdown and status documents: never a traceback, always a result or a positioned error."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.build import BuildOptions, compile_site
from kb.config import parse_config
from kb.content import parse_article
from kb.errors import ContentError
from kb.markdown import MarkdownRenderer
from kb.model import COMPONENT_STATUSES, INCIDENT_STATUSES, LinkContext, MarkdownOptions, SiteConfig
from kb.status import StatusLinks, parse_status
from kb.statusreport import status_report
from kb.yamlpos import YamlProblem, load_yaml

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FOLDERS = {"billing": "/billing/"}
KEYS = ["title", "summary", "slug", "tags", "date", "updated", "draft", "featured", "order", "id", "aliases",
        "related", "key", "name", "status", "at", "body", "components", "updates", "start", "end", "impact",
        "groups", "incidents", "maintenance", "page", "time_zone", "category", "articles", "../x", "ü"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 3000), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30), st.sampled_from([*COMPONENT_STATUSES, *INCIDENT_STATUSES, "2026-11-10 07:00", "2026-02-30",
                                           "../../etc", "<script>alert(1)</script>", "javascript:alert(1)", "3/4/2020"]),
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)),
    max_leaves=25,
)
DOCUMENTS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8)
MARKDOWN = st.lists(st.sampled_from([
    "# Title", "## Heading", "text with *emphasis* and `code`", "[link](other.md#part)", "[x](../../../etc/passwd)",
    "![img](media/a.png)", "> [!NOTE]", "> inside", "```", "```python", "| a | b |", "| --- | --- |", "- item",
    "1. step", "<div onclick=x>raw</div>", "[^1]", "[^1]: note", "!!! warning", "    indented", "", "---", "\t",
    ":::image source=\"a.png\" alt-text=\"x\":::", "[j](javascript:alert(1))", "<script>alert(1)</script>",
]), max_size=25).map("\n".join)


def _check(diagnostics) -> None:
    for d in diagnostics:
        assert d.path and d.line >= 1 and d.col >= 1 and d.message, d


@SETTINGS
@given(front=DOCUMENTS, body=MARKDOWN)
def test_articles_never_crash(front: dict, body: str) -> None:
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    article, diagnostics = parse_article("billing/a.md", text, "content/billing/a.md", SiteConfig(), FOLDERS)
    _check(diagnostics)
    if article is not None:
        assert not any(d.is_error for d in diagnostics)
        assert ".." not in article.url.split("/")
        rendered = MarkdownRenderer(MarkdownOptions(raw_html=False)).render(
            article, LinkContext(urls={"billing/a.md": article.url}), "content/billing/a.md")
        _check(rendered.diagnostics)
        assert "<script" not in rendered.html
        assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript):""", rendered.html, re.I)


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_text_as_an_article(text: str) -> None:
    _, diagnostics = parse_article("billing/a.md", text, "content/billing/a.md", SiteConfig(), FOLDERS)
    _check(diagnostics)


@SETTINGS
@given(doc=DOCUMENTS)
def test_status_documents_never_crash(doc: dict) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True)
    try:
        parsed = load_yaml(text)
    except YamlProblem:
        return
    if not isinstance(parsed.data, dict):
        return
    status, diagnostics = parse_status(parsed, "content/status.yaml", StatusLinks(articles={"billing/a.md": "billing/a.md"}))
    _check(diagnostics)
    report = status_report(status, dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
    assert report.indicator in ("none", "minor", "major", "critical", "maintenance")
    assert all(u.percent is None or 0 <= u.percent <= 100 for u in report.uptime.values())


@SETTINGS
@given(doc=DOCUMENTS)
def test_site_settings_never_crash(doc: dict) -> None:
    parsed = load_yaml(yaml.safe_dump(doc, allow_unicode=True))
    if isinstance(parsed.data, dict):
        _, diagnostics = parse_config(parsed, "content/site.yaml")
        _check(diagnostics)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(front=DOCUMENTS, body=MARKDOWN, status=DOCUMENTS)
def test_whole_builds_never_crash(tmp_path_factory, front: dict, body: str, status: dict) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    content = root / "content"
    (content / "billing").mkdir(parents=True)
    (content / "billing" / "a.md").write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body)
    (content / "status.yaml").write_text(yaml.safe_dump(status, allow_unicode=True))
    options = BuildOptions(content=content, out=root / "site", display="content", search=False,
                           now=dt.datetime(2026, 11, 26, tzinfo=dt.UTC), git_dates=False)
    try:
        compiled = compile_site(options)
    except ContentError as exc:
        _check(exc.diagnostics)
        return
    _check(compiled.warnings)
    for file in compiled.files:
        parts = Path(file.path).parts
        assert ".." not in parts and not Path(file.path).is_absolute(), file.path
