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


def _pages(count: int, folder: str = "a") -> dict[str, str]:
    return {f"{folder}/p{n}/index.html": ARTICLE.replace("Refunds", f"Refunds number{n}") for n in range(count)}


@pytest.mark.parametrize("glob", [60_000, 10])  # paths as one glob, or linked into a folder of their own
def test_a_large_index_is_split_into_shards_that_together_hold_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, glob: int,
) -> None:
    import json

    monkeypatch.setattr(search, "SHARD_PAGES", 3)
    monkeypatch.setattr(search, "MAX_GLOB", glob)
    site = write_tree(tmp_path / "site", {**_pages(8), "guías/p9/index.html": ARTICLE, "index.html": "<html><body>x</body></html>"})
    report = search.index_site(site, "en")
    assert (report.shards, report.pages) == (3, 9)
    assert json.loads((site / "pagefind/kb-shards.json").read_text()) == ["shard-1/", "shard-2/"]
    for folder in ("pagefind", "pagefind/shard-1", "pagefind/shard-2"):
        assert (site / folder / "pagefind-entry.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "the work folder was left behind"


def test_unchanged_shards_come_from_the_cache_after_their_files_are_checked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(search, "SHARD_PAGES", 3)
    cache = tmp_path / "cache"

    def index(pages: dict[str, str]) -> tuple[search.SearchReport, dict[str, bytes]]:
        site = write_tree(tmp_path / "site", pages)
        report = search.index_site(site, "en", cache=cache)
        files = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
        import shutil

        shutil.rmtree(site)
        return report, files

    pages = _pages(9)
    first, cold = index(pages)
    assert (first.shards, first.reused) == (3, 0)
    second, warm = index(pages)
    assert second.reused == 3 and warm == cold
    changed = {**pages, "a/p0/index.html": ARTICLE.replace("Refunds", "Chargebacks")}
    third, _ = index(changed)
    assert third.reused == 2
    kept = next(p for p in (cache / "search").rglob("*.pf_fragment"))
    kept.write_bytes(b"changed in place")
    fourth, files = index(changed)
    assert fourth.reused == 2, "a shard whose cached file changed was reused"
    assert b"changed in place" not in b"".join(files.values())
