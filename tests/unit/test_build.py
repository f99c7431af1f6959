"""kb.build: the output-folder guard, the atomic write, the clock, and failures that change nothing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from pathlib import Path

import pytest

import kb.build
import kb.output.folder
from kbtest import snapshot, write_tree
from kb.build import BuildOptions, build_clock, build_site, check_output
from kb.output.folder import write_site
from kb.errors import ContentError, NoContentFolder, OutputError, Reporting, UnsafePath
from kb.model import OutputFile
from kb.output.folder import MARKER_TEXT

NOW = dt.datetime(2020, 3, 1, tzinfo=dt.timezone.utc)
PROJECT = {
    "content/site.yaml": "title: Acme\n",
    "content/billing/pay.md": "---\ntitle: Pay\ntags: [money]\n---\n![c](img/card.png)\n",
    "content/billing/img/card.png": b"card",
    "content/billing/files/terms.txt": "terms",
    "content/billing/files/faq.txt": "faq",
}



def _siblings(out: Path) -> list[str]:
    """Staging or retired folders left beside `out`."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith((f".{out.name}.new-", f".{out.name}.old-")))


def _options(tmp_path: Path, out: Path, **kw) -> BuildOptions:
    return BuildOptions(content=tmp_path / "project" / "content", out=out, now=NOW, **kw)


# --- check_output -----------------------------------------------------------------------


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/project/content (with a sub folder), tmp/work as the current folder, and other folders."""
    write_tree(tmp_path, {
        "project/content/billing/pay.md": "# Pay\n",
        "other/file.txt": "not a site",
        "kbout/.kb-site": "kb\n",
        "kbout/index.html": "old",
        "afile": "x",
    })
    (tmp_path / "empty").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path


def _refusal(content: Path, out: Path) -> str:
    with pytest.raises(OutputError) as caught:
        check_output(content, out)
    assert caught.value.exit_code == 2
    return caught.value.message


def test_refuses_the_content_folder(layout: Path) -> None:
    content = layout / "project" / "content"
    assert _refusal(content, content) == (
        f"output folder '{content}' would replace the content folder; choose another --out"
    )
    assert _refusal(content, Path("../project/content/../content")) == (
        "output folder '../project/content/../content' would replace the content folder; choose another --out"
    )


def test_refuses_the_project_folder(layout: Path) -> None:
    content = layout / "project" / "content"
    message = _refusal(content, layout / "project")
    assert message.startswith(f"output folder '{layout / 'project'}' would replace the ")
    assert message.endswith("; choose another --out")


def test_refuses_the_project_folder_by_name(layout: Path) -> None:
    content = layout / "project" / "content"
    assert _refusal(content, layout / "project") == (
        f"output folder '{layout / 'project'}' would replace the project folder; choose another --out"
    )


def test_refuses_the_current_folder(layout: Path) -> None:
    content = layout / "project" / "content"
    assert _refusal(content, Path(".")) == (
        "output folder '.' would replace the current folder; choose another --out"
    )


def test_refuses_a_parent_of_the_content_folder(layout: Path) -> None:
    content = layout / "project" / "content"
    assert _refusal(content, layout) == (
        f"output folder '{layout}' would replace the content folder; choose another --out"
    )
    assert _refusal(content, Path("/")).startswith("output folder '/' would replace the ")


@pytest.mark.parametrize("inside", ["billing", "new-folder", "billing/deeper"])
def test_refuses_a_folder_inside_content(layout: Path, inside: str) -> None:
    content = layout / "project" / "content"
    assert _refusal(content, content / inside) == (
        f"output folder '{content / inside}' is inside the content folder; choose another --out"
    )


@pytest.mark.parametrize("name", ["other", "afile"])
def test_refuses_something_kb_did_not_write(layout: Path, name: str) -> None:
    content = layout / "project" / "content"
    assert _refusal(content, layout / name) == (
        f"output folder '{layout / name}' exists and was not written by kb; remove it or choose another --out"
    )


@pytest.mark.parametrize("name", ["kbout", "empty", "new", "new/deeper"])
def test_accepts_kb_output_empty_and_new_folders(layout: Path, name: str) -> None:
    check_output(layout / "project" / "content", layout / name)


def test_replaces_a_previous_kb_output_completely(tmp_path: Path) -> None:
    write_tree(tmp_path / "project", PROJECT)
    out = tmp_path / "site"
    write_tree(out, {".kb-site": "kb\n", "stale.html": "old", "old/deep/page.html": "old", "billing/stale.txt": "x"})
    report = build_site(_options(tmp_path, out))
    files = snapshot(out)
    assert "stale.html" not in files
    assert "billing/stale.txt" not in files
    assert not (out / "old").exists()
    assert "billing/pay/index.html" in files
    assert files["billing/img/card.png"] == b"card"
    assert (report.articles, report.pages) == (1, 8)  # home, topic, article, tags, tag, search, contact, 404
    assert report.files == len([p for p in files if not p.startswith("pagefind/")])
    assert report.search is not None and report.search.pages == 1
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert report.warnings == ()
    assert _siblings(out) == []


def test_refuses_a_cache_folder_inside_the_output_folder(tmp_path: Path) -> None:
    write_tree(tmp_path / "project", PROJECT)
    out = tmp_path / "site"
    build_site(_options(tmp_path, out, cache=tmp_path / ".kb-cache"))
    before = snapshot(out)
    with pytest.raises(OutputError) as caught:
        build_site(_options(tmp_path, out, cache=out / "cache"))
    assert caught.value.message == (f"cache folder '{out / 'cache'}' is inside the output folder '{out}', which each "
                                    "build replaces; choose another --cache")
    assert snapshot(out) == before


# --- write_site -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["../x", "a/../../x", "/etc/x", "a\\b", ".", ".."])
def test_write_site_refuses_paths_outside(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(UnsafePath) as caught:
        write_site([OutputFile("a.txt", b"1"), OutputFile(bad, b"x")], out)
    assert str(caught.value) == f"refusing to write outside the output folder: {bad!r}"
    assert sorted(os.listdir(tmp_path)) == []


def test_write_site_normalises_harmless_paths(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site([OutputFile("a/../b.txt", b"b"), OutputFile("c/./d.txt", b"d")], out)
    assert snapshot(out) == {".kb-site": MARKER_TEXT, "b.txt": b"b", "c/d.txt": b"d"}
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_write_site_copies_and_writes(tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(b"\x00\x01")
    out = tmp_path / "deep" / "out"
    write_site([OutputFile("x/y/copy.bin", copy_from=str(source)), OutputFile("empty.txt")], out)
    assert snapshot(out) == {".kb-site": MARKER_TEXT, "empty.txt": b"", "x/y/copy.bin": b"\x00\x01"}
    assert _siblings(out) == []


def test_published_folder_is_readable(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_site([OutputFile("index.html", b"x"), OutputFile("a/b/page.html", b"y")], tmp_path / "out")
    finally:
        os.umask(previous)
    out = tmp_path / "out"
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "a").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "a" / "b").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "index.html").stat().st_mode) == 0o644


def test_published_folder_follows_a_stricter_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_site([OutputFile("index.html", b"x")], tmp_path / "out")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750


# --- build_clock ------------------------------------------------------------------------


def test_build_clock_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1583020800")
    assert build_clock() == dt.datetime(2020, 3, 1, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1583107199 ")
    assert build_clock() == dt.datetime(2020, 3, 1, 23, 59, 59, tzinfo=dt.timezone.utc)


def test_build_clock_given_time_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1583020800")
    given = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)
    assert build_clock(given) is given


@pytest.mark.parametrize("value", [None, "", "yesterday", "-5"])
def test_build_clock_falls_back_to_the_wall_clock(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    before = dt.datetime.now(dt.timezone.utc)
    now = build_clock()
    assert before <= now <= dt.datetime.now(dt.timezone.utc)
    assert now.tzinfo == dt.timezone.utc


# --- failures leave the previous site as it was -----------------------------------------


def test_write_failure_leaves_the_previous_site_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path / "project", PROJECT)
    out = tmp_path / "site"
    build_site(_options(tmp_path, out))
    (tmp_path / "project/content/billing/pay.md").write_text("---\ntitle: Changed\n---\nNew body.\n")
    before = snapshot(out)
    real_copy = shutil.copyfile
    calls: list[str] = []

    def failing_copy(src, dst, *args, **kwargs):
        calls.append(str(src))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", failing_copy)
    with pytest.raises(OSError, match="No space left on device"):
        build_site(_options(tmp_path, out))
    assert len(calls) == 2
    assert snapshot(out) == before
    assert _siblings(out) == []


def test_content_error_leaves_the_previous_site_byte_identical(tmp_path: Path) -> None:
    write_tree(tmp_path / "project", PROJECT)
    out = tmp_path / "site"
    build_site(_options(tmp_path, out))
    before = snapshot(out)
    (tmp_path / "project/content/billing/bad.md").write_text("---\ntitle: [broken\n---\n")
    with pytest.raises(ContentError) as caught:
        build_site(_options(tmp_path, out))
    assert [d.format() for d in caught.value.diagnostics] == [
        "billing/bad.md:3:1: invalid YAML: did not find expected ',' or ']' "
        "while parsing a flow sequence that began on line 2"
    ]
    assert snapshot(out) == before
    assert _siblings(out) == []


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    write_tree(tmp_path / "project", PROJECT)
    (tmp_path / "project/content/billing/other.md").write_text("---\ntitle: Other\nauthor: sam\n---\n")
    report = build_site(_options(tmp_path, tmp_path / "a"))
    assert [d.format() for d in report.warnings] == ["billing/other.md:3:1: warning: unknown field 'author'"]
    with pytest.raises(ContentError) as caught:
        build_site(_options(tmp_path, tmp_path / "b", strict=True))
    assert [d.format() for d in caught.value.diagnostics] == ["billing/other.md:3:1: unknown field 'author'"]
    assert caught.value.messages(Reporting(content="content")) == [  # the reporter names the folder as typed
        "content/billing/other.md:3:1: unknown field 'author'", "kb: build failed: 1 error, 0 warnings"]
    assert not (tmp_path / "b").exists()
    assert _siblings(tmp_path / "b") == []


def test_missing_content_folder(tmp_path: Path) -> None:
    with pytest.raises(NoContentFolder) as caught:
        build_site(_options(tmp_path, tmp_path / "out"))
    assert caught.value.messages(Reporting(content="./content")) == ["Error: content folder './content' does not exist"]


def test_swap_failure_leaves_no_folders_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_site([OutputFile("index.html", b"old")], out)
    real_rename = os.rename
    calls: list[tuple] = []

    def failing_rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # the new folder into place, after the old one moved aside
            raise OSError(5, "Input/output error")
        return real_rename(src, dst)

    monkeypatch.setattr(kb.output.folder, "_exchange", lambda a, b: False)  # where folders cannot be swapped in one step
    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(OSError):
        write_site([OutputFile("index.html", b"new")], out)
    monkeypatch.undo()
    assert snapshot(out) == {".kb-site": MARKER_TEXT, "index.html": b"old"}
    assert _siblings(out) == []


CRASH = """
import os, sys
from pathlib import Path
import kb.build
real = Path.write_bytes
count = 0
def crash(self, data):
    global count
    count += 1
    if count == int(sys.argv[1]):
        os._exit(9)  # the process dies mid-write: no cleanup, no exception handlers
    return real(self, data)
Path.write_bytes = crash
from kb.cli.commands import main
sys.exit(main(["build", "--content", "content", "--out", "site", "--no-search"]))
"""


@pytest.mark.parametrize("when", [1, 4, 8])
def test_a_crash_mid_build_leaves_the_previous_site_and_the_next_build_cleans_up(tmp_path: Path, when: int) -> None:
    import subprocess
    import sys

    project = write_tree(tmp_path / "project", PROJECT)
    assert subprocess.run([sys.executable, "-c", CRASH, "0"], cwd=project, capture_output=True).returncode == 0
    out = project / "site"
    before = snapshot(out)
    (project / "content/billing/pay.md").write_text("---\ntitle: Changed\n---\nNew body.\n")
    crashed = subprocess.run([sys.executable, "-c", CRASH, str(when)], cwd=project, capture_output=True)
    assert crashed.returncode == 9, crashed.stderr
    assert snapshot(out) == before, "a crash while writing changed the published site"
    assert len(_siblings(out)) == 1, "the crashed build's staging folder is left beside the site"
    again = subprocess.run([sys.executable, "-c", CRASH, "0"], cwd=project, capture_output=True)
    assert again.returncode == 0, again.stderr
    assert b"New body." in (out / "billing/pay/index.html").read_bytes()
    assert _siblings(out) == [], "the next build removes what a crashed build left"
