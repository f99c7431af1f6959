"""`kb serve`: a preview server that rebuilds what changed and reloads the open page by itself."""

from __future__ import annotations

import dataclasses
import gc
import html
import http.server
import json
import os
import posixpath
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from .build import BuildCache, BuildOptions, Prepared, prepare_site, write_site
from .errors import ContentError, Diagnostic
from .markdown import MarkdownRenderer
from .model import LinkContext, OutputFile
from .render import Job, TemplateProblem, other_files, page_jobs, render_page, render_site
from .search import SearchError, index_site
from .theme import PageBuilder, theme_dir
from .watch import Watcher

LOOK_SECONDS = 2.0  # with the kernel telling of changes, how often to look anyway
QUIET_SECONDS = 0.02  # a save's events come this close together
LIVE_PATH = "/__kb/live.js"
EVENTS_PATH = "/__kb/events"
OVERLAY_STYLE = ("position:fixed;inset:auto 0 0 0;z-index:2147483647;max-height:60vh;overflow:auto;margin:0;"
                 "padding:1rem 1.25rem;background:#2b0b0e;color:#fff;font:14px/1.5 ui-monospace,monospace;"
                 "border-top:4px solid #f85149")
LIVE_SCRIPT = """(() => {
  const version = document.currentScript.dataset.version;
  const source = new EventSource("%s?v=" + version);
  source.addEventListener("reload", () => location.reload());
  source.addEventListener("problems", (event) => {
    let box = document.getElementById("kb-problems");
    if (!box) {
      box = document.createElement("div");
      box.id = "kb-problems";
      box.setAttribute("role", "alert");
      box.setAttribute("style", "%s");
      document.body.append(box);
    }
    const title = document.createElement("strong");
    title.textContent = "kb cannot build this site";
    const list = document.createElement("pre");
    list.style.whiteSpace = "pre-wrap";
    list.textContent = JSON.parse(event.data).join("\\n");
    box.replaceChildren(title, list);
  });
})();
""" % (EVENTS_PATH, OVERLAY_STYLE)
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
          ".svg": "image/svg+xml", ".xml": "application/xml", ".atom": "application/atom+xml",
          ".rss": "application/rss+xml", ".txt": "text/plain; charset=utf-8"}


@dataclasses.dataclass(frozen=True)
class Plan:
    """What the server answers with: pages rendered on request, other files as they are."""

    prepared: Prepared
    jobs: dict[str, Job]
    files: dict[str, OutputFile]
    templates: dict[str, jinja2.Template]


class Preview:
    """The state of one `kb serve`: the latest good site, the latest problems, and a version to reload on."""

    def __init__(self, options: BuildOptions, say: Callable[[str], None]) -> None:
        self.options = options
        self.say = say
        self.cache = BuildCache()
        self.plan: Plan | None = None
        self.problems: tuple[Diagnostic, ...] = ()
        self.version = 0
        self.changed = threading.Condition()
        self.search_dir = Path(tempfile.mkdtemp(prefix="kb-serve-")) / "site"
        self.search_version = -1
        self.serving = False  # True once the server's threads run

    def rebuild(self, reason: str = "") -> None:
        """Rebuild from the files as they are now; keep the last good site when there are errors."""
        started = time.perf_counter()
        # Once the server's threads run, render in this process: forking a process that has
        # other threads running can leave the child waiting on a lock one of them held.
        options = dataclasses.replace(self.options, jobs=1) if self.serving else self.options
        try:
            prepared = prepare_site(options, cache=self.cache)
        except ContentError as exc:
            problems = tuple(d for d in exc.diagnostics if d.is_error)
            for diagnostic in problems:
                self.say(diagnostic.format())
            self.say(f"kb: {len(problems)} error{'s' if len(problems) != 1 else ''}; showing them on the page")
            self._publish(self.plan, problems)
            return
        pages = PageBuilder(prepared.site, prepared.rendered)
        jobs = {job[0]: job for job in page_jobs(prepared.site, pages)}
        files = {f.path: f for f in other_files(prepared.site, pages, prepared.theme, prepared.root)}
        self._publish(Plan(prepared, jobs, files, {}), ())
        settle()
        seconds = time.perf_counter() - started
        self.say(f"kb: {'rebuilt' if reason else 'built'} {len(prepared.site.articles):,} articles in {seconds:.2f} s{reason}")

    def warm(self) -> None:
        """Do now what the first edit would wait for: compile every template, and load Markdown's
        extensions into this process (the first build rendered articles in worker processes)."""
        plan = self.plan
        if plan is None:
            return
        first: dict[str, Job] = {}
        for job in plan.jobs.values():
            first.setdefault(job[1], job)
        site = plan.prepared.site
        try:
            for job in first.values():
                self._render(plan, job)
            if site.articles:
                MarkdownRenderer(site.config.markdown).render(site.articles[0], LinkContext(), site.articles[0].source)
        except Exception:  # noqa: BLE001 - only a head start: a page that fails says so when it is asked for
            pass

    def _publish(self, plan: Plan | None, problems: tuple[Diagnostic, ...]) -> None:
        with self.changed:
            self.plan, self.problems = plan, problems
            self.version += 1
            self.changed.notify_all()

    def refresh_search(self) -> None:
        """Write the site aside and index it, so that search finds what was just written."""
        plan, version = self.plan, self.version
        if plan is None or version == self.search_version:
            return
        prepared = plan.prepared
        files, _ = render_site(prepared.site, prepared.rendered, prepared.env, prepared.theme, prepared.root)
        try:
            write_site(files, self.search_dir, before_swap=lambda staging: index_site(staging, prepared.site.config.language))
        except (SearchError, OSError) as exc:
            self.say(f"kb: search index not refreshed: {exc}")
            return
        self.search_version = version

    def respond(self, raw_path: str) -> tuple[int, str, bytes, str | None]:
        """(status, content type, body, redirect location) for a request path."""
        path = unquote(urlsplit(raw_path).path)
        if path == LIVE_PATH:
            return 200, _TYPES[".js"], LIVE_SCRIPT.encode(), None
        plan = self.plan
        if plan is None:
            return 503, _TYPES[".html"], self._page(b"<!doctype html><title>kb</title><body></body>"), None
        rel = posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""
        if rel.startswith(".."):
            return 404, _TYPES[".txt"], b"not found", None
        name = rel + "/index.html" if rel and path.endswith("/") else rel or "index.html"
        if name not in plan.jobs and name not in plan.files and f"{rel}/index.html" in plan.jobs:
            return 301, _TYPES[".txt"], b"", path + "/"
        if name in plan.jobs:
            return 200, _type(name), self._render(plan, plan.jobs[name]), None
        if name in plan.files:
            file = plan.files[name]
            try:
                body = file.data if file.copy_from is None else Path(file.copy_from).read_bytes()
            except OSError:
                body = None
            if body is not None:
                return 200, _type(name), body, None
        found = self.search_dir / name
        if name.startswith("pagefind/") and found.is_file():
            return 200, _type(name), found.read_bytes(), None
        return 404, _TYPES[".html"], self._render(plan, plan.jobs["404.html"]), None

    def _render(self, plan: Plan, job: Job) -> bytes:
        try:
            body = render_page(plan.prepared.env, plan.templates, job)
        except TemplateProblem as exc:
            body = b"<!doctype html><title>Template error</title><body></body>"
            return self._page(body, (exc.diagnostic,))
        return self._page(body) if job[0].endswith(".html") else body

    def _page(self, body: bytes, extra: tuple[Diagnostic, ...] = ()) -> bytes:
        """The page with the live-reload script, and the problems in an overlay when there are any."""
        problems = self.problems + extra
        overlay = ""
        if problems:
            lines = "\n".join(html.escape(d.format()) for d in problems)
            overlay = (f'<div id="kb-problems" role="alert" style="{OVERLAY_STYLE}"><strong>kb cannot build this site</strong>'
                       f'<pre style="white-space:pre-wrap">{lines}</pre></div>')
        tag = f'{overlay}<script src="{LIVE_PATH}" data-version="{self.version}"></script>'.encode()
        return body.replace(b"</body>", tag + b"</body>", 1) if b"</body>" in body else body + tag

    def events(self, since: int, write: Callable[[bytes], None]) -> None:
        """Server-sent events: `reload` after a good rebuild, `problems` after a broken one."""
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.version != since, timeout=15)
                version, problems = self.version, self.problems
            if version == since:
                write(b": still here\n\n")
                continue
            since = version
            if problems:
                data = json.dumps([d.format() for d in problems])
                write(f"event: problems\ndata: {data}\n\n".encode())
            else:
                write(f"event: reload\ndata: {version}\n\n".encode())


def _type(name: str) -> str:
    return _TYPES.get(posixpath.splitext(name)[1].lower(), "application/octet-stream")


def snapshot(folders: list[Path]) -> dict[str, tuple[int, int, int]]:
    """(mtime, size, inode) of every file under `folders`: what the watcher compares, and what tells
    the rebuild which files it need not read again."""
    found: dict[str, tuple[int, int, int]] = {}
    for folder in folders:
        stack = [folder]
        while stack:
            try:
                entries = list(os.scandir(stack.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    try:
                        info = entry.stat()
                    except OSError:
                        continue
                    found[entry.path] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return found


def watched(options: BuildOptions, preview: Preview) -> list[Path]:
    """The content folder, and the theme folders when they are elsewhere."""
    folders = [options.content]
    plan = preview.plan
    if plan is not None:
        for theme in (plan.prepared.theme, theme_dir("default", options.content)):
            if theme is not None and not theme.resolve().is_relative_to(options.content.resolve()):
                folders.append(theme)
    return folders


def serve(options: BuildOptions, port: int, say: Callable[[str], None], ready: Callable[[str], None]) -> None:
    """Build, serve on 127.0.0.1:`port`, rebuild on every change until interrupted."""
    if threading.current_thread() is threading.main_thread():  # stop cleanly on SIGTERM as on Ctrl+C
        signal.signal(signal.SIGTERM, _interrupt)
    preview = Preview(options, say)
    preview.rebuild()
    preview.warm()
    preview.serving = True

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's API
            if urlsplit(self.path).path == EVENTS_PATH:
                self._events()
                return
            status, kind, body, location = preview.respond(self.path)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if location:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            since = int(dict(p.split("=", 1) for p in (urlsplit(self.path).query or "v=0").split("&") if "=" in p).get("v", "0") or 0)

            def write(data: bytes) -> None:
                self.wfile.write(data)
                self.wfile.flush()

            try:
                preview.events(since, write)
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ready(f"http://127.0.0.1:{httpd.server_address[1]}/")
    threading.Thread(target=_search_loop, args=(preview,), daemon=True).start()
    try:
        _watch(options, preview)
    finally:
        httpd.shutdown()
        shutil.rmtree(preview.search_dir.parent, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _watch(options: BuildOptions, preview: Preview) -> None:
    folders = watched(options, preview)
    watcher = Watcher(folders)
    before = snapshot(folders)
    try:
        while True:
            # told of a change, or a while without one: a look now and then catches what the kernel
            # does not report (a network file system)
            if watcher.wait(timeout=LOOK_SECONDS) and not watcher.polling:
                # a save is often several events (emptied, then written): look once they stop, not
                # after the first, or the emptied file is built and the page reloads twice
                while watcher.wait(timeout=QUIET_SECONDS):
                    pass
            now_watched = watched(options, preview)
            if now_watched != folders:  # the site now uses a theme from elsewhere
                watcher.close()
                folders, watcher = now_watched, Watcher(now_watched)
            now = snapshot(folders)
            if now == before:
                continue
            changed = sorted(set(now.items()) ^ set(before.items()))
            names = sorted({Path(p).name for p, _ in changed})
            before = now
            preview.cache.stats = now
            preview.rebuild(f" ({', '.join(names[:3])}{'…' if len(names) > 3 else ''} changed)")
    finally:
        watcher.close()


def _search_loop(preview: Preview) -> None:
    """Keep the search index behind the pages: refresh it once edits pause for a second. Then
    collect the garbage of the builds before, which an edit does not wait for (see `settle`)."""
    collected = -1
    while True:
        version = preview.version
        time.sleep(1.0)
        if preview.version == version and preview.search_version != version and preview.options.search:
            preview.refresh_search()
        if preview.version == version and collected != version:
            collected = version
            settle(collect=True)


def settle(collect: bool = False) -> None:
    """Set aside what the process holds now for the garbage collector, so that a rebuild is not
    paused by a full collection over every article (0.1 s and more at 5,000 articles); with
    `collect`, first collect what is garbage by now (when edits pause)."""
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
