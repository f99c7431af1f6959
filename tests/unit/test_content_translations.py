"""kb.content.translations: translations tied to their originals, their URLs, drafts, outdated ones."""

from __future__ import annotations

from pathlib import Path

from i18ntest import article, build, errors
from kb.content.translations import body_hash, is_outdated
from kb.model import Article

TOPIC = {"billing/_category.yaml": "title: Billing\n", "billing/_category.es.yaml": "title: Facturación\nslug: facturacion\n"}


def _urls(compiled) -> dict[str, str]:
    return {a.source: a.url for a in compiled.site.articles}


def test_translation_beside_its_original_goes_under_the_translated_topic(tmp_path: Path) -> None:
    compiled, pages = build(tmp_path, {**TOPIC, "billing/refund.md": article("Refund"),
                                       "billing/refund.es.md": article("Reembolso")})
    assert _urls(compiled) == {"billing/refund.md": "/billing/refund/", "billing/refund.es.md": "/es/facturacion/refund/"}
    assert compiled.site.translations == {"billing/refund.md": {"en": "billing/refund.md", "es": "billing/refund.es.md"}}
    assert "es/facturacion/refund/index.html" in pages and "es/billing/refund/index.html" not in pages


def test_translated_slug_and_translation_of_from_a_deeper_folder(tmp_path: Path) -> None:
    compiled, _ = build(tmp_path, {**TOPIC, "billing/refund.md": article("Refund"),
                                   "billing/cards/deep/x.md": article("Card"),
                                   "billing/refund.es.md": article("Reembolso", slug="reembolso"),
                                   "es/más/tarjeta.md": article("Tarjeta", language="es",
                                                                 translation_of="../../billing/cards/deep/x.md")})
    urls = _urls(compiled)
    assert urls["billing/refund.es.md"] == "/es/facturacion/reembolso/"
    assert urls["billing/cards/deep/x.md"] == "/billing/cards/deep/x/"
    assert urls["es/más/tarjeta.md"] == "/es/facturacion/cards/deep/x/"  # the original's place and slug
    assert compiled.site.translations["billing/cards/deep/x.md"]["es"] == "es/más/tarjeta.md"


def test_translation_of_by_id(tmp_path: Path) -> None:
    compiled, _ = build(tmp_path, {"billing/refund.md": article("Refund", id="refund"),
                                   "otros/r.md": article("Reembolso", language="es", translation_of="refund")})
    assert _urls(compiled)["otros/r.md"] == "/es/billing/refund/"


def test_a_spanish_original_with_an_english_translation(tmp_path: Path) -> None:
    compiled, pages = build(tmp_path, {"guias/_category.yaml": "title: Guías\nlanguage: es\n",
                                       "guias/guia.md": article("Guía"),
                                       "guias/guia.en.md": article("Guide", slug="guide")})
    assert _urls(compiled) == {"guias/guia.md": "/es/guias/guia/", "guias/guia.en.md": "/guias/guide/"}
    assert compiled.site.translations == {"guias/guia.md": {"es": "guias/guia.md", "en": "guias/guia.en.md"}}
    assert '<html lang="es">' in pages["es/guias/guia/index.html"]
    assert '<html lang="en">' in pages["guias/guide/index.html"]


def test_a_translation_of_a_draft_is_not_published_without_drafts(tmp_path: Path) -> None:
    files = {"billing/refund.md": article("Refund", draft="true"), "billing/keep.md": article("Keep"),
             "billing/refund.es.md": article("Reembolso")}
    compiled, pages = build(tmp_path / "a", files)
    assert set(_urls(compiled)) == {"billing/keep.md"}
    assert not any("refund" in path for path in pages)
    compiled, pages = build(tmp_path / "b", files, drafts=True)
    assert _urls(compiled)["billing/refund.es.md"] == "/es/billing/refund/"


def test_a_draft_translation_leaves_the_original_listed(tmp_path: Path) -> None:
    compiled, pages = build(tmp_path, {"billing/refund.md": article("Refund"),
                                       "billing/refund.es.md": article("Reembolso", draft="true")})
    assert set(_urls(compiled)) == {"billing/refund.md"}
    assert 'href="/billing/refund/"' in pages["es/billing/index.html"]


def test_body_hash_ignores_whitespace_only_changes_and_is_stable() -> None:
    assert body_hash("Body.") == "521b25cc4586"  # written into files by `kb translate done`: it must never change
    assert body_hash("Refund  your\n\norder.\n") == body_hash("Refund your order.") != body_hash("Refund your orders.")
    assert len(body_hash("x", 64)) == 64


def _with(body: str, source_hash: str | None) -> Article:
    return Article("a.md", "a", "a", "/a/", "", None, body, 1, source_hash=source_hash)


def test_is_outdated() -> None:
    original = _with("Refund your order.", None)
    assert not is_outdated(_with("x", body_hash("Refund   your order.\n")), original)
    assert not is_outdated(_with("x", body_hash("Refund your order.", 64)), original)
    assert not is_outdated(_with("x", None), original)  # never marked done: not known to be outdated
    assert is_outdated(_with("x", body_hash("Refund your orders.")), original)


def test_outdated_translation_is_a_warning_at_its_source_hash(tmp_path: Path) -> None:
    compiled, _ = build(tmp_path, {"billing/refund.md": article("Refund", "Body changed."),
                                   "billing/refund.es.md": article("Reembolso", source_hash="521b25cc4586")})
    assert [d.format() for d in compiled.warnings] == [
        "billing/refund.es.md:3:1: warning: translation outdated: 'billing/refund.md' changed since it was translated"]
    assert compiled.site.outdated == frozenset({"billing/refund.es.md"})


def test_up_to_date_translation_with_a_whitespace_change(tmp_path: Path) -> None:
    compiled, _ = build(tmp_path, {"billing/refund.md": article("Refund", "\n  Body.\n\n"),
                                   "billing/refund.es.md": article("Reembolso", source_hash="521B25CC4586")})
    assert compiled.warnings == () and compiled.site.outdated == frozenset()


def test_a_hash_yaml_reads_as_an_octal_number_is_taken_as_written(tmp_path: Path) -> None:
    assert body_hash("Body 64290.") == "026416750540"  # YAML 1.1 reads it as the number 2890911072
    compiled, _ = build(tmp_path, {"billing/refund.md": article("Refund", "Body 64290."),
                                   "billing/refund.es.md": article("Reembolso", source_hash="026416750540")})
    assert compiled.warnings == () and compiled.site.outdated == frozenset()


def test_broken_ties(tmp_path: Path) -> None:
    assert errors(tmp_path, {
        "billing/refund.md": article("Refund"),
        "billing/refund.en.md": article("Refund again"),
        "billing/plain.md": article("Plain", translation_of="refund.md"),
        "billing/up.md": article("Up", language="es", translation_of="../../../etc/passwd.md"),
    }) == [
        "billing/plain.md:3:1: a translation needs its language: name the file like 'refund.es.md' or add 'language:'",
        "billing/refund.en.md:1:1: 'billing/refund.en.md' and the article it translates, 'billing/refund.md', are "
        "both in 'en'",
        "billing/up.md:4:1: translation_of: article not found: '../../../etc/passwd.md'",
    ]


def test_translated_slug_colliding_with_another_article(tmp_path: Path) -> None:
    assert errors(tmp_path, {"billing/a.md": article("A"), "billing/a.es.md": article("A es", slug="b"),
                             "billing/b.md": article("B", language="es")}) == [
        "billing/b.md:1:1: 'billing/b.md' and 'billing/a.es.md' share the URL /es/billing/b/"]


def test_agent_notes_do_not_make_a_translation_outdated_in_either_audience() -> None:
    body = "Refunds take ten days.\n"
    noted = body + "\n> [!INTERNAL]\n> Agents: above $5,000 ask a lead.\nstill the note\n"
    assert body_hash(noted) == body_hash(body)
    assert body_hash(noted.replace("ask a lead", "ask the lead")) == body_hash(body)
    assert body_hash(body + "\nA new public sentence.\n") != body_hash(body)
    original = Article(source="a.md", title="A", slug="a", url="/a/", category="", section=None, body=noted, body_line=1)
    translation = Article(source="a.es.md", title="A", slug="a", url="/es/a/", category="", section=None, body="",
                          body_line=1, source_hash=body_hash(body))
    assert not is_outdated(translation, original)
