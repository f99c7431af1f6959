"""The words search.js writes come from the page's language (base.html's #kb-i18n block), with
the language's plural forms (Intl.PluralRules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtest import run_kb_process, write_tree

pytestmark = pytest.mark.browser

SPANISH = {
    "content/site.yaml": "title: Ayuda\nlanguage: es\n",
    "content/facturacion/_category.yaml": "title: Facturación\n",
    "content/facturacion/reembolsos.md": "---\ntitle: Reembolsos\n---\nCómo pedir un reembolso de tu factura.\n",
    "content/facturacion/pagos.md": "---\ntitle: Pagos con tarjeta\n---\nPagar la factura con tarjeta.\n",
}


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("es"), SPANISH)
    done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-cache"], cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "site"


def test_suggestions_speak_the_page_language(new_context, serve_folder, spanish: Path) -> None:
    origin = serve_folder(spanish)
    page = new_context().new_page()
    page.goto(origin + "/")
    box = page.locator("#search-header")
    box.click()
    box.press_sequentially("zzxqvv", delay=20)
    page.locator("#search-header-panel").wait_for(state="visible")
    page.wait_for_function("() => document.getElementById('search-header-status').textContent !== ''")
    assert page.locator("#search-header-status").inner_text() == "Ningún artículo coincide con «zzxqvv»."
    assert "Pregúntanos" in page.locator("#search-header-results").inner_text()


def test_the_search_page_counts_in_the_page_language(new_context, serve_folder, spanish: Path) -> None:
    origin = serve_folder(spanish)
    page = new_context().new_page()
    page.goto(origin + "/search/?q=factura")
    page.locator("#search-results li").first.wait_for()
    assert page.locator("#search-count").inner_text() == "2 resultados para «factura»"
    page.goto(origin + "/search/?q=reembolso")
    page.locator("#search-results li").first.wait_for()
    assert page.locator("#search-count").inner_text() == "1 resultado para «reembolso»"
