"""Real content nobody here wrote: the ms-office-support corpus builds, one page per article."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbtest import CORPUS, run_kb_process


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
def test_ms_office_support_builds(tmp_path: Path) -> None:
    result = run_kb_process(["build", "--content", str(CORPUS), "--out", str(tmp_path / "ms"), "--cache", str(tmp_path / "cache")], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    articles = sorted(CORPUS.rglob("*.md"))
    summary = re.search(r"built ([\d,]+) articles", result.stdout)
    assert summary and int(summary.group(1).replace(",", "")) == len(articles)
    pages = [p for p in (tmp_path / "ms").rglob("index.html")]
    assert len(pages) >= len(articles)
    assert "Traceback" not in result.stderr
    # repeated warnings are summarised: no kind is printed more than a few times
    assert len(result.stderr.splitlines()) < 60
