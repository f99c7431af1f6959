"""Builds made in the site the previous build replaced: the same site as a fresh build, never a
published file written into, nothing written outside the output, and no folders made for an edit."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

import kb.build
import kb.output
from kb.build import BuildOptions, build_site
from kb.errors import OutputError
from kb.output import SPARE
from kbtest import snapshot, write_tree

NOW = dt.datetime(2020, 3, 1, tzinfo=dt.timezone.utc)
PROJECT = {
    "content/site.yaml": "title: Acme\n",
    "content/billing/pay.md": "---\ntitle: Pay\ntags: [money]\n---\nPay by card. ![c](img/card.png)\n",
    "content/billing/refund.md": "---\ntitle: Refunds\n---\n## How\n\nAsk for your money back.\n",
    "content/billing/img/card.png": b"card",
    "content/setup/install.md": "---\ntitle: Install\n---\nRun the installer.\n",
    "content/setup/upgrade.md": "---\ntitle: Upgrade\n---\nDownload the new version.\n",
}


def _build(project: Path, out: str = "site", cache: str | None = ".kb-cache", search: bool = False) -> Path:
    options = BuildOptions(content=project / "content", out=project / out, display="content", now=NOW,
                           cache=project / cache if cache else None, jobs=1, git_dates=False, search=search)
    build_site(options)
    return project / out


def _fresh(project: Path, search: bool = False) -> dict[str, bytes]:
    """The site a build with nothing before it makes of the same content."""
    return snapshot(_build(project, "fresh", cache=None, search=search))


def _twice(project: Path, search: bool = False) -> Path:
    """Build twice: the second build's cache folder keeps the first site, to make the next one in."""
    _build(project, search=search)
    site = _build(project, search=search)
    assert (project / ".kb-cache" / SPARE / "index.html").is_file()
    return site


@pytest.mark.parametrize("search", [False, True])
def test_a_site_made_in_the_previous_one_is_the_site_a_fresh_build_makes(tmp_path: Path, search: bool) -> None:
    project = write_tree(tmp_path, PROJECT)
    _twice(project, search=search)
    (project / "content/billing/refund.md").unlink()  # a page and its folder go
    (project / "content/setup/upgrade.md").rename(project / "content/setup/update.md")
    write_tree(project, {
        "content/billing/img/card.png": b"new card",  # a copied file changes
        "content/billing/pay.md": "---\ntitle: Paying\n---\nPay by card or by transfer.\n",
        "content/accounts/close.md": "---\ntitle: Close an account\n---\nWrite to us.\n",  # a new topic
    })
    site = _build(project, search=search)
    assert snapshot(site) == _fresh(project, search)
    assert not (site / "billing/refund").exists()
    assert (site / "accounts/close/index.html").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []


def test_what_was_put_into_the_previous_site_is_not_kept_or_followed(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    _twice(project)
    spare = project / ".kb-cache" / SPARE
    outside = write_tree(tmp_path / "outside", {"keep.txt": "mine"})
    os.unlink(spare / "setup/install/index.html")
    os.rmdir(spare / "setup/install")
    os.symlink(outside, spare / "setup/install")  # a link where a page's folder goes
    (spare / "billing/pay/index.html").unlink()
    (spare / "billing/pay/index.html").mkdir()  # a folder where a page goes
    (spare / "billing/pay/index.html/x.txt").write_text("x")
    os.unlink(spare / "billing/refund/index.html")
    os.rmdir(spare / "billing/refund")
    (spare / "billing/refund").write_text("a file where a folder goes")
    os.symlink("/etc/hostname", spare / "stray-link")
    (spare / "stray.html").write_text("stray")
    with open(spare / "index.html", "r+b") as handle:  # written into: its inode is the cache's too
        handle.write(b"XX")
    site = _build(project)
    assert snapshot(outside) == {"keep.txt": b"mine"}
    assert snapshot(site) == _fresh(project)
    assert not (site / "setup/install").is_symlink() and not (site / "stray-link").is_symlink()


def test_a_failed_build_in_the_previous_site_leaves_the_published_one_byte_identical(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    project = write_tree(tmp_path, PROJECT)
    site = _twice(project)  # the published site and the one kept share every page's file with the cache
    before = snapshot(site)
    (project / "content/site.yaml").write_text("title: Acme Help\n")  # every page changes

    def failing(*args, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kb.build, "swap", failing)
    with pytest.raises(OSError, match="No space left"):
        _build(project)
    assert snapshot(site) == before
    assert (project / ".kb-cache" / SPARE).is_dir()  # kept for the next build, which trusts none of it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []
    monkeypatch.undo()
    site = _build(project)
    assert b"Acme Help" in (site / "billing/pay/index.html").read_bytes()
    assert snapshot(site) == _fresh(project)


def test_an_edit_built_in_the_previous_site_makes_no_folder_and_removes_none(tmp_path: Path, monkeypatch) -> None:
    project = write_tree(tmp_path, PROJECT)
    _twice(project, search=True)
    (project / "content/billing/pay.md").write_text("---\ntitle: Pay\ntags: [money]\n---\nPay by card, now.\n")
    made: list[str] = []
    removed: list[str] = []
    real_mkdir, real_rmtree = os.mkdir, kb.output.shutil.rmtree

    def mkdir(path, *args, **kw):
        real_mkdir(path, *args, **kw)
        made.append(str(path))

    def rmtree(path, *args, **kw):
        removed.append(str(path))
        real_rmtree(path, *args, **kw)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(kb.output.shutil, "rmtree", rmtree)
    site = _build(project, search=True)
    monkeypatch.undo()
    inside = re.compile(r"/\.site\.new-[a-z0-9_]+/")  # in the folder the site is made in
    assert [path for path in made if inside.search(path)] == []
    assert [path for path in removed if inside.search(path)] == []
    assert b"Pay by card, now." in (site / "billing/pay/index.html").read_bytes()
    assert snapshot(site) == _fresh(project, search=True)


def test_without_a_cache_folder_nothing_is_kept(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    _build(project, cache=None)
    site = _build(project, cache=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]
    assert snapshot(site) == _fresh(project)


def test_moving_a_tree_in_replaces_what_is_in_the_way_and_never_follows_a_link(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"keep.txt": "mine"})
    staging = write_tree(tmp_path / "staging", {"index/old.txt": "old", "index/same.txt": "before", "filter": "a file"})
    os.symlink(outside, staging / "fragment")
    source = write_tree(tmp_path / "new", {"index/same.txt": "after", "filter/f.txt": "f", "fragment/g.txt": "g",
                                           "entry.json": "{}"})
    kb.output.move_tree(staging, "", source, set())
    assert snapshot(staging) == {"index/old.txt": b"old", "index/same.txt": b"after", "filter/f.txt": b"f",
                                 "fragment/g.txt": b"g", "entry.json": b"{}"}
    assert not (staging / "fragment").is_symlink()
    assert snapshot(outside) == {"keep.txt": b"mine"}


def test_a_cache_folder_inside_the_output_folder_is_refused(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    _build(project)
    before = snapshot(project / "site")
    options = BuildOptions(content=project / "content", out=project / "site", display="content", now=NOW,
                           cache=project / "site" / "cache", jobs=1, git_dates=False, search=False)
    with pytest.raises(OutputError) as caught:
        build_site(options)
    assert caught.value.message == (f"cache folder '{project / 'site' / 'cache'}' is inside the output folder "
                                    f"'{project / 'site'}', which each build replaces; choose another --cache")
    assert snapshot(project / "site") == before
