"""Site + theme → OutputFile[]: every page, feed and asset of the built site."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import jinja2
import jinja2.sandbox

from .errors import Diagnostic, TemplateProblem
from .minify import minify_css
from .model import OutputFile, RenderedArticle, Site
from .output import MARKER, MARKER_TEXT, write_file
from .pagecache import Entry, PageCache
from .pool import fork_map
from .search import BODY as SEARCH_BODY
from .search import body_only
from .statusapi import api_files
from .statusview import incident_path
from .templateload import template_problem
from .textio import read_bytes
from .theme import PageBuilder, site_url, tag_key, theme_dir

REDIRECTS = "_redirects"
MANIFEST = "kb-manifest.json"


Job = tuple[str, str, Callable[[], dict]]  # output path, template name, the context (made when rendered)


def render_site(
    site: Site, rendered: dict[str, RenderedArticle], env: jinja2.Environment, theme: Path, root: Path,
    workers: int = 1, write_to: Path | None = None, cache: PageCache | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[OutputFile], tuple[Diagnostic, ...]]:
    """Render every page with the theme; template problems become diagnostics. With `write_to`
    (a staging folder) pages are written there as they are rendered, by the process that renders
    them, and with `cache` too, a page whose key is in the cache is taken from it instead.
    `meanwhile` is called while the pages render (see fork_map)."""
    pages = PageBuilder(site, rendered)
    files, problems = render_pages(page_jobs(site, pages), env, workers, write_to, cache if write_to else None,
                                   meanwhile)
    files.extend(other_files(site, pages, theme, root))
    files.append(OutputFile(MARKER, MARKER_TEXT))
    if site.redirects:
        files.append(OutputFile(REDIRECTS, redirects_file(site.redirects, site.config.url_prefix)))
    files.append(OutputFile(MANIFEST, manifest(files, site.redirects, [a.url for a in site.articles])))
    return files, tuple(problems)


PAGES_POOL_MIN = 400  # fewer pages than this render faster in one process
_Part = tuple[list[OutputFile], list[Diagnostic], dict[str, Entry]]


def render_pages(
    jobs: list[Job], env: jinja2.Environment, workers: int, write_to: Path | None = None,
    cache: PageCache | None = None, meanwhile: Callable[[], object] | None = None,
) -> tuple[list[OutputFile], list[Diagnostic]]:
    """Render pages in order; with several workers, in ranges across forked processes (which
    inherit the pages to make). The first template problem stops the rendering. The pages a cache
    gave or took are added to `cache.used`."""
    if workers <= 1 or len(jobs) < PAGES_POOL_MIN:
        workers, step = 1, max(1, len(jobs))
    else:
        step = max(50, len(jobs) // (workers * 16))  # small: the last range is rendered while the other workers wait
    ranges = [(start, min(start + step, len(jobs))) for start in range(0, len(jobs), step)]
    made: set[str] = set()  # the folders a worker made, kept across its ranges (each worker has its own copy)
    parts = fork_map(lambda bounds: _render_range(env, jobs, write_to, cache, *bounds, made), ranges, workers, 1,
                     meanwhile)
    return _combine(list(parts), cache)


def _combine(parts: list[_Part], cache: PageCache | None) -> tuple[list[OutputFile], list[Diagnostic]]:
    files = [file for part, _, _ in parts for file in part]
    problems = next((found for _, found, _ in parts if found), [])
    if cache is not None:
        for _, _, used in parts:
            cache.used.update(used)
    return files, problems


def _render_range(
    env: jinja2.Environment, jobs: list[Job], write_to: Path | None, cache: PageCache | None, start: int, end: int,
    made: set[str],
) -> _Part:
    templates: dict[str, jinja2.Template] = {}
    files: list[OutputFile] = []
    used: dict[str, Entry] = {}  # page key -> digest of its bytes and their body_only, for the cache
    for path, name, make in jobs[start:end]:
        context = make()
        key = cache.key(name, context) if cache is not None else None
        kept = cache.fetch(key) if cache is not None and key is not None else None
        try:
            data = render_page(env, templates, (path, name, make), context) if kept is None else kept.data
        except TemplateProblem as exc:
            return files, [exc.diagnostic], used
        if write_to is None:
            files.append(OutputFile(path, data))
            continue
        # written here: the page's bytes never travel back to the main process
        write_file(write_to, path, data, made=made, link_from=kept.path if kept is not None else None)
        searchable = SEARCH_BODY in data
        if kept is None:
            digest, alone = hashlib.sha256(data).hexdigest(), body_only(data) if searchable else None
        else:
            digest, alone = kept.digest, kept.alone
        files.append(OutputFile(path, written=True, digest=digest, searchable=searchable, body_only=alone))
        if cache is not None and key is not None:
            if kept is None:
                cache.store(digest, write_to / posixpath.normpath(path))
            used[key] = (digest, alone)
    return files, [], used


def render_page(env: jinja2.Environment, templates: dict[str, jinja2.Template], job: Job, context: dict | None = None) -> bytes:
    """One page's bytes (from `context` when it is made already); raise TemplateProblem when its
    template fails in any way, at the line of the template that failed."""
    path, name, make = job
    values = make() if context is None else context  # kb's own work: not a template's failure
    try:
        template = templates.get(name) or templates.setdefault(name, env.get_template(name))
        return template.render(values).encode("utf-8")
    except Exception as exc:  # noqa: BLE001 - a project's template can fail in any way: never a traceback
        raise TemplateProblem(template_problem(exc, env, name, path)) from None


Page = tuple[str, str, tuple]  # output path, template name, what the page shows: ("article", Article), ("tag", key)…


def page_list(site: Site, incidents: list[str] | None = None) -> list[Page]:
    """Every page of the site, in a fixed order; with `incidents`, the status pages of these incident
    keys (else of the status report's)."""
    pages: list[Page] = [("index.html", "home.html", ("home",))]
    pages += [(_index(c.url), "category.html", ("category", c)) for c in site.categories]
    pages += [(_index(a.url), "article.html", ("article", a)) for a in site.articles]
    tags = sorted({tag_key(tag) for a in site.articles for tag in a.tags})
    if tags:
        pages.append(("tags/index.html", "tags.html", ("tags",)))
        pages += [(_index(f"/tags/{key}/"), "tag.html", ("tag", key)) for key in tags]
    pages.append(("search/index.html", "search.html", ("search",)))
    pages.append(("contact/index.html", "contact.html", ("contact",)))
    if incidents is None and site.status is not None:
        incidents = [view.incident.key for view in (*site.status.incidents, *site.status.maintenances)]
    if incidents is not None:
        pages.append(("status/index.html", "status.html", ("status",)))
        pages.append(("status/history/index.html", "status_history.html", ("status history",)))
        pages += [(_index(incident_path(key)), "status_incident.html", ("incident", key)) for key in incidents]
        pages.append(("status/history.atom", "status_history.atom", ("status feed",)))
        pages.append(("status/history.rss", "status_history.rss", ("status feed",)))
        pages.append(("status/badge.svg", "status_badge.svg", ("status badge",)))
    pages.append(("feed.xml", "feed.xml", ("feed",)))
    pages.append(("404.html", "404.html", ("not found",)))
    if site.config.base_url.startswith(("http://", "https://")):
        pages.append(("sitemap.xml", "sitemap.xml", ("sitemap",)))
    pages.append(("robots.txt", "robots.txt", ("sitemap",)))
    pages += [(redirect_file(old), "redirect.html", ("redirect", old)) for old in site.redirects]
    return pages


def page_jobs(site: Site, pages: PageBuilder) -> list[Job]:
    """Every page of the site, as (path, template, context maker), in a fixed order."""
    prefix = site.config.url_prefix
    by_url = {a.url: a for a in site.articles}
    makers: dict[str, Callable[..., dict]] = {
        "home": pages.home, "category": pages.category, "article": pages.article, "tags": pages.tag_index,
        "tag": pages.tag, "search": pages.search, "contact": pages.contact, "status": pages.status_page,
        "status history": pages.status_history, "incident": pages.status_incident,
        "status feed": lambda: pages.status_feed(prefix), "feed": pages.feed, "not found": pages.not_found,
        "sitemap": pages.sitemap,
        "status badge": lambda: {"badge": pages.status.badge()},  # type: ignore[union-attr]
        "redirect": lambda old: {
            "language": site.config.language, "title": by_url[site.redirects[old]].title,
            "target": site_url(site.redirects[old], prefix), "canonical": pages.absolute(site.redirects[old], prefix),
        },
    }
    return [(path, template, partial(makers[what[0]], *what[1:])) for path, template, what in page_list(site)]


def other_files(site: Site, pages: PageBuilder, theme: Path, root: Path) -> list[OutputFile]:
    """The status API, the themes' static files and the content's own files."""
    files: list[OutputFile] = []
    if site.status is not None:
        files.extend(api_files(site.status, lambda view: pages.absolute(incident_path(view), site.config.url_prefix)))
    files.extend(_static_files([d for d in (theme_dir("default", root), theme) if d is not None]))
    files.extend(OutputFile(site.asset_url(rel), copy_from=str(root / rel)) for rel in site.assets)
    return files


def redirects_file(redirects: dict[str, str], url_prefix: str) -> bytes:
    """`_redirects` in the Netlify and Cloudflare Pages format: `old new 301`, one per line."""
    lines = [f"{site_url(old, url_prefix)} {site_url(new, url_prefix)} 301" for old, new in redirects.items()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def manifest(files: list[OutputFile], redirects: dict[str, str], articles: Iterable[str] = ()) -> bytes:
    """Every URL the build published (pages, feeds, API files, content files), every redirect and,
    apart, the articles' URLs (what `kb check --against` must not lose), one per line."""
    moved = {redirect_file(old) for old in redirects}
    urls = sorted(
        "/" + (f.path[: -len("index.html")] if f.path == "index.html" or f.path.endswith("/index.html") else f.path)
        for f in files
        if not f.path.startswith(("assets/", "pagefind/")) and f.path not in (MARKER, REDIRECTS, MANIFEST)
        and f.path not in moved
    )
    body = {"generator": "kb", "urls": urls, "redirects": redirects, "articles": sorted(articles)}
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def redirect_file(old: str) -> str:
    """The file a redirect from the site path `old` is written to."""
    return old.strip("/") + "/index.html" if old.endswith("/") else old.lstrip("/")


def _index(url: str) -> str:
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


def static_paths(themes: list[Path]) -> dict[str, str]:
    """The themes' `static/` files by their path in the site (`assets/…`); a later theme's file wins."""
    found: dict[str, str] = {}
    for theme in themes:
        base = theme / "static"
        for folder, dirs, names in os.walk(base):
            dirs.sort()
            for name in sorted(names):
                full = Path(folder) / name
                if full.is_file():  # a named pipe is not copied: it would wait for a writer
                    found["assets/" + full.relative_to(base).as_posix()] = str(full)
    return dict(sorted(found.items()))


def _static_files(themes: list[Path]) -> list[OutputFile]:
    """The themes' `static/` folders, published as `/assets/` (stylesheets minified)."""
    return [_static_file(path, source) for path, source in static_paths(themes).items()]


def _static_file(path: str, source: str) -> OutputFile:
    """A stylesheet minified, any other file copied; a stylesheet that is not UTF-8 is copied as it is."""
    if path.endswith(".css"):
        try:
            return OutputFile(path, minify_css(read_bytes(source).decode("utf-8")).encode("utf-8"))
        except (OSError, UnicodeDecodeError):
            pass
    return OutputFile(path, copy_from=source)
