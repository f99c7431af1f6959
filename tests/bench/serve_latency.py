"""How long an edit takes to reach the open page under `kb serve`.

    python tests/bench/serve_latency.py [N]      (default 5,000 generated articles)

Generates N articles (tests/support/corpus.py), starts `kb serve`, listens to its reload
events as the browser does, edits an article five times and prints, for each edit, the
time from saving the file to the reload event and to the new page being served.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/, for tests/support
from support.corpus import generate  # noqa: E402

EDITS = 5


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        paths = generate(content, count)
        target = paths[len(paths) // 2]
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "kb", "serve", "--content", str(content), "--port", "0", "--no-search"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, "GIT_CEILING_DIRECTORIES": folder},
        )
        try:
            url = process.stdout.readline().decode().strip()
            print(f"{count:,} articles; first build and server ready in {time.perf_counter() - started:.1f} s")
            page = url + str(target.relative_to(content).with_suffix("")).lower().replace(" ", "-") + "/"
            events: list[float] = []
            arrived = threading.Event()

            def listen() -> None:
                with urllib.request.urlopen(url + "__kb/events?v=1", timeout=600) as stream:
                    for line in stream:
                        if line.startswith(b"event: reload"):
                            events.append(time.perf_counter())
                            arrived.set()

            threading.Thread(target=listen, daemon=True).start()
            time.sleep(1)
            to_event, to_page = [], []
            for edit in range(EDITS):
                title = f"Edited title number {edit}"
                text = target.read_text(encoding="utf-8").split("\n")
                text[1] = f'title: "{title}"'
                arrived.clear()
                saved = time.perf_counter()
                target.write_text("\n".join(text), encoding="utf-8")
                arrived.wait(120)
                to_event.append(events[-1] - saved)
                body = urllib.request.urlopen(page, timeout=60).read().decode()
                assert title in body, "the served page does not show the edit"
                to_page.append(time.perf_counter() - saved)
                time.sleep(0.5)
            print(f"save → reload event: median {statistics.median(to_event):.2f} s "
                  f"(each: {', '.join(f'{t:.2f}' for t in to_event)})")
            print(f"save → new page served: median {statistics.median(to_page):.2f} s "
                  f"(each: {', '.join(f'{t:.2f}' for t in to_page)})")
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
