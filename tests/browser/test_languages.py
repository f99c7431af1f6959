"""A help centre in several languages, as readers use it: the example's Spanish centre (its words,
dates, switcher and search) and a right-to-left Arabic page, with axe finding nothing on them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.render.i18n import load_catalogs

pytestmark = pytest.mark.browser

THEME_LOCALES = Path(__file__).resolve().parents[2] / "themes" / "default" / "locales"
REFUND_EN = "/billing/can-i-get-a-refund-after-i-cancel/"
REFUND_ES = "/es/facturacion/puedo-obtener-un-reembolso-despues-de-cancelar/"


def spanish(message: str) -> str:
    catalogs, problems = load_catalogs([THEME_LOCALES], ["es"])
    assert not problems
    return catalogs.gettext("es")(message)


def test_the_spanish_home_speaks_spanish(page, server):
    page.goto(server + "/es/", wait_until="load")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("html").get_attribute("dir") in (None, "ltr")
    words = spanish("Search articles")
    assert words != "Search articles", "the es catalog has no translation of 'Search articles'"
    assert page.get_by_placeholder(words).first.is_visible()
    assert "Estamos aquí" in page.content()  # the Spanish tagline of site.yaml's i18n
    assert page.locator("a[href='/es/facturacion/']").first.is_visible()


def test_the_spanish_article_has_spanish_dates_and_words(page, server):
    page.goto(server + REFUND_ES, wait_until="load")
    text = page.locator("main").inner_text()
    assert re.search(r"\b\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de \d{4}\b", text), text[:500]
    assert not re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|December) \d", text)
    assert "reembolso" in text


def test_the_switcher_goes_to_the_translation_and_back(page, server):
    page.goto(server + REFUND_EN, wait_until="load")
    page.locator("a[hreflang='es']").first.click()
    page.wait_for_url("**" + REFUND_ES)
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("a[hreflang='en']").first.click()
    page.wait_for_url("**" + REFUND_EN)
    assert page.locator("html").get_attribute("lang") == "en"


def test_hreflang_links_are_absolute_and_reciprocal(page, server):
    page.goto(server + REFUND_EN, wait_until="load")
    english = {link.get_attribute("hreflang"): link.get_attribute("href")
               for link in page.locator("head link[rel=alternate][hreflang]").all()}
    page.goto(server + REFUND_ES, wait_until="load")
    spanish_links = {link.get_attribute("hreflang"): link.get_attribute("href")
                     for link in page.locator("head link[rel=alternate][hreflang]").all()}
    assert english == spanish_links
    assert english["en"].endswith(REFUND_EN) and english["es"].endswith(REFUND_ES)
    assert english["x-default"] == english["en"]
    assert all(href.startswith("https://") for href in english.values())


def test_spanish_search_finds_the_spanish_refund_article_only(page, server):
    page.goto(server + "/es/search/?q=reembolso", wait_until="load")
    results = page.locator("#search-results a[href]")
    results.first.wait_for(timeout=15000)
    hrefs = [a.get_attribute("href") for a in results.all()]
    assert any(h.endswith(REFUND_ES) for h in hrefs), hrefs
    assert all(h.startswith("/es/") for h in hrefs), hrefs


@pytest.mark.parametrize("path", ["/es/", REFUND_ES])
def test_no_axe_violations_on_spanish_pages(path, page, server, axe):
    response = page.goto(server + path, wait_until="load")
    assert response is not None and response.status == 200
    violations = axe(page)
    assert not violations, axe.format(violations)


@pytest.fixture(scope="module")
def arabic_site(tmp_path_factory) -> Path:
    """A small centre in English and Arabic, built with the real CLI."""
    root = tmp_path_factory.mktemp("arabic")
    content = root / "content"
    (content / "Billing").mkdir(parents=True)
    (content / "site.yaml").write_text(
        "title: Help\nbase_url: https://help.example/\nlanguages:\n  - {code: en, name: English}\n"
        "  - {code: ar}\ni18n:\n  ar: {title: مركز المساعدة, tagline: نحن هنا لمساعدتك}\n", encoding="utf-8")
    (content / "Billing" / "_category.ar.yaml").write_text("title: الفواتير\nslug: alfawatir\n", encoding="utf-8")
    (content / "Billing" / "refund.md").write_text(
        "---\ntitle: Refunds\nupdated: 2020-01-20\ntags: [money]\n---\n\nHow refunds work.\n\n## Annual plans\n\nText.\n",
        encoding="utf-8")
    (content / "Billing" / "refund.ar.md").write_text(
        "---\ntitle: استرداد الأموال\nslug: istirdad\nupdated: 2020-01-20\ntags: [مال]\n---\n\n"
        "كيف يعمل استرداد الأموال.\n\n## الخطط السنوية\n\nنص.\n", encoding="utf-8")
    out = root / "site"
    done = subprocess.run([sys.executable, "-m", "kb", "build", "--content", str(content), "--out", str(out)],
                          capture_output=True, text=True, timeout=180, cwd=root)
    assert done.returncode == 0, done.stderr
    return out


def test_an_arabic_page_is_right_to_left_and_mirrored(arabic_site, serve_folder, new_context, axe):
    origin = serve_folder(arabic_site)
    page = new_context().new_page()
    page.goto(origin + "/ar/alfawatir/istirdad/", wait_until="load")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    width = page.viewport_size["width"]
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] + brand["width"] > width / 2, "the brand should sit on the right in a right-to-left page"
    crumbs = page.locator("nav[aria-label] ol li, nav.breadcrumbs li").all()
    if len(crumbs) >= 2:
        first, second = crumbs[0].bounding_box(), crumbs[1].bounding_box()
        assert first["x"] > second["x"], "breadcrumbs run right to left"
    violations = axe(page)
    assert not violations, axe.format(violations)
