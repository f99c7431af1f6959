"""The `kb` command line: thin wrappers around the build."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NoReturn

import click

from .. import __version__
from ..build import BuildOptions, build_clock, build_site, check_site
from ..model import AUDIENCES
from ..speed.cachedir import default_cache
from ..errors import (
    ERROR, INFO, SHOW_PER_KIND, CannotRead, CannotServe, CannotWrite, Diagnostic, KbError, Reporting, UsageError, json_escaped,
    located, os_errors_as, printable, summarise,
)
from ..errors import plural as _count
from ..render.urls import is_absolute_base
from ..status.times import RANGE, in_range

PROGRESS_MIN = 200


class KbCommand(click.Command):
    """A kb command: the one place where a KbError is told the user, then ends the run with its exit
    status (a usage error after the command's usage, as click shows its own); any other exception is
    a bug and keeps its traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KbError as exc:
            if isinstance(exc, UsageError):
                hint = max(ctx.help_option_names, key=len)
                click.echo(f"{ctx.get_usage()}\nTry '{ctx.command_path} {hint}' for help.\n", err=True)
            reporting = Reporting(out=ctx.params.get("out"), quiet=bool(ctx.params.get("quiet")),
                                  content=typed(ctx.params.get("content") or ""))
            for line in exc.messages(reporting):
                click.echo(line, err=True)
            sys.exit(exc.exit_code)


class KbGroup(click.Group):
    """kb's commands, each a KbCommand."""

    command_class = KbCommand


@click.group(cls=KbGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def cli() -> None:
    """kb builds a support centre from Markdown articles."""


_UNTRUSTED = click.option("--untrusted", is_flag=True,
                          help="Writers are not trusted, whatever site.yaml says: sanitise articles, refuse active "
                               "files, run templates in a sandbox.")


_AUDIENCE = click.option("--audience", type=click.Choice(AUDIENCES), default="public", show_default=True,
                         help="Who the site is for: customers, or agents (internal articles and notes too).")


def _site_options(command):
    """The options every command that reads the content shares."""
    for option in reversed((
        click.option("--content", "content", default="content", show_default=True, metavar="DIR",
                     help="The content folder: Markdown articles and site.yaml."),
        click.option("--base-url", metavar="URL", callback=lambda ctx, param, value: _base_url(value),
                     help="Override base_url from site.yaml (https://example.com/help/ or /help/)."),
        click.option("--theme", "theme", metavar="DIR", callback=lambda ctx, param, value: _theme(value),
                     help="A theme folder (templates/ and static/) anywhere: instead of site.yaml's theme."),
        click.option("--drafts", is_flag=True, help="Include articles marked draft: true."),
        click.option("--strict", is_flag=True, help="Treat warnings as errors."),
        click.option("--now", metavar="TIME", callback=lambda ctx, param, value: _now(value),
                     help="Act as if it were TIME (2026-11-26T12:00:00Z; UTC without an offset). "
                          "Default: SOURCE_DATE_EPOCH, else the clock."),
        _UNTRUSTED,
        _AUDIENCE,
    )):
        command = option(command)
    return command


@cli.command()
@_site_options
@click.option("--out", "out", metavar="DIR",
              help="Where to write the site; replaced only when the build succeeds "
                   "(default: site, or site-internal for --audience internal).")
@click.option("--no-search", is_flag=True, help="Skip the search index (quicker previews).")
@click.option("--cache", "cache", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Keep parsed and rendered articles, pages and search shards here between builds "
                   "(default: .kb-cache beside the content folder).")
@click.option("--no-cache", is_flag=True, help="Parse, render and index everything, keeping nothing.")
@click.option("--jobs", "-j", default=0, type=click.IntRange(0, 256), metavar="N",
              help="Processes that render articles (default: one per core).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary line.")
def build(content: str, out: str | None, base_url: str | None, theme: Path | None, drafts: bool, strict: bool,
          no_search: bool, cache: Path | None, no_cache: bool, jobs: int, now: dt.datetime | None, quiet: bool,
          untrusted: bool, audience: str) -> None:
    """Build the support centre into a static site."""
    out = out or ("site" if audience == "public" else f"site-{audience}")
    keep = None if no_cache else cache or default_cache(Path(content), audience)
    options = BuildOptions(
        content=Path(content), out=Path(out), base_url=base_url, drafts=drafts, strict=strict, search=not no_search,
        now=now, cache=keep, jobs=jobs, theme=theme, untrusted=untrusted, audience=audience,
    )
    with os_errors_as(CannotWrite):  # a full disk, a folder it may not write
        report = build_site(options, progress=None if quiet else _progress)
    if not quiet:
        _print_summarised(located(report.warnings, typed(content)))
    for note in report.notes:
        click.echo(f"kb: {note}", err=True)
    search = ""
    if report.search is not None:
        index = report.search
        shards = f" in {index.shards} shards ({index.reused} unchanged)" if index.shards > 1 else ""
        search = f" (search index: {_count(index.pages, 'page')}{shards}, {index.bytes / 1024:,.0f} KB, {index.seconds:.2f} s)"
    redirects = f", {_count(report.redirects, 'redirect')}" if report.redirects else ""
    click.echo(
        f"kb: built {_count(report.articles, 'article')}, {_count(report.pages, 'page')}{redirects} "
        f"into '{out}' in {report.seconds:.2f} s{search}; {_count(len(report.warnings), 'warning')}"
    )


@cli.command()
@_site_options
@click.option("--format", "style", type=click.Choice(["text", "github", "json"]), default="text", show_default=True,
              help="text for people, github for GitHub Actions annotations, json for tools.")
@click.option("--against", type=click.Path(dir_okay=False, path_type=Path), metavar="MANIFEST",
              help="The kb-manifest.json of the published site: fail when one of its URLs would disappear.")
@click.option("--translations", is_flag=True, help="Also note each missing translation and each one never marked done.")
def check(content: str, base_url: str | None, theme: Path | None, drafts: bool, strict: bool,
          now: dt.datetime | None, style: str, against: Path | None, untrusted: bool, translations: bool,
          audience: str) -> None:
    """Check the content as a build would, writing nothing; exit 1 on errors."""
    options = BuildOptions(content=Path(content), base_url=base_url, drafts=drafts, strict=strict, search=False,
                           now=now, theme=theme, untrusted=untrusted, audience=audience)
    with os_errors_as(CannotRead):  # a folder it may not read
        found = located(check_site(options, against, translations), typed(content))
    errors = [d for d in found if d.is_error]
    notes = [d for d in found if d.level == INFO]
    if style == "json":
        click.echo(json_escaped(json.dumps([d.to_dict() for d in found], ensure_ascii=False, indent=1)))
    elif style == "github":
        for diagnostic in found:
            click.echo(github_annotation(diagnostic))
    else:
        listed = [d for d in found if d.kind in ("missing translation", "translation without source_hash")]
        _print_summarised([d for d in found if not d.is_error and d not in listed])
        _print_summarised(listed, per_kind=len(listed))
        for diagnostic in errors:
            click.echo(diagnostic.format(), err=True)
    if style != "json":
        noted = f", {_count(len(notes), 'note')}" if notes else ""
        click.echo(f"kb: check found {_count(len(errors), 'error')}, "
                   f"{_count(len(found) - len(errors) - len(notes), 'warning')}{noted}", err=True)
    sys.exit(1 if errors else 0)


def github_annotation(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command that marks the line in the pull request."""
    def escape(text: str, prop: bool = False) -> str:  # controls shown as escapes: no second command, no colours
        text = printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    level = {ERROR: "error", INFO: "notice"}.get(diagnostic.level, "warning")
    return (f"::{level} file={escape(diagnostic.path, True)},line={diagnostic.line},col={diagnostic.col},"
            f"title=kb::{escape(diagnostic.message)}")


@cli.command(name="serve")
@click.option("--content", "content", default="content", show_default=True, metavar="DIR",
              help="The content folder: Markdown articles and site.yaml.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port (0 picks a free one).")
@click.option("--host", metavar="ADDR",
              help="The address to listen on (default 127.0.0.1, answering only localhost names); "
                   "0.0.0.0 shows the site, drafts included, to the network.")
@click.option("--no-search", is_flag=True, help="Do not build the search index.")
@click.option("--now", metavar="TIME", callback=lambda ctx, param, value: _now(value),
              help="Preview as if it were TIME.")
@click.option("--theme", "theme", metavar="DIR", callback=lambda ctx, param, value: _theme(value),
              help="A theme folder (templates/ and static/) anywhere: instead of site.yaml's theme.")
@_UNTRUSTED
@_AUDIENCE
def serve_command(content: str, port: int, host: str | None, no_search: bool, now: dt.datetime | None,
                  theme: Path | None, untrusted: bool, audience: str) -> None:
    """Preview the site: rebuild on every change and reload the open page; drafts are shown."""
    display = typed(content)
    options = BuildOptions(content=Path(content), base_url="/", drafts=True, search=not no_search, now=now,
                           theme=theme, untrusted=untrusted, audience=audience)
    if not options.content.is_dir():
        state = "is not a folder" if options.content.exists() else "does not exist"
        raise UsageError(f"content folder '{display}' {state}")

    def say(line: str) -> None:
        click.echo(printable(line), err=True)  # names of changed files among them

    def ready(url: str) -> None:
        click.echo(f"kb: serving {url} (Ctrl+C to stop)", err=True)
        click.echo(url)  # on stdout, alone, for scripts

    from ..serve.server import serve  # here: only `kb serve` needs the HTTP server's modules

    try:
        with os_errors_as(lambda problem: CannotServe(host or "127.0.0.1", port, problem)):
            serve(options, port, say, ready, host, display=display)
    except KeyboardInterrupt:
        click.echo("kb: stopped", err=True)


def typed(content: str) -> str:
    """The content folder as the user typed it, as messages name it (a trailing slash dropped):
    the reporter puts it before the path of every diagnostic, which the build makes relative to it."""
    return content.rstrip("/\\") or content


def _text(value: str | None) -> str | None:
    """An argument that must be text: bytes that are not UTF-8 (a terminal in another encoding) are refused."""
    if value is not None and any("\udc80" <= c <= "\udcff" for c in value):
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise click.BadParameter(f"is not UTF-8 text: '{shown}' (set the terminal to UTF-8)")
    return value


def _base_url(value: str | None) -> str | None:
    if value is not None and not (is_absolute_base(value) or value.startswith("/")):
        raise click.BadParameter(f"must start with http://, https:// or /, not '{value}'")
    return value


def _theme(value: str | None) -> Path | None:
    if value is None:
        return None
    if not (Path(value) / "templates").is_dir():
        raise click.BadParameter(f"'{value}' is not a theme folder (it has no templates/ folder)")
    return Path(value)


def _now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"must be a date and time such as 2026-11-26T12:00:00Z, not '{value}'") from None
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    if not in_range(moment):
        raise click.BadParameter(f"must be a time {RANGE}, not '{value}'")
    return moment


def _progress(items: Sequence) -> Iterable:
    """A progress bar on a terminal for long builds; the items unchanged otherwise."""
    if len(items) < PROGRESS_MIN or not sys.stderr.isatty():
        return items
    return _bar(items)


def _bar(items: Sequence) -> Iterable:
    with click.progressbar(items, label="Rendering articles", file=sys.stderr) as bar:
        yield from bar


def _print_summarised(diagnostics: Iterable[Diagnostic], per_kind: int = SHOW_PER_KIND) -> None:
    """Print diagnostics; a kind seen more than a few times (`per_kind`) gets one summary line."""
    for line in summarise(diagnostics, per_kind):
        click.echo(line, err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the kb command line; its exit status."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="kb", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point of the `kb` console script: `main`, then the process ends at once. Everything
    kb writes is closed by then; freeing a large site's objects one by one, as Python does at
    exit, took a fifth of a second at 5,000 articles."""
    code = main(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`kb check | head -1`) or stream
            code = code or 1
    os._exit(code)
