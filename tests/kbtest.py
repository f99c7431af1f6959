"""Plain helpers for the tests: the repository's paths, scratch projects, kb in a subprocess;
`serve` is tests/support/server.py's static server, re-exported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.server import serve  # noqa: F401 - kbtest's API

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "ms-office-support"
# Test projects inside this repository must not take last-updated dates from its history:
# git stops looking for a repository before it reaches the repository's root.
ISOLATED = {"GIT_CEILING_DIRECTORIES": str(REPO)}


def run_kb_process(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m kb` in a subprocess, as a user's shell would."""
    full_env = {**os.environ, **ISOLATED, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kb", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True, timeout=600,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative posix path: what a test compares before and after."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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
