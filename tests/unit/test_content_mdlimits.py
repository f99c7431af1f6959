"""kb.content.mdlimits: what one article may cost Python-Markdown; beyond it, a positioned error at once instead of a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kb.content.markdown import MarkdownRenderer
from kb.content.mdlimits import MAX_CHARS, MAX_DEPTH, check_cost
from kb.model import Article, LinkContext, MarkdownOptions

REPO = Path(__file__).resolve().parents[2]


def render(body: str, raw_html: bool = True):
    article = Article(source="billing/a.md", title="A", slug="a", url="/billing/a/", category="billing",
                      section=None, body=body, body_line=4)
    return MarkdownRenderer(MarkdownOptions(raw_html=raw_html)).render(article, LinkContext(), "content/billing/a.md")


@pytest.mark.parametrize(("body", "line", "start"), [
    ("Text.\n\n" + "[" * 50_000, 3, "too many '[' without a near ']'"),  # ran past 240 s
    ("Text.\n\n" + "[a " * 2_000, 3, "too many '[' without a near ']'"),  # 10 s
    ("[a](" * 1_200, 1, "too many '(' without a near ')'"),  # 6 s at 4,000
    ('[a]("x)' * 1_000, 1, "too many '(' without a near ')'"),  # 12 s at 4,000: a quote makes the scan go on
    ("Text.\n\n" + "<a " * 2_000, 3, "too many '<' without a near '>'"),  # 10 s at 8,000
    ("\\\\" * 40_000, 1, "paragraph too long for its many marks"),  # 14 s at 50,000
    ("*a* " * 50_000, 1, "paragraph too long for its many marks"),  # 3.9 s, growing with the square
    ("\n".join("    " * i + "- x" for i in range(40)), 34, "nested too deeply: 33 levels"),  # RecursionError at 2,000
    ("\n".join("> " * i + "- x" for i in range(40)), 34, "nested too deeply: 33 levels"),  # 30 s at 2,000
    (">" * 2_000 + " x", 1, "nested too deeply: 2000 levels"),
    ("a\n" * (MAX_CHARS // 2 + 1), 1, "too long: 1,048,578 characters of Markdown"),
])
def test_a_costly_text_is_refused_at_once_at_its_position(body: str, line: int, start: str) -> None:
    started = time.perf_counter()
    found = check_cost(body)
    assert found is not None and found.message.startswith(start), found
    assert found.line == line
    rendered = render(body)
    assert time.perf_counter() - started < 1
    assert rendered.html == ""
    (problem,) = rendered.diagnostics
    assert problem.is_error and (problem.line, problem.message) == (3 + line, found.message)


def test_the_worst_part_is_named() -> None:
    found = check_cost("Fine [link](x.md) here.\n\nAnd here " + "[" * 3_000)
    assert (found.line, found.col) == (3, 10)  # the first `[` of the run: the one read furthest


def test_within_the_limits_texts_render() -> None:
    for body in ("[" * 1_900, "<a " * 1_500 + ">", "\n".join("    " * i + "- x" for i in range(MAX_DEPTH + 1)),
                 "> " * MAX_DEPTH + "x", "\\\\" * 20_000):
        assert check_cost(body) is None, body[:20]


def test_code_is_not_measured() -> None:
    """Fenced code is set aside before Python-Markdown reads HTML, lists or links."""
    body = "Text.\n\n```\n" + "[" * 50_000 + "\n" + ">" * 100 + "\n" + "<a " * 10_000 + "\n```\n\nMore.\n"
    assert check_cost(body) is None


def test_every_example_article_is_within_the_limits() -> None:
    articles = sorted((REPO / "content").rglob("*.md"))
    assert articles
    for path in articles:
        assert check_cost(path.read_text(encoding="utf-8")) is None, path


def test_status_update_bodies_are_measured_too() -> None:
    renderer = MarkdownRenderer(MarkdownOptions())
    html, problems = renderer.render_text("[" * 50_000, LinkContext(), "content/status.yaml", 12, "status.yaml")
    assert html == ""
    assert [(p.path, p.line, p.col) for p in problems] == [("content/status.yaml", 12, 1)]


def test_text_after_code_is_measured_where_it_is() -> None:
    found = check_cost("```\n" + "x" * 3000 + "\n```\n[^1]: note\n" + "[" * 3000)
    assert found is not None and (found.line, found.col) == (5, 1)
    assert found.message.startswith("too many '['")


@pytest.mark.parametrize(("body", "start"), [
    ("```a\n" * 20_000, "too many code fences ('```') never closed"),  # 19 s; 1,900 s at 1 MiB
    ("```\nx\n```\n" * 30_000, "too many code blocks (30,000) for an article this long"),  # 2.3 s; 25 s at 1 MiB
])
def test_code_fences_that_cost_too_much(body: str, start: str) -> None:
    found = check_cost(body)
    assert found is not None and found.message.startswith(start)
    assert check_cost(body[: len(body) // 8]) is None


def test_a_fence_never_closed_is_no_code() -> None:
    """Python-Markdown reads an opening fence without its closing one as text, links and all."""
    assert check_cost("``````````\n" + "[" * 3000) is not None
    assert check_cost("    ```\n" + "[" * 3000 + "\n    ```\n") is not None  # indented: no fence for it either
