"""Shared fixtures: running kb the way a user does, and the --update-golden switch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli.commands import cli
from kbtest import ISOLATED


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true",
        help="rewrite tests/site/golden/expected and each tests/site/cases/*/expected.txt from the current output",
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
        result = CliRunner().invoke(cli, args, env={**ISOLATED, **(env or {})}, catch_exceptions=False, prog_name="kb")
        return Result(result.exit_code, result.stdout, result.stderr)

    return run
