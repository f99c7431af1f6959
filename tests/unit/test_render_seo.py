"""What search engines and link previews read: meta tags, JSON-LD, the edit link."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kbtest import write_tree

FAQ = """---
title: "Billing </script><script>alert(1)</script> questions"
faq: true
date: 2020-01-02
---
Intro.

## Which currencies can I pay in?

Dollars, euros and pounds.

## Is there a free trial?

Yes, **14 days**.
"""


def _build(kb, tmp_path: Path, site_yaml: str) -> Path:
    write_tree(tmp_path, {"content/site.yaml": site_yaml, "content/billing/faq.md": FAQ,
                          "content/billing/pay.md": "---\ntitle: Pay\nsummary: How to pay.\n---\nText.\n"})
    result = kb(["build", "--out", "site", "--no-search"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    return tmp_path / "site"


def _jsonld(page: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]


def test_article_meta_and_structured_data(kb, tmp_path: Path) -> None:
    site = _build(kb, tmp_path, "title: Acme Help\nbase_url: https://help.acme.org/docs/\nlogo: logo.svg\n"
                                "edit_url: https://github.com/acme/help/edit/main/content/{path}\n")
    page = (site / "billing" / "pay" / "index.html").read_text()
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:url" content="https://help.acme.org/docs/billing/pay/">' in page
    assert '<meta property="og:description" content="How to pay.">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert '<link rel="alternate" type="application/atom+xml" title="Acme Help: new and updated articles" href="/docs/feed.xml">' in page
    article, crumbs = _jsonld(page)
    assert article["@type"] == "Article" and article["headline"] == "Pay" and article["description"] == "How to pay."
    assert article["mainEntityOfPage"] == "https://help.acme.org/docs/billing/pay/"
    assert [(i["position"], i["name"], i["item"]) for i in crumbs["itemListElement"]] == [
        (1, "Home", "https://help.acme.org/docs/"), (2, "billing", "https://help.acme.org/docs/billing/"),
        (3, "Pay", "https://help.acme.org/docs/billing/pay/")]
    assert '<a href="https://github.com/acme/help/edit/main/content/billing/pay.md">Edit this article</a>' in page


def test_faq_articles_publish_their_questions_and_scripts_stay_inert(kb, tmp_path: Path) -> None:
    site = _build(kb, tmp_path, "title: Acme Help\n")
    page = (site / "billing" / "faq" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in page
    blocks = _jsonld(page)
    assert [b["@type"] for b in blocks] == ["Article", "BreadcrumbList", "FAQPage"]
    faq = blocks[2]["mainEntity"]
    assert [(q["name"], q["acceptedAnswer"]["text"]) for q in faq] == [
        ("Which currencies can I pay in?", "Dollars, euros and pounds."), ("Is there a free trial?", "Yes, 14 days.")]
    assert blocks[0]["headline"] == "Billing </script><script>alert(1)</script> questions"
    assert "pay" in (site / "billing" / "pay" / "index.html").read_text() and "FAQPage" not in (
        site / "billing" / "pay" / "index.html").read_text()


def test_edit_url_needs_a_path_placeholder(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, {"content/site.yaml": "edit_url: https://github.com/acme/help/edit/main/\n",
                          "content/a.md": "---\ntitle: A\n---\nText.\n"})
    result = kb(["build", "--out", "site", "--no-search"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "content/site.yaml:1:11: edit_url needs {path} where the article's path goes, "
        "e.g. https://github.com/acme/help/edit/main/content/{path}")
