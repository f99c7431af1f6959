"""The public view of the content: internal articles, folders and notes left out once, before
anything renders; what is left out is kept for the leak check."""

from __future__ import annotations

from kb.content.audience import Withheld, audience_view, mark_internal, withheld_media
from kb.model import Article, Category


def _article(source: str, body: str = "Text.", **fields) -> Article:
    folders = source.split("/")[:-1]
    return Article(source=source, title=source, slug=source.rpartition("/")[2][:-3], url=f"/{source[:-3]}/",
                   category=folders[0] if folders else "", section="/".join(folders[:2]) if len(folders) > 1 else None,
                   body=body, body_line=1, **fields)


CATEGORIES = (
    Category("billing", "billing", "Billing", "/billing/"),
    Category("playbook", "playbook", "Playbook", "/playbook/", internal=True),
    Category("playbook/esc", "esc", "Escalations", "/playbook/esc/", parent="playbook", internal=True),
    Category("tips", "tips", "Tips", "/tips/"),
)


def test_articles_take_their_folders_and_originals_visibility() -> None:
    articles = [
        _article("billing/refund.md"),
        _article("billing/limits.md", internal=True),
        _article("playbook/esc/matrix.md"),
        _article("billing/refund.es.md", original="billing/limits.md"),
    ]
    marked, found = mark_internal(CATEGORIES, articles)
    assert [a.internal for a in marked] == [False, True, True, True]
    assert found == []


def test_a_public_article_in_an_internal_folder_is_an_error() -> None:
    said = _article("playbook/open.md", lines={"visibility": 3})
    _, found = mark_internal(CATEGORIES, [said])
    assert [(d.path, d.line, d.message) for d in found] == [
        ("playbook/open.md", 3, "public article in internal folder 'playbook'; move it out, or remove 'visibility: public'")]


def test_the_public_view_drops_internal_articles_their_folders_and_emptied_ones() -> None:
    articles, _ = mark_internal(CATEGORIES, [
        _article("billing/refund.md", "Hi.\n\n> [!INTERNAL]\n> Lead approves.\n"),
        _article("playbook/esc/matrix.md"),
        _article("tips/secret.md", internal=True),
    ])
    (categories, shown, withheld), found = audience_view("public", CATEGORIES, articles)
    assert [c.key for c in categories] == ["billing"]
    assert [a.source for a in shown] == ["billing/refund.md"]
    assert shown[0].body == "Hi.\n\n\n\n"
    assert [a.source for a in withheld.articles] == ["playbook/esc/matrix.md", "tips/secret.md"]
    assert [c.key for c in withheld.categories] == ["playbook", "playbook/esc"]
    assert [(b.source, b.line, b.text) for b in withheld.blocks] == [("billing/refund.md", 3, "Lead approves.")]
    assert found == []


def test_the_internal_view_keeps_everything() -> None:
    articles, _ = mark_internal(CATEGORIES, [_article("billing/refund.md", "> [!INTERNAL]\n> Lead.\n"),
                                             _article("playbook/x.md")])
    (categories, shown, withheld), _ = audience_view("internal", CATEGORIES, articles)
    assert categories == CATEGORIES
    assert [a.source for a in shown] == ["billing/refund.md", "playbook/x.md"]
    assert shown[0].body == "> [!INTERNAL]\n> Lead.\n"
    assert not withheld


def test_media_only_internal_content_uses_is_withheld() -> None:
    secret = _article("playbook/x.md", "![a](media/flow.png) [b](../shared/both.pdf) ![c](<../billing/only.png>)",
                      internal=True)
    withheld = Withheld((secret,), (CATEGORIES[1],), ())
    assets = ("playbook/media/flow.png", "playbook/unused.txt", "shared/both.pdf", "billing/only.png", "billing/public.png")
    found = withheld_media(withheld, assets, CATEGORIES, public={"shared/both.pdf"})
    assert found.media == ("billing/only.png", "playbook/media/flow.png", "playbook/unused.txt")


def test_internal_articles_leave_the_related_lists_of_public_ones() -> None:
    articles, _ = mark_internal(CATEGORIES, [
        _article("billing/refund.md", related=("../playbook/x.md", "limits", "billing/plans.md")),
        _article("playbook/x.md"),
        _article("billing/limits.md", internal=True, id="limits"),
        _article("billing/plans.md"),
    ])
    (_, shown, _), _ = audience_view("public", CATEGORIES, articles)
    assert shown[0].related == ("billing/plans.md",)


def test_finding_the_files_an_internal_article_uses_costs_no_more_than_its_length() -> None:
    """Blank lines before an unclosed `[` took 16 s for 100 KB: the reference definition's
    pattern read across lines from every line's start."""
    import time

    from kb.content.audience import _linked_files

    for body in ("\n" * 1_000_000 + "[a", "[a\n" * 300_000, " [" * 300_000):
        started = time.process_time()
        assert _linked_files("a/b.md", body) == set()
        assert time.process_time() - started < 3  # quadratic before: minutes
