"""A large site's search index comes in shards; the search page finds articles of every shard."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from kb.search.index import SHARD_PAGES, shard_of
from kbtest import ISOLATED
from support.corpus import generate

_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


@pytest.mark.parametrize("prefix", ["/", "/help/"])
def test_a_sharded_index_finds_the_articles_of_every_shard(new_context, serve_folder, tmp_path: Path, prefix: str) -> None:
    generate(tmp_path / "content", 2 * SHARD_PAGES + 50)
    site = tmp_path / "root" / prefix.strip("/")
    built = subprocess.run(
        [sys.executable, "-m", "kb", "build", "--content", "content", "--out", str(site), "--no-cache",
         "--base-url", f"https://example.com{prefix}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, env={**os.environ, **ISOLATED},
    )
    assert built.returncode == 0, built.stderr
    assert "in 2 shards" in built.stdout, built.stdout
    assert json.loads((site / "pagefind/kb-shards.json").read_text()) == ["shard-1/"]
    articles = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                      if b"data-pagefind-body" in p.read_bytes())
    chosen = [path for shard in (0, 1) for path in [p for p in articles if shard_of(p, 2) == shard][:3]]
    origin = serve_folder(tmp_path / "root") + prefix.rstrip("/")
    page = new_context().new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urllib.parse.urlsplit(request.url).path))
    for path in chosen:
        title = _H1.search((site / path).read_text(encoding="utf-8")).group(1).strip()
        page.goto(f"{origin}/search/?q={urllib.parse.quote(title)}")
        first = page.locator("#search-results li a").first
        first.wait_for()
        assert first.get_attribute("href") == prefix + path.removesuffix("index.html"), (title, path)
    assert any(p.startswith(f"{prefix}pagefind/shard-1/") for p in fetched), "the second shard was never loaded"
