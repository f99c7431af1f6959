"""The golden site: a small project built and compared file by file with tests/site/golden/expected."""

from __future__ import annotations

import shutil
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
EPOCH = "1583020800"  # 2020-03-01T00:00:00Z


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith(("assets/", "pagefind/"))
    }


def test_golden_site(kb, tmp_path: Path, update_golden: bool) -> None:
    out = tmp_path / "site"
    result = kb(["build", "--content", "project", "--out", str(out), "--no-cache"], cwd=GOLDEN, env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    expected_root = GOLDEN / "expected"
    if update_golden:
        shutil.rmtree(expected_root, ignore_errors=True)
        shutil.copytree(out, expected_root, ignore=shutil.ignore_patterns("assets", "pagefind"))
    built, expected = _files(out), _files(expected_root)
    assert sorted(built) == sorted(expected), "the set of published files changed"
    for path in expected:
        assert built[path] == expected[path], f"{path} differs from tests/site/golden/expected/{path}"


def test_golden_build_is_reproducible(kb, tmp_path: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = kb(["build", "--content", "project", "--out", str(out), "--no-cache"], cwd=GOLDEN, env={"SOURCE_DATE_EPOCH": EPOCH})
        assert result.exit_code == 0, result.stderr
        outputs.append({p: d for p, d in _files(out).items()})
    assert outputs[0] == outputs[1]
