#!/usr/bin/env python3
"""Measure search relevance of `kb build`'s Pagefind index (a script, not a test).

Two sites are built with the real CLI (`python -m kb build`), served on
127.0.0.1 and searched through Pagefind's JavaScript API in headless Chromium:

1. a real help-centre corpus nobody here wrote (default:
   ../shared/corpora/ms-office-support next to the repository): 50 article
   titles, picked deterministically (every k-th of the sorted front-matter
   titles that name exactly one built article), are used as queries, and the
   article with that title must come back;
2. the example content (content/) with the cases of tests/search_cases.yaml.

For each, it prints the index size and time (from kb's summary line), the
top-1 and top-3 hit rates, and the misses.

    python tests/bench/search_quality.py [--corpus PATH] [--ranking JSON] [--queries N]

`--ranking '{"termFrequency": 0.5}'` passes ranking options to
pagefind.options() before searching, to compare settings. When the corpus
folder is absent, that part is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))  # for tests/support
from support import chromium  # noqa: E402
from support.kbsite import load_site  # noqa: E402
from support.pages import built_pages  # noqa: E402
from support.server import serve  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "ms-office-support"
EXAMPLE_CONTENT = REPO / "content"
CASES_FILE = REPO / "tests" / "search_cases.yaml"
TOP = 3
# kb's summary line has said either "search index of 51 pages (746 KB) in 0.31 s"
# or "(search index: 51 pages, 746 KB, 0.28 s)"; both are read.
SUMMARY = (
    re.compile(r"search index of ([\d,]+) pages? \(([^)]*)\) in ([\d.]+) s"),
    re.compile(r"search index: ([\d,]+) pages?(?: in \d+ shards \(\d+ unchanged\))?, ([\d.,]+ [KMG]?B), ([\d.]+) s"),
)

SEARCH_JS = """async ({queries, top, ranking}) => {
  const root = document.body.dataset.kbRoot || "/";
  const pagefind = await import(root + "pagefind/pagefind.js");
  if (ranking) await pagefind.options({ranking});
  // a large site's index comes in shards, merged as the theme's search.js merges them
  const shards = await fetch(root + "pagefind/kb-shards.json").then((r) => (r.ok ? r.json() : [])).catch(() => []);
  for (const shard of shards) await pagefind.mergeIndex(root + "pagefind/" + shard, { baseUrl: root, ...(ranking ? { ranking } : {}) });
  await pagefind.init();
  const out = [];
  for (const query of queries) {
    const search = await pagefind.search(query);
    const data = await Promise.all(search.results.slice(0, top).map((r) => r.data()));
    out.push({query, total: search.results.length, urls: data.map((d) => d.url)});
  }
  return out;
}"""


# ------------------------------------------------------------------ building


def build(content: Path, out: Path) -> dict:
    """Build `content` into `out` with the real CLI; return the search figures of kb's summary line."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kb", "build", "--quiet", "--no-cache", "--content", str(content), "--out", str(out)],
        check=False, cwd=out.parent, capture_output=True, text=True, timeout=1800,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"kb build of {content} failed ({done.returncode}):\n{done.stderr[-3000:] or done.stdout[-3000:]}")
    summary = next((line for line in done.stdout.splitlines() + done.stderr.splitlines() if line.startswith("kb: built")), "")
    found = next((m for m in (p.search(summary) for p in SUMMARY) if m), None)
    if not found:
        print(f"  (could not read the search index figures from kb's summary line: {summary!r})")
    index_bytes = sum(p.stat().st_size for p in (out / "pagefind").rglob("*") if p.is_file())
    return {
        "bytes": index_bytes,
        "summary": summary,
        "pages": int(found.group(1).replace(",", "")) if found else None,
        "size": found.group(2) if found else "?",
        "seconds": float(found.group(3)) if found else None,
        "build_seconds": elapsed,
    }


def article_titles(site: Path) -> dict[str, list[str]]:
    """Title -> URL paths of the built article pages with that title."""
    found: dict[str, list[str]] = {}
    for page in built_pages(site):
        if page.kind == "article":
            found.setdefault(norm(page.title), []).append(plain(page.url))
    return found


def front_matter_titles(content: Path) -> list[str]:
    """The titles kb read from the articles' front matter (not from a heading or a file name)."""
    return [norm(a.title) for a in load_site(content).articles if "title" in a.lines and a.title.strip()]


def pick_title_cases(content: Path, site: Path, count: int) -> tuple[list[dict], int]:
    """`count` (title, URL) cases: every k-th of the sorted titles that name exactly one built article."""
    built = article_titles(site)
    unique = sorted({t for t in front_matter_titles(content) if len(built.get(t, [])) == 1})
    if not unique:
        return [], 0
    step = max(1, len(unique) // count)
    picked = unique[::step][:count]
    return [{"query": t, "expect": built[t][0], "note": "article title"} for t in picked], len(unique)


# ----------------------------------------------------------------- searching


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def plain(url: str) -> str:
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return unicodedata.normalize("NFC", path)


def run_queries(site: Path, queries: list[str], ranking: dict | None) -> list[dict]:
    """Serve `site` on 127.0.0.1 and run the queries through Pagefind in headless Chromium."""
    with serve(site) as origin, chromium.browser() as browser:
        page = browser.new_page()
        page.set_default_timeout(60_000)
        # The theme's search UI must not change Pagefind's options behind our back.
        page.route(re.compile(r".*/assets/search\.js(\?.*)?$"), lambda route: route.abort())
        page.goto(origin + "/", wait_until="load")
        results = page.evaluate(SEARCH_JS, {"queries": queries, "top": TOP, "ranking": ranking})
    for result in results:
        result["urls"] = [plain(u) for u in result["urls"]]
    return results


def score(name: str, cases: list[dict], results: list[dict]) -> dict:
    n = len(cases)
    top1 = sum(1 for c, r in zip(cases, results) if r["urls"][:1] == [plain(c["expect"])])
    top3 = sum(1 for c, r in zip(cases, results) if plain(c["expect"]) in r["urls"])
    print(f"  top-1 hit rate: {top1}/{n} = {top1 / n:.1%}")
    print(f"  top-{TOP} hit rate: {top3}/{n} = {top3 / n:.1%}")
    misses = [(c, r) for c, r in zip(cases, results) if plain(c["expect"]) not in r["urls"]]
    if misses:
        print(f"  misses (not in the top {TOP}):")
        for case, result in misses:
            print(f"    {case['query']!r}  ({result['total']} results)")
            print(f"        expected {plain(case['expect'])}")
            for i, url in enumerate(result["urls"], 1):
                print(f"        {i}. {url}")
    second = [c["query"] for c, r in zip(cases, results) if plain(c["expect"]) in r["urls"][1:]]
    if second:
        print(f"  in the top {TOP} but not first ({len(second)}): " + "; ".join(repr(q) for q in second))
    return {"name": name, "n": n, "top1": top1, "top3": top3}


def print_index(figures: dict) -> None:
    seconds = f"{figures['seconds']:.2f} s" if figures["seconds"] is not None else "?"
    print(f"  search index: {figures['pages']} pages, {figures['size']} ({figures['bytes'] / 1024:,.0f} KiB on disk),"
          f" indexed in {seconds}; whole kb build {figures['build_seconds']:.1f} s")
    print(f"  kb said: {figures['summary']}")


# ---------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"real content folder (default: {DEFAULT_CORPUS})")
    parser.add_argument("--queries", type=int, default=50, help="how many corpus titles to search for (default: 50)")
    parser.add_argument("--ranking", type=json.loads, default=None, help="JSON object passed as pagefind.options({ranking})")
    parser.add_argument("--no-example", action="store_true", help="skip the example content")
    args = parser.parse_args(argv)

    missing = chromium.missing()
    if missing:
        print(f"skipped: missing {'; '.join(missing)}")
        return 0

    if args.ranking:
        print(f"ranking options: {json.dumps(args.ranking)}")
    totals = []
    with tempfile.TemporaryDirectory(prefix="kb-search-quality-") as tmp:
        corpus = args.corpus.resolve()
        print(f"\n== corpus: {corpus}")
        if not corpus.is_dir():
            print(f"  skipped: the corpus folder {corpus} is absent")
        else:
            site = Path(tmp) / "corpus" / "site"
            site.parent.mkdir()
            figures = build(corpus, site)
            print_index(figures)
            cases, candidates = pick_title_cases(corpus, site, args.queries)
            if not cases:
                print("  skipped: no front-matter title names exactly one built article")
            else:
                print(f"  queries: {len(cases)} titles, every {max(1, candidates // args.queries)}th of {candidates} unique article titles")
                results = run_queries(site, [c["query"] for c in cases], args.ranking)
                totals.append(score("corpus titles", cases, results))

        if not args.no_example:
            print(f"\n== example content: {EXAMPLE_CONTENT} with {CASES_FILE.relative_to(REPO)}")
            site = Path(tmp) / "example" / "site"
            site.parent.mkdir()
            figures = build(EXAMPLE_CONTENT, site)
            print_index(figures)
            cases = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
            results = run_queries(site, [c["query"] for c in cases], args.ranking)
            totals.append(score("example cases", cases, results))

    if totals:
        print("\n== summary")
        for t in totals:
            print(f"  {t['name']:<15} top-1 {t['top1']}/{t['n']} = {t['top1'] / t['n']:.1%}   top-{TOP} {t['top3']}/{t['n']} = {t['top3'] / t['n']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
