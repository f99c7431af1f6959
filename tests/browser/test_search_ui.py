"""Search as a reader uses it: suggestions while typing, the keyboard, /search/, the contact page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REFUND = "Can I get a refund after I cancel my account?"
CHECK = "Can I pay by check instead of credit card?"


def _options(page, box: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(f"#{box}-results [role=option]").all_inner_texts()]


def _wait_for_title(page, box: str, title: str, within: int = 3, timeout: float = 5.0) -> float:
    """Seconds until `title` is among the first `within` suggestions of search box `box`."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if any(title in option for option in _options(page, box)[:within]):
            return time.perf_counter() - started
        page.wait_for_timeout(20)
    raise AssertionError(f"{title!r} not among the first {within} suggestions: {_options(page, box)}")


def test_typing_refund_on_the_home_page_suggests_the_article_and_enter_opens_it(page, server, built_site) -> None:
    page.goto(server + "/")
    box = page.locator("#search-hero")
    box.click()
    box.press_sequentially("refund", delay=40)  # a fast typist
    seconds = _wait_for_title(page, "search-hero", REFUND)
    assert seconds <= 1.0, f"suggestions took {seconds:.2f} s after the last keystroke"
    assert box.get_attribute("aria-expanded") == "true"
    position = next(i for i, text in enumerate(_options(page, "search-hero")) if REFUND in text)
    for _ in range(position + 1):
        box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and REFUND in page.locator(f"#{active}").inner_text()
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_url(server + built_site.article_urls[REFUND])
    assert " ".join(page.locator("h1").inner_text().split()) == REFUND


@pytest.mark.parametrize("click", [{"button": "middle"}, {"modifiers": ["ControlOrMeta"]}], ids=["middle", "ctrl"])
def test_a_suggestion_is_a_link_that_opens_in_a_new_tab(new_context, server, built_site, click) -> None:
    context = new_context()
    page = context.new_page()
    page.goto(server + "/")
    box = page.locator("#search-hero")
    box.click()
    box.press_sequentially("refund", delay=20)
    _wait_for_title(page, "search-hero", REFUND)
    options = page.locator("#search-hero-results [role=option]")
    kinds = options.evaluate_all("(os) => os.map(o => o.tagName + ' ' + (o.getAttribute('href') || ''))")
    assert kinds and all(k.startswith("A /") for k in kinds), kinds  # links, so "Open in new tab" works too
    assert kinds[-1] == "A /search/?q=refund"
    option = options.filter(has_text=REFUND).first
    assert option.evaluate("(o) => o.pathname") == built_site.article_urls[REFUND]
    with context.expect_page() as opened:
        option.click(**click)
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == server + built_site.article_urls[REFUND]
    assert page.url == server + "/", "the page itself stays where it was"
    assert page.evaluate("() => document.activeElement.id") == "search-hero", "the focus stays in the box"


def test_clicking_a_suggestion_opens_it(page, server, built_site) -> None:
    page.goto(server + "/")
    box = page.locator("#search-hero")
    box.click()
    box.press_sequentially("refund", delay=20)
    _wait_for_title(page, "search-hero", REFUND)
    page.locator("#search-hero-results [role=option]").filter(has_text=REFUND).first.click()
    page.wait_for_url(server + built_site.article_urls[REFUND])


def test_escape_closes_the_suggestions(page, server) -> None:
    page.goto(server + "/billing/")
    box = page.locator("#search-header")
    box.click()
    box.press_sequentially("invoice", delay=20)
    page.locator("#search-header-panel").wait_for(state="visible")
    box.press("Escape")
    page.locator("#search-header-panel").wait_for(state="hidden")
    assert box.get_attribute("aria-expanded") == "false"


def test_enter_without_a_choice_goes_to_the_search_page(page, server, built_site) -> None:
    page.goto(server + "/")
    box = page.locator("#search-header")
    box.click()
    box.fill("refund")
    box.press("Enter")
    page.wait_for_url(f"{server}/search/?q=refund")
    page.locator("#search-results li").first.wait_for()
    links = page.locator("#search-results li a").evaluate_all("(as) => as.map(a => a.pathname)")
    assert built_site.article_urls[REFUND] in links[:3]
    assert "refund" in page.locator("#search-count").inner_text().lower()


def test_search_page_filters_by_topic(page, server) -> None:
    page.goto(f"{server}/search/?q=agent&category=Billing")
    page.locator("#search-results li").first.wait_for()
    metas = page.locator("#search-results .search-result-meta").evaluate_all("(ps) => ps.map(p => p.textContent)")
    assert metas and all("Billing" in meta for meta in metas), metas
    assert page.locator("#search-page-category").input_value() == "Billing"


def test_no_results_offers_the_contact_page(page, server) -> None:
    page.goto(f"{server}/search/?q=zzxqvv")
    empty = page.locator("#search-empty")
    empty.wait_for(state="visible")
    contact = empty.locator("a[href^='/contact/']")
    assert contact.count() == 1
    assert contact.get_attribute("href") == "/contact/?q=zzxqvv"  # the subject arrives filled in


def test_search_page_without_javascript_is_usable(new_context, server, built_site) -> None:
    page = new_context(java_script_enabled=False).new_page()
    response = page.goto(f"{server}/search/?q=refund")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "Search"
    form = page.locator("form[role=search]")
    assert form.get_attribute("action") == "/search/"
    notice = page.locator(".search-noscript")
    assert notice.is_visible()
    topics = notice.locator(".link-list a").evaluate_all("(as) => as.map(a => a.pathname)")
    top_level = {url for url in built_site.category_urls.values() if url.count("/") == 2}
    assert top_level and top_level <= set(topics)
    assert notice.locator("a[href='/contact/']").is_visible()


def test_pagefind_loads_only_when_a_search_box_is_focused(page, server, built_site) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server + built_site.article_urls[REFUND], wait_until="networkidle")
    assert not [url for url in requested if "/pagefind/" in url], "Pagefind loaded before any search"
    page.locator("#search-header").focus()
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('/pagefind/pagefind.js'))")


def test_contact_page_suggests_answers_while_the_subject_is_typed(page, server, built_site) -> None:
    page.goto(server + "/contact/")
    subject = page.locator("#contact-subject")
    subject.click()
    subject.press_sequentially("pay by check", delay=20)
    related = page.locator("#contact-related")
    related.wait_for(state="visible")
    page.wait_for_function(
        "(title) => [...document.querySelectorAll('#contact-related a')].some(a => a.textContent.includes(title))",
        arg=CHECK,
    )
    links = related.locator("a")
    assert 1 <= links.count() <= 5


def test_contact_page_takes_the_subject_from_the_search(page, server) -> None:
    page.goto(f"{server}/contact/?q=refund%20after%20cancel")
    assert page.locator("#contact-subject").input_value() == "refund after cancel"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_suggestions_have_no_axe_violations(new_context, server, axe, scheme) -> None:
    page = new_context(color_scheme=scheme).new_page()
    page.goto(server + "/")
    box = page.locator("#search-hero")
    box.click()
    box.press_sequentially("refund", delay=20)
    _wait_for_title(page, "search-hero", REFUND)
    box.press("ArrowDown")
    violations = axe(page)
    assert not violations, axe.format(violations)


@pytest.mark.parametrize("path", ["/search/?q=refund", "/contact/"])
def test_search_and_contact_pages_have_no_axe_violations(page, server, axe, path) -> None:
    page.goto(server + path)
    if path.startswith("/search/"):
        page.locator("#search-results li").first.wait_for()
    violations = axe(page)
    assert not violations, axe.format(violations)


def test_search_works_under_a_sub_path(new_context, build_example, serve_folder, tmp_path: Path) -> None:
    build_example(tmp_path / "root" / "help", "--base-url", "https://example.com/help/")
    origin = serve_folder(tmp_path / "root")
    page = new_context().new_page()
    page.goto(origin + "/help/")
    box = page.locator("#search-hero")
    box.click()
    box.press_sequentially("refund", delay=20)
    _wait_for_title(page, "search-hero", REFUND)
    hrefs = page.locator("#search-hero-results [role=option]").evaluate_all("(os) => os.map(o => o.getAttribute('href'))")
    assert hrefs and all(h.startswith("/help/") for h in hrefs), hrefs
    page.goto(origin + "/help/search/?q=refund")
    page.locator("#search-results li").first.wait_for()
    page.locator("#search-results li a").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(origin + "/help/")
    assert page.locator("article h1").count() == 1


def test_site_built_without_search_still_submits_the_form(new_context, build_example, serve_folder, tmp_path: Path) -> None:
    origin = serve_folder(build_example(tmp_path / "site", "--no-search"))
    page = new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(origin + "/")
    box = page.locator("#search-header")
    box.click()
    box.fill("refund")
    box.press("Enter")
    page.wait_for_url(f"{origin}/search/?q=refund")
    assert not errors, errors


@pytest.mark.parametrize(("query", "title"), [
    ("how much does a flex agent cost", "How are Flex Agents billed?"),
    ("pay by cheque", CHECK),
    ("refund policy", REFUND),
])
def test_questions_with_a_word_no_article_uses_still_find_the_answer(page, server, query, title) -> None:
    """Pagefind wants every word; the search box falls back to the words that do match."""
    page.goto(server + "/")
    box = page.locator("#search-hero")
    box.click()
    box.fill(query)
    _wait_for_title(page, "search-hero", title)
