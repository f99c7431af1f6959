"""The quicker Jinja environment kb renders pages with (the sandbox of the untrusted mode has none
of it). Importing this module changes nothing in Jinja or MarkupSafe: the quicker parts live in
kb's own subclasses, used only by the environments kb makes."""

from __future__ import annotations

import jinja2
import markupsafe

_DICT_ATTRIBUTES = frozenset(dir(dict))
_PROBE = "<a href=\"x\" title='y'>&amp; \u00e9\U0001f642</a>"


def escape_output(escape_str: object = None) -> object | None:
    """What a template writes for `{{ value }}`: a plain string escaped as MarkupSafe escapes it,
    without wrapping it in Markup only to join it to the page; anything else as Jinja does. It
    uses MarkupSafe 3's private `_escape_inner` (or `escape_str`): None when that is missing or
    does not escape as `markupsafe.escape` does (Jinja's own `escape` is then used)."""
    inner = getattr(markupsafe, "_escape_inner", None) if escape_str is None else escape_str
    try:
        fits = callable(inner) and type(inner(_PROBE)) is str and inner(_PROBE) == str(markupsafe.escape(_PROBE))
    except Exception:  # noqa: BLE001 - any failure means: not the function kb expects
        fits = False
    if not fits:
        return None
    escape = markupsafe.escape

    def write(value: object) -> object:
        return inner(value) if type(value) is str else escape(value)  # type: ignore[misc,operator]

    return write


class Template(jinja2.Template):
    """A compiled template whose `{{ }}` output of plain strings skips making Markup objects."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):  # type: ignore[no-untyped-def]
        template = super().from_code(environment, code, globals, uptodate)
        write = getattr(environment, "escape_output", None)
        namespace = template.root_render_func.__globals__  # this template's own, made by from_code
        if write is not None and namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = write  # compiled code calls `escape` only to write an expression's value
        return template


class Environment(jinja2.Environment):
    """Jinja's environment, quicker to read `a.b` from the plain dicts kb's contexts are made of.

    Jinja tries the attribute first and the key after it, so for a dict every `a.b` raised and
    caught an AttributeError. A name that is not an attribute of dict is read as a key at once:
    the same value, and the same error when the key is missing."""

    template_class = Template

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.escape_output = escape_output()

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]  # type: ignore[index]
            except KeyError:
                pass
        return super().getattr(obj, attribute)
