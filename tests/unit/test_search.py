"""kb.search: the Pagefind index over the staged site (index, pages, shards, files), and --no-search."""

from __future__ import annotations

from pathlib import Path

import pytest

import kb.search as search
from kb.errors import SearchError
from kbtest import write_tree
from kb.runner import Runner

ARTICLE = """<!doctype html><html lang="en"><body>
<nav>Menu words navigationonly</nav>
<article data-pagefind-body><h1 data-pagefind-meta="title">Refunds</h1><p>Prorated refunds for annual plans.</p></article>
</body></html>"""


def test_shard_counts() -> None:
    pages = search.index.SHARD_PAGES
    counts = [search.index.shard_count(n) for n in (0, 1, pages - 1, pages, 2 * pages, 3 * pages - 1, 3 * pages, 5 * pages,
                                              7 * pages, 40 * pages)]
    assert counts == [1, 1, 1, 2, 2, 2, 4, 6, 8, search.index.MAX_SHARDS]


def test_language_code() -> None:
    assert search.languages.language_code("en") == "en"
    assert search.languages.language_code("en-US") == "en"
    assert search.languages.language_code("pt_BR") == "pt"
    assert search.languages.language_code("") == "en"


def test_index_counts_only_marked_pages(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "a/index.html": ARTICLE,
        "index.html": "<!doctype html><html lang='en'><body><p>Home page text.</p></body></html>",
    })
    report = search.index_site(tmp_path, "en", Runner())
    assert report.pages == 1
    assert report.bytes > 0
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()
    assert (tmp_path / "pagefind" / "pagefind-entry.json").is_file()


def test_missing_binary_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pagefind_bin

    def gone() -> Path:
        raise FileNotFoundError("pagefind_bin/pagefind")

    monkeypatch.setattr(pagefind_bin, "get_executable", gone)
    with pytest.raises(SearchError, match="the Pagefind binary is missing"):
        search.index_site(tmp_path, "en", Runner())


def test_failing_indexer_keeps_the_old_site(kb, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {"content/billing/pay.md": "# Pay\n\nBody.\n"})
    out = tmp_path / "site"
    assert kb(["build", "--content", "content", "--out", str(out)], cwd=project).exit_code == 0
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))

    def broken(site_dir: Path, language: str, *more: object) -> search.SearchReport:
        raise SearchError("Pagefind failed: out of disk")

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

    monkeypatch.setattr(search.index, "SHARD_PAGES", 2)
    monkeypatch.setattr(search.index, "MAX_GLOB", glob)
    linked: list[str] = []
    real = search.index.write_file

    def linking(folder: Path, rel: str, **kw: object) -> object:
        linked.append(rel)
        return real(folder, rel, **kw)

    monkeypatch.setattr(search.index, "write_file", linking)
    site = write_tree(tmp_path / "site", {**_pages(8), "guías/p9/index.html": ARTICLE, "index.html": "<html><body>x</body></html>"})
    report = search.index_site(site, "en", Runner())
    marked = [*_pages(8), "guías/p9/index.html"]
    own_folder = [p for p in marked if glob == 10 or search.index.shard_of(p, 4) == search.index.shard_of(marked[-1], 4)]
    assert sorted(linked) == sorted(own_folder)  # a path that is not plain is linked whatever the glob's length
    assert (report.shards, report.pages) == (4, 9)
    assert json.loads((site / "pagefind/kb-shards.json").read_text()) == ["shard-1/", "shard-2/", "shard-3/"]
    for folder in ("pagefind", "pagefind/shard-1", "pagefind/shard-2", "pagefind/shard-3"):
        assert (site / folder / "pagefind-entry.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "the work folder was left behind"


class _Keeping(Runner):
    """The plain runner, keeping the search shards in `folder`."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def kept(self, name: str) -> Path:
        return self.folder / name


def test_unchanged_shards_come_from_the_cache_after_their_files_are_checked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(search.index, "SHARD_PAGES", 2)
    cache = tmp_path / "cache"

    def index(pages: dict[str, str]) -> tuple[search.SearchReport, dict[str, bytes]]:
        site = write_tree(tmp_path / "site", pages)
        report = search.index_site(site, "en", _Keeping(cache))
        files = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
        import shutil

        shutil.rmtree(site)
        return report, files

    pages = _pages(9)
    first, cold = index(pages)
    assert (first.shards, first.reused) == (4, 0)
    second, warm = index(pages)
    assert second.reused == 4 and warm == cold
    changed = {**pages, "a/p0/index.html": ARTICLE.replace("Refunds", "Chargebacks")}
    third, _ = index(changed)
    assert third.reused == 3
    in_use = [key for key in third.keys if key in second.keys]  # a shard the third build took from the cache
    kept = next(p for p in (cache / "search" / in_use[0]).rglob("*.pf_fragment"))
    kept.write_bytes(b"changed in place")
    fourth, files = index(changed)
    assert fourth.reused == 3, "a shard whose cached file changed was reused"
    assert b"changed in place" not in b"".join(files.values())


def _page(head: str = "", before: str = "", body: str = "<h1>Refunds</h1><p>Prorated refunds.</p>", after: str = "",
          tag: str = "article") -> str:
    return (f'<!doctype html><html lang="en"><head><title>Refunds – Help</title>{head}</head><body>{before}'
            f"<{tag} data-pagefind-body>{body}</{tag}>{after}</body></html>")


# (page, whether Pagefind may read its marked element alone)
BODY_ONLY_CASES = {
    "the default theme's shape": (ARTICLE, True),
    "ids, links and an image before it": (_page(before='<main id="main"><img src="logo.png" alt="Help">'), True),
    "ignored parts inside it": (_page(body='<h1>Refunds</h1><nav data-pagefind-ignore>Skip me</nav><p>Kept.</p>'), True),
    "elements of its own kind inside it": (_page(tag="div", body="<div><h1>Refunds</h1></div><div><p>Kept.</p></div>"), True),
    "an h1 before it (the title otherwise)": (_page(before="<header><h1>Help Center</h1></header>"), False),
    "an H1 in capitals after it": (_page(after="<footer><H1>Help Center</H1></footer>"), False),
    "no h1 (the title comes from <title>)": (_page(body="<p>Prorated refunds.</p>"), False),
    "a filter outside it": (_page(after='<aside><span data-pagefind-filter="product">Desk</span></aside>'), False),
    "metadata in the head": (_page(head='<meta data-pagefind-default-meta="image[content]" content="/card.png">'), False),
    "an ancestor excluding it": (_page(before='<main data-pagefind-ignore="all">', after="</main>"), False),
    "an image after it (the result's image otherwise)": (_page(after='<footer><img src="badge.png" alt=""></footer>'), False),
    "two marked elements": (_page(after='<section data-pagefind-body><p>More.</p></section>'), False),
    "a comment inside it": (_page(body="<h1>Refunds</h1><!-- </article> --><p>Kept.</p>"), False),
    "no end tag": (_page().replace("</article>", ""), False),
}


# the cases where reading the marked element alone changes the index (the others are refused to be sure)
NEEDED = ("an h1 before it (the title otherwise)", "no h1 (the title comes from <title>)", "a filter outside it",
          "metadata in the head", "an ancestor excluding it", "an image after it (the result's image otherwise)")


@pytest.mark.parametrize("name", list(BODY_ONLY_CASES))
def test_body_only_says_when_the_marked_element_holds_everything_pagefind_reads(name: str) -> None:
    page, expected = BODY_ONLY_CASES[name]
    assert search.pages.body_only(page.encode()) is expected


def _index_files(site: Path, output: Path, alone: bool) -> dict[str, bytes]:
    executable = search.index.pagefind_executable()
    search.index._run(executable, site, None, output.parent / f"in-{output.name}", output, "en", alone)
    search.files.normalise_index(output)
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def test_reading_the_marked_element_alone_gives_the_same_index_exactly_when_body_only_says_so(tmp_path: Path) -> None:
    """Pagefind itself is the judge: the index made from the marked element alone is compared with
    the one made from the whole page, for every case above."""
    differs = []
    for number, (name, (page, expected)) in enumerate(BODY_ONLY_CASES.items()):
        site = write_tree(tmp_path / f"site-{number}", {"refunds/index.html": page, "other/index.html": ARTICLE})
        same = _index_files(site, tmp_path / f"whole-{number}", False) == _index_files(site, tmp_path / f"alone-{number}", True)
        if expected and not same:
            differs.append(name)
        if not expected and same and name in NEEDED:
            differs.append(f"{name} (expected to change the index; the check would be needless)")
    assert differs == []


def test_the_default_theme_lets_pagefind_read_the_article_alone(kb, tmp_path: Path) -> None:
    from kbtest import REPO

    out = tmp_path / "site"
    assert kb(["build", "--content", str(REPO / "content"), "--out", str(out), "--no-search", "--no-cache"], cwd=tmp_path).exit_code == 0
    marked = [p for p in out.rglob("*.html") if search.BODY in p.read_bytes()]
    assert len(marked) > 40
    assert [p for p in marked if not search.body_only(p.read_bytes())] == []
