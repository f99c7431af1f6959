"""kb.speed.mdquick, kb.speed.highlight, kb.speed.rebind: the quicker parts of Python-Markdown and Pygments are installed on
kb's own Markdown instances only, give the same HTML as Python-Markdown's own parts, and are left out,
with the same output, when the private parts they rely on are not as expected."""

from __future__ import annotations

import pytest
from markdown import util
from markdown.extensions import codehilite, toc
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor

from kb.speed import highlight, mdquick
from kb.content.markdown import OPTIONAL_EXTENSIONS, MarkdownRenderer
from kb.model import Article, LinkContext, MarkdownOptions
from kb.speed.rebind import with_globals
from kbtest import REPO

_LANGUAGES = ("python", "PowerShell", "powershell", "console", "json", "yaml", "bash", "sql", "csharp", "vb",
              "output", "adoc", "no-such-language", "text", "html+jinja", "c++")
TRICKY = {
    **{f"fenced-{lang}": f"# Code\n\n```{lang}\nif (a < b && c > \"d\") {{ print('x') }} # é\n\n\n  done\n```\n"
       for lang in _LANGUAGES},
    "fenced-none": "```\n<b>not bold</b> & more\n```\n\n~~~~\nx = 1\n~~~~\n",
    "fenced-attrs": "```{ .python #ident hl_lines=\"1\" }\nx = 1\ny = 2\n```\n\n``` { .no-such }\nz\n```\n",
    "fenced-hl-lines": "```python hl_lines=\"2\"\na = 1\nb = 2\n```\n",
    "indented": "Text.\n\n    :::python\n    x = 1\n\nMore.\n\n    #!/bin/bash\n    echo hi\n\n    plain & <code>\n",
    "indented-shebang-language": "    #!python\n    import os\n\n    #!no-such-language\n    x\n",
    "in-list": "1. Step\n\n    ```powershell\n    Get-Item C:\\\n    ```\n\n2. Next\n\n        indented code\n",
    "callout-code": "> [!NOTE]\n> Run:\n>\n>     code in a callout\n",
    "headings": "# Title *em* and `code`\n\n## A &amp; B &copy; <b>x</b>\n\n## Plain heading\n\n"
                "## Plain heading\n\n### Ünïcödé — dash’s\n\n## Link [here](billing/pay.md) and **bold**\n\n"
                "## Note[^1]\n\n[^1]: a footnote\n\n## A < b > c & d\n\n#### Deep\n\nSetext\n------\n",
    "toc": "[TOC]\n\n## First *one*\n\nText.\n\n### Sub &amp; sub\n\n## Second\n\n```python\nx = 1\n```\n",
    "toc-label": "## Heading {: data-toc-label=\"Label *x*\" }\n\n## Other {: #custom-id }\n",
    "inline": "a *b* **c** _d_ `e` \\* [f](g.md) ![h](i.png) <http://j.k> <l@m.n> &amp; &#35; x  \ny ~~z~~\n",
    "blocks": "> quote\n\n---\n\n| a | b |\n|---|---|\n| `c` | d |\n\n!!! note \"Title\"\n    body\n\nterm\n:   definition\n",
}


def _article(body: str) -> Article:
    return Article(source="billing/pay.md", title="", slug="", url="", category="", section=None, body=body, body_line=1)


def _renders(renderer: MarkdownRenderer, body: str) -> tuple:
    result = renderer.render(_article(body), LinkContext(urls={"billing/pay.md": "/billing/pay/"}), "pay.md")
    return result.html, result.toc, result.excerpt, result.diagnostics


@pytest.mark.parametrize("all_extensions", [False, True], ids=["lean", "all-extensions"])
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_quick_and_plain_renderers_give_the_same_html(name: str, all_extensions: bool) -> None:
    options = MarkdownOptions()
    quick = MarkdownRenderer(options, all_extensions=all_extensions)
    plain = MarkdownRenderer(options, all_extensions=all_extensions, quick=False)
    assert _renders(quick, TRICKY[name]) == _renders(plain, TRICKY[name])


def test_the_example_articles_render_the_same_quick_and_plain() -> None:
    import sys

    sys.path.insert(0, str(REPO / "tests"))
    from test_content_markdown import _articles_of

    config, articles, context = _articles_of(REPO / "content")
    quick, plain = MarkdownRenderer(config.markdown), MarkdownRenderer(config.markdown, quick=False)
    assert len(articles) > 40
    for article in articles:
        a, b = quick.render(article, context, article.source), plain.render(article, context, article.source)
        assert (a.html, a.toc, a.excerpt, a.diagnostics) == (b.html, b.toc, b.excerpt, b.diagnostics), article.source


def _instance(quick: bool = True):  # type: ignore[no-untyped-def]
    return MarkdownRenderer(MarkdownOptions(), all_extensions=True, quick=quick)._make(
        tuple(n for n, _ in OPTIONAL_EXTENSIONS))


def _kinds(md) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"inline": type(md.treeprocessors["inline"]).__name__, "unescape": type(md.treeprocessors["unescape"]).__name__,
            "toc": type(md.treeprocessors["toc"]).__name__, "hilite": type(md.treeprocessors["hilite"]).__name__,
            "fenced": type(md.preprocessors["fenced_code_block"]).__name__,
            "blocks": type(md.parser.blockprocessors).__name__}


def test_every_quick_part_is_installed_with_this_python_markdown() -> None:
    """An upgrade that leaves a quick part out makes kb slower, not wrong: this test says so."""
    assert _kinds(_instance()) == {
        "inline": "QuickInlineProcessor", "unescape": "_QuickUnescape", "toc": "QuickTocTreeprocessor",
        "hilite": "QuickHiliteTreeprocessor", "fenced": "QuickFencedBlockPreprocessor", "blocks": "_ListedRegistry"}
    assert _kinds(_instance(quick=False)) == {
        "inline": "InlineProcessor", "unescape": "UnescapeTreeprocessor", "toc": "TocTreeprocessor",
        "hilite": "HiliteTreeprocessor", "fenced": "FencedBlockPreprocessor", "blocks": "Registry"}


def test_the_quick_code_blocks_look_lexers_up_by_kbs_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up = []
    real = highlight._lexer_class

    def spy(alias: str) -> type | None:
        looked_up.append(alias)
        return real(alias)

    monkeypatch.setattr(highlight, "_lexer_class", spy)
    renderer = MarkdownRenderer(MarkdownOptions())
    html = _renders(renderer, "```no-such-language\nx\n```\n\n    :::python\n    y = 1\n")[0]
    assert looked_up == ["no-such-language", "text", "python"]  # the fenced block, its fallback, the indented one
    assert '<span class="n">y</span>' in html
    looked_up.clear()
    _renders(MarkdownRenderer(MarkdownOptions(), quick=False), "```python\nx\n```\n")
    assert looked_up == []  # the plain renderer uses Pygments' own lookup


def test_with_globals_copies_a_function_and_leaves_its_module_alone() -> None:
    before = dict(vars(codehilite))
    hilite = with_globals(codehilite.CodeHilite.hilite, get_lexer_by_name=(codehilite.get_lexer_by_name, len))
    assert hilite is not None and hilite is not codehilite.CodeHilite.hilite
    assert hilite.__globals__["get_lexer_by_name"] is len and codehilite.get_lexer_by_name is before["get_lexer_by_name"]
    assert dict(vars(codehilite)) == before
    assert hilite.__code__ is codehilite.CodeHilite.hilite.__code__ and hilite.__defaults__ == (True,)


def _reads_nothing() -> int:
    return 1


def test_with_globals_refuses_what_it_cannot_copy_faithfully() -> None:
    lookup = codehilite.get_lexer_by_name
    assert with_globals(_reads_nothing, len=(len, abs)) is None  # the name is not read as a global
    assert with_globals(codehilite.CodeHilite.hilite, get_lexer_by_name=(abs, len)) is None  # not the expected object
    assert with_globals(InlineProcessor.__init__, get_lexer_by_name=(lookup, len)) is None
    assert with_globals(len, get_lexer_by_name=(lookup, len)) is None  # not a Python function

    def closure() -> object:
        return lookup

    assert with_globals(closure, lookup=(lookup, len)) is None


def test_the_inline_shortcut_checks_the_private_methods_it_relies_on() -> None:
    assert mdquick.inline_fits(InlineProcessor)

    class Renamed(InlineProcessor):  # a release without them on the class kb checks
        pass

    assert not mdquick.inline_fits(Renamed)

    def other(self, data, index=0):  # type: ignore[no-untyped-def]
        return data

    changed = type("Changed", (), {**vars(InlineProcessor), "_InlineProcessor__handleInline": other})
    assert not mdquick.inline_fits(changed)  # a different signature


@pytest.mark.parametrize("part", ["inline", "toc", "code"])
def test_when_a_private_part_is_not_as_expected_the_plain_part_stays_with_the_same_output(
        part: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def plain_parts() -> dict[str, bool]:
        kinds = _kinds(_instance())
        return {"inline": kinds["inline"] == "InlineProcessor", "toc": kinds["toc"] == "TocTreeprocessor",
                "code": kinds["hilite"] == "HiliteTreeprocessor" and kinds["fenced"] == "FencedBlockPreprocessor"}

    usual = plain_parts()
    if usual[part]:  # Python-Markdown 3.5 has no table-of-contents helper to replace (kb's pins allow it)
        pytest.skip(f"this Python-Markdown has no quick {part} part")
    if part == "inline":
        monkeypatch.setattr(mdquick, "inline_fits", lambda kind: False)
    elif part == "toc":
        monkeypatch.setattr(mdquick, "_quick_toc", lambda: None)
    else:
        monkeypatch.setattr(highlight, "_quick_classes", lambda: None)
    assert plain_parts() == {**usual, part: True}  # that part only is left out
    for body in TRICKY.values():
        quick = MarkdownRenderer(MarkdownOptions(), all_extensions=True)
        assert _renders(quick, body) == _renders(MarkdownRenderer(MarkdownOptions(), all_extensions=True, quick=False), body)


def test_a_registry_without_the_private_flag_is_left_as_it_is() -> None:
    md = _instance(quick=False)
    registry = md.parser.blockprocessors
    del registry._is_sorted  # what a release that renamed it would look like
    assert not mdquick.registry_fits(registry)
    assert mdquick.registry_fits(util.Registry()) and not mdquick.registry_fits(mdquick._ListedRegistry())


def test_the_quick_classes_are_kbs_own_subclasses() -> None:
    assert mdquick._quick_toc() is None or issubclass(mdquick._quick_toc(), toc.TocTreeprocessor)
    fenced, tree = highlight._quick_classes()
    assert issubclass(fenced, FencedBlockPreprocessor) and issubclass(tree, codehilite.HiliteTreeprocessor)
    assert issubclass(mdquick._QuickUnescape, UnescapeTreeprocessor)


def test_a_processor_is_replaced_at_its_own_priority_or_not_at_all() -> None:
    from kb.speed.rebind import replace

    md = _instance(quick=False)
    order = [type(p).__name__ for p in md.treeprocessors]
    old = md.treeprocessors["toc"]
    assert replace(md.treeprocessors, "toc", mdquick._QuickUnescape)  # any class: the state is copied over
    assert [type(p).__name__ for p in md.treeprocessors] == [n if n != "TocTreeprocessor" else "_QuickUnescape" for n in order]
    assert vars(md.treeprocessors["toc"]) == vars(old) and md.treeprocessors["toc"] is not old
    assert not replace(md.treeprocessors, "no-such-processor", mdquick._QuickUnescape)
    md.treeprocessors._priority = tuple(md.treeprocessors._priority)  # what a release that changed it would look like
    assert not replace(md.treeprocessors, "inline", quick := mdquick.QuickInlineProcessor(md))
    assert md.treeprocessors["inline"] is not quick
