"""kb.content.categories: topics and sections in each language (`_category.es.yaml`), `language:`."""

from __future__ import annotations

from pathlib import Path

from kb.content.categories import load_categories
from kb.content.discover import discover
from kb.model import Language
from kbtest import write_tree

LANGS = (Language("en", "English"), Language("es", "Español", path="es"), Language("pt-BR", "Português", path="pt-br"))
ARTICLE = "---\ntitle: A\n---\nBody.\n"


def _load(root: Path, files: dict[str, str], languages=LANGS):
    write_tree(root, files)
    categories, found = load_categories(root, discover(root), languages)
    return {(c.lang, c.key): c for c in categories}, [d.format() for d in found]


def test_translated_titles_slugs_and_descriptions(tmp_path: Path) -> None:
    found, problems = _load(tmp_path, {
        "billing/_category.yaml": "title: Billing\ndescription: Money\norder: 2\nicon: card\n",
        "billing/_category.es.yaml": "title: Facturación\nslug: facturacion\ndescription: Dinero\n",
        "billing/cards/_category.yaml": "title: Cards\n",
        "billing/cards/_category.pt_BR.yaml": "title: Cartões\nslug: cartoes\n",
        "billing/cards/a.md": ARTICLE, "billing/a.md": ARTICLE,
    })
    assert problems == []
    es, pt = found[("es", "billing")], found[("pt-BR", "billing")]
    assert (es.title, es.slug, es.url, es.description, es.order, es.icon) == (
        "Facturación", "facturacion", "/es/facturacion/", "Dinero", 2, "card")
    assert (pt.title, pt.url, pt.description) == ("Billing", "/pt-br/billing/", "Money")  # the default's
    assert found[("es", "billing/cards")].url == "/es/facturacion/cards/"
    assert found[("pt-BR", "billing/cards")].url == "/pt-br/billing/cartoes/"
    assert found[("pt-BR", "billing/cards")].title == "Cartões"
    assert found[("", "billing")].url == "/billing/"


def test_language_of_a_folder(tmp_path: Path) -> None:
    found, problems = _load(tmp_path, {
        "guias/_category.yaml": "title: Guías\nlanguage: ES\n", "guias/a.md": ARTICLE,
        "guias/sub/a.md": ARTICLE, "x/_category.yaml": "language: en\n", "x/a.md": ARTICLE,
    })
    assert problems == []
    assert found[("", "guias")].language == "es"
    assert found[("es", "guias")].language == "es"
    assert found[("", "x")].language == ""  # the default language


def test_broken_category_translations(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, {
        "billing/_category.yaml": "title: Billing\nlanguage: fr\n", "billing/a.md": ARTICLE,
        "billing/_category.fr.yaml": "title: Facturation\n",
        "billing/_category.en.yaml": "title: Billing again\n",
        "billing/_category.es.yaml": "title: Facturación\norder: 3\n",
        "billing/_category.old.yaml": "title: old notes, not a language\n",
        "empty/_category.es.yaml": "title: Vacío\n",
    })
    assert sorted(problems) == sorted([
        "billing/_category.fr.yaml:1:1: language 'fr' is not one of the site's languages (en, es, pt-BR)",
        "billing/_category.en.yaml:1:1: '_category.en.yaml' translates _category.yaml into the default language; "
        "write it in _category.yaml",
        "billing/_category.es.yaml:2:1: warning: unknown category field 'order'",
        "billing/_category.yaml:2:11: language 'fr' is not one of the site's languages (en, es, pt-BR)",
        "empty/_category.es.yaml:1:1: warning: translates a folder that holds no articles",
    ])


def test_one_language_site_leaves_category_translations_and_languages_alone(tmp_path: Path) -> None:
    """Without `languages`, a site builds as before: `_category.es.yaml` is a file starting with `_`
    (not read), and `language:` of a folder is only a warning."""
    found, problems = _load(tmp_path, {"billing/a.md": ARTICLE, "billing/_category.es.yaml": "title: F\n",
                                       "billing/_category.yaml": "language: fr\n"},
                            (Language("en", "English"),))
    assert problems == ["billing/_category.yaml:1:1: warning: language has no effect: site.yaml lists no languages"]
    assert set(found) == {("", "billing")}
