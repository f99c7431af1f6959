"""Two builds of the same input are byte-identical, the search index included."""

from __future__ import annotations

from pathlib import Path

from kbtest import REPO, run_kb_process, snapshot



def test_two_builds_of_the_example_are_byte_identical(tmp_path: Path) -> None:
    built = []
    for name in ("first", "second"):
        out = tmp_path / name
        done = run_kb_process(["build", "--content", str(REPO / "content"), "--out", str(out),
                               "--cache", str(tmp_path / "cache")], cwd=tmp_path,
                              env={"SOURCE_DATE_EPOCH": "1764115200"})
        assert done.returncode == 0, done.stderr
        built.append(snapshot(out))
    first, second = built
    assert any(p.startswith("pagefind/filter/") for p in first), "the index has filter files"
    assert sorted(first) == sorted(second), "the two builds published different files"
    differ = [p for p in first if first[p] != second[p]]
    assert differ == []
