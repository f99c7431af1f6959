"""The state of one `kb serve`: the latest good site, its warnings, the latest errors, and the
answer to each request (pages rendered when asked for, with the live script and the overlay)."""

from __future__ import annotations

import dataclasses
import gc
import posixpath
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from ..build import make_runner
from ..load import Loaded, load_site
from ..options import BuildOptions
from ..output.folder import write_site
from ..runner import Runner
from ..errors import ContentError, Diagnostic, KbError, NoContentFolder, TemplateProblem, located, summarise
from ..content.markdown import MarkdownRenderer
from ..model import LinkContext, OutputFile
from .overlay import LIVE_PATH, LIVE_SCRIPT, inject, problems_data
from ..render.pages import Job, other_files, page_builders, page_jobs, render_page, render_site
from ..search import index_site, site_languages

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
         ".svg": "image/svg+xml", ".xml": "application/xml", ".atom": "application/atom+xml",
         ".rss": "application/rss+xml", ".txt": "text/plain; charset=utf-8"}


@dataclasses.dataclass(frozen=True)
class Plan:
    """What the server answers with: pages rendered on request, other files as they are."""

    prepared: Loaded
    jobs: dict[str, Job]
    files: dict[str, OutputFile]
    templates: dict[str, jinja2.Template]


class Preview:
    """The latest good site, its warnings, the latest errors, and a version to reload on."""

    def __init__(self, options: BuildOptions, say: Callable[[str], None], display: str = "") -> None:
        self.options = options
        self.say = say
        self.display = display  # the content folder as the user typed it: what diagnostics' paths start with
        self.run = make_runner(options, serve=True)  # what one build keeps for the next
        self.plan: Plan | None = None
        self.problems: tuple[Diagnostic, ...] = ()  # the errors of the latest build, when it failed
        self.warnings: tuple[Diagnostic, ...] = ()  # the warnings of the site served
        self.data = self.overlay_data((), ())  # what the overlay shows, as JSON
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
        if self.serving:
            self.run.workers = 1
        try:
            prepared = load_site(self.options, self.run)
        except ContentError as exc:
            problems = located(exc.errors, self.display)
            for diagnostic in problems:
                self.say(diagnostic.format())
            self.say(f"kb: {len(problems)} error{'s' if len(problems) != 1 else ''}; showing them on the page")
            self._publish(self.plan, problems, self.warnings)
            return
        except (KbError, OSError) as exc:  # the folder went away, or a file while it was read
            message = exc.named(self.display) if isinstance(exc, NoContentFolder) else \
                exc.message if isinstance(exc, KbError) else f"{exc.strerror or exc}"
            where = f" '{exc.filename}'" if isinstance(exc, OSError) and exc.filename else ""
            self.say(f"kb: cannot build{where}: {message}; still serving the last good site")
            return
        builders = page_builders(prepared.site, prepared.rendered, prepared.catalogs)
        jobs = {job[0]: job for pages in builders for job in page_jobs(pages.site, pages)}
        files = {f.path: f for f in other_files(prepared.site, builders[0], prepared.theme, self.options.content)}
        warnings = located(prepared.warnings, self.display)
        counted = self._report_warnings(warnings, first=self.plan is None)
        self._publish(Plan(prepared, jobs, files, {}), (), warnings)
        settle()
        seconds = time.perf_counter() - started
        count = len(prepared.site.articles)
        self.say(f"kb: {'rebuilt' if reason else 'built'} {count:,} article{'s' if count != 1 else ''} in {seconds:.2f} s"
                 f"{reason}{counted}")

    def _report_warnings(self, warnings: tuple[Diagnostic, ...], first: bool) -> str:
        """Print the warnings the terminal has not shown yet (all of them after the first build), a
        kind seen many times in one line as `kb build` does; the count for the summary line."""
        shown = {(d.path, d.message) for d in self.warnings}
        new = [d for d in warnings if first or (d.path, d.message) not in shown]
        for line in summarise(new):
            self.say(line)
        if not warnings:
            return "; no warnings" if self.warnings else ""
        count = f"; {len(warnings):,} warning{'s' if len(warnings) != 1 else ''}"
        return count if first else f"{count}, {f'{len(new):,}' if new else 'none'} new"

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
                MarkdownRenderer(site.config.markdown, quick=self.run.quick).render(site.articles[0], LinkContext(), site.articles[0].source)
        except Exception:  # noqa: BLE001 - only a head start: a page that fails says so when it is asked for
            pass

    def _publish(self, plan: Plan | None, problems: tuple[Diagnostic, ...], warnings: tuple[Diagnostic, ...]) -> None:
        data = self.overlay_data(problems, warnings)  # once, not for every page (24,000 warnings: 5 ms)
        with self.changed:
            self.plan, self.problems, self.warnings, self.data = plan, problems, warnings, data
            self.version += 1
            self.changed.notify_all()

    def refresh_search(self) -> None:
        """Write the site aside and index it, so that search finds what was just written."""
        plan, version = self.plan, self.version
        if plan is None or version == self.search_version:
            return
        prepared = plan.prepared
        files, _ = render_site(prepared.site, prepared.rendered, prepared.env, prepared.theme, self.options.content, Runner(),
                                  prepared.catalogs)
        try:
            write_site(files, self.search_dir,
                       before_swap=lambda staging: index_site(staging, site_languages(prepared.site.config), Runner()))
        except (KbError, OSError) as exc:  # Pagefind failed, a full disk
            self.say(f"kb: search index not refreshed: {exc}")
            return
        self.search_version = version

    def respond(self, raw_path: str) -> tuple[int, str, bytes, str | None]:
        """(status, content type, body, redirect location) for a request path."""
        path = unquote(urlsplit(raw_path).path)
        if path == LIVE_PATH:
            return 200, TYPES[".js"], LIVE_SCRIPT.encode(), None
        plan = self.plan
        if plan is None:
            return 503, TYPES[".html"], self._page(b"<!doctype html><title>kb</title><body></body>"), None
        rel = posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""
        if rel.startswith("..") or "\0" in rel:
            return 404, TYPES[".txt"], b"not found", None
        name = rel + "/index.html" if rel and path.endswith("/") else rel or "index.html"
        if name not in plan.jobs and name not in plan.files and f"{rel}/index.html" in plan.jobs:
            return 301, TYPES[".txt"], b"", path + "/"
        if name in plan.jobs:
            return 200, content_type(name), self._render(plan, plan.jobs[name]), None
        if name in plan.files:
            file = plan.files[name]
            try:
                body = file.data if file.copy_from is None else Path(file.copy_from).read_bytes()
            except OSError:
                body = None
            if body is not None:
                return 200, content_type(name), body, None
        if name.startswith("pagefind/"):
            try:
                return 200, content_type(name), (self.search_dir / name).read_bytes(), None
            except (OSError, ValueError):
                pass
        return 404, TYPES[".html"], self._render(plan, plan.jobs["404.html"]), None

    def _render(self, plan: Plan, job: Job) -> bytes:
        try:
            body = render_page(plan.prepared.env, plan.templates, job)
        except TemplateProblem as exc:
            body = b"<!doctype html><title>Template error</title><body></body>"
            return self._page(body, (exc.diagnostic.located(self.display),))
        return self._page(body) if job[0].endswith(".html") else body

    def _page(self, body: bytes, extra: tuple[Diagnostic, ...] = ()) -> bytes:
        """The page with the live-reload script, and the problems in an overlay when there are any."""
        with self.changed:
            version, problems, warnings, data = self.version, self.problems + extra, self.warnings, self.data
        return inject(body, version, self.overlay_data(problems, warnings) if extra else data)

    @staticmethod
    def overlay_data(problems: tuple[Diagnostic, ...], warnings: tuple[Diagnostic, ...]) -> str:
        """The overlay's JSON: every error, the warnings summarised as the terminal does."""
        return problems_data([d.format() for d in problems], summarise(warnings), len(warnings))

    def events(self, since: int, write: Callable[[bytes], None]) -> None:
        """Server-sent events: `reload` after a good rebuild, `problems` after a broken one."""
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.version != since, timeout=15)
                version, problems, data = self.version, self.problems, self.data
            if version == since:
                write(b": still here\n\n")
                continue
            since = version
            if problems:
                write(f"event: problems\ndata: {data}\n\n".encode())
            else:
                write(f"event: reload\ndata: {version}\n\n".encode())


def content_type(name: str) -> str:
    """The Content-Type of a file by its extension."""
    return TYPES.get(posixpath.splitext(name)[1].lower(), "application/octet-stream")


def settle(collect: bool = False) -> None:
    """Set aside what the process holds now for the garbage collector, so that a rebuild is not
    paused by a full collection over every article (0.1 s and more at 5,000 articles); with
    `collect`, first collect what is garbage by now (when edits pause)."""
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
