"""kb.content.markdown: callouts, link rewriting, table of contents, excerpts, safety, reuse."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.content.articles import check_anchors
from kb.content.parse import parse_article
from kb.content.excerpt import make_excerpt, plain_text
from kb.content.markdown import OPTIONAL_EXTENSIONS, MarkdownRenderer
from kb.model import (
    Article,
    LinkContext,
    MarkdownOptions,
    RenderedArticle,
    SiteConfig,
    TocEntry,
)
from kb.content.slugs import heading_id

CONTEXT = LinkContext(
    urls={
        "billing/pay.md": "/billing/pay/",
        "billing/refunds.md": "/billing/refunds/",
        "getting-started/My Guide.md": "/getting-started/my-guide/",
        "guías/útil.md": "/guías/útil/",
    },
    assets=frozenset({"billing/img/card.png", "billing/Terms.PDF", "billing/files/a b.pdf", "media/logo.svg"}),
    url_prefix="/help/",
)
FOLDER_URLS = {"billing": "/billing/", "getting-started": "/getting-started/", "guías": "/guías/"}
RENDERER = MarkdownRenderer(MarkdownOptions())


def _article(body: str, source: str = "billing/pay.md", summary: str = "") -> Article:
    """An article as parse_article makes it: three lines of front matter, body from line 4."""
    text = f"---\ntitle: Pay\nsummary: {summary!r}\n---\n{body}" if summary else f"---\ntitle: Pay\n---\n{body}"
    article, diagnostics = parse_article(source, text, f"content/{source}", SiteConfig(), FOLDER_URLS)
    assert article is not None, diagnostics
    return article


def _render(body: str, context: LinkContext = CONTEXT, renderer: MarkdownRenderer = RENDERER,
            source: str = "billing/pay.md", summary: str = "") -> RenderedArticle:
    article = _article(body, source, summary)
    return renderer.render(article, context, source)


def _warnings(rendered: RenderedArticle) -> list[str]:
    return [d.format() for d in rendered.diagnostics]


# --- callouts and admonitions -----------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "kind", "title"),
    [
        ("NOTE", "note", "Note"),
        ("TIP", "tip", "Tip"),
        ("IMPORTANT", "important", "Important"),
        ("WARNING", "warning", "Warning"),
        ("CAUTION", "caution", "Caution"),
        ("note", "note", "Note"),
        ("Warning", "warning", "Warning"),
    ],
)
def test_github_callouts(marker: str, kind: str, title: str) -> None:
    rendered = _render(f"> [!{marker}]\n> First line\n> second line.\n>\n> Second paragraph.\n")
    assert rendered.html == (
        f'<div class="admonition {kind}">\n'
        f'<p class="admonition-title">{title}</p>\n'
        "<p>First line\nsecond line.</p>\n"
        "<p>Second paragraph.</p>\n"
        "</div>"
    )
    assert rendered.diagnostics == ()


def test_callout_with_custom_title() -> None:
    rendered = _render('> [!TIP] Pro tip\n> Use "shortcuts".\n')
    assert rendered.html == (
        '<div class="admonition tip">\n'
        '<p class="admonition-title">Pro tip</p>\n'
        "<p>Use \"shortcuts\".</p>\n"
        "</div>"
    )


def test_callout_title_with_double_quotes() -> None:
    rendered = _render('> [!NOTE] Say "hi"\n> Body.\n')
    assert "<p class=\"admonition-title\">Say 'hi'</p>" in rendered.html


def test_plain_blockquote_is_untouched() -> None:
    assert _render("> Just a quote.\n").html == "<blockquote>\n<p>Just a quote.</p>\n</blockquote>"


def test_unknown_callout_kind_is_a_blockquote() -> None:
    assert _render("> [!DANGER]\n> Body.\n").html == "<blockquote>\n<p>[!DANGER]\nBody.</p>\n</blockquote>"


@pytest.mark.parametrize("fence", ["```", "~~~~"])
def test_callouts_inside_fenced_code_are_untouched(fence: str) -> None:
    rendered = _render(f"{fence}\n> [!NOTE]\n> inside code\n{fence}\n\n> [!TIP]\n> outside\n")
    assert "&gt; [!NOTE]\n&gt; inside code\n</code></pre>" in rendered.html
    assert rendered.html.count('<div class="admonition') == 1
    assert '<div class="admonition tip">\n<p class="admonition-title">Tip</p>\n<p>outside</p>\n</div>' in rendered.html


def test_callout_inside_a_list_item_indented_four_spaces() -> None:
    rendered = _render("- item\n\n    > [!TIP]\n    > In a list.\n")
    assert rendered.html == (
        "<ul>\n<li>\n<p>item</p>\n"
        '<div class="admonition tip">\n<p class="admonition-title">Tip</p>\n<p>In a list.</p>\n</div>\n'
        "</li>\n</ul>"
    )


def test_callout_inside_a_list_item_indented_two_spaces() -> None:
    rendered = _render("- item\n  > [!TIP]\n  > In a list.\n")
    assert "!!!" not in rendered.html
    assert '<div class="admonition tip">' in rendered.html
    assert rendered.html.index('<div class="admonition tip">') < rendered.html.index("</li>")


def test_admonition_syntax() -> None:
    rendered = _render('!!! note "Heads up"\n    Admonition body.\n\n!!! warning\n    Careful.\n')
    assert rendered.html == (
        '<div class="admonition note">\n<p class="admonition-title">Heads up</p>\n<p>Admonition body.</p>\n</div>\n'
        '<div class="admonition warning">\n<p class="admonition-title">Warning</p>\n<p>Careful.</p>\n</div>'
    )


def test_docfx_image() -> None:
    rendered = _render(':::image type="content" source="img/card.png" alt-text="A card":::\n')
    assert rendered.html == '<p><img alt="A card" loading="lazy" src="/help/billing/img/card.png"></p>'


# --- links and images -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[r](refunds.md)", "/help/billing/refunds/"),
        ("[r](refunds.md#how-long)", "/help/billing/refunds/#how-long"),
        ("[r](./refunds.md)", "/help/billing/refunds/"),
        ("[r](..\\billing\\refunds.md)", "/help/billing/refunds/"),
        ("[r](/billing/refunds.md)", "/help/billing/refunds/"),
        ("[g](<../getting-started/My Guide.md>)", "/help/getting-started/my-guide/"),
        ("[g](../getting-started/My%20Guide.md#step-2)", "/help/getting-started/my-guide/#step-2"),
        ("[u](../guías/útil.md)", "/help/gu%C3%ADas/%C3%BAtil/"),
        ("[f](files/a%20b.pdf)", "/help/billing/files/a%20b.pdf"),
        ("[f](<files/a b.pdf>)", "/help/billing/files/a%20b.pdf"),
        ("[l](/media/logo.svg)", "/help/media/logo.svg"),
        ("[e](https://example.com/x.md)", "https://example.com/x.md"),
        ("[m](mailto:help@x.org)", "mailto:help@x.org"),
        ("[t](tel:+123)", "tel:+123"),
        ("[a](#top)", "#top"),
        ("[o](/other/app)", "/other/app"),
        ("[p](//cdn.example.com/y.js)", "//cdn.example.com/y.js"),
        ("[q](?x=1)", "?x=1"),
        ("[d](img/)", "img/"),
    ],
)
def test_link_rewriting(markdown: str, href: str) -> None:
    rendered = _render(markdown + "\n")
    text = markdown[1]
    assert rendered.html == f'<p><a href="{href}">{text}</a></p>'
    assert rendered.diagnostics == ()


def test_links_without_a_prefix() -> None:
    context = LinkContext(urls=CONTEXT.urls, assets=CONTEXT.assets, url_prefix="/")
    assert _render("[r](refunds.md#a)\n", context).html == '<p><a href="/billing/refunds/#a">r</a></p>'


def test_images_are_rewritten_and_lazy() -> None:
    rendered = _render('![Card](img/card.png "A card") ![Logo](../media/logo.svg)\n')
    assert rendered.html == (
        '<p><img alt="Card" loading="lazy" src="/help/billing/img/card.png" title="A card"> '
        '<img alt="Logo" loading="lazy" src="/help/media/logo.svg"></p>'
    )
    assert rendered.diagnostics == ()


def test_external_images_are_lazy_and_untouched() -> None:
    rendered = _render("![x](https://cdn.example.com/x.png)\n")
    assert rendered.html == '<p><img alt="x" loading="lazy" src="https://cdn.example.com/x.png"></p>'


def test_missing_targets_warn_at_their_line_and_column() -> None:
    body = (
        "Line one.\n"                                         # line 4
        "\n"
        "See [gone](gone.md) and ![img](img/nope.png).\n"      # line 6
        "\n"
        "![case](img/Card.png) [terms](terms.pdf)\n"           # line 8
        "\n"
        "> [!NOTE]\n"
        "> Also [away](../away.md#x).\n"                       # line 11
        "[back](..\\nope\\x.md) [sp](<My Missing.md>)\n"       # line 12
    )
    rendered = _render(body)
    assert _warnings(rendered) == [
        "billing/pay.md:6:12: warning: link to missing article 'gone.md'",
        "billing/pay.md:6:32: warning: missing image 'img/nope.png'",
        "billing/pay.md:8:9: warning: missing image 'img/Card.png' (the file is 'card.png': letter case differs)",
        "billing/pay.md:8:31: warning: link to missing file 'terms.pdf' "
        "(the file is 'Terms.PDF': letter case differs)",
        "billing/pay.md:11:15: warning: link to missing article '../away.md'",
        "billing/pay.md:12:8: warning: link to missing article '../nope/x.md'",
        "billing/pay.md:12:28: warning: link to missing article 'My Missing.md'",
    ]
    assert [d.kind for d in rendered.diagnostics] == [
        "link to missing article", "missing image", "missing image", "link to missing file",
        "link to missing article", "link to missing article", "link to missing article",
    ]
    assert all(not d.is_error for d in rendered.diagnostics)
    assert '<a href="gone.md">gone</a>' in rendered.html
    assert '<img alt="img" loading="lazy" src="img/nope.png">' in rendered.html


def test_repeated_missing_link_is_located_each_time() -> None:
    rendered = _render("First [gone](gone.md).\n\nSecond [again](gone.md).\n")
    assert _warnings(rendered) == [
        "billing/pay.md:4:14: warning: link to missing article 'gone.md'",
        "billing/pay.md:6:16: warning: link to missing article 'gone.md'",
    ]


# --- table of contents ------------------------------------------------------------------


def test_toc_entries_and_unicode_ids() -> None:
    rendered = _render(
        "Intro.\n\n## Getting started\n\n### Première étape\n\n#### Too deep\n\n## 设置 帐户\n\n"
        "## Getting started\n\n## Use `code` & *emphasis*\n"
    )
    assert rendered.toc == (
        TocEntry(2, "getting-started", "Getting started"),
        TocEntry(3, "première-étape", "Première étape"),
        TocEntry(2, "设置-帐户", "设置 帐户"),
        TocEntry(2, "getting-started_1", "Getting started"),
        TocEntry(2, "use-code--emphasis", "Use code & emphasis"),
    )
    assert (
        '<h3 id="première-étape">Première étape'
        '<a class="headerlink" data-pagefind-ignore href="#première-étape" title="Link to this section">#</a></h3>'
    ) in rendered.html
    assert '<h4 id="too-deep">' in rendered.html


def test_toc_depth_option() -> None:
    renderer = MarkdownRenderer(MarkdownOptions(toc_depth=4))
    rendered = _render("## A\n### B\n#### C\n##### D\n", renderer=renderer)
    assert [(e.level, e.id) for e in rendered.toc] == [(2, "a"), (3, "b"), (4, "c")]


# --- excerpts and plain text ------------------------------------------------------------


def test_excerpt_from_body_drops_headings_code_footnotes_and_anchors() -> None:
    rendered = _render(
        "Intro with a footnote.[^1]\n\n## Heading\n\n```python\nprint('code')\n```\n\n"
        "    indented code\n\nEnd &amp; done.\n\n[^1]: The footnote text.\n"
    )
    assert rendered.excerpt == "Intro with a footnote. End & done."


def test_summary_is_the_excerpt() -> None:
    assert _render("Body text.\n", summary="The summary.").excerpt == "The summary."


def test_make_excerpt_cuts_at_a_word() -> None:
    text = " ".join(f"word{i:02d}" for i in range(60))
    excerpt = make_excerpt(text)
    assert excerpt == " ".join(f"word{i:02d}" for i in range(28)) + "…"
    assert len(excerpt) <= 201


def test_make_excerpt_limits() -> None:
    assert make_excerpt("a" * 200) == "a" * 200
    assert make_excerpt("a" * 250) == "a" * 200 + "…"
    assert make_excerpt("a" * 195 + " bcd e") == "a" * 195 + " bcd…"
    assert make_excerpt("a" * 196 + ", and more words") == "a" * 196 + "…"
    assert make_excerpt("short  text\n here") == "short text here"
    assert make_excerpt("") == ""
    assert make_excerpt("one two three four", limit=10) == "one two…"


def test_plain_text() -> None:
    html = (
        '<h2 id="a">Head<a class="headerlink" href="#a" title="Link">#</a></h2>'
        "<p>Hi <em>there</em> &amp; you<sup id=\"fnref:1\"><a href=\"#fn:1\">1</a></sup></p>"
        '<div class="highlight"><pre><span></span><code>x = 1\n</code></pre></div>'
        '<div class="admonition note"><p class="admonition-title">Note</p><p>Inside.</p></div>'
        '<ul><li>one</li><li>two</li></ul>'
        '<div class="footnote"><hr><ol><li id="fn:1"><p>Footnote.</p></li></ol></div>'
    )
    assert plain_text(html) == "Hi there & you Inside. one two"


# --- raw HTML ---------------------------------------------------------------------------


def test_raw_html_is_kept_by_default() -> None:
    rendered = _render('<div class="x">raw</div>\n\nAnd <b>bold</b>.\n')
    assert rendered.html == '<div class="x">raw</div>\n\n<p>And <b>bold</b>.</p>'


def test_raw_html_false_escapes_and_neutralises() -> None:
    renderer = MarkdownRenderer(MarkdownOptions(raw_html=False))
    rendered = _render(
        "<script>alert(1)</script>\n\nSome <b>bold</b>.\n\n"
        "[js](javascript:alert(1)) [JS](JavaScript:alert(1)) [vb](vbscript:x) ![d](data:image/png;base64,AA) "
        "[ok](https://x.org) [m](mailto:a@b.c)\n",
        renderer=renderer,
    )
    assert rendered.html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        "<p>Some &lt;b&gt;bold&lt;/b&gt;.</p>\n"
        '<p><a href="#">js</a> <a href="#">JS</a> <a href="#">vb</a> <img alt="d" loading="lazy" src="#"> '
        '<a href="https://x.org">ok</a> <a href="mailto:a@b.c">m</a></p>'
    )
    assert "<script" not in rendered.html
    assert "javascript:" not in rendered.html.lower()


# --- reuse ------------------------------------------------------------------------------


def test_renderer_reuse_leaks_nothing_between_articles() -> None:
    first = (
        "Text with a note.[^n]\n\n## Setup\n\n## Usage\n\n*[HTML]: Hyper Text\n\n"
        "[ref]: https://example.com\n\n[gone](gone.md)\n\n[^n]: Footnote one.\n"
    )
    second = "## Setup\n\nPlain [ref] and [pay](pay.md) and HTML.\n\n[^n]\n"
    renderer = MarkdownRenderer(MarkdownOptions())
    fresh = MarkdownRenderer(MarkdownOptions()).render(_article(second, "billing/two.md"), CONTEXT, "two")
    renderer.render(_article(first, "billing/one.md"), CONTEXT, "one")
    reused = renderer.render(_article(second, "billing/two.md"), CONTEXT, "two")
    assert reused == fresh
    assert reused.toc == (TocEntry(2, "setup", "Setup"),)
    assert reused.diagnostics == ()
    assert "Footnote one" not in reused.html
    assert 'class="footnote"' not in reused.html
    assert "example.com" not in reused.html
    assert '<h2 id="setup">' in reused.html


def test_renderer_gives_identical_output_for_many_articles() -> None:
    bodies = [
        f"Intro {i}.[^a]\n\n## Part {i}\n\n> [!NOTE]\n> Note {i}\n\n[r](refunds.md)\n\n[^a]: Foot {i}.\n"
        for i in range(5)
    ]
    shared = MarkdownRenderer(MarkdownOptions())
    for _ in range(2):
        for i, body in enumerate(bodies):
            article = _article(body, f"billing/a{i}.md")
            assert shared.render(article, CONTEXT, "x") == MarkdownRenderer(MarkdownOptions()).render(
                article, CONTEXT, "x"
            )


@pytest.mark.parametrize(("heading", "anchor"), [
    ("The Exchange 2010/2013 free/busy workflow", "the-exchange-20102013-freebusy-workflow"),
    ("Cloud user can't see On-premises user's Free/Busy", "cloud-user-cant-see-on-premises-users-freebusy"),
    ("Method 1: Verify DNS", "method-1-verify-dns"),
    ("Configurar el correo electrónico", "configurar-el-correo-electrónico"),
    ("snake_case stays", "snake_case-stays"),
])
def test_heading_anchors_are_made_as_github_makes_them(heading: str, anchor: str) -> None:
    assert heading_id(heading) == anchor


def test_links_to_missing_anchors_are_found_after_rendering() -> None:
    renderer = MarkdownRenderer(MarkdownOptions())
    context = LinkContext(urls={"billing/a.md": "/billing/a/", "billing/b.md": "/billing/b/"})
    body = "## Here\n\n[ok](#here) [gone](#nowhere) [other](b.md#steps) [bad](b.md#step) [top](#top)\n"
    a = renderer.render(_article(source="billing/a.md", body=body), context, "content/billing/a.md")
    b = renderer.render(_article(source="billing/b.md", body="## Steps\n\nText.\n"), context, "content/billing/b.md")
    found = [d.format() for d in check_anchors({"billing/a.md": a, "billing/b.md": b})]
    assert found == [
        "billing/a.md:6:20: warning: link to missing anchor '#nowhere'",
        "billing/a.md:6:56: warning: link to missing anchor '#step' in 'billing/b.md'",
    ]


def _articles_of(folder, every: int = 1):
    from pathlib import Path

    from kb.content.articles import parse_articles
    from kb.runner import Runner
    from kb.content.config import load_config
    from kb.content.parse import discover, load_categories

    root = Path(folder)
    config, _ = load_config(root)
    tree = discover(root)
    categories, _ = load_categories(root, tree)
    articles, _ = parse_articles(root, tree.articles[::every], config, categories, Runner())
    return config, articles, LinkContext(urls={a.source: a.url for a in articles}, assets=frozenset(tree.assets))


def _stock(options: MarkdownOptions) -> MarkdownRenderer:
    """kb's renderer with every extension and Python-Markdown's own parts only (none of kb.speed.mdquick's or kb.speed.highlight's)."""
    return MarkdownRenderer(options, all_extensions=True, quick=False)


def test_kb_postprocessors_leave_plain_text_alone() -> None:
    """The quick rendering of plain headings relies on this (kb.speed.mdquick._inner_html)."""
    renderer = MarkdownRenderer(MarkdownOptions(), all_extensions=True)
    md, _ = renderer._instance("")
    text = "Before you start: 100 % of * words _ ' \" ( ) [ ] # é 🙂"
    assert [post.run(text) for post in md.postprocessors] == [text] * len(md.postprocessors)
    assert {type(post).__name__ for post in md.postprocessors} == {
        "RawHtmlPostprocessor", "AndSubstitutePostprocessor", "FootnotePostprocessor", "_Markup"}


@pytest.mark.parametrize("which", ["example", "generated", "corpus"])
def test_only_the_extensions_and_patterns_an_article_needs_give_the_same_html_as_all_of_them(which: str, tmp_path) -> None:
    from kbtest import CORPUS, REPO

    if which == "example":
        folder, every = REPO / "content", 1
    elif which == "generated":
        from support.corpus import generate

        generate(tmp_path / "content", 150)
        folder, every = tmp_path / "content", 1
    else:
        if not CORPUS.is_dir():
            pytest.skip("the ms-office-support corpus is not here")
        folder, every = CORPUS, 5
    config, articles, context = _articles_of(folder, every)
    full, lean = _stock(config.markdown), MarkdownRenderer(config.markdown)
    differ = []
    for article in articles:
        a, b = full.render(article, context, article.source), lean.render(article, context, article.source)
        if (a.html, a.toc, a.excerpt, a.diagnostics) != (b.html, b.toc, b.excerpt, b.diagnostics):
            differ.append(article.source)
    assert len(articles) > 40
    assert differ == []


_PIECES = ("word", " ", "\n", "  \n", "\n\n", "*", "**", "_", "__", "`", "``", "\\", "\\*", "[", "]", "(", ")", "!",
           "[a](b.md)", "![i](j.png)", "[r][1]", "\n[1]: /x\n", "[^1]", "\n[^1]: note\n", "<b>", "</b>", "<!-- c -->",
           "<http://x.y>", "<a@b.c>", "&amp;", "&#35;", "&x", ";", "- ", "1. ", "# ", "> ", "    ", "|", "{: .c}",
           "!!! note\n", "!!! tip \"T\"\n", "\n---\n", "\n===\n", "***", "___", "| a | b |\n|---|---|\n", "#")
_INLINE_TEXT = st.one_of(
    st.text(alphabet="ab *_`\\[]()!<>&;#^:/@.\n-|{}=\"'~1", max_size=120),
    st.lists(st.sampled_from(_PIECES), max_size=30).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(text=_INLINE_TEXT)
def test_skipping_patterns_that_cannot_match_changes_nothing(text: str) -> None:
    options = MarkdownOptions()
    stock, quick = _stock(options), MarkdownRenderer(options, all_extensions=True)
    article = Article(source="a.md", title="", slug="", url="", category="", section=None, body=text, body_line=1)
    assert quick.render(article, LinkContext(), "a.md").html == stock.render(article, LinkContext(), "a.md").html


def test_every_inline_pattern_of_python_markdown_is_known() -> None:
    """A Python-Markdown release that changes a pattern's expression makes kb slower, not wrong; this says so."""
    from kb.speed.mdquick import needs

    md = MarkdownRenderer(MarkdownOptions(), all_extensions=True)._make(tuple(n for n, _ in OPTIONAL_EXTENSIONS))
    unknown = [type(p).__name__ for p in md.inlinePatterns if needs(p) is None]
    assert unknown == []


# What each optional extension's test stood for when it was a regular expression over the text.
_SYNTAX = {
    "tables": re.compile(r"\|"),
    "fenced_code": re.compile(r"^[ \t>]*(?:`{3,}|~{3,})", re.M),
    "codehilite": re.compile(r"^[ \t>]*(?:`{3,}|~{3,})|^[ \t>]*(?: {4}|\t)|\[!(?:note|tip|important|warning|caution)\]",
                             re.M | re.I),
    "footnotes": re.compile(r"\[\^"),
    "attr_list": re.compile(r"\{[ \t]*[:#.\w]"),
    "def_list": re.compile(r"^[ \t>]*:[ \t]", re.M),
    "admonition": re.compile(r"^[ \t>]*(?:!!!|\?\?\?)|\[!(?:note|tip|important|warning|caution)\]", re.M | re.I),
    "toc_marker": re.compile(r"\[TOC\]"),
}
_SYNTAX_PIECES = ("\n", " ", "  ", "    ", "\t", ">", "> ", "`", "```", "~~~", "~", "!!!", "???", "!", "?", ":", ": ",
                  ":\t", "|", "[^", "{", "{:", "{ #", "[TOC]", "[!NOTE]", "[!tip]", "[!", "a", "-", "1.")


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(_SYNTAX_PIECES), max_size=40).map("".join))
def test_each_optional_extension_is_chosen_exactly_when_its_syntax_is_in_the_text(text: str) -> None:
    assert set(_SYNTAX) == {name for name, _ in OPTIONAL_EXTENSIONS}
    for name, needed in OPTIONAL_EXTENSIONS:
        assert needed(text) == bool(_SYNTAX[name].search(text)), name


def test_code_blocks_get_the_lexer_pygments_would_give_them() -> None:
    from pygments.lexers import get_lexer_by_name
    from pygments.lexers._mapping import LEXERS
    from pygments.util import ClassNotFound

    from kb.speed.highlight import lexer_by_name as _lexer_by_name

    options = {"stripnl": False, "tabsize": 4}
    names = [aliases[0] for *_, aliases, _, _ in list(LEXERS.values())[::10] if aliases]
    for name in [*names, "PowerShell", "Json", "adoc", "no-such-language", "", None]:
        try:
            expected = get_lexer_by_name(name, **options)
        except ClassNotFound:
            with pytest.raises(ClassNotFound):
                _lexer_by_name(name, **options)
            continue
        for _ in range(2):  # the second time from the memo
            got = _lexer_by_name(name, **options)
            assert (type(got), got.options) == (type(expected), expected.options), name


def test_a_toc_marker_becomes_the_table_of_contents_and_without_one_none_is_written() -> None:
    html = _render("[TOC]\n\n## First\n\nText.\n\n## Second\n\nMore.\n").html
    assert '<div class="toc">' in html
    assert '<a href="#first">First</a>' in html and '<a href="#second">Second</a>' in html
    assert 'class="toc"' not in _render("## First\n\nText.\n").html
