"""Last-updated dates from git history: one call for the whole tree, front matter first, shallow clones warned."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from kbtest import write_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(cwd: Path, *args: str, when: str = "2024-01-01T12:00:00Z") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CEILING_DIRECTORIES": ""}
    subprocess.run(["git", "-c", "user.name=Writer", "-c", "user.email=w@example.org", "-c", "init.defaultBranch=main",
                    *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "help"
    write_tree(root, {
        "content/billing/refund.md": "---\ntitle: Refunds\n---\nText.\n",
        "content/billing/pay me.md": "---\ntitle: Pay\nupdated: 2020-05-05\n---\nText.\n",
        "content/billing/card.md": "---\ntitle: Card\n---\nText.\n",
    })
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "first", when="2024-01-01T12:00:00Z")
    (root / "content/billing/card.md").write_text("---\ntitle: Card\n---\nNew text.\n")
    _git(root, "commit", "-q", "-am", "second", when="2024-03-09T08:00:00Z")
    (root / "content/billing/new.md").write_text("---\ntitle: New\n---\nNot committed yet.\n")
    return root


def _updated(site: Path, page: str) -> str | None:
    html = (site / page / "index.html").read_text()
    marker = 'Updated <time datetime="'
    return html.split(marker)[1][:10] if marker in html else None


def test_dates_come_from_the_latest_commit_of_each_file(kb, repo: Path) -> None:
    from kb.content.gitdates import git_dates

    dates = git_dates(repo / "content")
    assert {k: v.isoformat() for k, v in dates.dates.items()} == {
        "billing/refund.md": "2024-01-01", "billing/pay me.md": "2024-01-01", "billing/card.md": "2024-03-09"}
    assert dates.shallow is False
    result = kb(["build", "--out", "site", "--no-search"], cwd=repo, env={"GIT_CEILING_DIRECTORIES": ""})
    assert result.exit_code == 0 and result.stderr == ""
    site = repo / "site"
    assert _updated(site, "billing/refund") == "2024-01-01"
    assert _updated(site, "billing/card") == "2024-03-09"
    assert _updated(site, "billing/pay-me") == "2020-05-05"  # front matter wins
    assert _updated(site, "billing/new") is None  # not committed: no date


def test_one_git_log_for_the_whole_tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.content import gitdates

    calls: list[list[str]] = []
    real = subprocess.run

    def counting(command, *args, **kwargs):
        calls.append(list(command))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(gitdates.subprocess, "run", counting)
    gitdates.git_dates(repo / "content")
    assert [c[3] for c in calls if c[0] == "git"] == ["log", "rev-parse"]


def test_a_shallow_clone_is_warned_about(kb, repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    result = kb(["build", "--out", "site", "--no-search"], cwd=clone, env={"GIT_CEILING_DIRECTORIES": ""})
    assert result.exit_code == 0
    assert result.stderr == (
        "content:1:1: warning: the git clone is shallow, so last-updated dates from git may be wrong; "
        "clone with full history (actions/checkout: fetch-depth: 0)\n"
    )


def test_outside_git_there_are_no_dates_and_no_warning(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, {"content/a.md": "---\ntitle: A\n---\nText.\n"})
    result = kb(["build", "--out", "site", "--no-search"], cwd=tmp_path)
    assert result.exit_code == 0 and result.stderr == ""


def test_kb_serve_reads_the_history_again_only_after_a_commit(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from kb.content import gitdates
    from kb.build import BuildOptions
    from kb.load import load_site
    from kb.speed.runner import Speed

    logs: list[int] = []
    real = gitdates.git_dates
    monkeypatch.setattr("kb.content.gitdates.git_dates", lambda root: logs.append(1) or real(root))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", "")
    options = BuildOptions(content=repo / "content", out=repo / "site", search=False)
    run = Speed(serve=True)

    def updated() -> dt.date | None:
        site = load_site(options, run).site
        return next(a.updated for a in site.articles if a.source == "billing/refund.md")

    def body() -> str:
        site = load_site(options, run).site
        return next(a.body for a in site.articles if a.source == "billing/refund.md")

    assert updated() == dt.date(2024, 1, 1)
    (repo / "content/billing/refund.md").write_text("---\ntitle: Refunds\n---\nEdited, not committed.\n")
    assert updated() == dt.date(2024, 1, 1)
    assert body() == "Edited, not committed.\n"  # the dated article is the edited one, not the one dated before
    assert len(logs) == 1, "the history was read again without a new commit"
    _git(repo, "commit", "-q", "-am", "third", when="2024-06-01T10:00:00Z")
    assert updated() == dt.date(2024, 6, 1)
    assert len(logs) == 2
