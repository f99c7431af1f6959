"""Links and images in raw HTML are rewritten exactly as Markdown's are, with the same warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.content.markdown import MarkdownRenderer
from kb.model import Article, LinkContext, MarkdownOptions
from kb.content.rawlinks import rewrite_links
from kbtest import run_kb_process, write_tree

CONTEXT = LinkContext(
    urls={"billing/pay.md": "/billing/pay/", "billing/other.md": "/billing/other/"},
    assets=frozenset({"billing/img/x.jpg", "billing/img/a b.png"}),
    asset_urls={"billing/img/x.jpg": "billing/img/x.jpg", "billing/img/a b.png": "billing/img/a b.png"},
    url_prefix="/help/",
)


def _render(body: str):
    article = Article(source="billing/pay.md", title="Pay", slug="pay", url="/billing/pay/", category="billing",
                      section=None, body=body, body_line=4)
    return MarkdownRenderer(MarkdownOptions()).render(article, CONTEXT, "content/billing/pay.md")


def test_raw_html_images_and_links_point_where_markdown_ones_do() -> None:
    raw = _render('<p><img src="img/x.jpg" alt="X"> <a href="other.md#top">Other</a></p>\n\n'
                  "Inline <img src='img/a b.png'> and <a href=other.md>bare</a>.\n")
    markdown = _render("![X](img/x.jpg) [Other](other.md#top) ![](<img/a b.png>) [bare](other.md)\n")
    for url in ("/help/billing/img/x.jpg", "/help/billing/other/#top", "/help/billing/img/a%20b.png",
                "/help/billing/other/"):
        assert url in markdown.html
    assert raw.html == ('<p><img src="/help/billing/img/x.jpg" alt="X"> <a href="/help/billing/other/#top">Other</a></p>\n\n'
                        "<p>Inline <img src='/help/billing/img/a%20b.png'> and <a href=/help/billing/other/>bare</a>.</p>")
    assert raw.diagnostics == ()
    assert [(f.target, f.fragment) for f in raw.fragments] == [("billing/other.md", "top")]


def test_a_missing_file_in_raw_html_is_a_warning_at_its_place() -> None:
    found = _render("Intro.\n\n<div>\n<img src=\"img/missing.jpg\">\n<a href=\"gone.md\">x</a>\n</div>\n")
    assert [d.format() for d in found.diagnostics] == [
        "content/billing/pay.md:7:11: warning: missing image 'img/missing.jpg'",
        "content/billing/pay.md:8:10: warning: link to missing article 'gone.md'",
    ]


def test_what_is_not_a_link_of_this_site_is_left_exactly_as_written() -> None:
    text = ('<a href="https://example.com/?a=1&amp;b=2" class=x>e</a><img data-src="img/x.jpg">'
            "<!-- <img src=\"img/x.jpg\"> --><a name=top></a><a href=\"#top\">t</a><img src=\"/other/app.png\">")
    assert rewrite_links(text, lambda value, image: None) == text
    rendered = _render(text + "\n")
    assert "<!-- <img src=\"img/x.jpg\"> -->" in rendered.html
    assert 'href="https://example.com/?a=1&amp;b=2"' in rendered.html
    assert 'src="/other/app.png"' in rendered.html


def test_values_are_escaped_again_when_rewritten() -> None:
    assert rewrite_links('<a href="x.md?a=1&amp;b=&quot;2">', lambda value, image: value + "!") == \
        '<a href="x.md?a=1&amp;b=&quot;2!">'


def test_a_real_help_centres_raw_images_resolve_in_the_built_site(tmp_path: Path) -> None:
    project = write_tree(tmp_path, {
        "content/Getting Started/welcome.md": '---\ntitle: Welcome\n---\n<p align="center"><img src="img/map.jpg" '
                                              'width="300"></p>\n\nSee <a href="../Billing/pay.md">paying</a>.\n',
        "content/Getting Started/img/map.jpg": b"jpg",
        "content/Billing/pay.md": "---\ntitle: Pay\n---\nPay here.\n",
    })
    done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-search", "--no-cache"], project)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    page = (project / "site/getting-started/welcome/index.html").read_text()
    assert '<img src="/getting-started/img/map.jpg" width="300">' in page
    assert '<a href="/billing/pay/">paying</a>' in page
    assert (project / "site/getting-started/img/map.jpg").read_bytes() == b"jpg"


def _marked(value: str, image: bool) -> str:
    return f"/site/{value}"


def test_a_rewritten_value_keeps_the_quotes_it_was_written_with() -> None:
    assert rewrite_links("<img src='img/x.jpg' alt=\"X\">", _marked) == "<img src='/site/img/x.jpg' alt=\"X\">"
    assert rewrite_links('<a href="a.md" title=\'t\'>', _marked) == '<a href="/site/a.md" title=\'t\'>'
    assert rewrite_links("<a href=a.md>", _marked) == "<a href=/site/a.md>"  # bare, when it may stay bare
    assert rewrite_links("<a href=a.md>", lambda value, image: "a b") == '<a href="a b">'
    # a value holding the writer's quote character is escaped for that quote
    assert rewrite_links("<a href='a.md'>", lambda value, image: "it's \"x\"") == "<a href='it&#x27;s &quot;x&quot;'>"
    assert rewrite_links("<a href=a.md>", lambda value, image: "") == '<a href="">'


@pytest.mark.parametrize("text", [
    "<div title=\"<img src='img/x.jpg'>\">x</div>",
    "<div title='<a href=\"other.md\">'>x</div>",
    "<div title=\"a\"/ data-note=\"<img src='img/x.jpg'>\">x</div>",  # a stray slash between attributes
    "<div title=\"a\"data-note=\"<img src='img/x.jpg'>\">x</div>",  # no space between attributes
    "<div title=a`b data-note=\"<img src='img/x.jpg'>\">x</div>",  # a backtick in a bare value
    "<div data-x=\"1\" =odd data-note=\"<img src='img/x.jpg'>\">x</div>",  # an attribute name starting with '='
    "<span title=\"a > b <img src=img/x.jpg>\">x</span>",
    "</div title=\"<img src='img/x.jpg'>\">",  # an end tag's attributes are ignored by browsers, and here
    "<!DOCTYPE html><? <img src='img/x.jpg'> ?>",
    "<!-- <img src='img/x.jpg'> --!> <!--> <!---> text",
    "<div title=\"<img src='img/x.jpg'>",  # a tag the text ends in: nothing after its start is a tag
])
def test_a_tag_inside_another_tags_attribute_value_is_not_a_tag(text: str) -> None:
    assert rewrite_links(text, _marked) == text


def test_a_tag_after_an_odd_one_is_still_rewritten() -> None:
    text = "<div title=\"a\"/ data-note=\"<img src='img/x.jpg'>\"><img src=\"img/x.jpg\" / ></div><!--> <a href='a.md'>"
    assert rewrite_links(text, _marked) == text.replace('"img/x.jpg"', '"/site/img/x.jpg"').replace("'a.md'", "'/site/a.md'")


def test_a_rendered_article_keeps_markup_inside_attribute_values_as_written() -> None:
    text = "<div title=\"a\"/ data-note=\"<img src='img/gone.jpg'>\">\n<img src='img/x.jpg'>\n</div>\n"
    rendered = _render(text)
    assert rendered.html == text.replace("'img/x.jpg'", "'/help/billing/img/x.jpg'").rstrip("\n")
    assert rendered.diagnostics == ()


@pytest.mark.parametrize("name", ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "SCRIPT"])
def test_the_text_of_elements_that_is_not_html_is_left_as_written(name: str) -> None:
    inner = "var s = \"<img src=img/x.jpg>\"; /* <a href='other.md'> <!-- */"
    text = f"<{name} class=x>{inner}</{name} ><img src='img/x.jpg'>"
    assert rewrite_links(text, _marked) == text.replace("'img/x.jpg'>", "'/site/img/x.jpg'>")
    assert rewrite_links(f"<{name}>{inner}", _marked) == f"<{name}>{inner}"  # never closed: to the end
    assert rewrite_links(f"<{name}>a</{name}x><img src=x.png>", _marked) == f"<{name}>a</{name}x><img src=x.png>"


def test_plaintext_is_text_to_the_end_and_noscript_is_html() -> None:
    assert rewrite_links("<plaintext><img src=x.png></plaintext><img src=x.png>", _marked) == \
        "<plaintext><img src=x.png></plaintext><img src=x.png>"
    # with scripts off, browsers show <noscript>'s HTML: its image must load
    assert rewrite_links("<noscript><img src=x.png></noscript>", _marked) == "<noscript><img src=/site/x.png></noscript>"


def test_a_script_in_an_article_is_published_as_written() -> None:
    body = ('<script>var s = "<img src=img/x.jpg>"; var t = \'<a href="gone.md">\';</script>\n\n'
            "<style>\n.a::after { content: '<img src=\"img/missing.png\">' }\n</style>\n\n"
            "Inline <textarea><img src='img/x.jpg'></textarea> and <title><a href=other.md></title> "
            "then <img src=\"img/x.jpg\">.\n")
    rendered = _render(body)
    assert rendered.html == (
        '<script>var s = "<img src=img/x.jpg>"; var t = \'<a href="gone.md">\';</script>\n\n'
        "<style>\n.a::after { content: '<img src=\"img/missing.png\">' }\n</style>\n\n"
        "<p>Inline <textarea><img src='img/x.jpg'></textarea> and <title><a href=other.md></title> "
        'then <img src="/help/billing/img/x.jpg">.</p>')
    assert rendered.diagnostics == ()


def test_each_url_of_a_srcset_is_rewritten_with_its_descriptor() -> None:
    assert rewrite_links('<img src="img/x.jpg" srcset="img/x.jpg 1x, img/x@2x.jpg 2x">', _marked) == \
        '<img src="/site/img/x.jpg" srcset="/site/img/x.jpg 1x, /site/img/x@2x.jpg 2x">'
    assert rewrite_links("<source srcset='a.jpg'>", _marked) == "<source srcset='/site/a.jpg'>"
    assert rewrite_links("<img srcset=a.jpg>", _marked) == "<img srcset=/site/a.jpg>"
    odd = "<img srcset=\"\n  a,b.jpg  480w,c.jpg,, d.jpg (x, y) 2x ,e.jpg\">"  # commas in a URL, none between, in ( )
    assert rewrite_links(odd, _marked) == \
        "<img srcset=\"\n  /site/a,b.jpg  480w,/site/c.jpg,, /site/d.jpg (x, y) 2x ,/site/e.jpg\">"
    assert rewrite_links('<img srcset="  ,, ">', _marked) == '<img srcset="  ,, ">'
    seen = []
    rewrite_links('<img srcset="data:image/png;base64,AA== 1x, https://e.com/a.png 2x">', lambda v, i: seen.append((v, i)))
    assert seen == [("data:image/png;base64,AA==", True), ("https://e.com/a.png", True)]


def test_srcset_in_an_article_points_at_the_published_images_with_warnings_for_missing_ones() -> None:
    rendered = _render("Intro.\n\n<picture>\n<source srcset=\"img/x.jpg 1x, img/a%20b.png 2x\" media=\"(min-width: 600px)\">\n"
                       "<img src=\"img/x.jpg\" srcset=\"img/x.jpg 1x, img/gone@2x.jpg 2x\" alt=\"X\">\n</picture>\n")
    assert rendered.html == (
        '<p>Intro.</p>\n<p><picture>\n<source srcset="/help/billing/img/x.jpg 1x, /help/billing/img/a%20b.png 2x" '
        'media="(min-width: 600px)">\n<img src="/help/billing/img/x.jpg" srcset="/help/billing/img/x.jpg 1x, '
        'img/gone@2x.jpg 2x" alt="X">\n</picture></p>')
    assert [d.format() for d in rendered.diagnostics] == [
        "content/billing/pay.md:8:44: warning: missing image 'img/gone@2x.jpg'"]
