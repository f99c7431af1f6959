"""Pygments for Python-Markdown's CodeHilite, the same output sooner: a formatter made once per set
of options, and a lexer class looked up once per language name. Nothing here changes Python-Markdown
or Pygments: `quicken_code` installs the lookup on one Markdown instance."""

from __future__ import annotations

import functools

import pygments.lexers
from markdown import Markdown
from markdown.extensions import codehilite
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from pygments.formatters.html import HtmlFormatter
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound

from .rebind import replace, with_globals


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


def quicken_code(md: Markdown) -> bool:
    """Make the code blocks of this Markdown instance (fenced and indented) find their lexer by
    `lexer_by_name`; False, and nothing changed, when this Python-Markdown does not look lexers up
    as kb expects (its blocks are highlighted as before: the same output, more slowly)."""
    classes = _quick_classes()
    if classes is None:
        return False
    fenced_class, tree_class = classes
    for registry, name, plain, quick in ((md.preprocessors, "fenced_code_block", FencedBlockPreprocessor, fenced_class),
                                         (md.treeprocessors, "hilite", codehilite.HiliteTreeprocessor, tree_class)):
        if name in registry and type(registry[name]) is plain:
            replace(registry, name, quick)
    return True


@functools.cache
def _quick_classes() -> tuple[type, type] | None:
    """The fenced-code and CodeHilite processors making a CodeHilite whose `hilite` reads kb's lookup."""
    hilite = with_globals(codehilite.CodeHilite.hilite,
                          get_lexer_by_name=(pygments.lexers.get_lexer_by_name, lexer_by_name))
    if hilite is None:
        return None
    quick = type("QuickCodeHilite", (codehilite.CodeHilite,), {"hilite": hilite, "__doc__": codehilite.CodeHilite.__doc__})
    classes = []
    for plain in (FencedBlockPreprocessor, codehilite.HiliteTreeprocessor):
        run = with_globals(plain.run, CodeHilite=(codehilite.CodeHilite, quick))
        if run is None:
            return None
        classes.append(type(f"Quick{plain.__name__}", (plain,), {"run": run, "__doc__": plain.__doc__}))
    return classes[0], classes[1]
