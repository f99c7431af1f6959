"""Search in the reader's language: a Spanish page searches the Spanish index, and a checkbox adds
the English one, its results marked with their language; under a sub-path too.

The site is a small English build whose Spanish pages are made here from the English ones (under
/es/, with <html lang="es"> and the body attributes the theme gives a page not in the default
language), then indexed with index_site as kb build indexes a site in two languages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from kb.runner import Runner
from kb.search import index_site
from kbtest import ISOLATED, write_tree

pytestmark = pytest.mark.browser

LABEL = "Incluir resultados en inglés"
SPANISH = {
    "Refunds for Acmeplan": "Reembolsos de Acmeplan",
    "We give prorated refunds for annual Acmeplan subscriptions within thirty days.":
        "Damos reembolsos prorrateados de las suscripciones anuales de Acmeplan durante treinta días.",
    ">Invoices<": ">Facturas<",
    "Download an invoice for Acmeplan from the billing page.": "Descargue una factura de Acmeplan desde la página de facturación.",
}
ES_REFUNDS = "es/facturacion/reembolsos/"


def _site(tmp_path: Path, prefix: str, invoices: bool = False, refunds: bool = True) -> Path:
    """Build the English site into root/<prefix>, add its Spanish pages (the refunds article unless
    not `refunds`, the invoices article too with `invoices`) and index both languages."""
    content = write_tree(tmp_path / "content", {
        "site.yaml": "title: Acme Help\ncontact:\n  email: help@acme.example\n",
        "billing/refunds.md": "---\ntitle: Refunds for Acmeplan\n---\n\n"
                              "We give prorated refunds for annual Acmeplan subscriptions within thirty days.\n",
        "billing/invoices.md": "---\ntitle: Invoices\n---\n\nDownload an invoice for Acmeplan from the billing page.\n",
    })
    site = tmp_path / "root" / prefix.strip("/")
    built = subprocess.run(
        [sys.executable, "-m", "kb", "build", "--content", str(content), "--out", str(site), "--no-search", "--no-cache",
         "--base-url", f"https://example.com{prefix}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ, **ISOLATED},
    )
    assert built.returncode == 0, built.stderr
    root = f'data-kb-root="{prefix}"'
    spanish = {"billing/refunds/index.html": ES_REFUNDS + "index.html", "search/index.html": "es/search/index.html",
               "contact/index.html": "es/contact/index.html"}
    if invoices:
        spanish["billing/invoices/index.html"] = "es/facturacion/facturas/index.html"
    if not refunds:
        del spanish["billing/refunds/index.html"]
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert root in html, page
        rel = page.relative_to(site).as_posix()
        page.write_text(html.replace(root, f'{root} data-kb-pagefind="{prefix}pagefind/"'), encoding="utf-8")
        if rel in spanish:
            html = html.replace('<html lang="en"', '<html lang="es"').replace(root, (
                f'{root} data-kb-pagefind="{prefix}pagefind/es/" data-kb-pagefind-default="{prefix}pagefind/" '
                f'data-kb-include-default="{LABEL}"'))
            for english, words in SPANISH.items():
                html = html.replace(english, words)
            write_tree(site, {spanish[rel]: html})
    report = index_site(site, [("en", ""), ("es", "es")], Runner())
    assert report.pages == 2 + refunds + invoices
    return site


def _hrefs(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("(es) => es.map((e) => e.getAttribute('href'))")


def _results(page) -> dict[str, str | None]:
    """href -> lang of each result on the search page."""
    return dict(page.locator("#search-results li").evaluate_all(
        "(lis) => lis.map((li) => [li.querySelector('a').getAttribute('href'), li.getAttribute('lang')])"))


@pytest.mark.parametrize("prefix", ["/", "/help/"])
def test_the_spanish_search_page_finds_spanish_pages_and_the_checkbox_adds_the_english_ones(
    new_context, serve_folder, tmp_path: Path, prefix: str,
) -> None:
    site = _site(tmp_path, prefix)
    origin = serve_folder(tmp_path / "root") + prefix.rstrip("/")
    page = new_context().new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urllib.parse.urlsplit(request.url).path))
    spanish, refunds, invoices = prefix + ES_REFUNDS, prefix + "billing/refunds/", prefix + "billing/invoices/"

    page.goto(f"{origin}/es/search/?q=reembolsos")
    page.locator("#search-count").filter(has_text="1 result").wait_for()
    assert _results(page) == {spanish: None}
    page.goto(f"{origin}/es/search/?q=acmeplan")
    page.locator("#search-count").filter(has_text="1 result").wait_for()
    assert _results(page) == {spanish: None}, "the Spanish search page found pages of another language"
    assert any(p == f"{prefix}pagefind/es/pagefind.js" for p in fetched)
    assert not any(p.startswith(f"{prefix}pagefind/") and not p.startswith(f"{prefix}pagefind/es/") for p in fetched), \
        "the English index was loaded before it was asked for"

    toggle = page.get_by_role("checkbox", name=LABEL)
    assert not toggle.is_checked()
    toggle.check()
    page.locator("#search-count").filter(has_text="3 results").wait_for()
    assert _results(page) == {spanish: None, refunds: "en", invoices: "en"}
    assert any(p.startswith(f"{prefix}pagefind/fragment/") for p in fetched)

    page.reload()  # remembered for the visit
    page.locator("#search-count").filter(has_text="3 results").wait_for()
    assert page.get_by_role("checkbox", name=LABEL).is_checked()
    page.goto(f"{origin}/es/search/?q=reembolsos")  # the Spanish word is in no English page
    page.locator("#search-count").filter(has_text="1 result").wait_for()
    assert _results(page) == {spanish: None}

    page.goto(f"{origin}/es/search/?q=zzyzx")  # nothing found: the Spanish contact page is offered
    page.locator("#search-empty").wait_for()
    assert _hrefs(page, "#search-empty a") == [f"{prefix}es/contact/?q=zzyzx"]

    page.goto(f"{origin}/search/?q=acmeplan")  # an English page: its own index, no checkbox
    page.locator("#search-count").filter(has_text="2 results").wait_for()
    assert _results(page) == {refunds: None, invoices: None}
    assert page.locator(".search-include-default").count() == 0
    assert (site / "pagefind/es/pagefind-entry.json").is_file()


def test_the_checkbox_in_the_suggestions_is_reached_with_tab_and_space(new_context, serve_folder, tmp_path: Path) -> None:
    _site(tmp_path, "/")
    origin = serve_folder(tmp_path / "root")
    page = new_context().new_page()
    page.goto(f"{origin}/{ES_REFUNDS}")
    box = page.locator("#search-header")
    box.click()
    box.press_sequentially("acmeplan", delay=20)
    options = page.locator("#search-header-results [role=option]")
    page.wait_for_function("document.querySelectorAll('#search-header-results [role=option]').length === 2")
    assert _hrefs(page, "#search-header-results .search-suggestion:not(.search-suggestion-all)") == ["/" + ES_REFUNDS]
    assert _hrefs(page, "#search-header-results .search-suggestion-all") == ["/es/search/?q=acmeplan"]
    toggle = page.get_by_role("checkbox", name=LABEL)
    assert toggle.is_visible() and not toggle.is_checked()

    page.keyboard.press("Tab")  # the Search button: the suggestions stay open
    page.keyboard.press("Tab")
    assert toggle.evaluate("(e) => e === document.activeElement")
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelectorAll('#search-header-results [role=option]').length === 4")
    assert toggle.is_checked()
    marked = options.evaluate_all("(os) => os.filter((o) => o.lang).map((o) => [o.getAttribute('href'), o.lang])")
    assert sorted(marked) == [["/billing/invoices/", "en"], ["/billing/refunds/", "en"]]
    assert "3 articles found" in page.locator("#search-header-status").inner_text()

    page.keyboard.press("Escape")  # closes the suggestions, back in the box
    assert page.locator("#search-header-panel").is_hidden()
    assert box.evaluate("(e) => e === document.activeElement")
    page.keyboard.press("ArrowDown")
    assert page.locator("#search-header-panel").is_visible()

    toggle.click()  # with the mouse: the focus stays in the box
    page.wait_for_function("document.querySelectorAll('#search-header-results [role=option]').length === 2")
    assert box.evaluate("(e) => e === document.activeElement") and not toggle.is_checked()
    page.keyboard.press("Shift+Tab")  # out of the form: the suggestions close
    assert page.locator("#search-header-panel").is_hidden()


def test_the_contact_page_suggests_answers_in_its_own_language(new_context, serve_folder, tmp_path: Path) -> None:
    _site(tmp_path, "/")
    origin = serve_folder(tmp_path / "root")
    page = new_context().new_page()

    def related(path: str, subject: str) -> list[str]:
        page.goto(origin + path)
        box = page.locator("#contact-subject")
        box.click()
        box.press_sequentially(subject, delay=20)
        page.wait_for_timeout(800)  # typing settles (250 ms), then the index answers
        return _hrefs(page, "#contact-related li a") if page.locator("#contact-related").is_visible() else []

    assert related("/es/contact/", "reembolsos") == ["/" + ES_REFUNDS]
    assert related("/es/contact/", "invoice") == []  # an English word: no Spanish page has it
    assert related("/contact/", "refunds") == ["/billing/refunds/"]
    assert related("/contact/", "reembolsos") == []


def test_the_checkbox_and_marked_results_have_no_axe_violations(new_context, serve_folder, axe, tmp_path: Path) -> None:
    _site(tmp_path, "/")
    origin = serve_folder(tmp_path / "root")
    page = new_context().new_page()
    page.goto(f"{origin}/es/search/?q=acmeplan")
    page.get_by_role("checkbox", name=LABEL).check()
    page.locator("#search-count").filter(has_text="3 results").wait_for()
    box = page.locator("#search-header")
    page.goto(f"{origin}/{ES_REFUNDS}")
    box.click()
    box.press_sequentially("acmeplan", delay=20)
    page.wait_for_function("document.querySelectorAll('#search-header-results [role=option]').length === 4")
    violations = axe(page)
    assert not violations, axe.format(violations)
    page.goto(f"{origin}/es/search/?q=acmeplan")
    page.locator("#search-count").filter(has_text="3 results").wait_for()
    violations = axe(page)
    assert not violations, axe.format(violations)


def test_the_shards_of_both_languages_are_merged(new_context, serve_folder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each language's index in two shards: the Spanish page merges its own, and the checkbox adds
    the English index with its shards."""
    import kb.search.index

    monkeypatch.setattr(kb.search.index, "SHARD_PAGES", 2)
    site = _site(tmp_path, "/help/", invoices=True)
    assert json.loads((site / "pagefind/kb-shards.json").read_text()) == ["shard-1/"]
    assert json.loads((site / "pagefind/es/kb-shards.json").read_text()) == ["shard-1/"]
    origin = serve_folder(tmp_path / "root") + "/help"
    page = new_context().new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urllib.parse.urlsplit(request.url).path))
    page.goto(f"{origin}/es/search/?q=acmeplan")
    page.locator("#search-count").filter(has_text="2 results").wait_for()
    assert _results(page) == {"/help/es/facturacion/reembolsos/": None, "/help/es/facturacion/facturas/": None}
    assert any(p.startswith("/help/pagefind/es/shard-1/") for p in fetched)
    page.get_by_role("checkbox", name=LABEL).check()
    page.locator("#search-count").filter(has_text="4 results").wait_for()
    assert _results(page) == {"/help/es/facturacion/reembolsos/": None, "/help/es/facturacion/facturas/": None,
                              "/help/billing/refunds/": "en", "/help/billing/invoices/": "en"}
    assert any(p.startswith("/help/pagefind/shard-1/") for p in fetched)


def test_a_language_without_articles_finds_nothing_and_the_checkbox_finds_the_english_ones(
    new_context, serve_folder, tmp_path: Path,
) -> None:
    site = _site(tmp_path, "/", refunds=False)
    assert not (site / "pagefind/es/pagefind.js").exists()
    origin = serve_folder(tmp_path / "root")
    page = new_context().new_page()
    page.goto(f"{origin}/es/search/?q=acmeplan")
    page.locator("#search-empty").wait_for()
    assert page.locator("#search-count").inner_text() == "0 results for “acmeplan”"
    page.get_by_role("checkbox", name=LABEL).check()
    page.locator("#search-count").filter(has_text="2 results").wait_for()
    assert _results(page) == {"/billing/refunds/": "en", "/billing/invoices/": "en"}
