"""`kb serve` in a real browser: an edit shows up by itself, a broken file shows its error and the server lives on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kbtest import ISOLATED

from conftest import CONTENT, NOW

pytestmark = pytest.mark.browser

ARTICLE = "Billing/can-i-pay-by-check.md"


@pytest.fixture
def served(tmp_path: Path):
    """A copy of the example content under `kb serve`; yields (url, content folder, stderr file)."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    # the example's one warning (a Spanish translation left outdated on purpose) is the translation
    # of the article these tests edit: without it, the warnings shown are the tests' own
    (content / ARTICLE).with_suffix(".es.md").unlink()
    log = tmp_path / "serve.log"
    with open(log, "wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "kb", "serve", "--content", str(content), "--port", "0", "--no-search", "--now", NOW],
            stdout=subprocess.PIPE, stderr=errors, cwd=tmp_path, env={**os.environ, **ISOLATED},
        )
        try:
            url = process.stdout.readline().decode().strip()
            assert url.startswith("http://127.0.0.1:"), log.read_text()
            yield url, content, log
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert process.returncode == 0, log.read_text()
    assert "kb: stopped" in log.read_text()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_reloads_the_open_page_by_itself(served, page) -> None:
    url, content, log = served
    page.goto(url + "billing/can-i-pay-by-check/")
    heading = page.locator("h1")
    assert heading.inner_text().startswith("Can I pay by check")
    page.evaluate("window.kbNotReloaded = true")
    started = time.monotonic()
    _edit(content / ARTICLE, "title: Can I pay by check instead of credit card?", "title: Can I pay by cheque?")
    heading.filter(has_text="Can I pay by cheque?").wait_for(timeout=10_000)
    elapsed = time.monotonic() - started
    assert page.evaluate("window.kbNotReloaded === undefined"), "the page changed without reloading"
    assert elapsed < 10
    assert "rebuilt" in log.read_text()


def test_a_broken_file_shows_its_error_and_the_server_keeps_running(served, page) -> None:
    url, content, log = served
    page.goto(url + "billing/can-i-pay-by-check/")
    broken = content / "Billing" / "broken.md"
    broken.write_text("---\ntitle: [oops\n---\nText.\n", encoding="utf-8")
    overlay = page.locator("#kb-problems .errors")
    overlay.wait_for(timeout=10_000)
    message = "Billing/broken.md:3:1: invalid YAML"
    assert message in overlay.inner_text()
    assert overlay.locator("button").count() == 0, "errors cannot be dismissed"
    assert message in log.read_text(), "the terminal shows the error too"
    page.goto(url + "billing/")  # other pages still work, with the overlay
    assert page.locator("h1").inner_text() == "Billing"
    assert message in page.locator("#kb-problems .errors").inner_text()
    broken.unlink()
    page.wait_for_function("document.getElementById('kb-problems') === null", timeout=10_000)
    assert page.locator("h1").inner_text() == "Billing"


def test_drafts_are_shown_and_marked(served, page, content) -> None:
    url, _, _ = served
    if not content.drafts:
        pytest.skip("the example has no draft")
    draft = content.drafts[0]
    topic = content.folder(draft.category)
    page.goto(url)
    page.get_by_role("link", name=topic.title, exact=True).first.click()
    link = page.get_by_role("link", name=draft.title, exact=True)
    assert link.count() == 1, "a draft is listed on its topic page while previewing"
    link.click()
    assert page.locator("h1").inner_text().strip() == draft.title
    assert page.locator(".badge-draft").first.is_visible()


# The contrast of each piece of text in the overlay against the background it is drawn on (the
# first opaque one among its boxes, the shadow root's host included), as WCAG 2 computes it.
CONTRASTS = """(host) => {
  const parse = (value) => {
    const parts = value.match(/[\\d.]+/g).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a), g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a), a: 1 });
  const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const up = (node) => node.parentElement || (node.parentNode && node.parentNode.host) || null;
  const background = (node) => {
    const layers = [];
    for (let n = node; n; n = up(n)) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a >= 1) break;
    }
    let color = { r: 255, g: 255, b: 255, a: 1 };
    if (!layers.length || layers[layers.length - 1].a < 1) {
      color = over(parse(getComputedStyle(document.documentElement).backgroundColor), color);
    }
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const found = [];
  const walk = (node) => {
    const children = [...(node.shadowRoot ? node.shadowRoot.children : []), ...node.children];
    for (const child of children) {
      const text = [...child.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
      if (text && child.tagName !== "STYLE" && child.getClientRects().length) {
        const bg = background(child);
        const fg = over(parse(getComputedStyle(child).color), bg);
        const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
        found.push({ text: text.slice(0, 400), tag: child.tagName, ratio: (a + 0.05) / (b + 0.05),
                     color: getComputedStyle(child).color, background: getComputedStyle(child).backgroundColor });
      }
      walk(child);
    }
  };
  walk(host);
  return found;
}"""
AA = 4.5  # WCAG 2 level AA, normal text


def _readable(page, scheme: str, shows: str) -> list[dict]:
    """Each piece of the overlay's text, once the overlay shows `shows`, checked for AA contrast."""
    overlay = page.locator("#kb-problems", has_text=shows)
    overlay.wait_for(timeout=10_000)
    found = overlay.evaluate(CONTRASTS)
    assert any(shows in item["text"] for item in found), found
    low = [item for item in found if item["ratio"] < AA]
    assert not low, f"text below {AA}:1 in the {scheme} scheme: {low}"
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_overlay_is_readable_in_both_colour_schemes(served, new_context, scheme: str) -> None:
    """The theme's styles (a `pre` background among them) must not reach the overlay: its errors, its
    warnings and its button are drawn at AA contrast or better against the background they are on."""
    url, content, _ = served
    page = new_context(color_scheme=scheme).new_page()
    page.goto(url + "billing/can-i-pay-by-check/")
    broken = content / "Billing" / "broken.md"
    broken.write_text("---\ntitle: [oops\n---\nText.\n", encoding="utf-8")
    _readable(page, scheme, "invalid YAML")
    broken.unlink()
    _edit(content / ARTICLE, "title: Can I pay by check", "sumary: a typo\ntitle: Can I pay by check")
    found = _readable(page, scheme, "unknown field 'sumary'")  # after the page reloaded by itself
    assert {"STRONG", "LI", "BUTTON"} <= {item["tag"] for item in found}, found


def test_warnings_are_listed_on_the_page_and_can_be_closed(served, page) -> None:
    """A typo'd key and a link to a missing article: the page is built and shown, with a list of the
    warnings that the writer can close; it stays closed until the warnings change."""
    url, content, log = served
    page.goto(url + "billing/can-i-pay-by-check/")
    _edit(content / ARTICLE, "title: Can I pay by check", "sumary: a typo\ntitle: Can I pay by check")
    warnings = page.locator("#kb-problems .warnings")
    warnings.wait_for(timeout=10_000)
    assert "Billing/can-i-pay-by-check.md:2:1: warning: unknown field 'sumary' (did you mean 'summary'?)" \
        in warnings.inner_text()
    assert "kb: 1 warning" in warnings.inner_text()
    assert page.locator("#kb-problems .errors").count() == 0
    assert page.locator("h1").inner_text().startswith("Can I pay by check"), "warnings do not block the page"
    page.locator("h1").click()  # nothing covers the page's heading
    warnings.get_by_role("button", name="Close the list of warnings").click()
    page.wait_for_function("document.getElementById('kb-problems') === null")
    page.reload()
    page.locator("h1").wait_for()
    page.wait_for_timeout(300)
    assert page.locator("#kb-problems").count() == 0, "closed until the warnings change"
    text = (content / ARTICLE).read_text(encoding="utf-8")
    (content / ARTICLE).write_text(text + "\nSee [the old page](no-such-article.md).\n", encoding="utf-8")
    warnings.wait_for(timeout=10_000)
    assert "link to missing article 'no-such-article.md'" in warnings.inner_text()
    assert "kb: 2 warnings" in warnings.inner_text()
    assert "link to missing article 'no-such-article.md'" in log.read_text(), "the terminal says it too"
