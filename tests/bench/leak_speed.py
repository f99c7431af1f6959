"""Speed of the leak check (kb.output.leaks) on a generated site-sized output.

    python tests/bench/leak_speed.py [--files 5000] [--kb 30] [--articles 200] [--words 800] [--vocabulary 20000]

Writes `--files` HTML pages of about `--kb` KB each (text drawn from `--vocabulary` made-up words
with Zipf's frequencies, as in a language; tags, entities, a JSON-LD block) into a temporary
folder, plus a gzipped Pagefind-like fragment per ten pages, collects the canaries of `--articles`
internal articles of `--words` words each and of 200 public texts (drawn from the same words), and
times find_leaks. A small vocabulary (`--vocabulary 60`) is the worst case: every word of a page
keys canaries.
Planted leaks in three files must be found; nothing else may be. Prints the seconds and MB/s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from kb.content.audience import Block, Withheld
from kb.model import Article
from kb.output.leaks import collect_canaries, find_leaks

WORDS: list[str] = []
WEIGHTS: list[float] = []


def _vocabulary(rng: random.Random, size: int) -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    WORDS[:] = sorted({"".join(rng.choices(letters, k=rng.randint(2, 11))) for _ in range(size)}, key=len)
    total = 0.0
    for rank in range(1, len(WORDS) + 1):
        total += 1 / rank
        WEIGHTS.append(total)


def _text(rng: random.Random, count: int) -> str:
    return " ".join(rng.choices(WORDS, cum_weights=WEIGHTS, k=count))


def _page(rng: random.Random, size: int) -> str:
    parts = ["<!doctype html><html><head><title>Page</title>",
             '<script type="application/ld+json">{"@type":"Article","headline":"Reset \\u0026 more"}</script></head><body>']
    while sum(map(len, parts)) < size:
        parts.append(f'<p class="x">{_text(rng, 20)} <a href="/billing/page-{rng.randrange(9999)}/">'
                     f'{_text(rng, 3)}</a> &amp; <strong>{_text(rng, 4)}</strong></p>\n')
    return "".join(parts) + "</body></html>"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--kb", type=int, default=30)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--words", type=int, default=800)
    parser.add_argument("--vocabulary", type=int, default=20000)
    parser.add_argument("--corpus", type=Path)
    args = parser.parse_args()
    if args.corpus:
        return _corpus(args.corpus, args.articles)
    rng = random.Random(18)
    _vocabulary(rng, args.vocabulary)
    articles = tuple(Article(source=f"Agent Playbook/a{i}.md", title=f"Internal guide number {i}", slug=f"a{i}",
                             url=f"/agent-playbook/a{i}/", category="Agent Playbook", section=None,
                             body=_text(rng, args.words), body_line=1, id=f"internal-{i}")
                     for i in range(args.articles))
    withheld = Withheld(articles=articles, blocks=(Block("Billing/x.md", 3, _text(rng, 30)),))
    public = [_text(rng, 500) for _ in range(200)]
    started = time.perf_counter()
    canaries = collect_canaries(withheld, public)
    collected = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        root, paths, total = Path(folder), [], 0
        for number in range(args.files):
            page = _page(rng, args.kb * 1024)
            if number in (7, 4000 % args.files):
                page = page.replace("</body>", f"<p>{articles[3].body[:400]}</p></body>")
            path = f"p{number // 100}/page-{number}/index.html"
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(page, encoding="utf-8")
            paths.append(path)
            total += len(page)
            if number % 10 == 0:
                body = json.dumps({"url": f"/p/{number}/", "content": _text(rng, 2000)})
                if number == 20:
                    body = json.dumps({"url": articles[5].url, "content": articles[5].body[:300]})
                data = gzip.compress(b"pagefind_dcd" + body.encode())
                (root / f"pagefind/fragment/en_{number}.pf_fragment").parent.mkdir(parents=True, exist_ok=True)
                (root / f"pagefind/fragment/en_{number}.pf_fragment").write_bytes(data)
                paths.append(f"pagefind/fragment/en_{number}.pf_fragment")
                total += len(body)
        started = time.perf_counter()
        cpu = time.process_time()
        found = find_leaks(root, paths, canaries)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
    files = {d.path for d in found}
    print(f"{len(canaries):,} canaries from {args.articles} articles in {collected:.2f} s; "
          f"{len(paths):,} files, {total / 1e6:.0f} MB scanned in {took:.2f} s ({cpu:.2f} s CPU, {total / 1e6 / cpu:.1f} MB/s); "
          f"{len(found):,} errors in {len(files)} files: {sorted(files)}")
    expected = {"site/p0/page-7/index.html", f"site/p{(4000 % args.files) // 100}/page-{4000 % args.files}/index.html",
                "site/pagefind/fragment/en_20.pf_fragment"}
    return 0 if files == expected else 1


def _corpus(folder: Path, count: int) -> int:
    import markdown

    files = sorted(folder.rglob("*.md"))
    texts = [path.read_text(encoding="utf-8", errors="replace").split("\n---", 1)[-1] for path in files]
    articles = tuple(Article(source=path.relative_to(folder).as_posix(), title=path.stem.replace("-", " "),
                             slug=path.stem, url=f"/internal/{path.stem.lower()}/", category="x", section=None,
                             body=text, body_line=1) for path, text in zip(files[:count], texts[:count]))
    public = texts[count:]
    render = markdown.Markdown(extensions=["tables", "fenced_code"])
    rendered = [render.reset().convert(text) for text in public]
    started = time.perf_counter()
    canaries = collect_canaries(Withheld(articles=articles), public + rendered)
    collected = time.perf_counter() - started
    planted = max(articles[7].body.split("\n\n"), key=len)
    with tempfile.TemporaryDirectory() as tmp:
        root, paths, total = Path(tmp), [], 0
        for number, body in enumerate(rendered):
            if number in (5, 500):
                body += render.reset().convert(planted)
            if number == 900:
                body += f'<a href="{articles[3].url}">x</a>'
            page = f"<!doctype html><html><head><title>x</title></head><body><main>{body}</main></body></html>"
            path = f"p{number // 100}/page-{number}/index.html"
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(page, encoding="utf-8")
            paths.append(path)
            total += len(page.encode("utf-8"))
        started = time.perf_counter()
        cpu = time.process_time()
        found = find_leaks(root, paths, canaries)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
    files = sorted({d.path for d in found})
    print(f"{len(canaries):,} canaries from {count} articles and {len(public):,} public texts in {collected:.2f} s; "
          f"{len(paths):,} pages, {total / 1e6:.0f} MB scanned in {took:.2f} s ({cpu:.2f} s CPU, {total / 1e6 / cpu:.1f} MB/s); "
          f"{len(found):,} errors in {files}")
    return 0 if files == ["site/p0/page-5/index.html", "site/p5/page-500/index.html", "site/p9/page-900/index.html"] else 1


if __name__ == "__main__":
    sys.exit(main())
