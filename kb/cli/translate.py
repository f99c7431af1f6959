"""`kb translate status`, `kb translate done` and `kb new` (an article, or with --translation a
translation of one): thin wrappers around kb.content.tstatus and kb.content.tfiles."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..content.config import SITE_FILE, load_config
from ..content.scaffold import new_article
from ..content.tfiles import ArgumentError, ReadingAround, content_path, language, new_translation, plan_done, write_done
from ..content.tstatus import STATES, Row, load_articles, report, totals, translation_table
from ..errors import Diagnostic, NoContentFolder, json_escaped, located, printable
from ..errors import plural as _count
from ..model import SiteConfig
from ..options import build_clock
from .commands import KbCommand, KbGroup, _text, typed

_CONTENT = click.option("--content", "content", default="content", show_default=True, metavar="DIR",
                        help="The content folder.")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


@click.group(cls=KbGroup)
def translate() -> None:
    """Which translations are missing or outdated, and record the reviewed ones."""


@translate.command()
@_CONTENT
@click.option("--format", "style", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text for people, json for tools, markdown for a pull request or an issue.")
def status(content: str, style: str) -> None:
    """Every article in every language of the site: original, up to date, outdated, unchecked or missing."""
    root = Path(content)
    quick = root.is_dir() and not (root / SITE_FILE).is_symlink()  # a link out of the folder: the loader says so
    config, problems = load_config(root) if quick else (None, ())
    if config is None or config.multilingual or any(d.is_error for d in problems):  # else: no article to read
        config, articles, found = load_articles(root)
        _stop_on_errors(found, content)
    rows = translation_table(config, articles) if config.multilingual else []
    if not config.multilingual:
        click.echo(f"kb: the site has one language ('{config.default_language}'); list its languages in "
                   "site.yaml (languages:) to translate it", err=True)
    if style == "json":
        click.echo(json_escaped(json.dumps(report(config, rows), ensure_ascii=False, indent=1)))
    elif config.multilingual:
        click.echo("\n".join(_markdown(config, rows) if style == "markdown" else _table(config, rows)))


@translate.command()
@click.argument("paths", nargs=-1, metavar="PATH...", callback=lambda ctx, param, value: tuple(map(_text, value)))
@click.option("--all", "every", metavar="CODE", callback=lambda ctx, param, value: _text(value),
              help="Every translation into the language CODE.")
@_CONTENT
def done(paths: tuple[str, ...], every: str | None, content: str) -> None:
    """Record that each translation PATH (or every one into CODE) is reviewed against its original as it is now."""
    if bool(paths) == bool(every):
        raise click.UsageError("name the translations (PATH...) or a language (--all CODE), not both" if paths
                               else "name the translations (PATH...) or a language (--all CODE)")
    root = Path(content)
    if not root.is_dir():
        raise NoContentFolder("is not a folder" if root.exists() else "does not exist")
    problems: list[str] = []
    rels = []
    for given in paths:
        rel = content_path(root, given)
        if rel is None:
            problems.append(f"'{given}' is not a file of the content folder '{typed(content)}'")
        else:
            rels.append(rel)
    config, articles, found = load_articles(root, ReadingAround(root, rels))
    _stop_on_errors(found, content)
    default = config.default_language
    if every is not None:
        lang = language(config, every)
        own = "" if lang.code == default else lang.code
        rels = sorted(a.source for a in articles if a.original is not None and a.lang == own)
        if not rels:
            click.echo(f"kb: no translations into '{lang.code}'", err=True)
            return
    plans, more = plan_done(root, articles, rels)
    problems.extend(more)
    if problems:
        for problem in problems:
            click.echo(f"Error: {printable(problem)}", err=True)
        click.echo(f"kb: nothing written: {_count(len(problems), 'problem')}", err=True)
        sys.exit(1)
    write_done(root, plans)
    for plan in plans:
        kept = " (already recorded)" if plan.data is None else ""
        click.echo(f"{plan.lang or default}: {printable(plan.path)}: up to date (source_hash {plan.digest}){kept}")


@click.command(cls=KbCommand)
@click.argument("title", metavar="TITLE|SOURCE", callback=lambda ctx, param, value: _text(value))
@click.option("--category", metavar="TOPIC", callback=lambda ctx, param, value: _text(value),
              help="The topic: its folder name, slug or title; a new name makes a new topic folder.")
@click.option("--section", metavar="NAME", callback=lambda ctx, param, value: _text(value),
              help="A section inside the topic (made when new).")
@click.option("--translation", metavar="CODE", callback=lambda ctx, param, value: _text(value),
              help="Start the translation into CODE of the article SOURCE (a path), beside it.")
@_CONTENT
def new(title: str, category: str | None, section: str | None, translation: str | None, content: str) -> None:
    """Create a draft article for TITLE with its front matter filled in (--category), or a draft
    translation of the article SOURCE (--translation CODE); prints its path."""
    if translation is not None:
        if category is not None or section is not None:
            raise click.UsageError("--category and --section do not go with --translation: a translation sits "
                                   "beside its source")
        root = Path(content)
        rel = content_path(root, title) if root.is_dir() else None
        if rel is None:
            raise ArgumentError(f"'{title}' is not a file of the content folder '{typed(content)}'")
        config, articles, found = load_articles(root)
        _stop_on_errors(found, content)
        made = new_translation(root, config, articles, rel, translation)
        click.echo("kb: a draft with the original's text: translate it, delete 'draft: true', then run "
                   "kb translate done on it", err=True)
        click.echo(str(made))
        return
    if category is None:
        raise click.UsageError("Missing option '--category' (or '--translation CODE' to translate an article).")
    made = new_article(Path(content), title, category, section, build_clock().date())
    for folder in made.created_folders:
        click.echo(f"kb: made the folder '{folder}'", err=True)
    click.echo("kb: a draft (shown by kb serve, not published): delete 'draft: true' when it is ready", err=True)
    click.echo(str(made.path))


def _stop_on_errors(found: Sequence[Diagnostic], content: str) -> None:
    """Print the content's errors as `kb check` does and exit 1, when it has any."""
    errors = [d for d in located(found, typed(content)) if d.is_error]
    if errors:
        for diagnostic in errors:
            click.echo(diagnostic.format(), err=True)
        click.echo(f"kb: the content has {_count(len(errors), 'error')}; fix them first (kb check)", err=True)
        sys.exit(1)


def _label(state: str, draft: bool) -> str:
    return f"{state} (draft)" if draft else state


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[state]} {state}" for state in STATES if counts[state]) or "no articles"


def _table(config: SiteConfig, rows: list[Row]) -> list[str]:
    """The table for people: a line per article, a column per language, then the totals."""
    header = ["article", *(lang.code for lang in config.languages)]
    lines = [[printable(row.article), *(_label(cell.state, cell.draft) for _, cell in row.cells)] for row in rows]
    widths = [max(len(line[i]) for line in (header, *lines)) for i in range(len(header))]
    shown = ["  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
             for line in (header, *lines)]
    counted = totals(config, rows)
    return [*shown, "", *(f"{lang.code} ({printable(lang.name)}): {_counts(counted[lang.code])}"
                          for lang in config.languages)]


def _markdown(config: SiteConfig, rows: list[Row]) -> list[str]:
    """The table in Markdown (GitHub's tables), with a last row of totals."""
    def cell(text: str) -> str:
        return _MARKDOWN_SPECIAL.sub(r"\\\1", printable(text))

    counted = totals(config, rows)
    return [
        "| Article | " + " | ".join(f"{cell(lang.name)} ({cell(lang.code)})" for lang in config.languages) + " |",
        "| --- |" + " --- |" * len(config.languages),
        *(f"| {cell(row.title)} ({cell(row.article)}) | " + " | ".join(_label(c.state, c.draft) for _, c in row.cells) + " |"
          for row in rows),
        "| **Total** | " + " | ".join(_counts(counted[lang.code]) for lang in config.languages) + " |",
    ]
