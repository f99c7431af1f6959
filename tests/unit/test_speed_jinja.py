"""kb.speed.jinja and make_environment's switch: the quicker environment writes what Jinja writes, and
leaves its private MarkupSafe shortcut out when it is not as expected."""

from __future__ import annotations

import html
from pathlib import Path

import jinja2
import jinja2.sandbox
import markupsafe
import pytest

from kb.speed.jinja import Environment, escape_output
from kb.render.theme import make_environment
from kbtest import REPO

SOURCE = ("<p title=\"{{ s }}\">{{ s }}</p>{{ m }}|{{ n }}|{{ d.title }}|{{ d.items is callable }}"
          "{% set x %}<b>{{ s }}</b>{% endset %}{{ x }}|{% macro box(v) %}<i>{{ v }}</i>{% endmacro %}{{ box(s) }}")
VALUES = {"s": "<Tom & \"Jerry's\"> é🙂", "m": markupsafe.Markup("<em>safe</em>"), "n": 3.5,
          "d": {"title": "Refunds", "items": "3 items"}}


def test_the_quick_environment_uses_its_shortcut_with_this_markupsafe() -> None:
    """An upgrade that leaves the shortcut out makes kb slower, not wrong: this test says so."""
    env = Environment(autoescape=True)
    assert env.escape_output is not None
    template = env.from_string(SOURCE)
    assert template.root_render_func.__globals__["escape"] is env.escape_output
    assert jinja2.Environment().from_string("{{ 1 }}").root_render_func.__globals__["escape"] is markupsafe.escape


@pytest.mark.parametrize("wrong", [
    str,  # escapes nothing
    lambda text: html.escape(text),  # another escaping of quotes
    lambda text: markupsafe.escape(text),  # Markup, not str
    lambda text: 1 / 0,  # fails
    "not callable",
])
def test_an_escaper_that_is_not_markupsafes_is_not_used(wrong: object) -> None:
    assert escape_output(wrong) is None


def test_without_the_shortcut_the_quick_environment_writes_the_same() -> None:
    env = Environment(autoescape=True)
    expected = jinja2.Environment(autoescape=True).from_string(SOURCE).render(VALUES)
    assert env.from_string(SOURCE).render(VALUES) == expected
    env.escape_output = None  # what a MarkupSafe without `_escape_inner` gives
    template = env.from_string(SOURCE)
    assert template.root_render_func.__globals__["escape"] is markupsafe.escape
    assert template.render(VALUES) == expected


def test_make_environment_picks_jinjas_own_environment_when_not_quick(tmp_path: Path) -> None:
    theme = REPO / "themes" / "default"
    quick = make_environment(theme, tmp_path, "/")
    plain = make_environment(theme, tmp_path, "/", quick=False)
    sandboxed = make_environment(theme, tmp_path, "/", sandboxed=True, quick=False)
    assert type(quick) is Environment and type(plain) is jinja2.Environment
    assert isinstance(sandboxed, jinja2.sandbox.SandboxedEnvironment)
    assert plain.filters["url"]("a b/") == quick.filters["url"]("a b/") == "/a%20b/"


def test_the_example_site_renders_the_same_pages_with_jinjas_own_environment(tmp_path: Path) -> None:
    import datetime as dt

    from kb.build import BuildOptions
    from kb.load import load_site
    from kb.render.pages import render_site
    from kb.runner import Runner
    from kb.speed.runner import Speed

    options = BuildOptions(content=REPO / "content", out=tmp_path / "out",
                           now=dt.datetime(2026, 11, 26, 20, tzinfo=dt.UTC), git_dates=False)
    prepared = load_site(options, Speed())
    plain = make_environment(prepared.theme, options.content, prepared.site.config.url_prefix, quick=False,
                            catalogs=prepared.catalogs, default_language=prepared.site.config.language)
    assert type(prepared.env) is Environment and type(plain) is jinja2.Environment
    quick_files, _ = render_site(prepared.site, prepared.rendered, prepared.env, prepared.theme, options.content, Runner(), prepared.catalogs)
    plain_files, problems = render_site(prepared.site, prepared.rendered, plain, prepared.theme, options.content, Runner(), prepared.catalogs)
    assert problems == ()
    pages = [(f.path, f.data) for f in quick_files if f.data is not None]
    assert len(pages) > 100 and pages == [(f.path, f.data) for f in plain_files if f.data is not None]
