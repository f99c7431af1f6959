"""kb.render.editions and the pages of each language: fallback originals, tags, feeds, the sitemap's
alternates, links between languages, and kb check's pairing of hreflang links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from i18ntest import SITE, article, build
from kb.build import check_site
from kb.check import check_alternates
from kb.model import OutputFile
from kb.options import BuildOptions
from kbtest import write_tree

LISTING = "{% for a in articles %}[{{ a.title }}|{{ a.url }}|{{ a.language }}]{% endfor %}\n"
FILES = {
    "templates/category.html": LISTING,
    "billing/refund.md": article("Refund", tags="[money]", date="2020-01-02"),
    "billing/refund.es.md": article("Reembolso", tags="[dinero]", date="2020-01-03"),
    "billing/keep.md": article("Keep", tags="[money, old]", date="2020-01-04"),
    "setup/only.md": article("Only English", date="2020-01-05"),
}


def test_fallback_show_lists_the_original_marked_with_its_language(tmp_path: Path) -> None:
    compiled, pages = build(tmp_path, FILES)
    assert pages["es/billing/index.html"].strip() == (
        "[Keep|/billing/keep/|English][Reembolso|/es/billing/refund/|]")
    assert pages["billing/index.html"].strip() == "[Keep|/billing/keep/|][Refund|/billing/refund/|]"
    assert "es/billing/keep/index.html" not in pages and "es/setup/only/index.html" not in pages
    assert "es/setup/index.html" in pages


def test_fallback_hide_leaves_untranslated_articles_and_emptied_topics_out(tmp_path: Path) -> None:
    compiled, pages = build(tmp_path, {**FILES, "site.yaml": SITE + "fallback: hide\n"})
    assert pages["es/billing/index.html"].strip() == "[Reembolso|/es/billing/refund/|]"
    assert not any(path.startswith("es/setup/") for path in pages)
    assert "/es/setup/" not in pages["es/index.html"] and "/setup/" not in pages["es/index.html"]


def test_tag_pages_and_feeds_list_their_own_language_only(tmp_path: Path) -> None:
    compiled, pages = build(tmp_path, FILES)
    assert sorted(p for p in pages if "tags/" in p) == [
        "es/tags/dinero/index.html", "es/tags/index.html",
        "tags/index.html", "tags/money/index.html", "tags/old/index.html"]
    assert "/billing/keep/" not in pages["es/tags/dinero/index.html"]
    assert "https://x.example/es/billing/refund/" in pages["es/feed.xml"]
    assert "https://x.example/billing/keep/" not in pages["es/feed.xml"]
    assert "https://x.example/es/billing/refund/" not in pages["feed.xml"]


def test_the_sitemap_lists_every_language_with_alternates(tmp_path: Path) -> None:
    compiled, pages = build(tmp_path, FILES)
    sitemap = pages["sitemap.xml"]
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert "https://x.example/es/billing/refund/" in locs and "https://x.example/billing/refund/" in locs
    assert "https://x.example/es/billing/keep/" not in locs and len(locs) == len(set(locs))
    entry = next(u for u in sitemap.split("<url>") if "<loc>https://x.example/es/billing/refund/</loc>" in u)
    assert re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry) == [
        ("en", "https://x.example/billing/refund/"), ("es", "https://x.example/es/billing/refund/"),
        ("x-default", "https://x.example/billing/refund/")]
    keep = next(u for u in sitemap.split("<url>") if "<loc>https://x.example/billing/keep/</loc>" in u)
    assert "hreflang" not in keep  # no translation: no alternates


def test_links_go_to_the_version_in_the_articles_language(tmp_path: Path) -> None:
    compiled, pages = build(tmp_path, {
        "billing/x.md": article("X", "## Pasos\n\nx"), "billing/x.es.md": article("X es", "## Pasos\n\nx", slug="x-es"),
        "billing/y.md": article("Y"),
        "billing/refund.md": article("Refund", "[x](x.md) [y](y.md)"),
        "billing/refund.es.md": article("Reembolso", "[x](x.md#pasos) [y](y.md) [z](x.md#steps)"),
    })
    spanish = pages["es/billing/refund/index.html"]
    assert 'href="/es/billing/x-es/#pasos"' in spanish and 'href="/billing/y/"' in spanish
    assert 'href="/billing/x/"' in pages["billing/refund/index.html"]
    assert [d.format() for d in compiled.warnings] == [
        "billing/refund.es.md:4:31: warning: link to missing anchor '#steps' in 'billing/x.es.md'"]


def _page(path: str, links: dict[str, str]) -> OutputFile:
    tags = "".join(f'<link rel="alternate" hreflang="{lang}" href="{href}">' for lang, href in links.items())
    return OutputFile(path, f"<html><head>{tags}</head><body></body></html>".encode())


def test_check_alternates_pairs_them_up() -> None:
    base = "https://x.example/"
    good = [_page("a/index.html", {"en": base + "a/", "es": base + "es/a/", "x-default": base + "a/"}),
            _page("es/a/index.html", {"en": base + "a/", "es": base + "es/a/", "x-default": base + "a/"})]
    assert check_alternates(good, base) == []
    one_way = [good[0], _page("es/a/index.html", {"es": base + "es/a/", "x-default": base + "a/"})]
    assert [d.format() for d in check_alternates(one_way, base)] == [
        "a/:1:1: hreflang 'es' points at https://x.example/es/a/, which does not point back with hreflang 'en'"]
    relative = [_page("a/index.html", {"en": base + "a/", "es": "/es/a/", "x-default": base + "a/"}), good[1]]
    assert "a/:1:1: hreflang 'es' is not an absolute URL of the site: /es/a/" in [
        d.format() for d in check_alternates(relative, base)]


EN, ES = "https://x.example/billing/refund/", "https://x.example/es/billing/refund/"
ONE_WAY = (  # the English page names the Spanish one, which does not name it back
    f'{{% if site.language == "en" %}}<link rel="alternate" hreflang="en" href="{EN}">{{% endif %}}'
    f'<link rel="alternate" hreflang="es" href="{ES}"><link rel="alternate" hreflang="x-default" href="{EN}">'
)
THEME_ALTERNATES = ('{% for alternate in page.alternates | default([]) %}\n'
                    '<link rel="alternate" hreflang="{{ alternate.hreflang }}" href="{{ alternate.href }}">\n'
                    '{% endfor %}\n')


@pytest.mark.parametrize("template, expected", [
    (ONE_WAY, "billing/refund/:1:1: hreflang 'es' points at https://x.example/es/billing/refund/, which does not "
              "point back with hreflang 'en'"),
    (ONE_WAY.replace("https://x.example/es/", "/es/"),
     "billing/refund/:1:1: hreflang 'es' is not an absolute URL of the site: /es/billing/refund/"),
])
def test_kb_check_reports_a_project_templates_broken_hreflang(tmp_path: Path, template: str, expected: str) -> None:
    """A project's base.html writes its own hreflang links in place of the theme's."""
    write_tree(tmp_path / "content", {"site.yaml": SITE, "billing/refund.md": article("Refund"),
                                      "billing/refund.es.md": article("Reembolso")})
    base = (Path(__file__).resolve().parents[2] / "themes" / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    assert THEME_ALTERNATES in base, "the default theme writes its hreflang links otherwise: update this test"
    write_tree(tmp_path / "content" / "templates", {"base.html": base.replace(THEME_ALTERNATES, template + "\n")})
    found = [d.format() for d in check_site(BuildOptions(content=tmp_path / "content", search=False, git_dates=False, jobs=1))]
    assert expected in found
