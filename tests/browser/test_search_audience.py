"""Search for agents and for customers: the internal build's search finds internal articles and
the words of agent notes, marked Internal on the article; the public build's finds neither."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kbtest import ISOLATED, write_tree

pytestmark = pytest.mark.browser

CONTENT = {
    "site.yaml": "title: Acme Help\ncontact:\n  email: help@acme.example\n",
    "playbook/_category.yaml": "title: Agent Playbook\nvisibility: internal\n",
    "playbook/escalations.md": "---\ntitle: Escalation matrix\n---\n\nPage the quokkateam lead for outages.\n",
    "billing/refunds.md": ("---\ntitle: Refunds\n---\n\nWe refund annual plans within thirty days.\n\n"
                           "> [!INTERNAL]\n> Refunds above $5,000 need the zebrafund approval.\n"),
}


def _build(tmp_path: Path, audience: str) -> Path:
    content = write_tree(tmp_path / "content", CONTENT)
    site = tmp_path / audience
    built = subprocess.run(
        [sys.executable, "-m", "kb", "build", "--content", str(content), "--out", str(site), "--no-cache",
         "--audience", audience],
        cwd=tmp_path, capture_output=True, text=True, timeout=180, env={**os.environ, **ISOLATED},
    )
    assert built.returncode == 0, built.stderr
    return site


def _results(page) -> list[str]:
    return page.locator("#search-results li a").evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")


def test_agents_find_internal_articles_and_notes_and_customers_do_not(new_context, serve_folder, tmp_path: Path) -> None:
    page = new_context().new_page()
    internal = serve_folder(_build(tmp_path, "internal"))
    page.goto(f"{internal}/search/?q=quokkateam")
    page.locator("#search-count").filter(has_text="1 result").wait_for()
    assert _results(page) == ["/playbook/escalations/"]
    page.goto(f"{internal}/search/?q=zebrafund")
    page.locator("#search-count").filter(has_text="1 result").wait_for()
    assert _results(page) == ["/billing/refunds/"]
    page.goto(f"{internal}/playbook/escalations/")
    assert page.locator(".article-header .badge-internal").text_content().strip() == "Internal"  # shown in capitals
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    page.goto(f"{internal}/billing/refunds/")
    assert page.locator(".admonition.internal").is_visible()

    public = serve_folder(_build(tmp_path, "public"))
    for word in ("quokkateam", "zebrafund"):
        page.goto(f"{public}/search/?q={word}")
        page.locator("#search-empty").wait_for()
        assert _results(page) == []
    page.goto(f"{public}/search/?q=refund")
    page.locator("#search-count").filter(has_text="1 result").wait_for()
    assert _results(page) == ["/billing/refunds/"]
    assert page.goto(f"{public}/playbook/escalations/").status == 404
