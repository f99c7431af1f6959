"""kb.output.folder: the staging folder, one file of the site, and the swap."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.errors import UnsafePath
from kb.output.folder import MARKER, MARKER_TEXT, staging_folder, swap, write_file


def test_a_staging_folder_is_removed_when_the_build_fails(tmp_path: Path) -> None:
    seen: list[Path] = []
    with pytest.raises(RuntimeError), staging_folder(tmp_path / "site") as staging:
        seen.append(staging)
        (staging / "index.html").write_bytes(b"half")
        raise RuntimeError("the build failed")
    assert not seen[0].exists()
    assert sorted(os.listdir(tmp_path)) == []


def test_a_staging_folder_is_kept_for_the_swap_and_carries_the_marker(tmp_path: Path) -> None:
    with staging_folder(tmp_path / "site") as staging:
        pass
    assert staging.parent == tmp_path and staging.name.startswith(".site.new-")
    assert (staging / MARKER).read_bytes() == MARKER_TEXT


@pytest.mark.parametrize("path", ["../x.html", "a/../../x.html", "..", "/etc/x", "a\\b.html", ".", "a/.."])
def test_write_file_refuses_paths_outside_the_folder(tmp_path: Path, path: str) -> None:
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(UnsafePath):
        write_file(staging, path, b"x")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["staging"]


def test_write_file_makes_folders_copies_and_links(tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    staging.mkdir()
    source = tmp_path / "source.css"
    source.write_bytes(b"body{}")
    made: set[str] = set()
    write_file(staging, "a/b/index.html", b"<p>", made=made)
    write_file(staging, "a/./c.css", copy_from=str(source), made=made)
    write_file(staging, "d.css", link_from=source)
    assert (staging / "a/b/index.html").read_bytes() == b"<p>"
    assert (staging / "a/c.css").read_bytes() == b"body{}"
    assert (staging / "d.css").read_bytes() == b"body{}"
    assert made == {"a/b", "a"}


def test_swap_puts_the_new_site_in_place_and_removes_the_old(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.html").write_bytes(b"old")
    with staging_folder(out) as staging:
        (staging / "new.html").write_bytes(b"new")
        swap(staging, out)
    assert sorted(os.listdir(out)) == [MARKER, "new.html"]
    assert sorted(os.listdir(tmp_path)) == ["site"]  # neither the staging folder nor the old site is left


def test_swap_into_a_missing_folder_renames_the_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / "deeper" / "site"
    with staging_folder(out) as staging:
        (staging / "index.html").write_bytes(b"x")
        swap(staging, out)
    assert (out / "index.html").read_bytes() == b"x"
    assert sorted(os.listdir(out.parent)) == ["site"]


def test_swap_replaces_a_link_and_keeps_what_it_pointed_at(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "kept.html").write_bytes(b"kept")
    out = tmp_path / "site"
    out.symlink_to(real)
    with staging_folder(out) as staging:
        swap(staging, out)
    assert not out.is_symlink() and (out / MARKER).is_file()
    assert (real / "kept.html").read_bytes() == b"kept"
