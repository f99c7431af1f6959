"""One folder per broken site: the exact lines kb prints, and the old output left untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kbtest import snapshot

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir())
BROKEN_LINK = re.compile(r": warning: (link to missing |link to draft |missing image )")
OLD_SITE = {".kb-site": "kb\n", "index.html": "<p>the site published before</p>\n"}



@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, kb, tmp_path: Path, update_golden: bool) -> None:
    out = tmp_path / "site"
    out.mkdir()
    for name, text in OLD_SITE.items():
        (out / name).write_text(text)
    before = snapshot(out)
    args_file = case / "args.txt"
    extra = args_file.read_text().split() if args_file.exists() else []
    if "--out" not in extra:
        extra += ["--out", str(out)]
    if "--cache" not in extra and "--no-cache" not in extra:
        extra += ["--cache", str(tmp_path / "cache")]  # not beside the case's content folder, in the repository
    result = kb(["build", "--content", "content", *extra], cwd=case)
    printed = result.stderr.replace(str(out), "<out>")
    expected_file = case / "expected.txt"
    exit_file = case / "exit.txt"
    if update_golden:
        expected_file.write_text(printed)
        exit_file.write_text(f"{result.exit_code}\n")
    assert printed == expected_file.read_text()
    assert result.exit_code == int(exit_file.read_text())
    if result.exit_code != 0:
        assert snapshot(out) == before, "a failed build changed the previous output"
    else:
        assert (out / "index.html").read_text() != OLD_SITE["index.html"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_reports_what_build_reports(case: Path, kb) -> None:
    """`kb check` finds the same problems as `kb build` in every broken site, and writes nothing."""
    args = (case / "args.txt").read_text().split() if (case / "args.txt").exists() else []
    if "--out" in args:
        pytest.skip("this case is about the output folder, which kb check does not write")
    before = sorted(p.relative_to(case).as_posix() for p in case.rglob("*"))
    result = kb(["check", "--content", "content", *args], cwd=case)
    expected = (case / "expected.txt").read_text().splitlines()
    problems = [_as_check(line) for line in expected if not line.startswith(("kb: ", "warning: ")) and ":" in line]
    printed = [line for line in result.stderr.splitlines() if not line.startswith(("kb: ", "warning: "))]
    assert sorted(printed) == sorted(problems)
    built = int((case / "exit.txt").read_text())
    assert result.exit_code == (built or int(any(": warning: " not in line for line in problems)))
    assert sorted(p.relative_to(case).as_posix() for p in case.rglob("*")) == before


def _as_check(line: str) -> str:
    """A line of `kb build` as `kb check` prints it: a broken link is an error there."""
    return line.replace(": warning: ", ": ", 1) if BROKEN_LINK.search(line) else line
