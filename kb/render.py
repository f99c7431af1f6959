"""Site + theme → OutputFile[]: every page, feed and asset of the built site."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jinja2

from .errors import Diagnostic, error
from .model import OutputFile, RenderedArticle, Site
from .statusapi import api_files
from .statusview import incident_path
from .theme import PageBuilder, site_url, tag_url, theme_dir

MARKER = ".kb-site"
REDIRECTS = "_redirects"
MANIFEST = "kb-manifest.json"


def render_site(
    site: Site, rendered: dict[str, RenderedArticle], env: jinja2.Environment, theme: Path, root: Path
) -> tuple[list[OutputFile], tuple[Diagnostic, ...]]:
    """Render every page with the theme; template problems become diagnostics."""
    pages = PageBuilder(site, rendered)
    jobs: list[tuple[str, str, dict]] = [("index.html", "home.html", pages.home())]
    for category in site.categories:
        jobs.append((_index(category.url), "category.html", pages.category(category)))
    for article in site.articles:
        jobs.append((_index(article.url), "article.html", pages.article(article)))
    if pages.tags:
        jobs.append(("tags/index.html", "tags.html", pages.tag_index()))
        for key in pages.tag_keys():
            jobs.append((_index(tag_url(key)), "tag.html", pages.tag(key)))
    jobs.append(("search/index.html", "search.html", pages.search()))
    jobs.append(("contact/index.html", "contact.html", pages.contact()))
    if site.status is not None:
        jobs.append(("status/index.html", "status.html", pages.status_page()))
        jobs.append(("status/history/index.html", "status_history.html", pages.status_history()))
        for view in (*site.status.incidents, *site.status.maintenances):
            key = view.incident.key
            jobs.append((_index(incident_path(key)), "status_incident.html", pages.status_incident(key)))
        feed = pages.status_feed(site.config.url_prefix)
        jobs.append(("status/history.atom", "status_history.atom", feed))
        jobs.append(("status/history.rss", "status_history.rss", feed))
        jobs.append(("status/badge.svg", "status_badge.svg", {"badge": pages.status.badge()}))  # type: ignore[union-attr]
    jobs.append(("404.html", "404.html", pages.not_found()))
    if site.config.base_url.startswith(("http://", "https://")):
        jobs.append(("sitemap.xml", "sitemap.xml", pages.sitemap()))
    jobs.append(("robots.txt", "robots.txt", pages.sitemap()))
    by_url = {a.url: a for a in site.articles}
    for old, new in site.redirects.items():
        article = by_url[new]
        jobs.append((_redirect_file(old), "redirect.html", {
            "language": site.config.language, "title": article.title,
            "target": site_url(new, site.config.url_prefix), "canonical": pages.absolute(new, site.config.url_prefix),
        }))
    files: list[OutputFile] = []
    problems: list[Diagnostic] = []
    templates: dict[str, jinja2.Template] = {}
    for path, name, context in jobs:
        try:
            template = templates.get(name) or templates.setdefault(name, env.get_template(name))
            files.append(OutputFile(path, template.render(context).encode("utf-8")))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(error(exc.filename or name, exc.lineno or 1, 1, f"template error: {exc.message}"))
            break
        except (jinja2.UndefinedError, jinja2.TemplateNotFound) as exc:
            problems.append(error(_template_path(env, name), 1, 1, f"template error while rendering /{path}: {exc}"))
            break
    if site.status is not None:
        files.extend(api_files(site.status, lambda view: pages.absolute(incident_path(view), site.config.url_prefix)))
    files.extend(_static_files([d for d in (theme_dir("default", root), theme) if d is not None]))
    files.extend(OutputFile(rel, copy_from=str(root / rel)) for rel in site.assets)
    files.append(OutputFile(MARKER, b"This folder was written by kb and is replaced by each build.\n"))
    if site.redirects:
        files.append(OutputFile(REDIRECTS, redirects_file(site.redirects, site.config.url_prefix)))
    files.append(OutputFile(MANIFEST, manifest(files, site.redirects)))
    return files, tuple(problems)


def redirects_file(redirects: dict[str, str], url_prefix: str) -> bytes:
    """`_redirects` in the Netlify and Cloudflare Pages format: `old new 301`, one per line."""
    lines = [f"{site_url(old, url_prefix)} {site_url(new, url_prefix)} 301" for old, new in redirects.items()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def manifest(files: list[OutputFile], redirects: dict[str, str]) -> bytes:
    """Every URL the build published (pages, feeds, API files, content files) and every redirect, one per line."""
    moved = {_redirect_file(old) for old in redirects}
    urls = sorted(
        "/" + (f.path[: -len("index.html")] if f.path == "index.html" or f.path.endswith("/index.html") else f.path)
        for f in files
        if not f.path.startswith(("assets/", "pagefind/")) and f.path not in (MARKER, REDIRECTS, MANIFEST)
        and f.path not in moved
    )
    body = {"generator": "kb", "urls": urls, "redirects": redirects}
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _redirect_file(old: str) -> str:
    return old.strip("/") + "/index.html" if old.endswith("/") else old.lstrip("/")


def _index(url: str) -> str:
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


def _template_path(env: jinja2.Environment, name: str) -> str:
    try:
        filename = env.loader.get_source(env, name)[1]  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        return name
    if not filename:
        return name
    path = Path(filename).absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _static_files(themes: list[Path]) -> list[OutputFile]:
    """The themes' `static/` folders, published as `/assets/`; a later theme's file wins."""
    found: dict[str, str] = {}
    for theme in themes:
        base = theme / "static"
        for folder, dirs, names in os.walk(base):
            dirs.sort()
            for name in sorted(names):
                full = Path(folder) / name
                found["assets/" + full.relative_to(base).as_posix()] = str(full)
    return [OutputFile(path, copy_from=source) for path, source in sorted(found.items())]
