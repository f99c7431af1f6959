"""Layout as a reader sees it: spacing, boxes that stay in view, text that wraps well.

Each test measures boxes in headless Chromium (getBoundingClientRect, computed styles)
rather than reading the stylesheet.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

RICH = "Support Center/Themes/customize-your-theme.md"  # 17 headings: a long table of contents
SLASH = "Integrations/connect-slack.md"  # a table whose cells hold code with spaces
PHONE = {"width": 390, "height": 844}


def _visible_search_boxes(page) -> list[str]:
    return page.eval_on_selector_all(
        "input.search-input",
        "(inputs) => inputs.filter(i => { const r = i.getBoundingClientRect(); return r.width > 0 && r.height > 0"
        " && getComputedStyle(i).visibility !== 'hidden'; }).map(i => i.id)",
    )


def test_404_button_does_not_touch_the_heading_below_it(page, server) -> None:
    response = page.goto(server + "/no-such-page/")
    assert response is not None and response.status == 404
    gap = page.evaluate(
        "() => document.querySelector('.not-found h2').getBoundingClientRect().top"
        " - document.querySelector('.not-found .button').getBoundingClientRect().bottom")
    assert gap >= 24, f"{gap:.1f} px between the home-page button and 'Browse by topic'"


def test_home_on_a_phone_shows_one_search_box(new_context, server, built_site) -> None:
    page = new_context(viewport=PHONE).new_page()
    page.goto(server + "/")
    assert _visible_search_boxes(page) == ["search-hero"]
    page.goto(server + next(iter(built_site.article_urls.values())))
    assert _visible_search_boxes(page) == ["search-header"], "other pages keep the header's box"


def test_home_on_a_wide_screen_keeps_the_header_box(page, server) -> None:
    page.goto(server + "/")
    assert _visible_search_boxes(page) == ["search-header", "search-hero"]


def test_home_search_box_on_a_phone_works_without_javascript(new_context, server) -> None:
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(server + "/")
    box = page.locator("#search-hero")
    box.fill("refund")
    box.press("Enter")
    page.wait_for_url(f"{server}/search/?q=refund")


def test_section_chips_hold_their_counts(page, server, built_site) -> None:
    page.goto(server + built_site.category_urls["Support Center"])
    chips = page.locator(".section-index li")
    assert chips.count() >= 2
    for chip in chips.all():
        pill = chip.locator("a").bounding_box()
        count = chip.locator(".count").bounding_box()
        assert pill and count
        inside = (pill["x"] <= count["x"] and count["x"] + count["width"] <= pill["x"] + pill["width"]
                  and pill["y"] <= count["y"] and count["y"] + count["height"] <= pill["y"] + pill["height"])
        assert inside, f"{chip.inner_text()!r}: the count {count} is outside the pill {pill}"


def test_table_of_contents_stays_in_view_on_a_long_article(page, server, content, built_site) -> None:
    page.goto(server + built_site.article_urls[content.by_rel[RICH].title])
    toc = page.locator("nav.toc")
    # Down to where three quarters of the article's body are above the window's top edge
    page.evaluate("() => { const b = document.querySelector('.article-body').getBoundingClientRect();"
                  " window.scrollTo(0, scrollY + b.top + b.height * 0.75); }")
    assert page.evaluate("() => window.scrollY") > 2000, "the article is not long enough to test this"
    box = toc.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 800, f"the TOC is at {box}"
    body = page.locator(".article-body").bounding_box()
    assert body and box["x"] >= body["x"] + body["width"], "the TOC covers the article's text"
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    box, related = toc.bounding_box(), page.locator(".related").bounding_box()
    assert box and related, "the article should have related articles"
    apart = (box["y"] + box["height"] <= related["y"] or related["y"] + related["height"] <= box["y"]
             or box["x"] + box["width"] <= related["x"] or related["x"] + related["width"] <= box["x"])
    assert apart, f"at the end of the article the TOC {box} covers the related articles {related}"


def test_a_table_of_contents_taller_than_the_window_scrolls_by_itself(new_context, server, content, built_site) -> None:
    page = new_context(viewport={"width": 1280, "height": 420}).new_page()
    page.goto(server + built_site.article_urls[content.by_rel[RICH].title])
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight / 2)")
    toc = page.locator("nav.toc")
    box = toc.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 420, f"the TOC is at {box}"
    last = toc.locator("a").last
    toc.evaluate("(t) => { t.scrollTop = t.scrollHeight; }")
    link = last.bounding_box()
    assert link and box["y"] <= link["y"] and link["y"] + link["height"] <= box["y"] + box["height"] + 1, (
        "the last TOC entry cannot be reached")


def test_table_of_contents_is_not_sticky_on_a_phone(new_context, server, content, built_site) -> None:
    page = new_context(viewport=PHONE).new_page()
    page.goto(server + built_site.article_urls[content.by_rel[RICH].title])
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight / 2)")
    box = page.locator("nav.toc").bounding_box()
    assert box is not None and box["y"] + box["height"] < 0, "on a phone the TOC scrolls away with the page"


@pytest.mark.parametrize("width", [390, 1280])
def test_inline_code_in_table_cells_is_legible_with_whole_borders(new_context, server, content, built_site, width) -> None:
    page = new_context(viewport={"width": width, "height": 844}).new_page()
    page.goto(server + built_site.article_urls[content.by_rel[SLASH].title])
    codes = page.locator(".article-body td code")
    assert codes.count() >= 4
    sizes = codes.evaluate_all("(cs) => cs.map(c => parseFloat(getComputedStyle(c).fontSize))")
    assert min(sizes) >= 14, f"code in table cells is {min(sizes)} px"
    # Every line of a code span that wraps gets its own left and right border and padding.
    broken = codes.evaluate_all("""(cs) => cs.flatMap(c => {
        const boxes = [...c.getClientRects()], range = document.createRange();
        range.selectNodeContents(c);
        const lines = [...range.getClientRects()].filter(r => r.width > 0);
        return boxes.length !== lines.length ? [c.textContent + ': ' + boxes.length + ' boxes, ' + lines.length + ' lines']
          : boxes.filter((b, i) => b.left > lines[i].left - 3 || b.right < lines[i].right + 3)
                 .map(b => c.textContent + ': a line without its border');
    })""")
    assert not broken, broken
    if width == 390:
        wrapped = codes.evaluate_all("(cs) => cs.filter(c => c.getClientRects().length > 1).length")
        assert wrapped, "no code span wraps at this width; the border test above proved nothing"


BREADCRUMB_LINES = """(nav) => {
    const items = [...nav.querySelectorAll('li')], problems = [];
    const charBox = (el, last) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node, text = null;
        while ((node = walker.nextNode())) if (node.data.trim()) { text = node; if (!last) break; }
        const data = text.data, range = document.createRange();
        let i = last ? data.trimEnd().length - 1 : data.length - data.trimStart().length;
        range.setStart(text, i); range.setEnd(text, i + 1);
        return range.getBoundingClientRect();
    };
    const sameLine = (a, b) => Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) < 4;
    for (let i = 1; i < items.length; i++) {
        const before = charBox(items[i - 1], true), after = charBox(items[i], false);
        const mark = items[i].getClientRects()[0];  // starts with the separator
        if (!sameLine(mark, after)) problems.push('a separator ends a line before ' + items[i].textContent.trim());
        if (!sameLine(before, mark)) problems.push('a separator starts a line before ' + items[i].textContent.trim());
    }
    return problems;
}"""


@pytest.mark.parametrize("rel", [RICH, "Cases & Channels/Email/troubleshoot-email-delivery.md"])
def test_breadcrumb_separator_never_ends_or_starts_a_line(new_context, server, content, built_site, rel) -> None:
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(server + built_site.article_urls[content.by_rel[rel].title])
    nav = page.locator("nav.breadcrumbs")
    problems = {}
    for width in range(300, 481, 6):
        page.set_viewport_size({"width": width, "height": 640})
        found = nav.evaluate(BREADCRUMB_LINES)
        if found:
            problems[width] = found
    assert not problems, problems
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the breadcrumb makes the page scroll sideways"


def test_breadcrumb_separator_is_not_read_aloud(page, server, content, built_site) -> None:
    page.goto(server + built_site.article_urls[content.by_rel[RICH].title])
    snapshot = page.locator("nav.breadcrumbs").aria_snapshot()
    assert "›" not in snapshot and ">" not in snapshot.replace("- ", ""), snapshot
