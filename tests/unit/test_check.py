"""`kb check`: what a build would report, writing nothing, for people, GitHub Actions and tools."""

from __future__ import annotations

import json
import os
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
        "content/billing/pay.md:3:7: 'date' is not a date: '2020-13-01' (use YYYY-MM-DD)\n"
        "content/billing/refund.md:5:30: link to missing article 'gone.md'\n"
        "kb: check found 2 errors, 1 warning\n"
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
        "::error file=content/billing/refund.md,line=5,col=30,title=kb::link to missing article 'gone.md'",
    ]


def test_json_for_tools(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, BROKEN)
    result = kb(["check", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["col"], d["level"]) for d in found] == [
        ("content/billing/pay.md", 3, 7, "error"),
        ("content/billing/refund.md", 3, 1, "warning"),
        ("content/billing/refund.md", 5, 30, "error"),
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


BROKEN_LINKS = {
    "content/billing/pay.md": "---\ntitle: Pay\n---\n## Cards\n\nText.\n",
    "content/billing/media/card.png": "png",
    "content/billing/refund.md": (
        "---\ntitle: Refunds\n---\n"
        "See [pay](pay.md#cards), [gone](gone.md) and [anchor](pay.md#cash).\n\n"
        "![card](media/card.png) ![lost](media/lost.png) [form](media/form.pdf)\n"
    ),
}


def test_broken_links_fail_the_check_and_not_the_build(kb, tmp_path: Path) -> None:
    """A pull request must not publish broken links: `kb check` fails on them; `kb build` warns and publishes."""
    write_tree(tmp_path, BROKEN_LINKS)
    result = kb(["check"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/billing/refund.md:4:33: link to missing article 'gone.md'",
        "content/billing/refund.md:4:55: link to missing anchor '#cash' in 'billing/pay.md'",
        "content/billing/refund.md:6:33: missing image 'media/lost.png'",
        "content/billing/refund.md:6:56: link to missing file 'media/form.pdf'",
        "kb: check found 4 errors, 0 warnings",
    ]
    found = json.loads(kb(["check", "--format", "json"], cwd=tmp_path).stdout)
    assert {d["level"] for d in found} == {"error"} and len(found) == 4
    built = kb(["build", "--out", "site", "--no-search"], cwd=tmp_path)
    assert built.exit_code == 0, built.stderr
    assert built.stderr.count(": warning: ") == 4 and built.stdout.rstrip().endswith("; 4 warnings")
    assert kb(["build", "--out", "site2", "--no-search", "--strict"], cwd=tmp_path).exit_code == 1
    (tmp_path / "content/billing/refund.md").write_text("---\ntitle: Refunds\n---\nSee [pay](pay.md#cards).\n")
    assert kb(["check"], cwd=tmp_path).exit_code == 0


def test_a_link_to_a_draft_fails_the_check(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, {**FINE, "content/billing/pay.md": "---\ntitle: Pay\ndraft: true\n---\nText.\n"})
    result = kb(["check"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "content/billing/refund.md:4:11: link to draft article 'pay.md' (drafts are not published)")
    assert kb(["check", "--drafts"], cwd=tmp_path).exit_code == 0


TAGGED = {
    "content/billing/refund.md": "---\ntitle: Refunds\ntags: [money]\n---\nText.\n",
    "content/billing/cards/visa.md": "---\ntitle: Visa\ntags: [cards]\n---\nText.\n",
}


def _published(kb, tmp_path: Path) -> list[str]:
    assert kb(["build", "--out", "site", "--no-search"], cwd=tmp_path).exit_code == 0
    shutil.copy(tmp_path / "site" / "kb-manifest.json", tmp_path / "published.json")
    return (tmp_path / "published.json").read_text().splitlines()


def _line(lines: list[str], url: str) -> int:
    return next(n for n, text in enumerate(lines, 1) if f'"{url}"' in text)


def test_pages_that_are_not_articles_going_away_are_notes(kb, tmp_path: Path) -> None:
    """The last article with a tag (and of a section) is moved: its tag and section pages go, which is no error."""
    write_tree(tmp_path, TAGGED)
    lines = _published(kb, tmp_path)
    (tmp_path / "content/billing/cards/visa.md").unlink()
    write_tree(tmp_path, {"content/billing/visa.md": "---\ntitle: Visa\naliases: [/billing/cards/visa/]\n---\nText.\n"})
    result = kb(["check", "--against", "published.json"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    gone = ["/billing/cards/", "/tags/cards/"]
    what = {"/billing/cards/": "a topic, section or listing page", "/tags/cards/": "a tag page"}
    assert result.stderr.splitlines() == [
        f"published.json:{_line(lines, url)}:1: note: {url} was published and is gone; it was {what[url]}, "
        "not an article, so nothing needs to redirect there" for url in gone
    ] + ["kb: check found 0 errors, 0 warnings, 2 notes"]
    github = kb(["check", "--format", "github", "--against", "published.json"], cwd=tmp_path)
    assert github.exit_code == 0
    assert [line.split(" ", 1)[0] for line in github.stdout.splitlines()] == ["::notice", "::notice"]
    found = json.loads(kb(["check", "--format", "json", "--against", "published.json"], cwd=tmp_path).stdout)
    assert [(d["message"].split()[0], d["level"]) for d in found] == [(url, "info") for url in gone]
    assert kb(["check", "--strict", "--against", "published.json"], cwd=tmp_path).exit_code == 0


def test_an_article_going_away_is_still_an_error(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, TAGGED)
    lines = _published(kb, tmp_path)
    (tmp_path / "content/billing/cards/visa.md").unlink()
    result = kb(["check", "--format", "json", "--against", "published.json"], cwd=tmp_path)
    assert result.exit_code == 1
    found = [(d["line"], d["message"].split()[0], d["level"]) for d in json.loads(result.stdout)]
    assert found == [(_line(lines, "/billing/cards/"), "/billing/cards/", "info"),
                     (_line(lines, "/billing/cards/visa/"), "/billing/cards/visa/", "error"),
                     (_line(lines, "/tags/cards/"), "/tags/cards/", "info")]


def test_a_manifest_without_its_list_of_articles(kb, tmp_path: Path) -> None:
    """A manifest published before it listed the articles: a page with pages under it was a listing."""
    write_tree(tmp_path, TAGGED)
    _published(kb, tmp_path)
    old = json.loads((tmp_path / "published.json").read_text())
    del old["articles"]
    (tmp_path / "published.json").write_text(json.dumps(old, indent=1))
    (tmp_path / "content/billing/cards/visa.md").unlink()
    found = json.loads(kb(["check", "--format", "json", "--against", "published.json"], cwd=tmp_path).stdout)
    assert [(d["message"].split()[0], d["level"]) for d in found] == [
        ("/billing/cards/", "info"), ("/billing/cards/visa/", "error"), ("/tags/cards/", "info")]


def test_a_manifest_that_cannot_be_read(kb, tmp_path: Path) -> None:
    """An error at the manifest's first line, never a traceback nor a hang."""
    write_tree(tmp_path, FINE)
    (tmp_path / "deep.json").write_text("[" * 100_000)
    (tmp_path / "odd.json").write_text('{"urls": [["x"], 1, "/billing/pay/"], "redirects": [], "articles": [{}]}')
    os.mkfifo(tmp_path / "fifo.json")
    for name, message in [("deep.json", "not a kb-manifest.json (a JSON object with a 'urls' list)"),
                          ("fifo.json", "cannot read the manifest: not a regular file"),
                          ("missing.json", "cannot read the manifest: No such file or directory")]:
        result = kb(["check", "--against", name], cwd=tmp_path)
        assert (result.exit_code, result.stderr) == (1, f"{name}:1:1: {message}\nkb: check found 1 error, 0 warnings\n")
    assert kb(["check", "--against", "odd.json"], cwd=tmp_path).exit_code == 0


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


def test_a_content_folder_that_is_a_file(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, {"content": "not a folder"})
    result = kb(["check"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: content folder 'content' is not a folder\n")


def test_a_folder_it_may_not_read(kb, tmp_path: Path, monkeypatch) -> None:
    write_tree(tmp_path, {**FINE, "content/locked/a.md": "---\ntitle: A\n---\nText.\n"})
    scandir = os.scandir

    def refused(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refused)
    result = kb(["check"], cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (1, "kb: cannot read 'content/locked': Permission denied\n")
