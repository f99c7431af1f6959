"""`pip install .` into a fresh venv ships the default theme, and `kb` runs from any folder."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
from pathlib import Path

from kbtest import ISOLATED, REPO


def test_installed_kb_builds_from_another_folder(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # kb's dependencies come from the running test environment, kb itself from the wheel
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    Path(purelib, "_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(REPO)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | ISOLATED
    result = subprocess.run(
        [str(env_dir / "bin" / "kb"), "build", "--content", str(REPO / "content"), "--out", "out"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kb: built ")
    assert result.stdout.rstrip().endswith("; 0 warnings"), result.stdout
    assert result.stderr == ""
    built = elsewhere / "out"
    assert (built / "index.html").is_file()
    assert (built / "assets" / "kb.css").is_file(), "the default theme's stylesheet was not installed"
    located = subprocess.run(
        [str(python), "-c", "import kb, sys; sys.stdout.write(kb.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert str(env_dir) in located, f"kb was imported from {located}, not from the fresh venv"
    assert sys.executable != str(python)
