"""`kb check`: what a build would report, writing nothing, for people, GitHub Actions and tools."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kbtest import write_tree

BROKEN = {
    "content/billing/refund.md": "---\ntitle: Refunds\nsumary: x\n---\nSee [pay](pay.md) and [gone](gone.md).\n",
    "content/billing/pay.md": "---\ntitle: Pay\ndate: 2020-13-01\n---\nText, with a comma.\n",
}
FINE = {
    "content/billing/refund.md": "---\ntitle: Refunds\n---\nSee [pay](pay.md).\n",
    "content/billing/pay.md": "---\ntitle: Pay\naliases: [/hc/articles/7]\n---\nText.\n",
}


def test_check_reports_everything_and_writes_nothing(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, BROKEN)
    result = kb(["check"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "content/billing/refund.md:3:1: warning: unknown field 'sumary' (did you mean 'summary'?)\n"
        "content/billing/refund.md:5:30: warning: link to missing article 'gone.md'\n"
        "content/billing/pay.md:3:7: 'date' is not a date: '2020-13-01' (use YYYY-MM-DD)\n"
        "kb: check found 1 error, 2 warnings\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


def test_check_passes_on_good_content(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, FINE)
    result = kb(["check"], cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (0, "kb: check found 0 errors, 0 warnings\n")


def test_github_annotations(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, BROKEN)
    result = kb(["check", "--format", "github"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=content/billing/pay.md,line=3,col=7,title=kb::'date' is not a date: '2020-13-01' (use YYYY-MM-DD)",
        "::warning file=content/billing/refund.md,line=3,col=1,title=kb::unknown field 'sumary' (did you mean 'summary'?)",
        "::warning file=content/billing/refund.md,line=5,col=30,title=kb::link to missing article 'gone.md'",
    ]


def test_json_for_tools(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, BROKEN)
    result = kb(["check", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["col"], d["level"]) for d in found] == [
        ("content/billing/pay.md", 3, 7, "error"),
        ("content/billing/refund.md", 3, 1, "warning"),
        ("content/billing/refund.md", 5, 30, "warning"),
    ]
    assert found[0]["message"] == "'date' is not a date: '2020-13-01' (use YYYY-MM-DD)"


def test_strict_check_fails_on_warnings(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, {**FINE, "content/billing/pay.md": "---\ntitle: Pay\nsumary: x\n---\nText.\n"})
    assert kb(["check"], cwd=tmp_path).exit_code == 0
    assert kb(["check", "--strict"], cwd=tmp_path).exit_code == 1


def test_against_the_published_manifest(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, FINE)
    assert kb(["build", "--out", "site", "--no-search"], cwd=tmp_path).exit_code == 0
    manifest = json.loads((tmp_path / "site" / "kb-manifest.json").read_text())
    assert "/billing/pay/" in manifest["urls"] and manifest["redirects"] == {"/hc/articles/7/": "/billing/pay/"}
    shutil.copy(tmp_path / "site" / "kb-manifest.json", tmp_path / "published.json")
    lines = (tmp_path / "published.json").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if '"/billing/pay/"' in text)
    assert kb(["check", "--against", "published.json"], cwd=tmp_path).exit_code == 0
    # the writer renames the article: its old URL would break
    (tmp_path / "content/billing/pay.md").write_text("---\ntitle: Pay\nslug: paying\naliases: [/hc/articles/7]\n---\nText.\n")
    result = kb(["check", "--against", "published.json"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"published.json:{line}:1: /billing/pay/ was published and is gone; "
        "add it to the aliases of the article that replaces it\n"
        "kb: check found 1 error, 0 warnings\n"
    )
    # with the old URL as an alias, it redirects and the check passes
    (tmp_path / "content/billing/pay.md").write_text(
        "---\ntitle: Pay\nslug: paying\naliases: [/hc/articles/7, /billing/pay/]\n---\nText.\n")
    assert kb(["check", "--against", "published.json"], cwd=tmp_path).exit_code == 0


def test_redirect_pages_and_redirects_file_under_a_sub_path(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, FINE)
    result = kb(["build", "--out", "site", "--no-search", "--base-url", "https://x.org/help/"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "1 redirect" in result.stdout
    assert (tmp_path / "site" / "_redirects").read_text() == "/help/hc/articles/7/ /help/billing/pay/ 301\n"
    page = (tmp_path / "site" / "hc" / "articles" / "7" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/help/billing/pay/">' in page
    assert '<link rel="canonical" href="https://x.org/help/billing/pay/">' in page
    assert '<a href="/help/billing/pay/">Pay</a>' in page
