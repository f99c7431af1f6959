"""The example GitHub Actions workflow: its structure, and its kb commands run on the example content."""

from __future__ import annotations

import gzip
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from kbtest import ISOLATED, REPO, run_kb_process

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _steps(job: dict, uses: str) -> list[dict]:
    return [s for s in job["steps"] if str(s.get("uses", "")).startswith(uses)]


def _runs(job: dict) -> list[str]:
    return [line.strip() for s in job["steps"] for line in str(s.get("run", "")).splitlines() if line.strip()]


def test_triggers(workflow: dict) -> None:
    on = workflow["on"]
    assert "pull_request" in on
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on


def test_permissions_are_least_privilege(workflow: dict) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


def test_pull_requests_are_checked_and_previewed(workflow: dict) -> None:
    job = workflow["jobs"]["check"]
    assert "pull_request" in job["if"]
    assert _steps(job, "actions/checkout@")[0]["with"]["fetch-depth"] == 0
    assert _steps(job, "actions/setup-python@")[0]["with"]["cache"] == "pip"
    runs = _runs(job)
    assert any(r.startswith("kb check") and "--format github" in r for r in runs)
    assert any(r.startswith("kb build") for r in runs)
    assert _steps(job, "actions/upload-artifact@")[0]["with"]["path"] == "site/"


def test_pull_requests_check_the_internal_audience_too(workflow: dict) -> None:
    """A pull request that breaks an internal article or block fails its check, and its preview is the public site only."""
    job = workflow["jobs"]["check"]
    assert any(r.startswith("kb check") and "--audience internal" in r for r in _runs(job))
    assert [s["with"]["path"] for s in _steps(job, "actions/upload-artifact@")] == ["site/"]
    assert not any("--audience internal" in r for r in _runs(job) if r.startswith("kb build"))


def test_main_is_built_and_deployed_to_pages(workflow: dict) -> None:
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert _steps(build, "actions/checkout@")[0]["with"]["fetch-depth"] == 0
    assert _steps(build, "actions/setup-python@")[0]["with"]["cache"] == "pip"
    assert any(r.startswith("kb build") for r in _runs(build))
    assert _steps(build, "actions/upload-pages-artifact@")[0]["with"]["path"] == "site/"
    assert deploy["needs"] == "build"
    assert _steps(deploy, "actions/deploy-pages@")


def test_main_builds_the_internal_site_as_an_artifact_never_on_pages(workflow: dict) -> None:
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = _runs(build)
    assert "kb build --audience internal --out site-internal" in runs
    assert runs.index("kb build --audience internal --out site-internal") > runs.index(
        next(r for r in runs if r.startswith("kb build") and "--audience" not in r))
    internal = [s["with"] for s in _steps(build, "actions/upload-artifact@")]
    assert internal == [{"name": "support-centre-internal", "path": "site-internal/", "retention-days": internal[0]["retention-days"]}]
    assert 1 <= internal[0]["retention-days"] <= 7  # a short-lived copy, not an archive
    # Pages gets the public folder only; the deploy job deploys what the build uploaded for Pages and nothing else
    assert [s["with"]["path"] for s in _steps(build, "actions/upload-pages-artifact@")] == ["site/"]
    assert [s.get("uses", "") for s in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert "site-internal" not in yaml.safe_dump(deploy)


@pytest.mark.parametrize("name", ["check", "build"])
def test_builds_restore_kb_cache_from_the_latest_run(workflow: dict, name: str) -> None:
    job = workflow["jobs"][name]
    cache = _steps(job, "actions/cache@")[0]["with"]
    assert cache["path"] == ".kb-cache"
    assert "github.sha" in cache["key"] and cache["key"].startswith(_restore_keys(cache)[0])
    steps = [step.get("uses", "") or step.get("run", "") for step in job["steps"]]
    first_build = next(i for i, s in enumerate(steps) if s.startswith(("kb check", "kb build")))
    assert steps.index(next(s for s in steps if s.startswith("actions/cache@"))) < first_build


def test_the_kb_commands_of_the_workflow_work_on_the_example(workflow: dict, tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "published.json").write_text('{"urls": []}')
    commands = [r for job in workflow["jobs"].values() for r in _runs(job) if r.startswith("kb ")]
    assert len(commands) >= 5
    for command in commands:
        done = run_kb_process(shlex.split(command)[1:], cwd=tmp_path)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    assert (tmp_path / "site" / "index.html").is_file()
    # the example's agent playbook is in the internal site and nowhere in the public one
    internal_page = tmp_path / "site-internal" / "agent-playbook" / "escalation-matrix" / "index.html"
    assert "KBINTERNALCANARY7" in internal_page.read_text(encoding="utf-8")
    assert not (tmp_path / "site" / "agent-playbook").exists()
    for path in (tmp_path / "site").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data  # Pagefind's index files
            assert b"KBINTERNALCANARY7" not in data and b"KBINTERNALBLOCK3" not in data, path


def _restore_keys(cache: dict) -> list[str]:
    return [line.strip() for line in cache["restore-keys"].splitlines() if line.strip()]


def test_a_pull_request_never_saves_a_cache_that_main_restores(workflow: dict) -> None:
    """The cache folder is trusted like code (kb unpickles it): main restores only keys that main saved."""
    pr = _steps(workflow["jobs"]["check"], "actions/cache@")[0]["with"]
    main = _steps(workflow["jobs"]["build"], "actions/cache@")[0]["with"]
    assert pr["key"] == "kb-pr-${{ github.event.pull_request.number }}-${{ runner.os }}-${{ github.sha }}"
    assert _restore_keys(pr) == ["kb-pr-${{ github.event.pull_request.number }}-${{ runner.os }}-",
                                 "kb-main-${{ runner.os }}-"]  # its own earlier runs, then main's
    assert main["key"] == "kb-main-${{ runner.os }}-${{ github.sha }}"
    assert _restore_keys(main) == ["kb-main-${{ runner.os }}-"]
    # whatever the expressions give, no pull request's key starts with a prefix main restores
    for number in ("1", "42", "main"):
        saved = pr["key"].replace("${{ github.event.pull_request.number }}", number)
        assert not any(saved.startswith(prefix.split("${{")[0]) for prefix in _restore_keys(main))
    # and the job that saves kb-main- keys runs for main only, never for a pull request
    assert "refs/heads/main" in workflow["jobs"]["build"]["if"]
    assert [name for name, job in workflow["jobs"].items() if _steps(job, "actions/cache@")] == ["check", "build"]


def _run_step(step: dict, cwd: Path) -> subprocess.CompletedProcess:
    """A step's `run:` as the runner runs it (`bash -e`), with `kb` this repository's kb."""
    bin_dir = cwd / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "kb").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kb "$@"\n')
    (bin_dir / "kb").chmod(0o755)
    env = {**os.environ, **ISOLATED, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))}
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_check_step_fails_a_pull_request_with_a_broken_link(workflow: dict, tmp_path: Path) -> None:
    """The pull request's check step, run as written in the workflow, fails on a broken link and marks its line."""
    step = next(s for s in workflow["jobs"]["check"]["steps"] if str(s.get("run", "")).lstrip().startswith("kb check"))
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "published.json").write_text('{"urls": []}')
    passed = _run_step(step, tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    article = tmp_path / "content" / "Billing" / "can-i-pay-by-check.md"
    lines = article.read_text(encoding="utf-8").splitlines()
    article.write_text("\n".join([*lines, "", "See [the old page](no-such-article.md)."]) + "\n", encoding="utf-8")
    failed = _run_step(step, tmp_path)
    assert failed.returncode != 0
    assert (f"::error file=content/Billing/can-i-pay-by-check.md,line={len(lines) + 2},col=20,"
            "title=kb::link to missing article 'no-such-article.md'") in failed.stdout.splitlines()
