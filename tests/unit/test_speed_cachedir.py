"""The cache folder: kb uses and removes only what it wrote, and never puts it where it is published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.build import BuildOptions, build_site
from kb.speed.cachedir import TAG, check_cache, default_cache, mark_cache
from kb.errors import OutputError
from kbtest import run_kb_process, snapshot, write_tree

NOW = dt.datetime(2020, 3, 1, tzinfo=dt.timezone.utc)
PROJECT = {
    "content/site.yaml": "title: Acme\n",
    "content/billing/pay.md": "---\ntitle: Pay\n---\nHow to pay.\n",
    "content/billing/refund.md": "---\ntitle: Refund\n---\nHow to get a refund.\n",
}


def _build(project: Path, *args: str):
    return run_kb_process(["build", "--content", "content", "--out", "site", "--now", "2020-03-01", *args], project)


@pytest.mark.parametrize("files", [
    {"mine/pages/thesis.pdf": "my thesis"},  # the issue's own example: only kb-like names at the top
    {"mine/pages/thesis.pdf": "my thesis", "mine/render-0.pickle": "x"},
    {"mine/pages/" + "a" * 64: "a file of mine with a digest's name"},
    {"mine/CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# another tool's cache\n",
     "mine/render-0.pickle": "not kb's"},
])
def test_a_folder_that_only_looks_like_kbs_cache_is_refused_and_kept(tmp_path: Path, files: dict) -> None:
    project = write_tree(tmp_path / "p", {**PROJECT, **files})
    before = snapshot(project / "mine")
    done = _build(project, "--cache", "mine")
    assert done.returncode == 2, done.stderr
    assert "cache folder 'mine' exists and was not written by kb" in done.stderr
    assert snapshot(project / "mine") == before


@pytest.mark.parametrize(("make", "name"), [("dangling", "dangl"), ("file", "afile/sub")])
def test_a_cache_that_cannot_be_made_is_a_usage_error(tmp_path: Path, make: str, name: str) -> None:
    project = write_tree(tmp_path / "p", {**PROJECT, "afile": "x"})
    if make == "dangling":
        (project / "dangl").symlink_to(project / "nowhere")
    done = _build(project, "--cache", name)
    assert done.returncode == 2, done.stderr
    assert f"cache folder '{name}' cannot be made there; choose another --cache" in done.stderr


def test_files_a_killed_build_wrote_aside_are_removed_by_the_next(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", PROJECT)
    assert _build(project, "--cache", "kept").returncode == 0
    (project / "kept/.render.pickle-abc123.tmp").write_bytes(b"x" * 1000)
    (project / "kept/pages" / (".%s.123.tmp" % ("b" * 64))).write_bytes(b"x")
    (project / "kept/mine.tmp").write_bytes(b"not kb's name")
    assert _build(project, "--cache", "kept").returncode == 0
    assert sorted(p.name for p in (project / "kept").rglob("*.tmp")) == ["mine.tmp"]


def test_a_folder_of_someone_elses_files_is_refused_and_kept(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {**PROJECT, "mine/pages/thesis.pdf": "my thesis",
                                          "mine/search/notes/a.txt": "notes", "mine/todo.txt": "todo"})
    before = snapshot(project / "mine")
    done = _build(project, "--cache", "mine")
    assert done.returncode == 2, done.stderr
    assert "cache folder 'mine' exists and was not written by kb; remove it or choose another --cache" in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(project / "mine") == before
    assert not (project / "site").exists()


@pytest.mark.parametrize(("cache", "message"), [
    ("content", "cache folder 'content' would hold the content folder; choose another --cache"),
    (".", "cache folder '.' would hold the content folder; choose another --cache"),
    ("site", "cache folder 'site' would hold the output folder; choose another --cache"),
    ("content/billing", "cache folder 'content/billing' is inside the content folder, where its files would be "
                        "published; choose another --cache"),
    ("site/cache", "cache folder 'site/cache' is inside the output folder 'site', which each build replaces; "
                   "choose another --cache"),
])
def test_the_cache_is_never_the_content_the_project_or_the_output(tmp_path: Path, cache: str, message: str) -> None:
    project = write_tree(tmp_path / "p", PROJECT)
    assert _build(project).returncode == 0
    before = snapshot(project)
    done = _build(project, "--cache", cache)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert snapshot(project) == before, "a refused cache folder changed the project"


def test_a_parent_of_the_project_is_refused(tmp_path: Path) -> None:
    write_tree(tmp_path / "p", PROJECT)
    with pytest.raises(OutputError, match="would hold the content folder"):
        check_cache(tmp_path, tmp_path / "p" / "content", tmp_path / "p" / "site")


def test_a_hidden_folder_inside_the_content_folder_may_hold_it(tmp_path: Path) -> None:
    write_tree(tmp_path, PROJECT)
    check_cache(tmp_path / "content" / ".kb-cache", tmp_path / "content", tmp_path / "site")


def test_kb_tags_its_cache_folder_and_reuses_it(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", PROJECT)
    assert _build(project, "--cache", "kept").returncode == 0
    assert (project / "kept" / TAG).read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    again = _build(project, "--cache", "kept")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in (project / "kept").iterdir() if p.name.startswith(".")) == [], \
        "the lock and files written aside are gone once the build is done"


def test_a_cache_an_earlier_kb_wrote_without_a_tag_is_used(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", PROJECT)
    assert _build(project, "--cache", "kept").returncode == 0
    (project / "kept" / TAG).unlink()
    done = _build(project, "--cache", "kept")
    assert done.returncode == 0, done.stderr
    assert (project / "kept" / TAG).is_file()


def test_files_put_into_kbs_cache_folder_are_not_removed(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", PROJECT)
    assert _build(project, "--cache", "kept").returncode == 0
    write_tree(project / "kept", {"pages/thesis.pdf": "mine", "pages/folder/x.txt": "mine", "search/notes/a.txt": "mine"})
    (project / "content/billing/pay.md").write_text("---\ntitle: Pay now\n---\nChanged.\n")
    done = _build(project, "--cache", "kept")
    assert done.returncode == 0, done.stderr
    assert (project / "kept/pages/thesis.pdf").read_text() == "mine"
    assert (project / "kept/pages/folder/x.txt").read_text() == "mine"
    assert (project / "kept/search/notes/a.txt").read_text() == "mine"


def test_the_default_cache_is_beside_the_content_folder_not_in_a_published_one(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", PROJECT)
    done = run_kb_process(["build", "--content", "content", "--out", "public/help"], project)
    assert done.returncode == 0, done.stderr
    assert not (project / "public" / ".kb-cache").exists()
    assert (project / ".kb-cache" / TAG).is_file()
    assert sorted(p.name for p in (project / "public").iterdir()) == ["help"]
    assert default_cache(Path("docs/help")) == Path("docs/.kb-cache")
    assert default_cache(Path(".")) == Path(".kb-cache")


def test_a_build_that_finds_the_cache_in_use_builds_without_it(tmp_path: Path) -> None:
    from kb.output.locks import Lock

    write_tree(tmp_path, PROJECT)
    cache = tmp_path / ".kb-cache"
    mark_cache(cache)  # as the build holding it did
    options = BuildOptions(content=tmp_path / "content", out=tmp_path / "site", now=NOW,
                           cache=cache, search=False)
    with Lock(cache / ".lock"):
        report = build_site(options)
    assert report.notes == (f"the cache folder '{cache}' is in use by another build; this build kept no cache",)
    assert not (cache / "render-0.pickle").exists() and not list(cache.glob("parsed-*.pickle"))
    assert (tmp_path / "site" / "billing" / "pay" / "index.html").is_file()
