"""Agent-only articles, end to end: the example built for customers and for agents. The public
build shows nothing internal (looked for from outside, in every file, the search index
decompressed), the internal one shows all of it, marked; a filter broken on purpose is caught by
the leak check, and the published site stays as it was."""

from __future__ import annotations

import dataclasses
import gzip
import html
import shutil
from pathlib import Path

import pytest

import kb.load
import kb.output.leakcheck as leakcheck
from kb.content.audience import Withheld
from kb.content.notes import find_notes
from kb.load import load_site
from kb.options import BuildOptions
from kb.runner import Runner
from kbtest import snapshot

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
ARTICLE_MARKER = "KBINTERNALCANARY7"  # in an internal article of the example
BLOCK_MARKER = "KBINTERNALBLOCK3"  # in an agent note of a public article of the example
NOW = "2026-11-26T20:00:00Z"


def _withheld() -> Withheld:
    """What the example's public build leaves out, as kb models it."""
    return load_site(BuildOptions(CONTENT, search=False, git_dates=False), Runner()).withheld


def _files(root: Path) -> dict[str, str]:
    """Every file of a built site as text, gzip files (Pagefind's index) decompressed."""
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        found[path.relative_to(root).as_posix()] = data.decode("utf-8", "replace")
    return found


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example, built for each audience with one shared cache folder, public first and last."""
    from click.testing import CliRunner

    from kb.cli.commands import cli
    from kbtest import ISOLATED

    root = tmp_path_factory.mktemp("audiences")
    cache = root / "cache"
    made = {}
    for name, audience in (("public", "public"), ("internal", "internal"), ("public-again", "public")):
        out = root / name
        result = CliRunner().invoke(cli, ["build", "--content", str(CONTENT), "--out", str(out), "--cache", str(cache),
                                          "--audience", audience, "--now", NOW, "-q"], env=ISOLATED)
        assert result.exit_code == 0, result.output
        made[name] = out
    return made


def test_the_example_has_internal_articles_and_notes() -> None:
    withheld = _withheld()
    assert len(withheld.articles) >= 5
    assert [c.title for c in withheld.categories if not c.lang] == ["Agent Playbook"]
    assert len({b.source for b in withheld.blocks}) >= 3
    assert any(ARTICLE_MARKER in a.body for a in withheld.articles)
    assert any(BLOCK_MARKER in b.text for b in withheld.blocks)


def test_nothing_internal_is_in_any_file_of_the_public_build(builds: dict[str, Path]) -> None:
    withheld = _withheld()
    needles = {ARTICLE_MARKER, BLOCK_MARKER}
    for article in withheld.articles:
        needles.update({article.url, html.escape(article.title), *article.aliases})
        needles.update(line.strip() for line in article.body.split("\n") if len(line.strip()) > 40)
    for block in withheld.blocks:
        needles.update(line.strip("> ") for line in block.text.split("\n") if len(line.strip("> ")) > 30)
    needles.update(c.url for c in withheld.categories)
    for name in ("public", "public-again"):
        files = _files(builds[name])
        assert any(path.startswith("pagefind/") and path.endswith(".pf_fragment") for path in files)
        hits = [(path, needle) for path, text in files.items() for needle in needles if needle in text]
        assert hits == []
        names = [Path(m).name for m in withheld.media]
        assert [p for p in files if Path(p).name in names] == []


def test_the_internal_build_has_every_internal_article_and_note_marked(builds: dict[str, Path]) -> None:
    withheld = _withheld()
    site = builds["internal"]
    files = _files(site)
    assert "Disallow: /" in files["robots.txt"] and "Allow: /" not in files["robots.txt"]
    pages = [path for path in files if path.endswith(".html")]
    assert all('<meta name="robots" content="noindex' in files[path] for path in pages)
    for article in withheld.articles:
        page = files[article.url.strip("/") + "/index.html"]
        assert 'class="badge badge-internal"' in page
    for category in withheld.categories:  # the topic's page, in every language, and its card on the home page
        assert '<p class="badge badge-internal">' in files[category.url.strip("/") + "/index.html"]
    assert '<span>Agent Playbook</span></a> <span class="badge badge-internal">' in files["index.html"]
    for block in withheld.blocks:
        page = next(a for a in load_site(BuildOptions(CONTENT, search=False, git_dates=False, audience="internal"),
                                         Runner()).site.articles if a.source == block.source)
        text = files[page.url.strip("/") + "/index.html"]
        assert '<div class="admonition internal">' in text
    assert any(ARTICLE_MARKER in text for path, text in files.items() if path.endswith(".pf_fragment"))
    assert any(BLOCK_MARKER in text for path, text in files.items() if path.endswith(".pf_fragment"))
    public = _files(builds["public"])
    assert "noindex" not in public["index.html"] and "Allow: /" in public["robots.txt"]


def test_a_shared_cache_never_serves_one_audience_the_others_pages(builds: dict[str, Path]) -> None:
    assert snapshot(builds["public"]) == snapshot(builds["public-again"])


def _break(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Break the public view on purpose: let internal articles through, or leave the notes in."""
    real = kb.load.audience_view

    def broken(audience, categories, articles):
        (kept, shown, withheld), found = real(audience, categories, articles)
        if how == "articles":  # one internal article, and its topic, let through
            return (categories, [a for a in articles if not a.internal or a is withheld.articles[0]], withheld), found
        shown = [dataclasses.replace(a, body=find_notes(a.body, 1, a.source, True).body) for a in articles if not a.internal]
        return (kept, shown, withheld), found

    monkeypatch.setattr(kb.load, "audience_view", broken)
    monkeypatch.setattr(kb.load, "internal_files_used", lambda *args: [])  # its files too
    real_links = kb.load.link_context  # and links to what got through resolve, as they would if it were public
    monkeypatch.setattr(kb.load, "link_context", lambda tree, site, articles, withheld=Withheld(): real_links(tree, site, articles))


@pytest.mark.parametrize("how", ["articles", "notes"])
def test_the_leak_check_fails_a_build_whose_filter_is_broken(how: str, kb, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    shutil.copytree(CONTENT, project / "content")
    out = project / "site"
    assert kb(["build", "--out", str(out), "--no-cache", "--now", NOW, "-q"], cwd=project).exit_code == 0
    before = snapshot(out)
    _break(monkeypatch, how)
    result = kb(["build", "--out", str(out), "--no-cache", "--now", NOW, "-q"], cwd=project)
    assert result.exit_code == 1
    assert "is in the public site" in result.stderr
    assert f"'{out.name}' was left as it was" in result.stderr or "left as it was" in result.stderr
    assert snapshot(out) == before


def test_the_scans_kept_in_the_cache_are_reused_only_for_the_same_bytes(kb, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A second build scans no unchanged file again; a build whose pages changed (a broken filter)
    scans them again, and fails."""
    import kb.output.leaks as leaks

    project = tmp_path / "project"
    shutil.copytree(CONTENT, project / "content")
    out, cache = project / "site", project / "cache"
    args = ["build", "--out", str(out), "--cache", str(cache), "--jobs", "1", "--now", NOW, "-q"]
    scanned: list[int] = []
    collected: list[int] = []
    real, collect = leaks._scan, leakcheck.collect_canaries
    monkeypatch.setattr(leaks, "_scan", lambda *a: scanned.append(1) or real(*a))
    monkeypatch.setattr(leakcheck, "collect_canaries", lambda *a: collected.append(1) or collect(*a))
    assert kb(args, cwd=project).exit_code == 0
    first = len(scanned)
    assert first > 200 and collected == [1]
    assert kb(args, cwd=project).exit_code == 0
    assert len(scanned) - first < 10  # the files whose bytes differ from one build to the next, if any
    assert collected == [1]  # the canaries were kept: neither what was withheld nor the public text changed
    before = snapshot(out)
    _break(monkeypatch, "notes")
    result = kb(args, cwd=project)
    assert result.exit_code == 1 and "is in the public site" in result.stderr
    assert snapshot(out) == before
