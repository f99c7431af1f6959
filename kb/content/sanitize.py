"""The untrusted mode's last step: rendered HTML through nh3 (the `ammonia` sanitiser), keeping only
what kb's own Markdown writes.

The allow-list names every tag and attribute that Python-Markdown and kb's extensions produce
(headings with ids and permalinks, Pygments highlighting, callouts, footnotes, tables, definition
lists, images), and the ids and classes a writer may add with `{: #id .class }`. Everything else
goes: event handlers, `style` (except a table cell's alignment, as kb writes it), data attributes,
and any URL whose scheme is not http, https, mailto or tel, however its characters are encoded. The
parser is a browser's (html5ever), so the sanitiser sees what the browser will.
"""

from __future__ import annotations

import nh3

TAGS = frozenset({
    "a", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "span", "strong", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
# any value: the attributes on every tag, and those of some tags
ATTRIBUTES = {
    "*": frozenset({"id", "class", "title"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start"}),
}
_ALIGN = frozenset({"left", "right", "center"})
_CELL = {"style": frozenset(f"text-align: {a};" for a in _ALIGN), "align": _ALIGN}  # Python-Markdown's tables
# only these values (an attribute named here must not also be in ATTRIBUTES for the same tag)
VALUES = {
    "a": {"data-pagefind-ignore": frozenset({""})},  # a heading's permalink is not a word of the article
    "img": {"loading": frozenset({"lazy"})},
    "pre": {"tabindex": frozenset({"0"})},  # a code block or table that scrolls sideways takes the keyboard's focus
    "table": {"tabindex": frozenset({"0"})},
    "th": _CELL,
    "td": _CELL,
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # and relative URLs, which ammonia keeps as they are


_OPTIONS = {  # as nh3 takes them, made once
    "tags": set(TAGS),
    "attributes": {tag: set(names) for tag, names in ATTRIBUTES.items()},
    "tag_attribute_values": {tag: {name: set(values) for name, values in allowed.items()} for tag, allowed in VALUES.items()},
    "url_schemes": set(URL_SCHEMES),
    "link_rel": None,  # no rel="noopener noreferrer" added to every link: the links stay as kb wrote them
    "strip_comments": True,
}


def sanitize_html(html: str) -> str:
    """`html` with only the allowed tags, attributes and URL schemes left (text is kept, comments dropped)."""
    return nh3.clean(html, **_OPTIONS)
