"""kb.search: the Pagefind index over the staged site, and --no-search."""

from __future__ import annotations

from pathlib import Path

import pytest

import kb.search as search
from kbtest import write_tree

ARTICLE = """<!doctype html><html lang="en"><body>
<nav>Menu words navigationonly</nav>
<article data-pagefind-body><h1 data-pagefind-meta="title">Refunds</h1><p>Prorated refunds for annual plans.</p></article>
</body></html>"""


def test_language_code() -> None:
    assert search._language_code("en") == "en"
    assert search._language_code("en-US") == "en"
    assert search._language_code("pt_BR") == "pt"
    assert search._language_code("") == "en"


def test_index_counts_only_marked_pages(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "a/index.html": ARTICLE,
        "index.html": "<!doctype html><html lang='en'><body><p>Home page text.</p></body></html>",
    })
    report = search.index_site(tmp_path, "en")
    assert report.pages == 1
    assert report.bytes > 0
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()
    assert (tmp_path / "pagefind" / "pagefind-entry.json").is_file()


def test_missing_binary_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pagefind_bin

    def gone() -> Path:
        raise FileNotFoundError("pagefind_bin/pagefind")

    monkeypatch.setattr(pagefind_bin, "get_executable", gone)
    with pytest.raises(search.SearchError, match="the Pagefind binary is missing"):
        search.index_site(tmp_path, "en")


def test_failing_indexer_keeps_the_old_site(kb, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {"content/billing/pay.md": "# Pay\n\nBody.\n"})
    out = tmp_path / "site"
    assert kb(["build", "--content", "content", "--out", str(out)], cwd=project).exit_code == 0
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))

    def broken(site_dir: Path, language: str, *more: object) -> search.SearchReport:
        raise search.SearchError("Pagefind failed: out of disk")

    monkeypatch.setattr("kb.build.index_site", broken)
    result = kb(["build", "--content", "content", "--out", str(out)], cwd=project)
    assert result.exit_code == 1
    assert result.stderr == f"kb: search index: Pagefind failed: out of disk; '{out}' was left as it was\n"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")], "a staging folder was left behind"


def test_no_search_skips_the_index(kb, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {"content/billing/pay.md": "# Pay\n\nBody.\n"})
    result = kb(["build", "--content", "content", "--out", "site", "--no-search"], cwd=project)
    assert result.exit_code == 0
    assert "search index" not in result.stdout
    assert not (project / "site" / "pagefind").exists()
    assert (project / "site" / "search" / "index.html").is_file()
