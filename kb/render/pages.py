"""Site + theme → OutputFile[]: every page, feed and asset of the built site."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import jinja2
import jinja2.sandbox

from ..errors import Diagnostic, TemplateProblem
from .minify import minify_css
from ..model import OutputFile, RenderedArticle, Site
from ..output.folder import MARKER, MARKER_TEXT
from ..runner import Runner
from ..status.api import api_files
from .contexts import articles as article_pages, feeds as feed_pages, site as site_pages, status as status_pages
from .contexts.shared import PageBuilder
from .editions import editions
from .loader import template_problem
from ..content.textio import read_bytes
from .theme import theme_dir
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .i18n import Catalogs
from .urls import incident_path, index_file, is_absolute_base, redirect_file, site_url, tag_key

REDIRECTS = "_redirects"
MANIFEST = "kb-manifest.json"


Job = tuple[str, str, Callable[[], dict]]  # output path, template name, the context (made when rendered)


def render_site(
    site: Site, rendered: dict[str, RenderedArticle], env: jinja2.Environment, theme: Path, root: Path, run: Runner,
    catalogs: Catalogs | None = None,
) -> tuple[list[OutputFile], tuple[Diagnostic, ...]]:
    """Every page, feed and file of the site, in every language; a template's problem becomes a
    diagnostic (the first stops the rendering)."""
    builders = page_builders(site, rendered, catalogs)
    folders = tuple(getattr(env.loader, "searchpath", []))
    words = getattr(catalogs, "digest", None) or getattr(env, "kb_catalogs_digest", "")  # where the theme's words come from
    salt = (folders, site.config.url_prefix, site.config.untrusted, words)
    jobs = [job for pages in builders for job in page_jobs(pages.site, pages)]
    files, problems = render_pages(jobs, env, run, salt)
    files.extend(other_files(site, builders[0], theme, root))
    files.append(OutputFile(MARKER, MARKER_TEXT))
    if site.redirects:
        files.append(OutputFile(REDIRECTS, redirects_file(site.redirects, site.config.url_prefix)))
    files.append(OutputFile(MANIFEST, manifest(files, site.redirects, [a.url for a in site.articles])))
    return files, tuple(problems)


def page_builders(site: Site, rendered: dict[str, RenderedArticle], catalogs: Catalogs | None = None) -> list[PageBuilder]:
    """A PageBuilder for each language's edition of the site, the default language's first."""
    found = editions(site)
    return [PageBuilder(edition, rendered, found, catalogs.gettext(code) if catalogs is not None else None)
            for code, edition in found.items()]


def render_pages(jobs: list[Job], env: jinja2.Environment, run: Runner, salt: object = None) -> tuple[list[OutputFile], list[Diagnostic]]:
    """Render pages in order, each from its context alone (with `salt`: what every page depends on
    besides, its template folders, URL prefix, sandboxing and catalogs); the first template problem stops."""
    templates: dict[str, jinja2.Template] = {}

    def page(job: Job) -> OutputFile | Diagnostic:
        path, name, make = job
        context = make()
        try:
            return run.store(path, lambda: render_page(env, templates, job, context), key=(name, context))
        except TemplateProblem as exc:
            return exc.diagnostic

    files: list[OutputFile] = []
    results = run.map("pages", page, jobs, salt=salt)
    for result in results:
        if isinstance(result, Diagnostic):
            getattr(results, "close", lambda: None)()
            return files, [result]
        files.append(result)
    return files, []


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


def all_pages(site: Site, incidents: list[str] | None = None) -> list[Page]:
    """Every page of every language's edition of the site (see `page_list`)."""
    return [page for edition in editions(site).values() for page in page_list(edition, incidents)]


def page_list(site: Site, incidents: list[str] | None = None) -> list[Page]:
    """Every page of one language's edition of the site, in a fixed order; with `incidents`, the
    status pages of these incident keys (else of the status report's). The pages made once for the
    whole site (status, sitemap, robots.txt, redirects) are the default language's."""
    config = site.config
    own = "" if config.language == config.default_language else config.language
    home = config.language_of(config.language).home.lstrip("/")  # "" or "es/"
    articles = [a for a in site.articles if a.lang == own]
    pages: list[Page] = [(home + "index.html", "home.html", ("home",))]
    pages += [(index_file(c.url), "category.html", ("category", c)) for c in site.categories]
    pages += [(index_file(a.url), "article.html", ("article", a)) for a in articles]
    tags = sorted({tag_key(tag) for a in articles for tag in a.tags})  # an original listed in its stead has its own
    if tags:
        pages.append((home + "tags/index.html", "tags.html", ("tags",)))
        pages += [(home + index_file(f"/tags/{key}/"), "tag.html", ("tag", key)) for key in tags]
    pages.append((home + "search/index.html", "search.html", ("search",)))
    pages.append((home + "contact/index.html", "contact.html", ("contact",)))
    if own:
        pages.append((home + "feed.xml", "feed.xml", ("feed",)))
        pages.append((home + "404.html", "404.html", ("not found",)))
        return pages
    if incidents is None and site.status is not None:
        incidents = [view.incident.key for view in (*site.status.incidents, *site.status.maintenances)]
    if incidents is not None:
        pages.append(("status/index.html", "status.html", ("status",)))
        pages.append(("status/history/index.html", "status_history.html", ("status history",)))
        pages += [(index_file(incident_path(key)), "status_incident.html", ("incident", key)) for key in incidents]
        pages.append(("status/history.atom", "status_history.atom", ("status feed",)))
        pages.append(("status/history.rss", "status_history.rss", ("status feed",)))
        pages.append(("status/badge.svg", "status_badge.svg", ("status badge",)))
    pages.append(("feed.xml", "feed.xml", ("feed",)))
    pages.append(("404.html", "404.html", ("not found",)))
    if is_absolute_base(site.config.base_url):
        pages.append(("sitemap.xml", "sitemap.xml", ("sitemap",)))
    pages.append(("robots.txt", "robots.txt", ("sitemap",)))
    pages += [(redirect_file(old), "redirect.html", ("redirect", old)) for old in site.redirects]
    return pages


def page_jobs(site: Site, pages: PageBuilder) -> list[Job]:
    """Every page of the site, as (path, template, context maker), in a fixed order: each page kind
    of `page_list` made by its function of `kb.render.contexts`."""
    makers: dict[str, Callable[..., dict]] = {
        "home": article_pages.home, "category": article_pages.category, "article": article_pages.article,
        "tags": site_pages.tag_index, "tag": site_pages.tag, "search": site_pages.search,
        "contact": site_pages.contact, "not found": site_pages.not_found,
        "status": status_pages.status, "status history": status_pages.history, "incident": status_pages.incident,
        "status feed": status_pages.feed, "status badge": status_pages.badge,
        "feed": feed_pages.feed, "sitemap": feed_pages.sitemap, "redirect": feed_pages.redirect,
    }
    return [(path, template, partial(makers[what[0]], pages, *what[1:])) for path, template, what in page_list(site)]


def other_files(site: Site, pages: PageBuilder, theme: Path, root: Path) -> list[OutputFile]:
    """The status API, the themes' static files and the content's own files."""
    files: list[OutputFile] = []
    if site.status is not None:
        files.extend(api_files(site.status, lambda view: pages.absolute(incident_path(view.incident.key))))
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
