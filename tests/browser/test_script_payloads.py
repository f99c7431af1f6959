"""The untrusted mode in Chromium: a writer's script payloads (attribute lists, entity-encoded schemes,
in articles and status.yaml update bodies) never run, on load, click, hover or focus. Built without
the untrusted mode, the same payloads all run, which shows the test sees a payload that fires."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtest import write_tree

PUSH = "(window.__fired=window.__fired||[]).push"  # each payload records its number


def _payloads(number: int) -> str:
    return f"{PUSH}({number})"


ARTICLE = f"""\
---
title: Payloads
---
![shot](missing.png){{: onerror="{_payloads(1)}" #img }}

[focus me](https://example.invalid/){{: autofocus="" onfocus="{_payloads(5)}" #focus }}

## Click the heading {{: onclick="{_payloads(4)}" #heading }}

Click this paragraph
{{: onclick="{_payloads(2)}" #para }}

[decimal](&#106;avascript:void({_payloads(38)})){{: #l38 }} and [hex](&#x6A;avascript&colon;void({_payloads(40)})){{: #l40 }}
"""
OVERLAY = f"""\
---
title: Overlay
---
Hover anywhere
{{: onmouseover="{_payloads(3)}" style="position:fixed;inset:0;z-index:9999;background:transparent" #overlay }}
"""
STATUS = f"""\
groups:
  - key: g
    name: Group
    components: [{{key: api, name: API}}]
incidents:
  - key: 2020-02-28-outage
    title: Outage
    components: {{api: partial_outage}}
    updates:
      - at: 2020-02-28 10:00
        status: investigating
        body: "[status link](&#x6A;avascript&colon;void({_payloads(41)})){{: #s41 }}"
      - at: 2020-02-28 11:00
        status: resolved
        body: "Status paragraph\\n{{: onclick=\\"{_payloads(6)}\\" #s6 }}"
"""
EXPECTED = {  # page -> [(how, selector)], and the payloads that run there without the untrusted mode
    "billing/payloads/": ([("load", ""), ("click", "#heading"), ("click", "#para"), ("click", "#l38"),
                           ("click", "#l40")], {1, 2, 4, 5, 38, 40}),
    "billing/overlay/": ([("hover", "")], {3}),
    "status/incidents/2020-02-28-outage/": ([("click", "#s41"), ("click", "#s6")], {41, 6}),
}


def _site(kb, tmp_path: Path, settings: str) -> Path:
    project = write_tree(tmp_path / "project", {
        "content/site.yaml": settings,
        "content/billing/payloads.md": ARTICLE,
        "content/billing/overlay.md": OVERLAY,
        "content/status.yaml": STATUS,
    })
    result = kb(["build", "--content", "content", "--out", "site", "--no-search", "--now", "2020-03-01T00:00:00Z"],
                cwd=project)
    assert result.exit_code == 0, result.stderr
    return project / "site"


def _fired(new_context, origin: str, path: str, steps: list[tuple[str, str]]) -> set[int]:
    page = new_context().new_page()
    page.goto(f"{origin}/{path}")
    page.wait_for_load_state("load")
    for how, selector in steps:
        if how == "click":
            page.locator(selector).click()
        elif how == "hover":
            page.mouse.move(200, 300)
            page.mouse.move(400, 400)
        page.wait_for_timeout(100)
    assert page.url == f"{origin}/{path}"  # still the page: no javascript: URL replaced it
    return set(page.evaluate("window.__fired || []"))


@pytest.mark.parametrize("settings", ["untrusted: true\n", "markdown: {raw_html: false}\n"])
def test_no_payload_runs_in_the_untrusted_mode(kb, new_context, serve_folder, tmp_path: Path, settings: str) -> None:
    origin = serve_folder(_site(kb, tmp_path, settings))
    for path, (steps, _) in EXPECTED.items():
        assert _fired(new_context, origin, path, steps) == set(), path


def test_every_payload_runs_when_writers_are_trusted(kb, new_context, serve_folder, tmp_path: Path) -> None:
    origin = serve_folder(_site(kb, tmp_path, "title: Trusted\n"))
    for path, (steps, expected) in EXPECTED.items():
        assert _fired(new_context, origin, path, steps) == expected, path


def test_an_element_a_writer_names_kbsearch_does_not_turn_search_off(kb, new_context, serve_folder, tmp_path) -> None:
    """An attribute list may give an element any id, and an id is a global name in the browser
    (window.kbSearch): search.js must tell its own flag from such an element."""
    project = write_tree(tmp_path / "project", {
        "content/site.yaml": "untrusted: true\n",
        "content/billing/named.md": "---\ntitle: Refund rules\n---\nRefunds take five days.\n{: #kbSearch }\n",
    })
    result = kb(["build", "--content", "content", "--out", "site", "--now", "2020-03-01T00:00:00Z"], cwd=project)
    assert result.exit_code == 0, result.stderr
    origin = serve_folder(project / "site")
    page = new_context().new_page()
    page.goto(f"{origin}/billing/named/")
    assert page.locator("#kbSearch").count() == 1
    box = page.locator("#search-header")
    box.click()
    box.press_sequentially("refund", delay=20)
    page.locator("#search-header-results [role=option]").first.wait_for(timeout=10_000)
    assert "Refund rules" in page.locator("#search-header-results").inner_text()
