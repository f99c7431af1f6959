"""kb.content.parse: discovering files, front matter, articles and categories."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kbtest import write_tree
from kb.content.parse import discover, load_categories, parse_article, split_front_matter
from kb.model import Category, SiteConfig

FOLDER_URLS = {"": "/general/", "billing": "/billing/", "billing/cards": "/billing/cards/"}


def _parse(rel: str, text: str, config: SiteConfig = SiteConfig()):
    return parse_article(rel, text, rel, config, FOLDER_URLS)


def _formatted(diagnostics) -> list[str]:
    return [d.format() for d in diagnostics]


# --- discover ---------------------------------------------------------------------------


def test_discover_lists_articles_categories_and_assets(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "site.yaml": "title: x\n",
        "status.yaml": "x: 1\n",
        "templates/404.html": "x",
        "templates/page.md": "x",
        "top.md": "# Top\n",
        "_drafts/a.md": "x",
        ".git/config": "x",
        ".DS_Store": "x",
        "billing/.hidden.md": "x",
        "billing/_partial.md": "x",
        "billing/_category.yaml": "title: Billing\n",
        "billing/invoice.md": "x",
        "billing/README.MD": "x",
        "billing/cards/visa.md": "x",
        "billing/cards/_category.yaml": "title: Cards\n",
        "billing/cards/deep/x.md": "x",
        "billing/img/logo.PNG": b"x",
        "billing/meta.yml": "x",
        "billing/data.YAML": "x",
        "billing/terms.txt": "x",
        "billing/site.yaml": "x",
        "billing/templates/t.md": "x",
        "Guías útiles!/primeros-pasos.md": "x",
        "getting-started/empty/notes.txt": "x",
        "B/z.md": "x",
        "a/y.md": "x",
    })
    tree = discover(tmp_path)
    assert tree.articles == (
        "B/z.md",
        "Guías útiles!/primeros-pasos.md",
        "a/y.md",
        "billing/README.MD",
        "billing/cards/deep/x.md",
        "billing/cards/visa.md",
        "billing/invoice.md",
        "billing/templates/t.md",
        "top.md",
    )
    assert tree.category_files == ("billing/_category.yaml", "billing/cards/_category.yaml")
    assert tree.assets == (
        "billing/img/logo.PNG",
        "billing/terms.txt",
        "getting-started/empty/notes.txt",
    )


def test_discover_empty_folder(tmp_path: Path) -> None:
    tree = discover(tmp_path)
    assert (tree.articles, tree.category_files, tree.assets) == ((), (), ())


# --- split_front_matter -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Just a body\n", (None, "Just a body\n", 1)),
        ("---\ntitle: A\n---\nBody\n", ("title: A", "Body\n", 4)),
        ("---\ntitle: A\n...\nBody\n", ("title: A", "Body\n", 4)),
        ("---  \ntitle: A\ntags: [x]\n---\t\n\nBody", ("title: A\ntags: [x]", "\nBody", 5)),
        ("---\n---\nBody", ("", "Body", 3)),
        ("----\nnot front matter\n", (None, "----\nnot front matter\n", 1)),
        ("--- title\n", (None, "--- title\n", 1)),
        ("\n---\ntitle: A\n---\n", (None, "\n---\ntitle: A\n---\n", 1)),
    ],
)
def test_split_front_matter(text: str, expected: tuple) -> None:
    assert split_front_matter(text) == expected


def test_split_front_matter_never_closed() -> None:
    assert split_front_matter("---\ntitle: A\nBody\n") == (
        "front matter opened with '---' on line 1 is never closed"
    )


# --- parse_article ----------------------------------------------------------------------


def test_title_from_front_matter() -> None:
    article, diagnostics = _parse(
        "billing/pay-by-card.md",
        "---\ntitle: Pay by card\ntags: [cards, money]\ndate: 2020-03-01\nupdated: 2020-03-02\n"
        "order: 2\nid: pay\nfeatured: true\naliases: old-pay\nrelated: refunds.md\n---\nBody\n",
    )
    assert diagnostics == ()
    assert article is not None
    assert article.title == "Pay by card"
    assert article.url == "/billing/pay-by-card/"
    assert article.slug == "pay-by-card"
    assert (article.category, article.section) == ("billing", None)
    assert article.tags == ("cards", "money")
    assert (article.date, article.updated) == (dt.date(2020, 3, 1), dt.date(2020, 3, 2))
    assert (article.order, article.id, article.featured, article.draft) == (2, "pay", True, False)
    assert article.aliases == ("old-pay",)
    assert article.related == ("refunds.md",)
    assert article.body == "Body\n"
    assert article.body_line == 12
    assert article.lines == {
        "title": 2, "tags": 3, "date": 4, "updated": 5, "order": 6, "id": 7,
        "featured": 8, "aliases": 9, "related": 10,
    }


def test_title_from_leading_h1_is_removed_from_the_body() -> None:
    article, diagnostics = _parse("billing/pay.md", "---\ntags: [a]\n---\n\n# Heading Title\n\nBody\n")
    assert diagnostics == ()
    assert article is not None
    assert article.title == "Heading Title"
    assert article.body == "\nBody\n"
    assert article.body_line == 6


def test_leading_h1_without_front_matter_and_closing_hashes() -> None:
    article, diagnostics = _parse("billing/pay.md", "\n#   Heading Title  ##\nBody\n## Sub\n")
    assert diagnostics == ()
    assert article is not None
    assert article.title == "Heading Title"
    assert article.body == "Body\n## Sub\n"
    assert article.body_line == 3


def test_front_matter_title_wins_over_h1() -> None:
    article, _ = _parse("billing/pay.md", "---\ntitle: From front matter\n---\n# From heading\nBody\n")
    assert article is not None
    assert article.title == "From front matter"
    assert article.body == "Body\n"
    assert article.body_line == 5


def test_h2_is_not_a_title() -> None:
    article, _ = _parse("billing/pay_by_card.md", "## Not a title\nBody\n")
    assert article is not None
    assert article.title == "Pay by card"
    assert article.body == "## Not a title\nBody\n"
    assert article.body_line == 1


def test_title_from_file_name_without_front_matter_is_silent() -> None:
    article, diagnostics = _parse("billing/reset-your-password.md", "Just a body.\n")
    assert diagnostics == ()
    assert article is not None
    assert article.title == "Reset your password"
    assert article.url == "/billing/reset-your-password/"
    assert article.body == "Just a body.\n"


def test_missing_title_in_front_matter_warns() -> None:
    article, diagnostics = _parse("billing/pay_by_card.md", "---\nsummary: S\n---\nBody\n")
    assert article is not None
    assert article.title == "Pay by card"
    assert _formatted(diagnostics) == [
        "billing/pay_by_card.md:1:1: warning: missing field 'title'; using 'Pay by card' from the file name"
    ]
    assert diagnostics[0].kind == "missing title"


def test_empty_title_is_reported() -> None:
    article, diagnostics = _parse("billing/pay.md", "---\ntitle:\n---\nBody\n")
    assert any("title" in d.message for d in diagnostics)
    assert article is None or article.title != ""


def test_description_is_used_as_summary() -> None:
    article, diagnostics = _parse("billing/x.md", "---\ntitle: T\ndescription: From description\n---\n")
    assert diagnostics == ()
    assert article is not None and article.summary == "From description"
    article, _ = _parse("billing/x.md", "---\ntitle: T\nsummary: S\ndescription: D\n---\n")
    assert article is not None and article.summary == "S"


def test_extra_keys_patterns_are_accepted_silently() -> None:
    config = SiteConfig(extra_keys=("ms.*", "author"))
    article, diagnostics = _parse(
        "billing/x.md", "---\ntitle: T\nms.author: me\nms.date: 1/2/2020\nauthor: sam\n---\n", config
    )
    assert article is not None
    assert diagnostics == ()


def test_unknown_field_warns_with_did_you_mean() -> None:
    article, diagnostics = _parse("billing/x.md", "---\ntitle: T\ntitel: x\ntgas: [a]\nauthor: sam\n---\n")
    assert article is not None
    assert _formatted(diagnostics) == [
        "billing/x.md:3:1: warning: unknown field 'titel' (did you mean 'title'?)",
        "billing/x.md:4:1: warning: unknown field 'tgas' (did you mean 'tags'?)",
        "billing/x.md:5:1: warning: unknown field 'author'",
    ]
    assert {d.kind for d in diagnostics} == {"unknown field"}


@pytest.mark.parametrize(
    ("rel", "url", "section"),
    [
        ("top.md", "/general/top/", None),
        ("billing/visa.md", "/billing/visa/", None),
        ("billing/cards/visa.md", "/billing/cards/visa/", "billing/cards"),
        ("billing/cards/deep/er/visa.md", "/billing/cards/deep/er/visa/", "billing/cards"),
        ("billing/cards/Deep Folder!/Visa Card.md", "/billing/cards/deep-folder/visa-card/", "billing/cards"),
    ],
)
def test_url_for_category_section_and_deeper_folders(rel: str, url: str, section: str | None) -> None:
    article, diagnostics = _parse(rel, "---\ntitle: T\n---\nB\n")
    assert diagnostics == ()
    assert article is not None
    assert article.url == url
    assert article.section == section
    assert article.category == (rel.split("/")[0] if "/" in rel else "")


def test_slug_override() -> None:
    article, _ = _parse("billing/cards/x.md", "---\ntitle: T\nslug: custom\n---\n")
    assert article is not None
    assert (article.slug, article.url) == ("custom", "/billing/cards/custom/")


def test_unsafe_slug_is_an_error() -> None:
    article, diagnostics = _parse("billing/x.md", "---\ntitle: T\nslug: ../evil\n---\n")
    assert article is None
    assert _formatted(diagnostics) == [
        "billing/x.md:3:7: slug '../evil' must be one URL segment: no '/', '\\', '..' or leading '.'"
    ]


def test_file_name_without_usable_slug() -> None:
    article, diagnostics = _parse("billing/!!!.md", "---\ntitle: T\n---\n")
    assert article is None
    assert _formatted(diagnostics) == [
        "billing/!!!.md:1:1: file name '!!!.md' gives no usable URL; add a slug"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "billing/x.md:1:1: file is empty"),
        ("  \n\n", "billing/x.md:1:1: file is empty"),
        ("---\ntitle: T\nBody\n", "billing/x.md:1:1: front matter opened with '---' on line 1 is never closed"),
        ("---\n- a\n---\n", "billing/x.md:2:1: front matter must be a mapping of fields"),
        ("---\ntitle: T\ntitle: U\n---\n", "billing/x.md:3:1: duplicate field 'title'"),
        ("---\ntitle: T\n\ttags: x\n---\n", "billing/x.md:3:1: tab character in YAML; indent with spaces"),
        ("---\ntitle: T\ndate: 2020-13-45\n---\n",
         "billing/x.md:3:7: 'date' is not a date: '2020-13-45' (use YYYY-MM-DD)"),
        ("---\ntitle: T\nupdated: 4/5/2020\n---\n",
         "billing/x.md:3:10: 'updated' is ambiguous: '4/5/2020' (use YYYY-MM-DD)"),
        ("---\ntitle: T\ndate: 2020-02-01\nupdated: 2020-01-01\n---\n",
         "billing/x.md:4:10: 'updated' is earlier than 'date'"),
    ],
)
def test_article_errors(text: str, message: str) -> None:
    article, diagnostics = _parse("billing/x.md", text)
    assert article is None
    assert _formatted(diagnostics) == [message]


def test_slashed_date_is_read_with_a_warning() -> None:
    article, diagnostics = _parse("billing/x.md", "---\ntitle: T\ndate: 3/16/2020\n---\n")
    assert article is not None
    assert article.date == dt.date(2020, 3, 16)
    assert _formatted(diagnostics) == [
        "billing/x.md:3:7: warning: 'date' '3/16/2020' read as 2020-03-16; write dates as YYYY-MM-DD"
    ]


# --- load_categories --------------------------------------------------------------------


def _categories(tmp_path: Path, files: dict[str, str]):
    write_tree(tmp_path, files)
    return load_categories(tmp_path, discover(tmp_path))


def test_category_titles_from_folder_names(tmp_path: Path) -> None:
    categories, diagnostics = _categories(tmp_path, {
        "top.md": "x",
        "getting-started/welcome.md": "x",
        "Billing & Payments/pay.md": "x",
        "Billing & Payments/cards/visa.md": "x",
        "Billing & Payments/cards/deeper/x.md": "x",
        "Billing & Payments/empty/notes.txt": "x",
        "Guías útiles!/primeros-pasos.md": "x",
    })
    assert diagnostics == ()
    assert categories == (
        Category(key="", slug="general", title="General", url="/general/"),
        Category(key="Billing & Payments", slug="billing-payments", title="Billing & Payments", url="/billing-payments/"),
        Category(key="Guías útiles!", slug="guías-útiles", title="Guías útiles!", url="/guías-útiles/"),
        Category(key="getting-started", slug="getting-started", title="Getting started", url="/getting-started/"),
        Category(key="Billing & Payments/cards", slug="cards", title="cards", url="/billing-payments/cards/",
                 parent="Billing & Payments"),
    )


def test_category_yaml_title_slug_and_fields(tmp_path: Path) -> None:
    categories, diagnostics = _categories(tmp_path, {
        "billing/_category.yaml": "title: Billing & Payments\ndescription: Money matters\norder: 2\n"
                                  "icon: card\nslug: pay\ncolour: red\n",
        "billing/invoice.md": "x",
        "billing/cards/_category.yaml": "title: Cards!\n",
        "billing/cards/visa.md": "x",
    })
    assert categories == (
        Category(key="billing", slug="pay", title="Billing & Payments", url="/pay/", description="Money matters",
                 order=2, icon="card"),
        Category(key="billing/cards", slug="cards", title="Cards!", url="/pay/cards/", parent="billing"),
    )
    assert _formatted(diagnostics) == ["billing/_category.yaml:6:1: warning: unknown category field 'colour'"]


def test_category_unsafe_slug(tmp_path: Path) -> None:
    categories, diagnostics = _categories(tmp_path, {
        "billing/_category.yaml": "title: Billing\nslug: a/b\n",
        "billing/invoice.md": "x",
    })
    assert categories[0].slug == "category"
    assert _formatted(diagnostics) == [
        "billing/_category.yaml:2:7: folder 'billing' gives no usable URL; add a slug in _category.yaml"
    ]


def test_folder_name_without_usable_slug(tmp_path: Path) -> None:
    _, diagnostics = _categories(tmp_path, {"!!!/x.md": "x"})
    assert _formatted(diagnostics) == [
        "!!!:1:1: folder '!!!' gives no usable URL; add a slug in _category.yaml"
    ]


def test_category_yaml_problems(tmp_path: Path) -> None:
    _, diagnostics = _categories(tmp_path, {
        "a/_category.yaml": "- not\n- a mapping\n",
        "a/x.md": "x",
        "b/_category.yaml": "title: [unclosed\n",
        "b/x.md": "x",
    })
    assert _formatted(diagnostics) == [
        "a/_category.yaml:1:1: _category.yaml must be a mapping",
        "b/_category.yaml:2:1: invalid YAML: did not find expected ',' or ']' "
        "while parsing a flow sequence that began on line 1",
    ]


def test_a_one_language_site_warns_about_translation_fields_instead_of_failing() -> None:
    """Without `languages`, `language:` and a `source_hash:` that is not a hash break no build
    (imported articles often carry them); they are warned about, as any field without effect."""
    text = "---\ntitle: X\nlanguage: en-US\nsource_hash: not a hash\n---\nBody.\n"
    article, diagnostics = parse_article("billing/x.md", text, "billing/x.md", SiteConfig(), {"billing": "/billing/"})
    assert article is not None and article.lang == ""
    assert _formatted(diagnostics) == ["billing/x.md:3:1: warning: language has no effect: site.yaml lists no languages"]
