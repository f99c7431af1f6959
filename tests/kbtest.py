"""Plain helpers for the tests: the repository's paths, scratch projects, kb in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "ms-office-support"


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
