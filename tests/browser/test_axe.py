"""axe-core finds no accessibility violations on any kind of page, in light and dark mode."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CATEGORY = "Billing"
# An article with a table, code blocks and callouts.
ARTICLE = "Support Center/Themes/customize-your-theme.md"
TAG = "billing"


def _article(content):
    def rich(doc):
        return doc.has_table and doc.code_languages and doc.callouts

    return content.pick(rich, prefer=ARTICLE)


@pytest.fixture
def pages(content, built_site) -> dict[str, tuple[str, int]]:
    """Page kind -> (path, expected HTTP status)."""
    article = _article(content)
    assert article.title in built_site.article_urls, f"no built page for {article.rel}"
    assert CATEGORY in built_site.category_urls, f"no built page for the {CATEGORY} category"
    return {
        "home": ("/", 200),
        "category": (built_site.category_urls[CATEGORY], 200),
        "article": (built_site.article_urls[article.title], 200),
        "tags": ("/tags/", 200),
        "tag": (f"/tags/{TAG}/", 200),
        "404": ("/no-such-page/", 404),
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["home", "category", "article", "tags", "tag", "404"])
def test_no_axe_violations(kind, scheme, pages, new_context, server, axe):
    path, status = pages[kind]
    page = new_context(color_scheme=scheme).new_page()
    response = page.goto(server + path, wait_until="load")
    assert response is not None and response.status == status, f"GET {path}: HTTP {response and response.status}"
    violations = axe(page)
    assert not violations, (
        f"axe-core: {len(violations)} violation(s) on the {kind} page {path} ({scheme} colour scheme):\n"
        + axe.format(violations)
    )
