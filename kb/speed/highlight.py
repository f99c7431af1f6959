"""Pygments for Python-Markdown's CodeHilite, the same output sooner: a formatter made once per set
of options, and a lexer class looked up once per language name."""

from __future__ import annotations

import functools

from markdown.extensions import codehilite as _codehilite
from pygments.formatters.html import HtmlFormatter
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound


def pygments_formatter(lang_str: str = "", **options: object) -> HtmlFormatter:
    """Pygments' HTML formatter for these options, made once: making one per code block is most of the cost
    of highlighting (the output is the same as Python-Markdown's own)."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
    return _formatter_for(key)


@functools.lru_cache(maxsize=32)
def _formatter_for(key: tuple) -> HtmlFormatter:
    return HtmlFormatter(**{k: list(v) if isinstance(v, tuple) else v for k, v in key})


def lexer_by_name(alias: str, **options: object) -> object:
    """Pygments' `get_lexer_by_name`, the lexer class found once per name: Pygments scans its whole
    table of lexers for every code block (and its installed plugins for a name it does not know)."""
    found = _lexer_class(alias) if alias else None
    if found is None:
        raise ClassNotFound(f"no lexer for alias {alias!r} found")
    return found(**options)


@functools.lru_cache(maxsize=256)
def _lexer_class(alias: str) -> type | None:
    try:
        return find_lexer_class_by_name(alias)
    except ClassNotFound:
        return None


# CodeHilite looks its lexer up by this module-level name; the lookup gives the same lexer, sooner.
_codehilite.get_lexer_by_name = lexer_by_name
