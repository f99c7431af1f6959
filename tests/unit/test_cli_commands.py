"""kb.cli.commands: exit codes, the summary line, --quiet/--strict/--drafts/--base-url, build.py and python -m kb."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from kbtest import REPO, run_kb_process, write_tree
from kb import __version__
from kb.cli.commands import main

EPOCH = "1583020800"
SUMMARY = re.compile(
    r"^kb: built (?P<articles>[\d,]+) articles?, (?P<pages>[\d,]+) pages? into '(?P<out>.*)' "
    r"in (?P<seconds>\d+\.\d\d) s"
    r"(?: \(search index: (?P<indexed>[\d,]+) pages?, [\d,]+ KB, \d+\.\d\d s\))?; (?P<warnings>[\d,]+) warnings?$"
)
PROJECT = {
    "content/site.yaml": "title: Acme\n",
    "content/billing/pay.md": "---\ntitle: Pay\nauthor: sam\n---\nSee [refunds](refunds.md).\n",
    "content/billing/refunds.md": "---\ntitle: Refunds\ntags: [money]\n---\nBody.\n",
    "content/billing/wip.md": "---\ntitle: Work in progress\ndraft: true\n---\nSoon.\n",
}
WARNING = "content/billing/pay.md:3:1: warning: unknown field 'author'"


def _project(tmp_path: Path, files: dict[str, str] = PROJECT) -> Path:
    return write_tree(tmp_path / "project", files)


def _snapshot(folder: Path) -> dict[str, bytes]:
    """The published files, without the search index (its file names carry hashes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")
    }


def test_build_succeeds_with_summary_and_warnings(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = kb(["build", "--content", "content", "--out", "site"], cwd=project, env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == 0
    assert result.stderr == WARNING + "\n"
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    match = SUMMARY.match(lines[0])
    assert match is not None, lines[0]
    assert match.group("articles", "pages", "out", "warnings") == ("2", "9", "site", "1")
    assert lines[0].startswith("kb: built 2 articles, 9 pages into 'site' in ")
    assert lines[0].endswith(" s); 1 warning")
    assert (project / "site" / "billing" / "pay" / "index.html").is_file()


def test_summary_singular_and_no_warnings(kb, tmp_path: Path) -> None:
    project = _project(tmp_path, {"content/billing/pay.md": "# Pay\n"})
    result = kb(["build", "--content", "content/", "--out", "out"], cwd=project)
    assert result.exit_code == 0
    assert result.stderr == ""
    match = SUMMARY.match(result.stdout.rstrip("\n"))
    assert match is not None, result.stdout
    assert result.stdout.startswith("kb: built 1 article, 6 pages into 'out' in ")
    assert result.stdout.endswith(" s); 0 warnings\n")


def test_quiet_prints_no_warnings_but_keeps_the_summary(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = kb(["build", "--content", "content", "--out", "site", "--quiet"], cwd=project)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert SUMMARY.match(result.stdout.rstrip("\n"))
    assert result.stdout.rstrip("\n").endswith("; 1 warning")
    result = kb(["build", "--content", "content", "--out", "site", "-q"], cwd=project)
    assert result.exit_code == 0 and result.stderr == ""


def test_strict_turns_a_warning_into_an_error(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    write_tree(project, {"site/.kb-site": "kb\n", "site/index.html": "before"})
    result = kb(["build", "--content", "content", "--out", "site", "--strict"], cwd=project)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "content/billing/pay.md:3:1: unknown field 'author'\n"
        "kb: build failed: 1 error, 0 warnings; 'site' was left as it was\n"
    )
    assert _snapshot(project / "site") == {".kb-site": b"kb\n", "index.html": b"before"}


def test_errors_exit_1_and_print_warnings_first(kb, tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["content/billing/broken.md"] = "---\ntitle: Broken\ndate: someday\n---\n"
    files["content/billing/empty.md"] = ""
    project = _project(tmp_path, files)
    result = kb(["build", "--content", "content", "--out", "site"], cwd=project)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        WARNING,
        "content/billing/broken.md:3:7: 'date' is not a date: 'someday' (use YYYY-MM-DD)",
        "content/billing/empty.md:1:1: file is empty",
        "kb: build failed: 2 errors, 1 warning; 'site' was left as it was",
    ]
    assert not (project / "site").exists()


def test_quiet_failure_prints_only_errors(kb, tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["content/billing/empty.md"] = ""
    project = _project(tmp_path, files)
    result = kb(["build", "--content", "content", "--out", "site", "-q"], cwd=project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/billing/empty.md:1:1: file is empty",
        "kb: build failed: 1 error, 1 warning; 'site' was left as it was",
    ]


def test_repeated_warnings_are_summarised(kb, tmp_path: Path) -> None:
    files = {f"content/billing/a{i}.md": f"---\ntitle: A{i}\nauthor: x\n---\n" for i in range(5)}
    project = _project(tmp_path, files)
    result = kb(["build", "--content", "content", "--out", "site"], cwd=project)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "content/billing/a0.md:3:1: warning: unknown field 'author'",
        "content/billing/a1.md:3:1: warning: unknown field 'author'",
        "content/billing/a2.md:3:1: warning: unknown field 'author'",
        "warning: 2 more like this (unknown field: 5 in all)",
    ]
    assert result.stdout.rstrip("\n").endswith("; 5 warnings")


def test_bad_option_exits_2(kb, tmp_path: Path) -> None:
    result = kb(["build", "--no-such-option"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "No such option: --no-such-option" in result.stderr or "No such option '--no-such-option'" in result.stderr
    assert result.stderr.startswith("Usage: kb build [OPTIONS]\n")


def test_unsafe_output_exits_2(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = kb(["build", "--content", "content", "--out", "content"], cwd=project)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: output folder 'content' would replace the content folder; choose another --out\n"
    )


def test_missing_content_folder_exits_2(kb, tmp_path: Path) -> None:
    result = kb(["build", "--content", "nowhere", "--out", "site"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: content folder 'nowhere' does not exist\n")


def test_drafts_includes_a_draft(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = kb(["build", "--content", "content", "--out", "site"], cwd=project)
    assert not (project / "site" / "billing" / "wip").exists()
    result = kb(["build", "--content", "content", "--out", "site", "--drafts"], cwd=project)
    assert result.exit_code == 0
    assert result.stdout.startswith("kb: built 3 articles, 10 pages into 'site' in ")
    assert "Work in progress" in (project / "site" / "billing" / "wip" / "index.html").read_text()


def test_base_url_option(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = kb(["build", "--content", "content", "--out", "site", "--base-url", "https://x.org/help/"], cwd=project)
    assert result.exit_code == 0
    html = (project / "site" / "billing" / "pay" / "index.html").read_text()
    assert '<a href="/help/billing/refunds/">refunds</a>' in html
    assert '<link rel="canonical" href="https://x.org/help/billing/pay/">' in html
    assert (project / "site" / "sitemap.xml").is_file()


def test_help_and_version(kb, tmp_path: Path) -> None:
    result = kb(["--version"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, f"kb, version {__version__}\n")
    result = kb(["build", "--help"], cwd=tmp_path)
    assert result.exit_code == 0
    for option in ("--content DIR", "--out DIR", "--base-url URL", "--drafts", "--strict", "-q, --quiet"):
        assert option in result.stdout


def test_python_m_kb_version(tmp_path: Path) -> None:
    completed = run_kb_process(["--version"], cwd=tmp_path)
    assert completed.returncode == 0
    assert completed.stdout == f"kb, version {__version__}\n"


def test_build_py_does_the_same_as_kb_build(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    completed = subprocess.run(
        [sys.executable, "build.py", "--content", str(project / "content"), "--out", str(tmp_path / "by-script")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == f"{project / 'content'}/billing/pay.md:3:1: warning: unknown field 'author'\n"
    assert completed.stdout.startswith(f"kb: built 2 articles, 9 pages into '{tmp_path / 'by-script'}' in ")
    result = kb(["build", "--content", "content", "--out", str(tmp_path / "by-kb")], cwd=project,
                env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == 0
    by_script, by_kb = _snapshot(tmp_path / "by-script"), _snapshot(tmp_path / "by-kb")
    assert sorted(by_script) == sorted(by_kb)
    assert by_script == by_kb


def test_main_returns_the_exit_code(tmp_path: Path, monkeypatch, capsys) -> None:
    project = _project(tmp_path, {"content/billing/pay.md": "# Pay\n", "content/billing/empty.md": ""})
    monkeypatch.chdir(project)
    assert main(["build", "--content", "content", "--out", "site"]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "content/billing/empty.md:1:1: file is empty",
        "kb: build failed: 1 error, 0 warnings; 'site' was left as it was",
    ]
    (project / "content/billing/empty.md").unlink()
    assert main(["build", "--content", "content", "--out", "site"]) == 0
    assert SUMMARY.match(capsys.readouterr().out.rstrip("\n"))
    assert main(["build", "--bogus"]) == 2
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"kb, version {__version__}\n"
