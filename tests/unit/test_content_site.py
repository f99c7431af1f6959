"""kb.content.site: rules across files (URLs, ids, related) and listing order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.content.parse import parse_article
from kb.model import Article, Category, SiteConfig
from kb.speed.runner import Speed
from kb.content.site import alias_path, assemble_site
from kbtest import write_tree

NOW = dt.datetime(2020, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
CATEGORIES = (
    Category("billing", "billing", "Billing", "/billing/"),
    Category("billing/cards", "cards", "Cards", "/billing/cards/", parent="billing"),
    Category("tags", "tags", "Tags", "/tags/"),
    Category("setup", "setup", "Setup", "/setup/"),
)
FOLDER_URLS = {c.key: c.url for c in CATEGORIES}


def _a(rel: str, front: str = "") -> Article:
    """An article parsed from `front` (YAML lines), titled after its file unless `front` says otherwise."""
    if "title:" not in front:
        front = f"title: {rel.rpartition('/')[2][:-3]}\n{front}"
    article, diagnostics = parse_article(rel, f"---\n{front}---\nBody.\n", f"content/{rel}", SiteConfig(), FOLDER_URLS)
    assert article is not None, diagnostics
    return article


def _assemble(*articles: Article, categories: tuple[Category, ...] = CATEGORIES, drafts: bool = False):
    return assemble_site(SiteConfig(), categories, tuple(articles), ("billing/x.png",), NOW, drafts)


def _formatted(diagnostics) -> list[str]:
    return [d.format() for d in diagnostics]


def test_site_fields() -> None:
    site, diagnostics = _assemble(_a("billing/a.md"))
    assert diagnostics == ()
    assert site.today == dt.date(2020, 3, 1)
    assert site.generated == NOW
    assert site.assets == ("billing/x.png",)
    assert site.config == SiteConfig()


def test_duplicate_url_names_both_files() -> None:
    _, diagnostics = _assemble(
        _a("billing/refund.md"),
        _a("billing/refund-policy.md", "other: x\nslug: refund\n"),
    )
    assert _formatted(diagnostics) == [
        "billing/refund-policy.md:4:1: "
        "'billing/refund-policy.md' and 'billing/refund.md' share the URL /billing/refund/"
    ]


def test_duplicate_url_points_at_the_slug_line() -> None:
    _, diagnostics = _assemble(
        _a("billing/a.md"),
        _a("billing/b.md", "order: 1\nslug: a\n"),
    )
    assert _formatted(diagnostics) == [
        "billing/b.md:4:1: 'billing/b.md' and 'billing/a.md' share the URL /billing/a/"
    ]


def test_url_clash_with_a_category() -> None:
    _, diagnostics = _assemble(_a("billing/x.md", "slug: cards\n"))
    assert _formatted(diagnostics) == [
        "billing/x.md:3:1: 'billing/x.md' and 'billing/cards' share the URL /billing/cards/"
    ]


def test_two_folders_with_one_url() -> None:
    categories = CATEGORIES + (Category("Billing", "billing", "Billing too", "/billing/"),)
    _, diagnostics = _assemble(categories=categories)
    assert _formatted(diagnostics) == ["Billing:1:1: folders 'billing' and 'Billing' share the URL /billing/"]


def test_reserved_paths() -> None:
    _, diagnostics = _assemble(
        _a("tags/foo.md"),
        _a("setup/a.md", "slug: x\n"),
    )
    assert _formatted(diagnostics) == ["tags/foo.md:1:1: URL /tags/foo/ is reserved for kb's own pages"]


def test_duplicate_ids() -> None:
    _, diagnostics = _assemble(
        _a("billing/a.md", "id: pay\n"),
        _a("billing/b.md", "tags: [x]\nid: pay\n"),
        _a("billing/c.md", "id: other\n"),
    )
    assert _formatted(diagnostics) == ["billing/b.md:4:1: id 'pay' is also used by 'billing/a.md'"]


def test_related_by_path_and_by_id() -> None:
    site, diagnostics = _assemble(
        _a("billing/a.md", "related:\n  - b.md\n  - ../setup/s.md\n  - /billing/cards/c.md\n  - card-id\n  - a.md\n"),
        _a("billing/b.md", "related: [..\\setup\\s.md]\n"),
        _a("billing/cards/c.md", "id: card-id\n"),
        _a("setup/s.md"),
    )
    assert diagnostics == ()
    assert site.related["billing/a.md"] == ("billing/b.md", "setup/s.md", "billing/cards/c.md")
    assert site.related["billing/b.md"] == ("setup/s.md",)


def test_unresolved_related_warns() -> None:
    site, diagnostics = _assemble(
        _a("billing/a.md", "tags: [x]\nrelated: [nowhere.md, b.md]\n"),
        _a("billing/b.md"),
    )
    assert _formatted(diagnostics) == ["billing/a.md:4:1: warning: related article not found: 'nowhere.md'"]
    assert diagnostics[0].kind == "related article not found"
    assert site.related["billing/a.md"] == ("billing/b.md",)


def test_inferred_related_shared_tags_first_then_same_section() -> None:
    site, diagnostics = _assemble(
        _a("billing/p.md", "tags: [a, b]\n"),
        _a("setup/q.md", "tags: [b, a]\n"),     # two shared tags
        _a("setup/s.md", "tags: [b]\n"),        # one shared tag
        _a("setup/r.md", "tags: [a]\n"),        # one shared tag
        _a("billing/u.md"),                     # same category
        _a("billing/t.md"),                     # same category
        _a("billing/v.md"),
        _a("billing/w.md"),
        _a("billing/cards/c.md", "tags: [z]\n"),  # other section: never by section
        _a("setup/z.md"),
    )
    assert diagnostics == ()
    assert site.related["billing/p.md"] == (
        "setup/q.md", "setup/r.md", "setup/s.md", "billing/t.md", "billing/u.md",
    )
    assert site.related["billing/t.md"] == (
        "billing/p.md", "billing/u.md", "billing/v.md", "billing/w.md",
    )
    assert site.related["billing/cards/c.md"] == ()
    for source, related in site.related.items():
        assert source not in related
        assert len(related) <= 5


def test_explicit_related_wins_over_inferred() -> None:
    site, _ = _assemble(
        _a("billing/a.md", "tags: [x]\nrelated: setup/s.md\n"),
        _a("billing/b.md", "tags: [x]\n"),
        _a("setup/s.md"),
    )
    assert site.related["billing/a.md"] == ("setup/s.md",)


def test_drafts_are_excluded_unless_asked() -> None:
    articles = (_a("billing/a.md"), _a("billing/b.md", "draft: true\n"), _a("billing/c.md", "related: b.md\n"))
    site, diagnostics = _assemble(*articles)
    assert [a.source for a in site.articles] == ["billing/a.md", "billing/c.md"]
    assert _formatted(diagnostics) == ["billing/c.md:3:1: warning: related article not found: 'b.md'"]
    assert "billing/b.md" not in site.related
    site, diagnostics = _assemble(*articles, drafts=True)
    assert [a.source for a in site.articles] == ["billing/a.md", "billing/b.md", "billing/c.md"]
    assert diagnostics == ()
    assert site.related["billing/c.md"] == ("billing/b.md",)


def test_a_draft_does_not_clash() -> None:
    _, diagnostics = _assemble(_a("billing/a.md"), _a("billing/b.md", "draft: true\nslug: a\n"))
    assert diagnostics == ()


def test_ordering_by_order_then_title() -> None:
    site, _ = _assemble(
        _a("billing/1.md", "title: beta\n"),
        _a("billing/2.md", "title: Alpha\n"),
        _a("billing/3.md", "title: Zed\norder: 2\n"),
        _a("billing/4.md", "title: Yak\norder: 1\n"),
        _a("billing/5.md", "title: Last\norder: 10\n"),
        _a("billing/6.md", "title: Minus\norder: -1\n"),
    )
    assert [a.title for a in site.articles] == ["Minus", "Yak", "Zed", "Last", "Alpha", "beta"]


def test_categories_ordered_by_order_then_title() -> None:
    categories = (
        Category("b", "b", "beta", "/b/"),
        Category("a", "a", "Alpha", "/a/"),
        Category("z", "z", "Zulu", "/z/", order=1),
    )
    site, _ = _assemble(categories=categories)
    assert [c.title for c in site.categories] == ["Zulu", "Alpha", "beta"]


_GROUPS = (("billing", None), ("billing", "billing/cards"), ("setup", None), ("tags", None))


def _random_article(draw, number: int) -> Article:
    category, section = draw(st.sampled_from(_GROUPS))
    folder = section or category
    return dataclasses.replace(
        _a(f"{folder}/a{number}.md"),
        url=f"/{folder}/a{number}/", category=category, section=section,
        title=draw(st.sampled_from(("Alpha", "beta", "Gamma", "delta", "'Quoted'"))) + f" {number % 3}",
        tags=tuple(draw(st.lists(st.sampled_from("abcdef"), max_size=3))),
        order=draw(st.one_of(st.none(), st.integers(0, 3))),
        related=tuple(draw(st.lists(st.sampled_from([f"a{n}.md" for n in range(6)]), max_size=2))),
    )


@st.composite
def _site_edits(draw):
    articles = {n: _random_article(draw, n) for n in range(draw(st.integers(2, 14)))}
    versions = [tuple(articles.values())]
    for _ in range(draw(st.integers(1, 6))):
        number = draw(st.integers(0, 16))
        if number in articles and draw(st.booleans()):
            del articles[number]  # removed
        else:
            fresh = _random_article(draw, number)  # added, or edited (kept in its folder: its URL stays)
            old = articles.get(number)
            if old is not None:
                fresh = dataclasses.replace(fresh, source=old.source, url=old.url, category=old.category,
                                            section=old.section)
            articles[number] = fresh
        versions.append(tuple(articles.values()))
    return versions


@settings(max_examples=300, deadline=None)
@given(versions=_site_edits())
def test_related_articles_worked_out_again_only_where_an_edit_reaches_are_the_same_as_from_scratch(versions) -> None:
    import kb.content.site

    common = kb.content.site.COMMON_TAG
    kb.content.site.COMMON_TAG = 3  # small sites cross the line between rare and common tags
    try:
        run = Speed(serve=True)
        for articles in versions:
            kept, _ = assemble_site(SiteConfig(), CATEGORIES, articles, (), NOW, run=run)
            scratch, _ = assemble_site(SiteConfig(), CATEGORIES, articles, (), NOW)
            assert kept.related == scratch.related
            assert list(kept.related) == list(scratch.related)
    finally:
        kb.content.site.COMMON_TAG = common


@pytest.mark.parametrize(("alias", "path"), [
    ("/guide/v2.0/", "/guide/v2.0/"),  # a folder: the slash the writer wrote is kept
    ("guide/v2.0/", "/guide/v2.0/"),
    ("/old/page.html", "/old/page.html"),  # a file
    ("/guide/v2.0", "/guide/v2.0"),
    ("old/refund", "/old/refund/"),
    ("/hc/en-us/articles/123-Pay  ", "/hc/en-us/articles/123-Pay/"),
])
def test_an_alias_with_a_dot_is_a_file_only_without_a_trailing_slash(alias: str, path: str) -> None:
    assert alias_path(alias) == path


def test_an_alias_folder_with_a_dot_is_published_as_a_folder(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, {"content/guide/v3.md": "---\ntitle: V3\naliases: [/guide/v2.0/, /old/page.html]\n---\nText.\n"})
    result = kb(["build", "--out", "site", "--no-search", "--no-cache"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    site = tmp_path / "site"
    assert (site / "guide/v2.0/index.html").is_file()
    assert "/guide/v3/" in (site / "guide/v2.0/index.html").read_text()
    assert (site / "old/page.html").is_file()
    assert (site / "_redirects").read_text() == "/guide/v2.0/ /guide/v3/ 301\n/old/page.html /guide/v3/ 301\n"
    manifest = json.loads((site / "kb-manifest.json").read_text())
    assert manifest["redirects"] == {"/guide/v2.0/": "/guide/v3/", "/old/page.html": "/guide/v3/"}
    assert not {"/guide/v2.0", "/guide/v2.0/", "/old/page.html"} & set(manifest["urls"])
