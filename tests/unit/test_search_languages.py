"""kb.search.languages and index_site over several languages: one Pagefind bundle per language."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

import kb.search as search
from kb.errors import SearchError
from kb.runner import Runner
from kb.search.languages import Bundle, language_paths, site_languages, split_pages
from kbtest import write_tree

LANGUAGES = [("en", ""), ("es", "es"), ("pt-BR", "pt-br")]


def _article(lang: str, title: str, words: str) -> str:
    return (f'<!doctype html><html lang="{lang}"><head><title>{title}</title></head><body><nav>Menu</nav>'
            f'<article data-pagefind-body><h1>{title}</h1><p>{words}</p></article></body></html>')


def _urls(bundle: Path) -> set[str]:
    """The URLs of the pages in a bundle and its shards (not in the bundles of other languages inside it)."""
    folders = [bundle, *(bundle / shard for shard in json.loads((bundle / "kb-shards.json").read_text()))]
    urls = set()
    for folder in folders:
        for fragment in (folder / "fragment").glob("*.pf_fragment"):
            urls.add(json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])["url"])
    return urls


def _languages(bundle: Path) -> dict[str, int]:
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    return {code: info["page_count"] for code, info in entry["languages"].items()}


def test_a_page_belongs_to_the_language_of_its_first_path_segment_whatever_its_html_lang() -> None:
    pages = {path: ("digest", None) for path in (
        "index.html", "billing/refund/index.html", "estate/index.html", "es.html", "404.html",
        "es/index.html", "es/billing/refund/index.html", "es/404.html",
        "pt-br/index.html", "pt-br/billing/index.html", "PT-BR/shouting/index.html",
    )}
    bundles = split_pages(LANGUAGES, pages)
    assert [(b.folder, b.code, b.path) for b in bundles] == [("pagefind", "en", ""), ("pagefind/es", "es", "es"),
                                                             ("pagefind/pt-br", "pt", "pt-br")]
    assert sorted(bundles[0].pages) == ["404.html", "PT-BR/shouting/index.html", "billing/refund/index.html",
                                        "es.html", "estate/index.html", "index.html"]
    assert sorted(bundles[1].pages) == ["es/404.html", "es/billing/refund/index.html", "es/index.html"]
    assert sorted(bundles[2].pages) == ["pt-br/billing/index.html", "pt-br/index.html"]


def test_each_language_path_is_one_bundle_and_the_first_language_is_the_default() -> None:
    assert language_paths([("pt-BR", "pt-br"), ("pt-br", "PT-BR/"), ("es", "es"), ("es-ES", "es")]) == [
        ("pt-BR", ""), ("pt-br", "pt-br"), ("es", "es")]
    assert language_paths([("en", ""), ("fr", "")]) == [("en", "")]  # no path: the default language's pages
    assert language_paths("en-US") == [("en-US", "")]
    assert language_paths([]) == [("en", "")]
    pages = {"index.html": ("d", None), "es/index.html": ("d", None)}
    assert [b.folder for b in split_pages([("en", ""), ("es", "es"), ("es-MX", "ES")], pages)] == ["pagefind", "pagefind/es"]


@pytest.mark.parametrize("path", ["../up", "es/mx", "shard-1", "fragment", "index", "filter", "es.x", "-es"])
def test_a_language_path_that_would_leave_its_folder_or_meet_pagefind_s_own_is_refused(path: str) -> None:
    with pytest.raises(SearchError, match=f"language 'xx' cannot have a search index at 'pagefind/{path.lower()}/'"):
        language_paths([("en", ""), ("xx", path)])


def test_a_language_without_pages_has_an_empty_bundle_that_says_so(tmp_path: Path) -> None:
    pages = {"index.html": ("d", None)}
    assert [(b.folder, len(b.pages)) for b in split_pages(LANGUAGES, pages)] == [("pagefind", 1), ("pagefind/es", 0), ("pagefind/pt-br", 0)]
    site = write_tree(tmp_path / "site", {"a/index.html": _article("en", "Refunds", "Money back."),
                                          "es/index.html": "<!doctype html><html lang='es'><body><p>Inicio.</p></body></html>"})
    report = search.index_site(site, [("en", ""), ("es", "es")], Runner())
    assert _urls(site / "pagefind") == {"/a/"}
    assert sorted(p.relative_to(site).as_posix() for p in (site / "pagefind/es").rglob("*")) == ["pagefind/es/kb-shards.json"]
    assert json.loads((site / "pagefind/es/kb-shards.json").read_text()) == {"pages": 0}  # Pagefind makes no index of no page
    assert (report.pages, report.shards) == (1, 1)


def test_site_languages_reads_the_languages_of_the_config_or_its_one_language() -> None:
    one = SimpleNamespace(language="de-AT")
    assert site_languages(one) == [("de-AT", "")]
    many = SimpleNamespace(language="en", languages=(SimpleNamespace(code="en", path=""), SimpleNamespace(code="pt-BR", path="pt-br")))
    assert site_languages(many) == [("en", ""), ("pt-BR", "pt-br")]
    assert site_languages(SimpleNamespace(language="fr", languages=())) == [("fr", "")]


def _site(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "site", {
        "index.html": "<!doctype html><html lang='en'><body><p>Home.</p></body></html>",
        "billing/refund/index.html": _article("en", "Refunds", "Prorated refunds for annual plans."),
        "billing/invoice/index.html": _article("es", "Invoices", "Download an invoice."),  # a wrong lang: still English
        "es/facturacion/reembolso/index.html": _article("es", "Reembolsos", "Reembolsos prorrateados de planes anuales."),
        "es/facturacion/factura/index.html": _article("en", "Facturas", "Descargar una factura."),  # wrong lang: still Spanish
        "pt-br/cobranca/reembolso/index.html": _article("pt-BR", "Reembolsos", "Reembolsos proporcionais."),
        "pt-br/cobranca/fatura/index.html": _article("pt-br", "Faturas", "Baixar uma fatura."),
        "pt-br/cobranca/pix/index.html": _article("pt", "Pix", "Pagar com Pix."),
    })


def test_every_language_has_its_own_bundle_holding_its_pages_only(tmp_path: Path) -> None:
    site = _site(tmp_path)
    report = search.index_site(site, LANGUAGES, Runner())
    root, es, pt = site / "pagefind", site / "pagefind/es", site / "pagefind/pt-br"
    assert _urls(root) == {"/billing/refund/", "/billing/invoice/"}
    assert _urls(es) == {"/es/facturacion/reembolso/", "/es/facturacion/factura/"}
    assert _urls(pt) == {"/pt-br/cobranca/reembolso/", "/pt-br/cobranca/fatura/", "/pt-br/cobranca/pix/"}
    # one index per bundle, whatever the pages' <html lang> say: pt-BR, pt-br and pt are one language
    assert (_languages(root), _languages(es), _languages(pt)) == ({"en": 2}, {"es": 2}, {"pt": 3})
    for bundle in (root, es, pt):
        assert (bundle / "pagefind.js").is_file()
        assert json.loads((bundle / "kb-shards.json").read_text()) == []
    assert (report.pages, report.shards) == (7, 3)
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    assert report.bytes == sum(p.stat().st_size for p in files)


def test_pages_of_other_languages_stay_out_of_the_default_bundle_when_no_page_is_marked(tmp_path: Path) -> None:
    site = write_tree(tmp_path / "site", {
        "a/index.html": "<!doctype html><html lang='en'><body><h1>Refunds</h1><p>Money back.</p></body></html>",
        "es/a/index.html": "<!doctype html><html lang='es'><body><h1>Reembolsos</h1><p>Dinero.</p></body></html>",
    })
    report = search.index_site(site, [("en", ""), ("es", "es")], Runner())
    assert _urls(site / "pagefind") == {"/a/"}
    assert _urls(site / "pagefind/es") == {"/es/a/"}
    assert report.pages == 2


def test_each_language_is_split_into_shards_by_its_own_page_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search.index, "SHARD_PAGES", 2)
    english = {f"a/p{n}/index.html": _article("en", f"Refunds number{n}", "Money back.") for n in range(5)}
    site = write_tree(tmp_path / "site", {**english, "es/a/index.html": _article("es", "Reembolsos", "Dinero.")})
    report = search.index_site(site, [("en", ""), ("es", "es")], Runner())
    assert json.loads((site / "pagefind/kb-shards.json").read_text()) == ["shard-1/"]
    assert json.loads((site / "pagefind/es/kb-shards.json").read_text()) == []
    assert _urls(site / "pagefind") == {f"/a/p{n}/" for n in range(5)}
    assert _urls(site / "pagefind/es") == {"/es/a/"}
    assert (report.pages, report.shards) == (6, 3)


class _Keeping(Runner):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def kept(self, name: str) -> Path:
        return self.folder / name


def test_the_cache_keys_of_the_shards_include_their_language(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    pages = {"a/index.html": _article("en", "Pix", "Pagar com Pix."), "pt-br/a/index.html": _article("pt-BR", "Pix", "Pagar com Pix.")}

    def index(languages: list[tuple[str, str]]) -> tuple[search.SearchReport, dict[str, bytes]]:
        site = write_tree(tmp_path / "site", pages)
        report = search.index_site(site, languages, _Keeping(cache))
        files = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
        shutil.rmtree(site)
        return report, files

    first, cold = index([("en", ""), ("pt-BR", "pt-br")])
    assert len(set(first.keys)) == 2 and first.reused == 0
    second, warm = index([("en", ""), ("pt-BR", "pt-br")])
    assert second.keys == first.keys and second.reused == 2 and warm == cold
    third, files = index([("en", ""), ("es", "pt-br")])  # the same pages in another language: made again
    assert third.keys[0] == first.keys[0] and third.keys[1] != first.keys[1] and third.reused == 1
    assert json.loads(files["pagefind/pt-br/pagefind-entry.json"])["languages"].keys() == {"es"}


def test_a_one_language_index_is_pagefind_s_own_over_the_whole_site(tmp_path: Path) -> None:
    """What a one-language site gets is what it got before there were languages: Pagefind run once
    over the site folder (its files made the same from build to build), and an empty list of shards."""
    site = _site(tmp_path)
    expected = tmp_path / "expected"
    search.index._run(search.index.pagefind_executable(), site, None, tmp_path / "work", expected, "en", True)
    search.files.normalise_index(expected)
    (expected / "kb-shards.json").write_text("[]\n")
    for languages in ("en", [("en", "")], [("en-US", ""), ("en", "")]):
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        search.index_site(site, languages, Runner())
        got = {p.relative_to(site / "pagefind").as_posix(): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
        assert got == {p.relative_to(expected).as_posix(): p.read_bytes() for p in expected.rglob("*") if p.is_file()}, languages
