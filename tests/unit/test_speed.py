"""The render cache: reused while right, never a stale page; and the process pool's output is the single process's."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import kb.build
import kb.render.pages
import kb.speed.pages
import kb.speed.runner
import kb.speed.tables
import kb.search
import kb.search.pages
import kb.content.markdown
from kb.build import BuildOptions, build_site
from kb.load import load_site
from kb.speed.runner import Speed
from kbtest import run_kb_process, snapshot, write_tree
from support.corpus import generate

PROJECT = {
    "content/site.yaml": "title: Acme\n",
    "content/billing/pay.md": "---\ntitle: Pay\n---\nSee [refunds](refund.md) and ![card](card.png).\n",
    "content/billing/refund.md": "---\ntitle: Refunds\n---\n## How\n\nText.\n",
    "content/billing/card.png": b"png",
    "content/billing/alone.md": "---\ntitle: Alone\n---\nNo links.\n",
}


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources rendered by Markdown in this test, in order."""
    seen: list[str] = []
    real = kb.content.markdown.MarkdownRenderer.render

    def counting(self, article, context, shown):
        seen.append(article.source)
        return real(self, article, context, shown)

    monkeypatch.setattr(kb.content.markdown.MarkdownRenderer, "render", counting)
    return seen


def _build(tmp_path: Path, out: str = "site", search: bool = False, **kw) -> Path:
    options = BuildOptions(content=tmp_path / "content", out=tmp_path / out, search=search,
                           cache=tmp_path / ".kb-cache", jobs=1, git_dates=False, **kw)
    build_site(options)
    return tmp_path / out



def test_an_unchanged_site_renders_nothing_again_and_publishes_the_same_bytes(tmp_path: Path, renders: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    cold = snapshot(_build(tmp_path, "one"))
    assert sorted(renders) == ["billing/alone.md", "billing/pay.md", "billing/refund.md"]
    renders.clear()
    warm = snapshot(_build(tmp_path, "two"))
    assert renders == []
    assert warm == cold


def test_an_edited_article_is_rendered_again_alone(tmp_path: Path, renders: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    _build(tmp_path)
    renders.clear()
    (tmp_path / "content/billing/alone.md").write_text("---\ntitle: Alone\n---\nNew words.\n")
    site = _build(tmp_path)
    assert renders == ["billing/alone.md"]
    assert "New words." in (site / "billing/alone/index.html").read_text()


def test_the_content_folder_named_another_way_reuses_the_cache_and_is_named_as_typed(
    tmp_path: Path, renders: list[str], kb,
) -> None:
    project = tmp_path / "project"
    write_tree(project, {**PROJECT, "content/billing/alone.md": "---\ntitle: Alone\nauthor: sam\n---\n[x](gone.md)\n"})
    (tmp_path / "elsewhere").mkdir()
    ways = [(project, "./content"), (project, "content/"), (tmp_path / "elsewhere", "../project/content")]
    for number, (cwd, typed) in enumerate(ways):
        renders.clear()
        built = kb(["build", "--content", typed, "--out", str(project / f"site{number}"), "--no-search", "-j", "1"],
                   cwd=cwd)
        assert built.exit_code == 0, built.stderr
        assert renders == ([] if number else ["billing/alone.md", "billing/pay.md", "billing/refund.md"])
        shown = typed.rstrip("/")
        assert built.stderr.splitlines() == [  # parsed (unknown field) and rendered (missing link) warnings
            f"{shown}/billing/alone.md:3:1: warning: unknown field 'author'",
            f"{shown}/billing/alone.md:5:5: warning: link to missing article 'gone.md'",
        ]
        checked = kb(["check", "--content", typed], cwd=cwd)
        assert checked.exit_code == 1  # kb check keeps no cache; a broken link is an error there
        assert f"{shown}/billing/alone.md:5:5: link to missing article 'gone.md'" in checked.stderr.splitlines()
    assert (project / ".kb-cache").is_dir()


def test_a_moved_link_target_re_renders_the_articles_that_link_to_it(tmp_path: Path, renders: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    _build(tmp_path)
    renders.clear()
    (tmp_path / "content/billing/refund.md").write_text("---\ntitle: Refunds\nslug: money-back\n---\n## How\n\nText.\n")
    site = _build(tmp_path)
    assert sorted(renders) == ["billing/pay.md", "billing/refund.md"]
    assert 'href="/billing/money-back/"' in (site / "billing/pay/index.html").read_text()


def test_a_new_article_or_file_re_renders_only_what_it_touches(tmp_path: Path, renders: list[str]) -> None:
    write_tree(tmp_path, {**PROJECT, "content/billing/pay.md": "---\ntitle: Pay\n---\n![terms](terms.png)\n"})
    site = _build(tmp_path)
    assert "missing" not in (site / "billing/pay/index.html").read_text()
    renders.clear()
    (tmp_path / "content/billing/new.md").write_text("---\ntitle: New\n---\nHello.\n")
    (tmp_path / "content/billing/terms.png").write_bytes(b"png")
    site = _build(tmp_path)
    assert sorted(renders) == ["billing/new.md", "billing/pay.md"]
    assert 'src="/billing/terms.png"' in (site / "billing/pay/index.html").read_text()


@pytest.mark.parametrize("watched", [False, True], ids=["stat", "watcher"])
def test_kb_serve_renders_again_only_what_an_edit_or_a_moved_link_target_changed(tmp_path: Path, renders,
                                                                                 watched: bool) -> None:
    """`kb serve` keeps its articles in memory between edits: the same rules, in one process (the
    files' times read by the build itself, or given by the watcher)."""
    from kb.serve.server import snapshot

    write_tree(tmp_path, PROJECT)
    options = BuildOptions(content=tmp_path / "content", out=tmp_path / "site", search=False,
                           jobs=1, git_dates=False)
    run = Speed(jobs=1, serve=True)

    def html(source: str) -> str:
        if watched:
            run.seen(snapshot([options.content]))
        loaded = load_site(options, run)
        files, _ = kb.render.pages.render_site(loaded.site, loaded.rendered, loaded.env, loaded.theme, options.content, run)
        return next(f.data for f in files if f.path == source).decode()

    html("billing/pay/index.html")
    renders.clear()
    html("billing/pay/index.html")
    assert renders == []
    (tmp_path / "content/billing/refund.md").write_text("---\ntitle: Refunds\nslug: money-back\n---\n## How\n")
    assert 'href="/billing/money-back/"' in html("billing/pay/index.html")
    assert sorted(renders) == ["billing/pay.md", "billing/refund.md"]
    renders.clear()
    (tmp_path / "content/billing/alone.md").write_text("---\ntitle: Alone\n---\nNew words.\n")
    assert "New words." in html("billing/alone/index.html")
    assert renders == ["billing/alone.md"]


def test_kb_serve_compiles_templates_once_and_again_when_one_changes(tmp_path: Path) -> None:
    write_tree(tmp_path, {**PROJECT, "content/templates/404.html": "Lost A"})
    options = BuildOptions(content=tmp_path / "content", out=tmp_path / "site", search=False,
                           jobs=1, git_dates=False)
    run = Speed(jobs=1, serve=True)
    first = load_site(options, run).env
    assert load_site(options, run).env is first
    (tmp_path / "content/templates/404.html").write_text("Lost B")
    second = load_site(options, run).env
    assert second is not first
    assert second.get_template("404.html").render() == "Lost B"


def test_a_build_that_fails_keeps_what_it_read_and_rendered_for_the_next(tmp_path: Path, renders: list[str]) -> None:
    from kb.errors import ContentError

    write_tree(tmp_path, {**PROJECT, "content/billing/broken.md": "---\ntitle: [unclosed\n---\nBody.\n"})
    with pytest.raises(ContentError):
        _build(tmp_path)
    assert sorted(renders) == ["billing/alone.md", "billing/pay.md", "billing/refund.md"]
    assert kb.speed.tables.load_entries(tmp_path / ".kb-cache", "parsed.pickle")
    assert len(kb.speed.tables.load_entries(tmp_path / ".kb-cache", "render.pickle")) == 3
    renders.clear()
    (tmp_path / "content/billing/broken.md").unlink()
    _build(tmp_path)
    assert renders == [], "the articles rendered by the failed build were rendered again"


def test_markdown_settings_and_the_url_prefix_invalidate_everything(tmp_path: Path, renders: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    _build(tmp_path)
    renders.clear()
    (tmp_path / "content/site.yaml").write_text("title: Acme\nmarkdown:\n  toc_depth: 2\n")
    _build(tmp_path)
    assert len(renders) == 3
    renders.clear()
    site = _build(tmp_path, base_url="/help/")
    assert len(renders) == 3
    assert 'href="/help/billing/refund/"' in (site / "billing/pay/index.html").read_text()


def test_another_kb_version_does_not_read_the_cache(tmp_path: Path, renders: list[str], monkeypatch) -> None:
    write_tree(tmp_path, PROJECT)
    _build(tmp_path)
    renders.clear()
    monkeypatch.setattr(kb.speed.runner, "__version__", "99.0")
    _build(tmp_path)
    assert len(renders) == 3


def test_a_theme_change_shows_on_every_page_though_articles_come_from_the_cache(tmp_path: Path, renders) -> None:
    write_tree(tmp_path, PROJECT)
    _build(tmp_path)
    renders.clear()
    write_tree(tmp_path, {"content/templates/article.html": "{{ article.title }}|{{ article.body | safe }}"})
    site = _build(tmp_path)
    assert renders == []
    assert (site / "billing/alone/index.html").read_text() == "Alone|<p>No links.</p>"


def test_a_broken_cache_is_an_empty_one(tmp_path: Path, renders: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    (tmp_path / ".kb-cache").mkdir()
    for number in range(kb.speed.tables.PARTS):
        (tmp_path / ".kb-cache" / f"render-{number:x}.pickle").write_bytes(b"not a pickle")
    _build(tmp_path)
    assert len(renders) == 3
    parts = [pickle.loads(p.read_bytes()) for p in (tmp_path / ".kb-cache").glob("render-*.pickle")]
    assert 1 <= len(parts) <= 3  # the broken files are gone: a part without entries has no file
    assert {data["format"] for data in parts} == {kb.speed.tables.FORMAT}
    assert sum(len(data["entries"]) for data in parts) == 3


def test_a_build_rewrites_only_the_parts_of_the_cache_that_changed(tmp_path: Path, renders: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    for number in range(30):
        (tmp_path / f"content/more/a{number}.md").parent.mkdir(exist_ok=True)
        (tmp_path / f"content/more/a{number}.md").write_text(f"---\ntitle: Article {number}\n---\nText {number}.\n")
    _build(tmp_path)
    folder = tmp_path / ".kb-cache"

    def files() -> dict[str, int]:  # a part written again is a new file (written aside, then moved over)
        return {p.name: p.stat().st_ino for p in folder.glob("*-*.pickle")}

    before = files()
    assert len(before) >= 2 * kb.speed.tables.PARTS
    _build(tmp_path)
    assert files() == before
    (tmp_path / "content/more/a7.md").write_text("---\ntitle: Article 7\n---\nNew text.\n")
    renders.clear()
    _build(tmp_path)
    after = files()
    changed = sorted(name.rsplit("-", 1)[0] for name in after.keys() | before.keys() if after.get(name) != before.get(name))
    assert renders == ["more/a7.md"]
    assert 3 <= len(changed) <= 12 and set(changed) >= {"parsed", "render", "pages"}
    assert kb.speed.tables.load_entries(folder, "render.pickle") == kb.speed.tables.Table(folder, "render.pickle").entries
    renders.clear()
    _build(tmp_path)
    assert renders == []


def test_the_process_pool_publishes_what_one_process_does(tmp_path: Path) -> None:
    from kb.speed.runner import POOL_MIN

    count = max(POOL_MIN.values()) + 20  # articles are read, rendered and paged in pools
    generate(tmp_path / "content", count)
    outputs = []
    for jobs in ("1", "2"):
        for cache in ("--no-cache", "cold", "warm"):  # with a cache folder, read files are found in it when warm
            where = ["--no-cache"] if cache == "--no-cache" else ["--cache", f"cache-{jobs}"]
            done = run_kb_process(["build", "--content", "content", "--out", f"site-{jobs}", "--no-search", *where,
                                   "--jobs", jobs], cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1764115200"})
            assert done.returncode == 0, done.stderr
            outputs.append(snapshot(tmp_path / f"site-{jobs}"))
    assert len(outputs[0]) > count
    assert all(output == outputs[0] for output in outputs[1:])


def test_the_process_pool_reports_the_errors_one_process_does(tmp_path: Path) -> None:
    from kb.speed.runner import POOL_MIN

    paths = generate(tmp_path / "content", POOL_MIN["parse"] + 20)
    paths[5].write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    paths[-3].write_bytes(b"---\ntitle: Caf\xe9\n---\nBody.\n")
    paths[300].write_text(paths[300].read_text(encoding="utf-8").replace("title:", "tittle:", 1), encoding="utf-8")
    errors = []
    for jobs in ("1", "2"):
        done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-search", "--no-cache",
                               "--jobs", jobs], cwd=tmp_path)
        assert done.returncode == 1
        errors.append(done.stderr)
    assert errors[0] == errors[1]
    assert "build failed: 2 errors, 2 warnings" in errors[0]
    assert "not valid UTF-8" in errors[0] and "invalid YAML" in errors[0] and "unknown field 'tittle'" in errors[0]


# --- rendered pages -------------------------------------------------------------------------------


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages rendered by a template in this test (not taken from the page cache), in order."""
    seen: list[str] = []
    real = kb.render.pages.render_page

    def counting(env, templates, job, context=None):
        seen.append(job[0])
        return real(env, templates, job, context)

    monkeypatch.setattr(kb.render.pages, "render_page", counting)
    return seen


def test_an_unchanged_site_renders_no_page_again(tmp_path: Path, pages: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    cold = snapshot(_build(tmp_path, "one"))
    assert "billing/pay/index.html" in pages and "index.html" in pages
    pages.clear()
    warm = snapshot(_build(tmp_path, "two"))
    assert pages == []
    assert warm == cold


def test_an_edited_body_renders_only_the_pages_that_show_it(tmp_path: Path, pages: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    _build(tmp_path)
    pages.clear()
    (tmp_path / "content/billing/alone.md").write_text("---\ntitle: Alone\n---\nNew words.\n")
    site = _build(tmp_path)
    assert "billing/alone/index.html" in pages and "billing/index.html" in pages  # the topic lists its excerpt
    assert "contact/index.html" not in pages and "search/index.html" not in pages
    assert "New words." in (site / "billing/alone/index.html").read_text()
    assert "New words." in (site / "billing/index.html").read_text()


def test_a_new_title_reaches_every_page_that_shows_it(tmp_path: Path, pages: list[str]) -> None:
    write_tree(tmp_path, {**PROJECT, "content/billing/pay.md": "---\ntitle: Pay\nrelated: [refund.md]\n---\nText.\n"})
    _build(tmp_path)
    pages.clear()
    (tmp_path / "content/billing/refund.md").write_text("---\ntitle: Money back\n---\n## How\n\nText.\n")
    site = _build(tmp_path)
    assert "billing/pay/index.html" in pages  # its related articles name the renamed one
    assert "Money back" in (site / "billing/pay/index.html").read_text()
    assert "Money back" in (site / "feed.xml").read_text()


def test_a_template_change_renders_every_page_again(tmp_path: Path, pages: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    _build(tmp_path)
    pages.clear()
    write_tree(tmp_path, {"content/templates/contact_block.html": "<p>Call us.</p>"})  # included, not extended
    site = _build(tmp_path)
    assert "billing/pay/index.html" in pages
    assert "<p>Call us.</p>" in (site / "billing/pay/index.html").read_text()


def test_site_settings_the_url_prefix_and_kb_version_render_every_page_again(tmp_path: Path, pages, monkeypatch) -> None:
    write_tree(tmp_path, PROJECT)
    _build(tmp_path)
    pages.clear()
    (tmp_path / "content/site.yaml").write_text("title: Acme Help\n")
    site = _build(tmp_path)
    assert "billing/alone/index.html" in pages
    assert "Acme Help" in (site / "billing/alone/index.html").read_text()
    pages.clear()
    site = _build(tmp_path, base_url="/help/")
    assert "billing/alone/index.html" in pages
    assert 'href="/help/assets/kb.css"' in (site / "billing/alone/index.html").read_text()
    pages.clear()
    monkeypatch.setattr(kb.speed.pages, "__version__", "99.0")
    _build(tmp_path, base_url="/help/")
    assert "billing/alone/index.html" in pages


def test_a_published_page_changed_on_disk_is_not_reused(tmp_path: Path, pages: list[str]) -> None:
    write_tree(tmp_path, PROJECT)
    site = _build(tmp_path)
    with open(site / "billing/alone/index.html", "r+b") as handle:  # in place: the cache may share the file
        handle.write(b"XX")
    pages.clear()
    site = _build(tmp_path)
    assert pages == ["billing/alone/index.html"]
    assert (site / "billing/alone/index.html").read_text().startswith("<!doctype html>")


def test_kept_pages_bring_what_search_needs_to_know_of_them_from_the_cache(tmp_path: Path, pages, monkeypatch) -> None:
    write_tree(tmp_path, {**PROJECT, "content/setup/install.md": "---\ntitle: Install\n---\nRun the installer.\n",
                          "content/setup/upgrade.md": "---\ntitle: Upgrade\n---\nDownload the new version.\n"})
    _build(tmp_path, search=True)
    real = kb.search.pages.body_only
    judged: list[bytes] = []

    def counting(data: bytes) -> bool:
        judged.append(data)
        return real(data)

    monkeypatch.setattr(kb.search.pages, "body_only", counting)
    monkeypatch.setattr(kb.speed.runner, "body_only", counting)
    pages.clear()
    (tmp_path / "content/billing/alone.md").write_text("---\ntitle: Alone\n---\nNew words.\n")
    site = _build(tmp_path, search=True)
    assert "billing/alone/index.html" in pages
    rendered = [page for page in pages if kb.search.BODY in (site / page).read_bytes()]
    assert 0 < len(rendered) < sum(kb.search.BODY in page.read_bytes() for page in site.rglob("*.html"))
    assert len(judged) == len(rendered)  # pages from the cache are not read again to index their shard
    assert (site / "pagefind/pagefind-entry.json").exists()
    cache = kb.speed.pages.PageCache(tmp_path / ".kb-cache", "")
    assert cache.index
    for digest, alone in cache.index.values():
        data = (tmp_path / ".kb-cache" / kb.speed.pages.FOLDER / digest).read_bytes()
        assert alone == (real(data) if kb.search.BODY in data else None)


def test_the_page_cache_keeps_only_what_the_last_build_used(tmp_path: Path) -> None:
    write_tree(tmp_path, PROJECT)
    _build(tmp_path)
    folder = tmp_path / ".kb-cache" / kb.speed.pages.FOLDER
    before = len(list(folder.iterdir()))
    for number in range(3):
        (tmp_path / "content/billing/alone.md").write_text(f"---\ntitle: Alone\n---\nVersion {number}.\n")
        _build(tmp_path)
    assert len(list(folder.iterdir())) == before


def test_a_context_that_is_not_plain_data_has_no_key() -> None:
    from kb.speed.pages import PageCache

    cache = PageCache(Path("/nonexistent"), "salt")
    assert cache.key("a.html", {"title": "x", "when": None, "items": [1, 2.5, True]}) is not None
    assert cache.key("a.html", {"title": "x"}) != cache.key("b.html", {"title": "x"})
    assert cache.key("a.html", {"title": ["a", "b"]}) != cache.key("a.html", {"title": ["ab"]})
    assert cache.key("a.html", {"title": "1"}) != cache.key("a.html", {"title": 1})

    class Opaque:
        def __repr__(self) -> str:
            return "same"

    assert cache.key("a.html", {"thing": Opaque()}) is None


def test_kb_serve_runs_the_job_of_a_file_gone_since_it_was_found(tmp_path: Path) -> None:
    """A file deleted between discovery and the rebuild's keying: its job runs (and reports it), the
    rebuild goes on; before, the stat raised out of the runner and the whole rebuild was abandoned."""
    kept = tmp_path / "kept.md"
    kept.write_text("here")
    run = Speed(jobs=1, serve=True)

    def job(path: str) -> str:
        return Path(path).read_text() if Path(path).exists() else f"gone: {Path(path).name}"

    files = [str(kept), str(tmp_path / "deleted.md")]
    assert list(run.map("parse", job, files, salt=1, key=lambda p: p, file=lambda p: p)) == ["here", "gone: deleted.md"]
    assert list(run.map("parse", job, files, salt=1, key=lambda p: p, file=lambda p: p)) == ["here", "gone: deleted.md"]
