"""KB_PLAIN=1 builds with the plain runner (one process, no cache, none of the quicker parts of
Python-Markdown, Pygments and Jinja): the site must be the same byte for byte as the quick
runner's, cold and warm, on the example and on a site large enough for every process pool."""

from __future__ import annotations

from pathlib import Path

from kbtest import REPO, run_kb_process, snapshot
from kb.speed.runner import POOL_MIN
from support.corpus import generate

EPOCH = {"SOURCE_DATE_EPOCH": "1764115200"}


def _build(content: Path, out: Path, plain: bool, *more: str) -> dict[str, bytes]:
    env = {**EPOCH, "KB_PLAIN": "1" if plain else "0"}
    done = run_kb_process(["build", "--content", str(content), "--out", str(out), *more], cwd=out.parent, env=env)
    assert done.returncode == 0, done.stderr
    return snapshot(out)


def test_the_example_builds_the_same_with_and_without_the_speed_machinery(tmp_path: Path) -> None:
    plain = _build(REPO / "content", tmp_path / "plain", True, "--no-cache")
    assert not (tmp_path / ".kb-cache").exists()
    cache = ["--cache", str(tmp_path / "cache"), "--jobs", "2"]
    cold = _build(REPO / "content", tmp_path / "cold", False, *cache)
    warm = _build(REPO / "content", tmp_path / "warm", False, *cache)
    assert len(plain) > 200 and any(path.startswith("pagefind/") for path in plain)
    assert cold == plain
    assert warm == plain


def test_a_site_built_in_process_pools_is_the_same_as_the_plain_build(tmp_path: Path) -> None:
    generate(tmp_path / "content", max(POOL_MIN.values()) + 50)
    plain = _build(tmp_path / "content", tmp_path / "plain", True, "--no-search", "--no-cache")
    quick = _build(tmp_path / "content", tmp_path / "quick", False, "--no-search", "--no-cache", "--jobs", "2")
    assert len(plain) > max(POOL_MIN.values())
    assert quick == plain
