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
        [str(env_dir / "bin" / "kb"), "build", "--content", str(REPO / "content"), "--out", "out", "--no-cache"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kb: built ")
    # the example's one warning is on purpose: a Spanish translation whose original changed since
    assert result.stdout.rstrip().endswith("; 1 warning"), result.stdout
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and "can-i-pay-by-check.es.md:9:1: warning: translation outdated" in warnings[0], result.stderr
    built = elsewhere / "out"
    assert (built / "index.html").is_file()
    assert (built / "assets" / "kb.css").is_file(), "the default theme's stylesheet was not installed"
    located = subprocess.run(
        [str(python), "-c", "import kb, sys; sys.stdout.write(kb.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert str(env_dir) in located, f"kb was imported from {located}, not from the fresh venv"
    assert sys.executable != str(python)


def _bash_blocks(text: str) -> list[str]:
    return [block.strip() for block in text.split("```bash\n")[1:] for block in [block.split("```")[0]]]


def test_ci_runs_the_readmes_test_command_as_written() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    build, test = _bash_blocks(setup)[:2]
    assert build.startswith("python3 -m venv .venv && . .venv/bin/activate && ")  # PEP 668 systems refuse a bare pip
    assert build.endswith("pip install . && kb build")
    assert test.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == test, "the last line of .ci/run is the README's test command"
