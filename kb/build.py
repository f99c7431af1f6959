"""Orchestration: load, validate, render, then write the site atomically."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import __version__
from .cache import ParsedCache, RenderCache, Staged, render_all
from .cachedir import check_cache, mark_cache, remove_stale
from .check import broken_links_are_errors, compare_manifests
from .collisions import output_problems
from .config import SITE_FILE, load_config
from .content import active_files, discover, load_categories, parse_article, tree_problems
from .errors import (
    ContentError,
    Diagnostic,
    OutputError,
    error,
    join_display,
    strictify,
    warning,
)
from .gitdates import git_dates, git_head
from .markdown import MarkdownRenderer
from .model import (
    Article,
    LinkContext,
    OutputFile,
    RenderedArticle,
    Site,
    SiteConfig,
)
from .locks import Busy, Lock
from .output import MARKER, BACKGROUND_DELETE, new_staging, output_lock, recover, swap, write_files, write_site  # noqa: F401 - write_site is kb.build's API
from .pagecache import PageCache, theme_digest
from .pool import fork_map
from .render import MANIFEST, render_site
from .scaffold import placeholder_warnings
from .search import SearchReport, index_site, keep_shards, kept_shards
from .site import assemble_site
from .status import STATUS_FILE, load_status, status_links
from .status.model import StatusFile
from .status.report import status_report
from .status.times import epoch_time
from .textio import ARTICLE_LIMIT, decode_text, read_bytes, read_text
from .outside import theme_links
from .theme import BUILTIN_THEMES, make_environment, theme_dir

Progress = Callable[[Iterable[Article]], Iterable[Article]]


@dataclass(frozen=True)
class BuildOptions:
    """What `kb build` was asked to do."""

    content: Path
    out: Path
    display: str  # the content folder as the user wrote it, for messages
    base_url: str | None = None
    drafts: bool = False
    strict: bool = False
    search: bool = True
    now: dt.datetime | None = None
    git_dates: bool = True
    cache: Path | None = None  # where rendered articles are kept between builds; None: nowhere
    theme: Path | None = None  # a theme folder given on the command line (it may be anywhere); None: site.yaml's
    jobs: int = 0  # processes that render articles; 0: one per core
    untrusted: bool = False  # --untrusted: the untrusted mode, whatever site.yaml says


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


def build_clock(now: dt.datetime | None = None) -> dt.datetime:
    """The build's "now": given, else SOURCE_DATE_EPOCH, else the wall clock (UTC)."""
    if now is not None:
        return now
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit():
        return epoch_time(epoch)  # a usage error (exit 2) past the year 9998
    return dt.datetime.now(dt.timezone.utc)


def check_output(content: Path, out: Path) -> None:
    """Refuse an output folder that is the content folder, the project, or holds them."""
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


@dataclass(frozen=True)
class Compiled:
    """A site ready to write: every file, and the warnings found on the way."""

    site: Site
    files: list[OutputFile]
    warnings: tuple[Diagnostic, ...]


def build_site(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the site; raise ContentError with every problem, leaving the old output as it was.

    Pages are written into a staging folder as they are rendered (on every core), the search
    index is built over it, and only then is it swapped in. One build at a time writes an output
    folder, and one at a time uses a cache folder (a second one goes without)."""
    started = time.perf_counter()
    check_output(options.content, options.out)
    if options.cache is not None:
        check_cache(options.cache, options.content, options.out)
    with output_lock(options.out), _cache_lock(options.cache) as cache:
        recover(options.out)
        report = _build(dataclasses.replace(options, cache=cache), progress)
    busy = () if cache == options.cache else (f"the cache folder '{options.cache}' is in use by another build; "
                                                 "this build kept no cache",)
    return dataclasses.replace(report, seconds=time.perf_counter() - started, notes=busy + report.notes)


@contextlib.contextmanager
def _cache_lock(cache: Path | None) -> Iterator[Path | None]:
    """The cache folder, tagged as kb's and locked for this build; None when another build holds it."""
    if cache is None:
        yield None
        return
    mark_cache(cache)
    try:
        with Lock(cache / ".lock"):
            remove_stale(cache)
            yield cache
    except Busy:
        yield None


def _build(options: BuildOptions, progress: Progress | None) -> BuildReport:
    prepared = prepare_site(options, progress)
    page_cache = _page_cache(options.cache, prepared)
    staged = Staged()  # the cache's files, written while the pages render, put in place once the site is
    shards = kept_shards(options.cache)
    staging = new_staging(options.out)
    try:
        files, found = render_site(prepared.site, prepared.rendered, prepared.env, prepared.theme, prepared.root,
                                   workers=_workers(options.jobs), write_to=staging, cache=page_cache,
                                   meanwhile=lambda: prepared.save_caches(staged))
        warnings = _fail_on_errors([*prepared.warnings, *found], options.strict)
        write_files(staging, files)
        search = index_site(staging, prepared.site.config.language, files, options.cache, _workers(options.jobs)) \
            if options.search else None
        swap(staging, options.out, large=len(files) >= BACKGROUND_DELETE)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        staged.discard()  # a failed build (a full disk) leaves the cache as it found it
        if page_cache is not None:
            page_cache.discard()
        keep_shards(options.cache, shards)
        raise
    try:  # the site is published: the cache's files are a help for the next build, no more
        if page_cache is not None:
            page_cache.save()
        if search is not None:
            keep_shards(options.cache, set(search.keys))
        staged.commit()
        notes: tuple[str, ...] = ()
    except OSError as exc:
        staged.discard()
        notes = (f"the cache folder could not be updated ({exc.strerror or exc}); the next build starts afresh",)
    redirects = len(prepared.site.redirects)
    pages = sum(1 for f in files if f.path.endswith(".html")) - redirects
    return BuildReport(len(prepared.site.articles), pages, len(files), warnings, 0.0, search, redirects, notes)


def _page_cache(folder: Path | None, prepared: Prepared) -> PageCache | None:
    """The cache of rendered pages, salted with what every page depends on besides its context."""
    if folder is None:
        return None
    templates = list(getattr(prepared.env.loader, "searchpath", []))
    salt = "\0".join((__version__, theme_digest(templates), prepared.site.config.url_prefix))
    if prepared.site.config.untrusted:  # the templates ran in the sandbox, where some fail that run outside it
        salt += "\0sandboxed"
    return PageCache(folder, salt)


def check_site(options: BuildOptions, against: Path | None = None) -> tuple[Diagnostic, ...]:
    """Everything a build checks, writing nothing: every error and warning, sorted; a broken
    internal link (to a missing article, anchor, image or file, or to a draft) is an error.

    With `against` (a `kb-manifest.json` of the published site), an article published then and
    neither published nor redirected now is an error; another page gone is for information.
    """
    try:
        compiled = compile_site(options)
    except ContentError as exc:
        return broken_links_are_errors(exc.diagnostics)
    found = list(broken_links_are_errors(compiled.warnings))
    if against is not None:
        new = next(f for f in compiled.files if f.path == MANIFEST)
        found.extend(compare_manifests(against, json.loads(new.data or b"{}")))
    return tuple(sorted(found))


@dataclass(frozen=True)
class Prepared:
    """A validated site with its articles rendered, and the theme to render its pages with."""

    site: Site
    rendered: dict[str, RenderedArticle]
    env: jinja2.Environment
    theme: Path
    root: Path
    warnings: tuple[Diagnostic, ...]
    saves: tuple[Callable[..., object], ...] = ()  # the cache folder's files to write, once there is time

    def save_caches(self, staged: Staged | None = None) -> None:
        """Write the cache folder's files (aside, with `staged`, until the build commits them)."""
        for save in self.saves:
            save(staged)


@dataclass
class BuildCache:
    """Parsed and rendered articles of earlier builds in this process (`kb serve`), reused while unchanged."""

    parsed: dict[str, tuple[object, Article | None, tuple[Diagnostic, ...]]] = field(default_factory=dict)
    renders: RenderCache = field(default_factory=RenderCache)
    related: dict = field(default_factory=dict)  # the last related-articles result and what it was made from
    git: dict = field(default_factory=dict)  # the commit the last git dates were read at -> those dates
    environment: tuple[str, jinja2.Environment] | None = None  # the last theme's key and its compiled templates
    stats: dict[str, tuple[int, int, int]] | None = None  # the watcher's (mtime, size, inode) of every file, just taken


def compile_site(options: BuildOptions, progress: Progress | None = None, cache: BuildCache | None = None) -> Compiled:
    """Load, validate and render everything in memory; raise ContentError with every problem."""
    prepared = prepare_site(options, progress, cache)
    prepared.save_caches()
    files, found = render_site(prepared.site, prepared.rendered, prepared.env, prepared.theme, prepared.root,
                               workers=_workers(options.jobs))
    return Compiled(prepared.site, files, _fail_on_errors([*prepared.warnings, *found], options.strict))


def prepare_site(options: BuildOptions, progress: Progress | None = None, cache: BuildCache | None = None) -> Prepared:
    """Load, validate and render the articles; raise ContentError with every problem."""
    root, display = options.content, options.display
    if not root.is_dir():
        raise OutputError(f"content folder '{display}' {'is not a folder' if root.exists() else 'does not exist'}")
    diagnostics: list[Diagnostic] = []
    tree = discover(root)
    diagnostics.extend(
        error(join_display(display, rel), 1, 1, "symbolic link leads outside the content folder; refused")
        for rel in tree.outside
    )
    config, found = load_config(root, display) if SITE_FILE not in tree.outside else (SiteConfig(), ())
    diagnostics.extend(found)
    if options.base_url is not None:
        config = dataclasses.replace(config, base_url=options.base_url)
    if options.untrusted:
        config = dataclasses.replace(config, untrusted=True)
    diagnostics.extend(tree_problems(tree, display))
    categories, found = load_categories(root, display, tree)
    diagnostics.extend(found)
    renders_found: list[RenderCache] = [cache.renders] if cache is not None else []
    saves: list[Callable[..., object]] = []

    def load_renders() -> None:  # read while the articles are: the pool's workers are busy
        renders_found.append(RenderCache(options.cache))

    articles, found = _load_articles(root, display, tree.articles, config, {c.key: c.url for c in categories}, cache,
                                     options.cache, options.jobs, None if renders_found else load_renders, saves)
    diagnostics.extend(found)
    if options.git_dates and any(a.updated is None for a in articles):
        articles, found = _dates_from_git(root, display, articles, cache.git if cache is not None else None)
        diagnostics.extend(found)
    diagnostics.extend(d for a in articles for d in placeholder_warnings(a, join_display(display, a.source)))
    now = build_clock(options.now)
    site, found = assemble_site(config, categories, tuple(articles), tree.assets, now, display, options.drafts,
                                memo=cache.related if cache is not None else None)
    diagnostics.extend(found)
    status, found = load_status(root, display, status_links(site)) if STATUS_FILE not in tree.outside else (None, ())
    diagnostics.extend(found)
    theme = options.theme or theme_dir(config.theme, root)
    if theme is None:
        diagnostics.append(error(join_display(display, "site.yaml"), 1, 1, f"theme '{config.theme}' not found"))
    else:
        diagnostics.extend(theme_links(theme, root, display, BUILTIN_THEMES))
    if config.untrusted:
        diagnostics.extend(active_files(tree, display, theme, root))
    diagnostics.extend(output_problems(site, status, theme, root, display))
    # Links are checked even when some files are broken, so that one run reports everything;
    # a link to a broken file is not reported as a link to a missing one.
    published = {a.source for a in site.articles}
    context = LinkContext(
        urls={rel: "/" for rel in tree.articles} | {a.source: a.url for a in site.articles},
        assets=frozenset(tree.assets),
        asset_urls=site.asset_urls,
        url_prefix=config.url_prefix,
        drafts=frozenset(a.source for a in articles if a.source not in published),
    )
    renders = renders_found[0] if renders_found else RenderCache(options.cache)
    rendered = _render_articles(site.articles, config, context, display, renders, options.jobs, progress)
    if cache is None and options.cache is not None:
        saves.append(renders.save)
    for article in site.articles:
        diagnostics.extend(rendered[article.source].diagnostics)
    diagnostics.extend(check_anchors(rendered, display))
    if status is not None:
        renderer = MarkdownRenderer(config.markdown)
        status, found = _render_status(status, renderer, context, join_display(display, STATUS_FILE))
        diagnostics.extend(found)
    try:
        _fail_on_errors(diagnostics, options.strict)
    except ContentError:
        try:  # the next build after the fix reuses what this one read and rendered
            for save in saves:
                save()
        except OSError:  # a full disk: the errors matter, the cache does not
            pass
        raise
    if status is not None:
        site = dataclasses.replace(site, status=status_report(status, now))
    assert theme is not None  # a missing theme is an error above
    env = make_environment(theme, root, config.url_prefix, sandboxed=config.untrusted)
    if cache is not None:  # `kb serve`: templates compiled once, until a template file changes
        folders = list(getattr(env.loader, "searchpath", []))
        key = "\0".join((*folders, config.url_prefix, theme_digest(folders), str(config.untrusted)))
        if cache.environment is not None and cache.environment[0] == key:
            env = cache.environment[1]
        cache.environment = (key, env)
    return Prepared(site, rendered, env, theme, root, _fail_on_errors(diagnostics, options.strict), tuple(saves))


def _dates_from_git(
    root: Path, display: str, articles: list[Article], memo: dict | None = None,
) -> tuple[list[Article], list[Diagnostic]]:
    """An article without `updated` is updated when its file was last committed (with `memo`, the
    history is read again only after a commit)."""
    if memo is None:
        history = git_dates(root)
    else:
        head = git_head(root)
        if "history" not in memo or memo.get("head") != head:  # outside git (no head), read once
            memo.clear()
            memo.update(head=head, history=git_dates(root))
        history = memo["history"]
    if not history.dates:
        return articles, []
    found = []
    if history.shallow:
        found.append(warning(display, 1, 1, "the git clone is shallow, so last-updated dates from git may be wrong; "
                             "clone with full history (actions/checkout: fetch-depth: 0)", "shallow clone"))
    made: dict[str, tuple[Article, Article]] = memo.setdefault("dated", {}) if memo is not None else {}
    dated = []
    for article in articles:
        if article.updated is None and article.source in history.dates:
            earlier = made.get(article.source)  # `kb serve`: the same object for an unchanged article
            if earlier is None or earlier[0] is not article:
                earlier = made[article.source] = (article, dataclasses.replace(article, updated=history.dates[article.source]))
            article = earlier[1]
        dated.append(article)
    return dated, found


LOAD_POOL_MIN = 600  # fewer articles to read than this are read faster in one process than a pool starts

_Parsed = tuple[Article | None, tuple[Diagnostic, ...]]


def _load_articles(
    root: Path, display: str, sources: tuple[str, ...], config: SiteConfig, folder_urls: dict[str, str],
    cache: BuildCache | None = None, kept: Path | None = None, jobs: int = 0,
    meanwhile: Callable[[], object] | None = None, saves: list[Callable[..., object]] | None = None,
) -> tuple[list[Article], list[Diagnostic]]:
    """Every article parsed, on every core when many: by `kb serve` again only when its file
    changed, and with a cache folder (`kept`) again only when its bytes or the settings changed.
    `meanwhile` is called while they are read; with `saves`, the cache folder's file is written
    by the caller (the function to do it is added to it) instead of at once."""
    setting = (config, tuple(sorted(folder_urls.items())), display)
    # compared for every file: a digest is quicker to compare than the settings themselves
    setting_key = hashlib.sha256(repr(setting).encode("utf-8", "surrogatepass")).hexdigest()
    parsed = ParsedCache(kept, setting_key) if kept is not None and cache is None else None
    results: dict[str, _Parsed] = {}
    stat_keys: dict[str, tuple] = {}  # `kb serve`: each file's time, size and inode, with the settings
    if cache is not None:
        base = str(root)
        for rel in sources:
            path = os.path.join(base, rel)
            known = cache.stats.get(path) if cache.stats is not None else None
            if known is None:
                stat = os.stat(path)
                known = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            key = stat_keys[rel] = (*known, setting_key)
            earlier = cache.parsed.get(rel)
            if earlier is not None and earlier[0] == key:
                results[rel] = earlier[1:]
    todo = [rel for rel in sources if rel not in results]

    def load(rel: str) -> tuple[str | None, _Parsed | None]:
        """The file's key in the cache folder, and the file parsed (None when that cache has it)."""
        shown = join_display(display, rel)
        key = None
        if parsed is None:
            text, problem = read_text(root / rel, shown, ARTICLE_LIMIT)
        else:
            try:
                data = read_bytes(root / rel, ARTICLE_LIMIT)
            except OSError:
                data = None  # read again below, to say why it cannot be
            key = parsed.key(rel, shown, data) if data is not None else None
            if key is not None and key in parsed.entries:
                return key, None
            text, problem = read_text(root / rel, shown, ARTICLE_LIMIT) if data is None else decode_text(data, shown)
        return key, (None, (problem,)) if problem else parse_article(rel, text, shown, config, folder_urls)

    workers = _workers(jobs) if len(todo) >= LOAD_POOL_MIN else 1
    for rel, (key, found) in zip(todo, list(fork_map(load, todo, workers, 250, meanwhile)), strict=True):
        if parsed is not None:
            if found is None:
                found = parsed.get(key)  # type: ignore[assignment]
            elif key is not None:
                parsed.put(key, found)
        if cache is not None:
            cache.parsed[rel] = (stat_keys[rel], *found)  # type: ignore[misc]
        results[rel] = found  # type: ignore[assignment]
    articles: list[Article] = []
    diagnostics: list[Diagnostic] = []
    for rel in sources:
        article, problems = results[rel]
        diagnostics.extend(problems)
        if article:
            articles.append(article)
    if parsed is not None:
        if saves is None:
            parsed.save()
        else:
            saves.append(parsed.save)
    return articles, diagnostics


def _render_articles(
    articles: tuple[Article, ...], config: SiteConfig, context: LinkContext, display: str, renders: RenderCache,
    jobs: int, progress: Progress | None,
) -> dict[str, RenderedArticle]:
    """Every article's HTML: from the cache when still right, else rendered (on every core when many)."""
    rendered: dict[str, RenderedArticle] = {}
    todo: list[tuple[Article, str]] = []
    keys: list[str] = []
    for article in articles:
        shown = join_display(display, article.source)
        key = renders.key(article, config.markdown, context.url_prefix, shown)
        found = renders.get(key, context)
        if found is not None:
            rendered[article.source] = found
        else:
            todo.append((article, shown))
            keys.append(key)
    workers = _workers(jobs)
    for (article, _), key, result in zip(todo, keys, render_all(todo, config.markdown, context, workers, progress), strict=True):
        rendered[article.source] = result
        renders.put(key, result)
    return {a.source: rendered[a.source] for a in articles}


def _workers(jobs: int) -> int:
    """Processes to use: as asked, else one per core this process may run on."""
    if jobs > 0:
        return jobs
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check_anchors(rendered: dict[str, RenderedArticle], display: str) -> list[Diagnostic]:
    """Warn about links to a `#fragment` that the target article does not have."""
    found = []
    for article in rendered.values():
        for link in article.fragments:
            target = rendered.get(link.target)
            if target is None or link.fragment in target.ids or link.fragment == "top":
                continue
            where = "" if link.target == article.source else f" in '{link.target}'"
            found.append(warning(join_display(display, article.source), link.line, link.col,
                                 f"link to missing anchor '#{link.fragment}'{where}", "link to missing anchor"))
    return found


def _render_status(
    status: StatusFile, renderer: MarkdownRenderer, context: LinkContext, shown: str
) -> tuple[StatusFile, list[Diagnostic]]:
    """Render the Markdown of every incident update; its links are checked like an article's."""
    found: list[Diagnostic] = []
    incidents = []
    for incident in status.incidents:
        updates = []
        for update in incident.updates:
            html, problems = renderer.render_text(update.body, context, shown, update.line, STATUS_FILE)
            found.extend(problems)
            updates.append(dataclasses.replace(update, html=html))
        incidents.append(dataclasses.replace(incident, updates=tuple(updates)))
    return dataclasses.replace(status, incidents=tuple(incidents)), found


def _fail_on_errors(diagnostics: list[Diagnostic], strict: bool) -> tuple[Diagnostic, ...]:
    """Raise when there is an error (or, under --strict, a warning); return the warnings."""
    found = tuple(sorted(diagnostics))
    if strict:
        found = strictify(found)
    if any(d.is_error for d in found):
        raise ContentError(found)
    return found
