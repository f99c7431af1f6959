"""The example GitHub Actions workflow: its structure, and its kb commands run on the example content."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from kbtest import REPO, run_kb_process

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


def test_main_is_built_and_deployed_to_pages(workflow: dict) -> None:
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert _steps(build, "actions/checkout@")[0]["with"]["fetch-depth"] == 0
    assert _steps(build, "actions/setup-python@")[0]["with"]["cache"] == "pip"
    assert any(r.startswith("kb build") for r in _runs(build))
    assert _steps(build, "actions/upload-pages-artifact@")[0]["with"]["path"] == "site/"
    assert deploy["needs"] == "build"
    assert _steps(deploy, "actions/deploy-pages@")


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
    assert len(commands) >= 3
    for command in commands:
        done = run_kb_process(shlex.split(command)[1:], cwd=tmp_path)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    assert (tmp_path / "site" / "index.html").is_file()


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
