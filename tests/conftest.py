"""Shared fixtures: the repository's paths, and running kb the way a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "ms-office-support"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true",
        help="rewrite tests/golden/expected and each tests/cases/*/expected.txt from the current output",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run should rewrite expected outputs instead of comparing."""
    return bool(request.config.getoption("--update-golden"))


@dataclass
class Result:
    """What a kb run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def kb(monkeypatch: pytest.MonkeyPatch):
    """Run the kb CLI in-process from a given folder: kb(["build", ...], cwd=path)."""

    def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Result:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False, prog_name="kb")
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


def run_kb_process(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m kb` in a subprocess, as a user's shell would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kb", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True, timeout=600,
    )


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create files under `root` from {relative path: content}."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root
