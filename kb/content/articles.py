"""Articles in, HTML out: every article read and parsed, every article's Markdown rendered, the
links to anchors checked, and the incident updates of the status page rendered."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .parse import parse_article
from ..errors import Diagnostic, warning
from .links import dependencies_hold
from .markdown import MarkdownRenderer
from ..model import Article, Category, LinkContext, MarkdownOptions, RenderedArticle, SiteConfig
from ..status.model import StatusFile
from ..runner import Runner
from ..status import STATUS_FILE
from .textio import ARTICLE_LIMIT, decode_text, read_text

_Parsed = tuple[Article | None, tuple[Diagnostic, ...]]


def parse_articles(
    root: Path, sources: tuple[str, ...], config: SiteConfig, categories: tuple[Category, ...],
    run: Runner,
) -> tuple[list[Article], list[Diagnostic]]:
    """Every article file read and parsed, in order; the problems of those that cannot be."""
    folder_urls = {c.key: c.url for c in categories if not c.lang}

    def parse(rel: str) -> _Parsed:
        try:
            text, problem = decode_text(run.read(str(root / rel), ARTICLE_LIMIT), rel)
        except OSError:
            text, problem = read_text(root / rel, rel, ARTICLE_LIMIT)  # to say why it cannot be read
        return (None, (problem,)) if problem else parse_article(rel, text, rel, config, folder_urls)

    salt = (config, tuple(sorted(folder_urls.items())))
    results = run.map("parse", parse, sources, salt=salt, key=lambda rel: rel, file=lambda rel: str(root / rel))
    articles: list[Article] = []
    diagnostics: list[Diagnostic] = []
    for article, problems in results:
        diagnostics.extend(problems)
        if article:
            articles.append(article)
    return articles, diagnostics


def render_articles(
    articles: tuple[Article, ...], options: MarkdownOptions, context: LinkContext, run: Runner,
) -> tuple[dict[str, RenderedArticle], list[Diagnostic]]:
    """Every article's HTML, and the problems found in them (links to missing anchors among them).
    An article's HTML depends on its text, the Markdown settings, the URL prefix and the link
    targets it looked up (kept with it: adding an article re-renders only those linking to it)."""
    renderer = MarkdownRenderer(options, quick=run.quick)

    def render(article: Article) -> RenderedArticle:
        return renderer.render(article, context, article.source)

    results = run.map("render", render, articles, salt=(repr(options), context.url_prefix),
                      key=lambda a: (a.source, a.lang, a.body_line, a.summary, a.body),
                      valid=lambda found: dependencies_hold(found.deps, context), progress=True)
    rendered = {article.source: result for article, result in zip(articles, results, strict=True)}
    found = [d for result in rendered.values() for d in result.diagnostics]
    return rendered, found + check_anchors(rendered)


def check_anchors(rendered: dict[str, RenderedArticle]) -> list[Diagnostic]:
    """Warn about links to a `#fragment` that the target article does not have."""
    found = []
    for article in rendered.values():
        for link in article.fragments:
            target = rendered.get(link.target)
            if target is None or link.fragment in target.ids or link.fragment == "top":
                continue
            where = "" if link.target == article.source else f" in '{link.target}'"
            found.append(warning(article.source, link.line, link.col,
                                 f"link to missing anchor '#{link.fragment}'{where}", "link to missing anchor"))
    return found


def render_status(
    status: StatusFile | None, options: MarkdownOptions, context: LinkContext, run: Runner,
) -> tuple[StatusFile | None, list[Diagnostic]]:
    """Render the Markdown of every incident update; its links are checked like an article's."""
    if status is None:
        return None, []
    renderer = MarkdownRenderer(options, quick=run.quick)
    found: list[Diagnostic] = []
    incidents = []
    for incident in status.incidents:
        updates = []
        for update in incident.updates:
            html, problems = renderer.render_text(update.body, context, STATUS_FILE, update.line, STATUS_FILE)
            found.extend(problems)
            updates.append(dataclasses.replace(update, html=html))
        incidents.append(dataclasses.replace(incident, updates=tuple(updates)))
    return dataclasses.replace(status, incidents=tuple(incidents)), found
