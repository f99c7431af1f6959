"""Faults: two builds at once, a kill between the renames of a swap, workers whose parent is killed,
a folder that refuses to move, a full disk. Each leaves the published site whole and nothing behind."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import kb.output.folder
from kb.errors import OutputError
from kb.model import OutputFile
from kb.output.folder import MARKER_TEXT, output_lock, swap, write_site
from kbtest import ISOLATED, snapshot, write_tree

PROJECT = {
    "content/site.yaml": "title: Acme\n",
    "content/billing/pay.md": "---\ntitle: Pay\n---\nHow to pay.\n",
}
ENV = {**os.environ, **ISOLATED}
# kb in a subprocess, with a fault set up by the lines given first
RUN = """
import os, sys, time
from pathlib import Path
import kb.output.folder, kb.build
{setup}
from kb.cli.commands import main
sys.exit(main(sys.argv[1:]))
"""


def _kb(project: Path, *args: str, setup: str = "", wait: bool = True):
    command = [sys.executable, "-c", RUN.format(setup=setup), "build", "--content", "content", "--out", "site",
               "--no-search", "--now", "2020-03-01", *args]
    if not wait:
        return subprocess.Popen(command, cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=project, env=ENV, capture_output=True, text=True, timeout=300)


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


# --- two builds at once -----------------------------------------------------------------


def test_a_second_build_into_the_same_folder_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    assert _kb(project).returncode == 0
    before = snapshot(project / "site")
    gate = project / "go"
    pause = f"""
real = kb.build.load_site
def slow(*a, **k):
    Path("started").write_text("")
    while not Path({str(gate)!r}).exists():
        time.sleep(0.02)
    return real(*a, **k)
kb.build.load_site = slow
"""
    first = _kb(project, setup=pause, wait=False)
    try:
        for _ in range(500):
            if (project / "started").exists():
                break
            time.sleep(0.02)
        second = _kb(project)
        assert second.returncode == 2, second.stderr
        assert f"another kb build is writing 'site' (process {first.pid}); wait for it to end or choose another --out" \
            in second.stderr
        assert snapshot(project / "site") == before, "the refused build changed the site"
    finally:
        gate.write_text("")
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert (project / "site/billing/pay/index.html").is_file()
    assert _leftovers(project / "site") == []


def test_builds_started_together_never_publish_a_partial_site(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files.update({f"content/billing/a{n}.md": f"---\ntitle: Article {n}\n---\nText {n}.\n" for n in range(300)})
    project = write_tree(tmp_path, files)
    assert _kb(project).returncode == 0
    whole = sorted(snapshot(project / "site"))
    for _ in range(3):
        runs = [_kb(project, wait=False) for _ in range(3)]
        results = [(run.wait(timeout=300), run.communicate()[1]) for run in runs]
        assert all(code in (0, 2) for code, _ in results), results
        assert any(code == 0 for code, _ in results), results
        assert all("Traceback" not in err for _, err in results), results
        assert sorted(snapshot(project / "site")) == whole
        assert _leftovers(project / "site") == []


def test_the_lock_says_who_holds_it_and_goes_with_the_build(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with output_lock(out):
        assert (tmp_path / ".site.lock").read_text() == f"{os.getpid()}\n"
        with pytest.raises(OutputError, match=r"another kb build is writing '.*site' \(process \d+\)"):
            with output_lock(out):
                pass
    assert not (tmp_path / ".site.lock").exists()
    with output_lock(out):  # free again
        pass


# --- the swap ---------------------------------------------------------------------------

KILL_AFTER_FIRST_RENAME = """
real = os.rename
def rename(src, dst):
    real(src, dst)
    os._exit(9)  # killed after the first rename of the swap, before the second
kb.output.folder.os.rename = rename
"""


def test_the_published_folder_exists_at_every_moment_of_a_swap(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    assert _kb(project).returncode == 0
    (project / "content/billing/pay.md").write_text("---\ntitle: Pay\n---\nChanged.\n")
    done = _kb(project, setup=KILL_AFTER_FIRST_RENAME)  # any rename while a site is published is a gap
    assert done.returncode == 0, done.stderr
    assert b"Changed." in (project / "site/billing/pay/index.html").read_bytes()
    assert _leftovers(project / "site") == []


def test_a_reader_never_finds_the_site_missing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([OutputFile(".kb-site", b"kb"), OutputFile("index.html", b"0")], out)
    missing: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            if not os.path.exists(out / "index.html"):
                missing.append(1)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for number in range(200):
            write_site([OutputFile(".kb-site", b"kb"), OutputFile("index.html", str(number).encode())], out)
    finally:
        stop.set()
        reader.join()
    assert missing == []
    assert (out / "index.html").read_text() == "199"


def test_where_folders_cannot_be_exchanged_the_next_build_puts_back_a_site_a_crash_moved_aside(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    assert _kb(project).returncode == 0
    before = snapshot(project / "site")
    (project / "content/billing/pay.md").write_text("---\ntitle: Pay\n---\nChanged.\n")
    no_exchange = "kb.output.folder._exchange = lambda a, b: False\n"
    crashed = _kb(project, setup=no_exchange + KILL_AFTER_FIRST_RENAME)
    assert crashed.returncode == 9
    assert not (project / "site").exists()  # the gap this fallback has, which the next build closes
    (project / "content/billing/broken.md").write_text("---\ntitle: [\n---\n")
    failed = _kb(project, setup=no_exchange)
    assert failed.returncode == 1
    assert snapshot(project / "site") == before, "the site moved aside is back, as it was"
    assert _leftovers(project / "site") == []


@pytest.mark.parametrize("exchange", [True, False])
def test_a_site_that_cannot_be_moved_leaves_nothing_beside_it(tmp_path: Path, monkeypatch, exchange: bool) -> None:
    out = tmp_path / "o"
    write_site([OutputFile("index.html", b"old")], out)

    def refuse(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")  # an immutable folder (chattr +i)

    if exchange:
        monkeypatch.setattr(kb.output.folder, "_exchange", refuse)
    else:
        monkeypatch.setattr(kb.output.folder, "_exchange", lambda a, b: False)
        monkeypatch.setattr(kb.output.folder.os, "rename", refuse)
    with pytest.raises(OSError):
        write_site([OutputFile("index.html", b"new")], out)
    monkeypatch.undo()
    assert snapshot(out) == {".kb-site": MARKER_TEXT, "index.html": b"old"}
    assert _leftovers(out) == []


def test_swap_replaces_a_link_without_touching_what_it_pointed_at(tmp_path: Path) -> None:
    elsewhere = write_tree(tmp_path / "elsewhere", {"keep.txt": "mine"})
    (tmp_path / "site").symlink_to(elsewhere)
    staging = write_tree(tmp_path / ".site.new-x", {"index.html": "new"})
    swap(staging, tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text() == "new"
    assert (elsewhere / "keep.txt").read_text() == "mine"
    assert _leftovers(tmp_path / "site") == []


# --- workers die with kb ----------------------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers are Linux-only")
def test_workers_die_when_kb_is_killed(tmp_path: Path) -> None:
    body = "\n\n".join(f"## Part {n}\n\nSome *text* with a [link](pay.md) and `code` {n}." for n in range(40))
    files = dict(PROJECT)
    files.update({f"content/billing/a{n}.md": f"---\ntitle: Article {n}\n---\n{body}\n" for n in range(800)})
    project = write_tree(tmp_path, files)
    run = _kb(project, "--jobs", "2", "--no-cache", wait=False)
    workers: set[int] = set()
    try:
        for _ in range(1500):
            workers = _children(run.pid)
            if len(workers) >= 2:
                break
            time.sleep(0.01)
        assert len(workers) >= 2, "the build started no workers"
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers), "workers outlived the build they worked for"
    finally:
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


# --- a full disk ------------------------------------------------------------------------


def _usage(folder: Path) -> int:
    info = os.statvfs(folder)
    return (info.f_blocks - info.f_bfree) * info.f_frsize


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare to mount a small file system")
def test_a_build_that_fills_the_disk_fails_and_leaves_the_disk_as_it_found_it(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {disk}"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {probe.stderr.decode().strip()}")
    project = write_tree(tmp_path / "project", PROJECT)
    big = "\n\n".join(f"Paragraph {n}: " + "words " * 60 for n in range(60))
    script = f"""
set -e
mount -t tmpfs -o size=3m tmpfs {disk}
cd {project}
{sys.executable} -m kb build --content content --out {disk}/site --cache {disk}/cache --no-search --now 2020-03-01
df -B1 --output=used {disk} | tail -1 > {tmp_path}/before
find {disk} -type f | sort | xargs sha256sum > {tmp_path}/files-before
for n in $(seq 0 59); do printf -- '---\\ntitle: Big %s\\n---\\n%s\\n' $n "$BIG" > content/billing/big$n.md; done
set +e
{sys.executable} -m kb build --content content --out {disk}/site --cache {disk}/cache --no-search --now 2020-03-01 \
  > {tmp_path}/out 2> {tmp_path}/err
echo $? > {tmp_path}/code
df -B1 --output=used {disk} | tail -1 > {tmp_path}/after
find {disk} -type f | sort | xargs sha256sum > {tmp_path}/files-after
"""
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], env={**ENV, "BIG": big}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    err = (tmp_path / "err").read_text()
    assert (tmp_path / "code").read_text().strip() == "1", err
    assert "No space left on device" in err and "was left as it was" in err and "Traceback" not in err
    assert (tmp_path / "files-after").read_text() == (tmp_path / "files-before").read_text(), \
        "the failed build changed the published site or the cache"
    assert int((tmp_path / "after").read_text()) == int((tmp_path / "before").read_text())


@pytest.mark.parametrize("name", ["site", "s?te", "s*", "site[1]"])
def test_kb_removes_only_the_folders_it_made_beside_the_site(tmp_path: Path, name: str) -> None:
    project = write_tree(tmp_path, {
        **PROJECT,
        ".site.old-keep/thesis.txt": "mine",  # names like kb's, not made by kb
        ".site.new-drafts/notes.txt": "mine",
        ".site.new-abcd1234/notes.txt": "mine",  # the very shape of kb's names, without kb's marker
        ".site.old-abcd1234/notes.txt": "mine",
        ".sXte.new-abcd1234/.kb-site": "kb\n",  # another output folder's staging
    })
    before = {p: d for p, d in snapshot(project).items() if p.startswith(".s")}
    done = _kb(project, "--out", name)
    assert done.returncode == 0, done.stderr
    assert {p: d for p, d in snapshot(project).items() if p.startswith(".s")} == before
    assert (project / name / "billing/pay/index.html").is_file()


def test_a_crash_leaves_a_staging_folder_that_the_next_build_removes_whatever_the_sites_name(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    out = "site[1]"
    assert _kb(project, "--out", out).returncode == 0
    before = snapshot(project / out)
    no_exchange = "kb.output.folder._exchange = lambda a, b: False\n"
    assert _kb(project, "--out", out, setup=no_exchange + KILL_AFTER_FIRST_RENAME).returncode == 9
    assert not (project / out).exists()
    (project / "content/billing/broken.md").write_text("---\ntitle: [\n---\n")
    assert _kb(project, "--out", out).returncode == 1
    assert snapshot(project / out) == before, "the site moved aside is back, as it was"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site[1].")) == []


def test_a_build_that_fails_after_indexing_leaves_no_new_search_shards_in_the_cache(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    first = subprocess.run([sys.executable, "-m", "kb", "build", "--content", "content", "--out", "site", "--cache",
                            "kept", "--now", "2020-03-01"], cwd=project, env=ENV, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = snapshot(project / "kept" / "search")
    (project / "content/billing/pay.md").write_text("---\ntitle: Pay\n---\nChanged, so the shard is new.\n")
    fail_swap = ("def swap(*a, **k):\n    raise OSError(28, 'No space left on device')\n"
                 "kb.build.swap = swap\n")
    command = [sys.executable, "-c", RUN.format(setup=fail_swap), "build", "--content", "content", "--out", "site",
               "--cache", "kept", "--now", "2020-03-01"]
    done = subprocess.run(command, cwd=project, env=ENV, capture_output=True, text=True)
    assert done.returncode == 1 and "No space left on device" in done.stderr, done.stderr
    assert snapshot(project / "kept" / "search") == before


def test_a_cache_that_cannot_be_saved_after_publishing_is_a_note_not_a_failure(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    full = ("import kb.speed.pages\n"
            "def save(self):\n    raise OSError(28, 'No space left on device')\n"
            "kb.speed.pages.PageCache.save = save\n")
    done = _kb(project, "--cache", "kept", setup=full)
    assert done.returncode == 0, done.stderr
    assert "kb: the cache folder could not be updated (No space left on device); the next build starts afresh" \
        in done.stderr
    assert (project / "site/billing/pay/index.html").is_file()
    assert list((project / "kept").glob(".*.tmp")) == []


def test_once_published_the_cache_keeps_only_the_shards_the_index_uses(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    build = [sys.executable, "-m", "kb", "build", "--content", "content", "--out", "site", "--cache", "kept",
             "--now", "2020-03-01"]
    assert subprocess.run(build, cwd=project, env=ENV, capture_output=True).returncode == 0
    first = {p.name for p in (project / "kept/search").iterdir()}
    (project / "content/billing/pay.md").write_text("---\ntitle: Pay\n---\nChanged.\n")
    assert subprocess.run(build, cwd=project, env=ENV, capture_output=True).returncode == 0
    second = {p.name for p in (project / "kept/search").iterdir()}
    assert len(first) == len(second) == 1 and first != second
