"""Right-to-left: with dir="rtl" on <html> the default theme's layout mirrors (CSS logical properties).

The pages are the example's, turned right-to-left in the browser as an Arabic page is (the same
stylesheets; the words do not matter to the layout), and measured against the same page left-to-right.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ARTICLE = "/account-security/set-up-single-sign-on/"  # a callout and a nested table of contents
WIDE = {"width": 1280, "height": 900}

MEASURE = """(rtl) => {
  document.documentElement.dir = rtl ? "rtl" : "ltr";
  document.documentElement.lang = rtl ? "ar" : "en";
  const box = (s) => document.querySelector(s).getBoundingClientRect();
  const style = (s, pseudo) => getComputedStyle(document.querySelector(s), pseudo || null);
  const wrap = box(".header-inner"), callout = style(".admonition");
  return {
    brandStart: rtl ? wrap.right - box(".brand").right : box(".brand").left - wrap.left,
    inputBeforeButton: rtl ? box(".search-form-header .search-input").left > box(".search-form-header .search-submit").left
                           : box(".search-form-header .search-input").left < box(".search-form-header .search-submit").left,
    buttonOuterCorner: style(".search-form-header .search-submit")[rtl ? "borderTopLeftRadius" : "borderTopRightRadius"],
    buttonInnerCorner: style(".search-form-header .search-submit")[rtl ? "borderTopRightRadius" : "borderTopLeftRadius"],
    calloutStart: callout[rtl ? "borderRightWidth" : "borderLeftWidth"],
    calloutEnd: callout[rtl ? "borderLeftWidth" : "borderRightWidth"],
    nestedIndent: style(".toc-level-3")[rtl ? "paddingRight" : "paddingLeft"],
    nestedOther: style(".toc-level-3")[rtl ? "paddingLeft" : "paddingRight"],
    listIndent: style(".article-body ul, .article-body ol")[rtl ? "paddingRight" : "paddingLeft"],
  };
}"""


def test_an_rtl_article_mirrors_the_ltr_one(new_context, server) -> None:
    page = new_context(viewport=WIDE).new_page()
    page.goto(server + ARTICLE)
    ltr = page.evaluate(MEASURE, False)
    rtl = page.evaluate(MEASURE, True)
    assert rtl == ltr, "the right-to-left page is not the mirror image of the left-to-right one"
    assert ltr["calloutStart"] == "4px" and ltr["calloutEnd"] == "0px" and ltr["inputBeforeButton"]
    assert ltr["buttonInnerCorner"] == "0px" and ltr["buttonOuterCorner"] != "0px"
    assert ltr["nestedIndent"] != "0px" and ltr["nestedOther"] == "0px"


def test_direction_icons_turn_in_rtl(new_context, server) -> None:
    page = new_context(viewport=WIDE).new_page()
    page.goto(server + "/")
    chevron = "(rtl) => { document.documentElement.dir = rtl ? 'rtl' : 'ltr';"
    chevron += " return getComputedStyle(document.querySelector('.view-all a'), '::after').transform; }"
    assert page.evaluate(chevron, True) != page.evaluate(chevron, False)


def test_an_rtl_page_has_no_axe_violations(new_context, server, axe) -> None:
    page = new_context(viewport=WIDE).new_page()
    page.goto(server + ARTICLE)
    page.evaluate("() => { document.documentElement.dir = 'rtl'; document.documentElement.lang = 'ar'; }")
    violations = axe(page)
    assert violations == [], axe.format(violations)
