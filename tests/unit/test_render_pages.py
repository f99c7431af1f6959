"""kb.render.pages: the published files of a scratch project: pages, prefixes, sitemap, robots, assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.render.minify import minify_css

from click.testing import CliRunner

from kbtest import write_tree
from kb.cli.commands import cli

EPOCH = "1583020800"  # 2020-03-01T00:00:00Z
PROJECT = {
    "content/site.yaml": "title: Acme\nlogo: media/logo.svg\ncontact:\n  url: https://acme.test/contact\n",
    "content/media/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "content/billing/_category.yaml": "title: Billing & Payments\n",
    "content/billing/pay.md": (
        "---\ntitle: Pay\ntags: [money, guía]\ndate: 2020-01-02\n---\n"
        "## Steps\n\n![Card](img/card.png)\n\nSee [the guide](../Guías útiles!/primeros-pasos.md#uno) "
        "and [terms](files/a b.pdf) and [home](/billing/cards/visa.md).\n"
    ),
    "content/billing/img/card.png": b"\x89PNG\r\n\x1a\n-card-",
    "content/billing/files/a b.pdf": b"%PDF-1.4 terms",
    "content/billing/meta.yml": "not published: true\n",
    "content/billing/cards/visa.md": "---\ntitle: Visa\nupdated: 2020-02-03\n---\nBody.\n",
    "content/Guías útiles!/primeros-pasos.md": "---\ntitle: Primeros pasos\ntags: [guía]\n---\n## Uno\n\nHola.\n",
    "content/_drafts/notes.md": "# Not published\n",
}
EXPECTED_FILES = [
    ".kb-site",
    "404.html",
    "billing/cards/index.html",
    "billing/cards/visa/index.html",
    "billing/files/a b.pdf",
    "billing/img/card.png",
    "billing/index.html",
    "billing/pay/index.html",
    "contact/index.html",
    "feed.xml",
    "guías-útiles/index.html",
    "guías-útiles/primeros-pasos/index.html",
    "index.html",
    "kb-manifest.json",
    "media/logo.svg",
    "robots.txt",
    "search/index.html",
    "tags/guía/index.html",
    "tags/index.html",
    "tags/money/index.html",
]


def _build(kb, tmp_path: Path, files: dict[str, str | bytes], *args: str, expect: int = 0):
    project = write_tree(tmp_path / "project", files)
    out = tmp_path / "out"
    result = kb(["build", "--content", "content", "--out", str(out), *args], cwd=project,
                env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == expect, result.stderr
    return out, result


def _files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def _links(out: Path) -> dict[str, list[str]]:
    """Every href and src of every HTML page."""
    return {
        p.relative_to(out).as_posix(): re.findall(r'(?:href|src)="([^"]*)"', p.read_text(encoding="utf-8"))
        for p in sorted(out.rglob("*.html"))
    }


def _shared_build(tmp_path_factory: pytest.TempPathFactory, *args: str) -> Path:
    """One build shared by the read-only tests of this module (the `kb` fixture is per test)."""
    tmp = tmp_path_factory.mktemp("render")
    project = write_tree(tmp / "project", PROJECT)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        result = CliRunner().invoke(cli, ["build", "--content", "content", "--out", str(tmp / "out"), *args],
                                    env={"SOURCE_DATE_EPOCH": EPOCH}, catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return tmp / "out"


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _shared_build(tmp_path_factory)


@pytest.fixture(scope="module")
def prefixed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _shared_build(tmp_path_factory, "--base-url", "https://x.org/help/")


def _pages(out: Path) -> list[str]:
    """Published files except the theme's static files and the search index (their own business)."""
    assert (out / "assets" / "kb.css").is_file()
    return [f for f in _files(out) if not f.startswith(("assets/", "pagefind/"))]


def test_published_files(plain_site: Path) -> None:
    assert _pages(plain_site) == EXPECTED_FILES


def test_marker_file(plain_site: Path) -> None:
    assert (plain_site / ".kb-site").read_text() == "This folder was written by kb and is replaced by each build.\n"


def test_assets_are_copied_with_their_relative_paths(plain_site: Path) -> None:
    assert (plain_site / "billing" / "files" / "a b.pdf").read_bytes() == b"%PDF-1.4 terms"
    assert (plain_site / "billing" / "img" / "card.png").read_bytes() == b"\x89PNG\r\n\x1a\n-card-"
    assert (plain_site / "media" / "logo.svg").read_bytes() == PROJECT["content/media/logo.svg"].encode()
    assert not (plain_site / "billing" / "meta.yml").exists()
    theme_css = Path(__file__).resolve().parents[2] / "themes" / "default" / "static" / "kb.css"
    assert (plain_site / "assets" / "kb.css").read_text() == minify_css(theme_css.read_text())  # published minified
    theme_js = theme_css.with_name("search.js")
    assert (plain_site / "assets" / "search.js").read_bytes() == theme_js.read_bytes()


def test_unicode_folders_on_disk_and_percent_encoded_hrefs(plain_site: Path) -> None:
    assert (plain_site / "guías-útiles" / "primeros-pasos" / "index.html").is_file()
    assert (plain_site / "tags" / "guía" / "index.html").is_file()
    pay = _links(plain_site)["billing/pay/index.html"]
    assert "/gu%C3%ADas-%C3%BAtiles/primeros-pasos/#uno" in pay
    assert "/tags/gu%C3%ADa/" in pay
    assert "/billing/files/a%20b.pdf" in pay
    assert "/billing/img/card.png" in pay
    assert "/billing/cards/visa/" in pay
    home = _links(plain_site)["index.html"]
    assert "/gu%C3%ADas-%C3%BAtiles/" in home
    for page, links in _links(plain_site).items():
        for link in links:
            assert not re.search(r"[^\x21-\x7e]", link), f"{page}: {link!r} is not percent-encoded"


def test_no_sitemap_without_base_url(plain_site: Path) -> None:
    assert not (plain_site / "sitemap.xml").exists()
    assert (plain_site / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    assert '<link rel="canonical"' not in (plain_site / "index.html").read_text()


def test_no_sitemap_with_a_path_base_url(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, PROJECT, "--base-url", "/help/")
    assert not (out / "sitemap.xml").exists()
    assert (out / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    assert '<link rel="stylesheet" href="/help/assets/kb.css">' in (out / "index.html").read_text()


def test_base_url_prefixes_every_site_link(prefixed_site: Path) -> None:
    out = prefixed_site
    checked = 0
    for page, links in _links(out).items():
        for link in links:
            if link.startswith("/"):
                checked += 1
                assert link.startswith("/help/"), f"{page}: {link}"
                assert not link.startswith("/help/help/"), f"{page}: {link}"
    assert checked > 50
    pay = _links(out)["billing/pay/index.html"]
    assert "/help/gu%C3%ADas-%C3%BAtiles/primeros-pasos/#uno" in pay
    assert "/help/billing/img/card.png" in pay
    assert "/help/billing/files/a%20b.pdf" in pay
    assert "/help/assets/kb.css" in pay
    assert "/help/media/logo.svg" in pay
    assert '<link rel="canonical" href="https://x.org/help/billing/pay/">' in (out / "billing/pay/index.html").read_text()


def test_sitemap_and_robots_with_an_absolute_base_url(prefixed_site: Path) -> None:
    out = prefixed_site
    assert (out / "sitemap.xml").read_text() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "  <url><loc>https://x.org/help/</loc><lastmod>2020-02-03</lastmod></url>\n"
        "  <url><loc>https://x.org/help/billing/</loc><lastmod>2020-02-03</lastmod></url>\n"
        "  <url><loc>https://x.org/help/billing/cards/</loc><lastmod>2020-02-03</lastmod></url>\n"
        "  <url><loc>https://x.org/help/gu%C3%ADas-%C3%BAtiles/</loc></url>\n"
        "  <url><loc>https://x.org/help/billing/cards/visa/</loc><lastmod>2020-02-03</lastmod></url>\n"
        "  <url><loc>https://x.org/help/billing/pay/</loc><lastmod>2020-01-02</lastmod></url>\n"
        "  <url><loc>https://x.org/help/gu%C3%ADas-%C3%BAtiles/primeros-pasos/</loc></url>\n"
        "</urlset>\n"
    )
    assert (out / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\nSitemap: https://x.org/help/sitemap.xml\n"
    )


def test_base_url_from_site_yaml(kb, tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["content/site.yaml"] = "title: Acme\nbase_url: https://x.org\n"
    out, _ = _build(kb, tmp_path, files)
    assert "  <url><loc>https://x.org/billing/pay/</loc><lastmod>2020-01-02</lastmod></url>\n" in (
        out / "sitemap.xml"
    ).read_text()
    assert (out / "robots.txt").read_text().endswith("Sitemap: https://x.org/sitemap.xml\n")
    assert '<link rel="stylesheet" href="/assets/kb.css">' in (out / "index.html").read_text()


def test_breadcrumbs_of_a_section_article(plain_site: Path) -> None:
    html = (plain_site / "billing/cards/visa/index.html").read_text()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)
    assert crumbs is not None
    assert re.findall(r'<a href="([^"]*)">([^<]*)</a>', crumbs.group(0)) == [
        ("/", "Home"), ("/billing/", "Billing &amp; Payments"), ("/billing/cards/", "cards"),
    ]
    assert '<span aria-current="page">Visa</span>' in crumbs.group(0)


def test_tag_pages(plain_site: Path) -> None:
    tags = (plain_site / "tags/index.html").read_text()
    assert re.findall(r'<a class="tag" href="([^"]*)">([^<]*) <span class="count">\((\d+)\)</span>', tags) == [
        ("/tags/gu%C3%ADa/", "guía", "2"), ("/tags/money/", "money", "1"),
    ]
    guia = (plain_site / "tags/guía/index.html").read_text()
    assert "<title>Articles tagged “guía” – Acme</title>" in guia
    assert re.findall(r'<a href="(/[^"]*)">(Pay|Primeros pasos)</a>', guia) == [
        ("/billing/pay/", "Pay"), ("/gu%C3%ADas-%C3%BAtiles/primeros-pasos/", "Primeros pasos"),
    ]


def test_no_tag_pages_without_tags(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {"content/billing/pay.md": "# Pay\n"})
    assert _pages(out) == [
        ".kb-site", "404.html", "billing/index.html", "billing/pay/index.html", "contact/index.html",
        "feed.xml", "index.html", "kb-manifest.json", "robots.txt", "search/index.html",
    ]


@pytest.mark.parametrize(("css", "small"), [
    ("a { color : red ; }\n/* note */\nb{x:1}", "a{color :red}b{x:1}\n"),
    (".form :is(input, textarea) > b , c { d: e }", ".form :is(input,textarea)>b,c{d:e}\n"),
    ("x { content: '  a /* b */ ' ; background: url(\"a  b.svg\") }", "x{content:'  a /* b */ ';background:url(\"a  b.svg\")}\n"),
    ("@media (min-width: 40rem) and (max-width: 50rem) { .a { grid-column: 1 / -1; w: calc(100% - 2px) } }",
     "@media (min-width:40rem) and (max-width:50rem){.a{grid-column:1 / -1;w:calc(100% - 2px)}}\n"),
])
def test_minified_css_keeps_strings_and_selector_spaces(css: str, small: str) -> None:
    assert minify_css(css) == small
