"""Templates read strictly (regular UTF-8 files only), and any template failure as a positioned diagnostic."""

from __future__ import annotations

import os
import posixpath
import traceback
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from ..errors import Diagnostic, error
from ..content.textio import decode_text, read_bytes


def shown_path(filename: str) -> str:
    """A template's file as the user should see it: relative to the current folder when inside it."""
    path = Path(filename).absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _error(path: str, line: int, col: int, message: str) -> Diagnostic:
    """An error in a template: its path is shown as it is, not after the content folder."""
    return error(path, line, col, message, in_content=False)


class TemplateFileError(jinja2.TemplateError):
    """A template file that cannot be used: not a regular file, or not UTF-8."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class FileLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, except that a name taken by anything but a regular file is an error
    (a named pipe is never opened to wait for a writer) and a file that is not UTF-8 is an error
    at the line and column of its first bad byte."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, object]:
        pieces = split_template_path(template)
        for folder in self.searchpath:
            filename = posixpath.join(folder, *pieces)
            if not os.path.lexists(filename):
                continue
            shown = shown_path(filename)
            try:
                data = read_bytes(filename)
            except OSError as exc:
                raise TemplateFileError(_error(shown, 1, 1, f"template error: {exc.strerror or exc}")) from None
            text, problem = decode_text(data, shown)
            if problem is not None:
                raise TemplateFileError(_error(shown, problem.line, problem.col, f"template error: {problem.message}"))
            return text, os.path.normpath(filename), lambda: False
        return super().get_source(environment, template)  # raises TemplateNotFound, saying where it looked


def template_problem(exc: BaseException, env: jinja2.Environment, name: str, page: str) -> Diagnostic:
    """A diagnostic for a template that failed, at the line of the template where it failed:
    Jinja compiles templates to Python code that keeps their file names and line numbers."""
    if isinstance(exc, TemplateFileError):
        return exc.diagnostic
    if isinstance(exc, jinja2.TemplateSyntaxError):  # unknown tags and filters too
        where = exc.filename or _filename(env, name) or name
        return _error(shown_path(where), exc.lineno or 1, 1, f"template error: {exc.message}")
    folders = [os.path.normpath(os.path.abspath(f)) + os.sep for f in getattr(env.loader, "searchpath", [])]
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if any(os.path.abspath(f.filename).startswith(folder) for folder in folders)]
    if frames:
        filename, line = frames[-1].filename, frames[-1].lineno or 1
    else:
        filename, line = _filename(env, name) or name, 1
    if isinstance(exc, RecursionError):
        what = "templates call each other without end (a macro calling itself, or a template extending itself)"
    elif isinstance(exc, jinja2.TemplateNotFound):
        what = f"template '{exc.name}' not found"
    elif isinstance(exc, jinja2.TemplateError):
        what = str(exc)
    else:  # `{{ 1/0 }}`, a filter given the wrong type, ...
        what = f"{type(exc).__name__}: {exc}"
    return _error(shown_path(filename), line, 1, f"template error while rendering /{page}: {what}")


def _filename(env: jinja2.Environment, name: str) -> str | None:
    try:
        return env.loader.get_source(env, name)[1]  # type: ignore[union-attr]
    except jinja2.TemplateError:
        return None
