"""`kb build` and `kb check`: the whole pipeline, one step per line.

    config → discover → parse → assemble the site → render articles → status   (kb.load)
    → pages → write → search index → swap                                       (build_site)

A runner (kb.runner) runs the steps' many small jobs: the plain one in this process, kb.speed's
on every core with the cache folder. Both give the same site.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .content.tstatus import translation_notes
from .check import broken_links_are_errors, check_alternates, compare_manifests
from .render.urls import is_absolute_base
from .errors import ContentError, Diagnostic, OutputError
from .load import Loaded, fail_on_errors, load_site
from .output.leakcheck import leak_problems
from .model import OutputFile, Site
from .options import BuildOptions, build_clock  # noqa: F401 - kb.build's API
from .output.folder import BACKGROUND_DELETE, MARKER, output_lock, recover, staging_folder, swap
from .render.pages import MANIFEST, render_site
from .render.theme import theme_dir
from .runner import Progress, Runner
from .search import SearchReport, index_site, site_languages


@dataclass(frozen=True)
class BuildReport:
    """What a successful build did."""

    articles: int
    pages: int
    files: int
    warnings: tuple[Diagnostic, ...]
    seconds: float
    search: SearchReport | None = None
    redirects: int = 0
    notes: tuple[str, ...] = ()  # what the build could not do as asked, though it succeeded


def build_site(options: BuildOptions, progress: Progress | None = None, runner: Runner | None = None) -> BuildReport:
    """Build the site into `options.out`; raise ContentError with every problem, leaving the old
    output as it was. One build at a time writes an output folder."""
    started = time.perf_counter()
    out = check_output(options.content, options.out)
    run = runner or make_runner(options, progress)
    with output_lock(out), run.session(options.content, out):
        recover(out)
        loaded = load_site(options, run)  # config → discover → parse → assemble → render articles → status
        with staging_folder(out) as staging:
            run.staging = staging  # where the quick runner writes each page as it is rendered
            files, found = render_site(loaded.site, loaded.rendered, loaded.env, loaded.theme, options.content, run, loaded.catalogs)
            warnings = fail_on_errors([*loaded.warnings, *found], options.strict)
            run.write(staging, files)
            paths = [f.path for f in files]
            search = index_site(staging, site_languages(loaded.site.config), run, paths) if options.search else None
            fail_on_leaks(loaded, staging, options, warnings, run)  # nothing internal in a public site
            swap(staging, out, large=len(files) >= BACKGROUND_DELETE)
        notes = run.publish(search.keys if search is not None else None)
    site = loaded.site
    pages = sum(1 for f in files if f.path.endswith(".html")) - len(site.redirects)
    return BuildReport(len(site.articles), pages, len(files), warnings, time.perf_counter() - started, search,
                       len(site.redirects), notes)


def fail_on_leaks(loaded: Loaded, staging: Path, options: BuildOptions, warnings: tuple[Diagnostic, ...],
                  run: Runner | None = None) -> None:
    """Raise ContentError when a file of the staged public site shows something it withheld (its
    jobs on `run`: every core, unless the runner is the plain one)."""
    if not loaded.withheld:
        return
    folders = {*map(Path, getattr(loaded.env.loader, "searchpath", [])), loaded.theme, theme_dir("default", options.content),
               options.content / "locales"} - {None}  # the theme's words, which any page may show
    leaks = leak_problems(loaded.site, loaded.rendered, loaded.withheld, staging, str(options.out), sorted(folders),  # type: ignore[type-var]
                          run)
    if leaks:
        raise ContentError(tuple(sorted([*warnings, *leaks])))


def check_site(options: BuildOptions, against: Path | None = None, translations: bool = False) -> tuple[Diagnostic, ...]:
    """Every step of a build but writing: every error and warning, sorted; a broken internal link
    (to a missing article, anchor, image or file, or to a draft) is an error.

    With `against` (a `kb-manifest.json` of the published site), an article published then and
    neither published nor redirected now is an error; another page gone is for information. With
    `translations`, each missing translation and each translation without source_hash is a note.
    """
    try:
        compiled = compile_site(options)
    except ContentError as exc:
        return broken_links_are_errors(exc.diagnostics)
    problems = list(broken_links_are_errors(compiled.warnings))
    if is_absolute_base(compiled.site.config.base_url):
        problems.extend(check_alternates(compiled.files, compiled.site.config.base_url))
    if translations:
        problems.extend(translation_notes(compiled.site))
    if against is not None:
        new = next(f for f in compiled.files if f.path == MANIFEST)
        problems.extend(compare_manifests(against, json.loads(new.data or b"{}")))
    return tuple(sorted(problems))


@dataclass(frozen=True)
class Compiled:
    """A site ready to write: every file, and the warnings found on the way."""

    site: Site
    files: list[OutputFile]
    warnings: tuple[Diagnostic, ...]


def compile_site(options: BuildOptions) -> Compiled:
    """Every step of a build but writing, in memory; raise ContentError with every problem."""
    run = make_runner(options)
    loaded = load_site(options, run)
    files, found = render_site(loaded.site, loaded.rendered, loaded.env, loaded.theme, options.content, run, loaded.catalogs)
    return Compiled(loaded.site, files, fail_on_errors([*loaded.warnings, *found], options.strict))


def make_runner(options: BuildOptions, progress: Progress | None = None, serve: bool = False) -> Runner:
    """The quick runner (with the cache folder asked for; with `serve`, keeping its work in memory
    from one build to the next), or the plain one when KB_PLAIN=1."""
    if os.environ.get("KB_PLAIN") == "1":
        return Runner(progress)
    from .speed.runner import Speed

    return Speed(options.jobs, None if serve else options.cache, progress, serve=serve)


def check_output(content: Path, out: Path | None) -> Path:
    """The output folder; refused when it is the content folder, the project, or holds them."""
    if out is None:
        raise OutputError("no output folder given")
    content_r, out_r = content.resolve(), out.resolve()
    project = content_r.parent
    protected = ((content_r, "the content folder"), (project, "the project folder"), (Path.cwd().resolve(), "the current folder"))
    for folder, what in protected:
        if out_r == folder:
            raise OutputError(f"output folder '{out}' would replace {what}; choose another --out")
    for folder, what in protected:
        if folder.is_relative_to(out_r):
            raise OutputError(f"output folder '{out}' would replace {what}; choose another --out")
    if out_r.is_relative_to(content_r):
        raise OutputError(f"output folder '{out}' is inside the content folder; choose another --out")
    if out_r.exists() and (not out_r.is_dir() or (any(out_r.iterdir()) and not (out_r / MARKER).exists())):
        raise OutputError(f"output folder '{out}' exists and was not written by kb; remove it or choose another --out")
    return out
