"""Links and images in raw HTML are rewritten exactly as Markdown's are, with the same warnings."""

from __future__ import annotations

from pathlib import Path

from kb.markdown import MarkdownRenderer
from kb.model import Article, LinkContext, MarkdownOptions
from kb.rawlinks import rewrite_links
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
        assert f'"{url}"' in raw.html, url
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
