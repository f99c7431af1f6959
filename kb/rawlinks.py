"""Links in raw HTML (`<img src="img/x.jpg">` in an article): found, and rewritten as Markdown's are.

Python-Markdown keeps raw HTML aside as text, so the link step never sees its tags. This module
finds the start tags in such text and hands each link attribute to a function that may give a
new value; the rest of the text is left exactly as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

# a start tag and its attributes (names, and values quoted either way or bare)
_TAG = re.compile(
    r"""<(?P<tag>[a-zA-Z][a-zA-Z0-9:-]*)(?P<attrs>(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"""
)
_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|" + _TAG.pattern, re.S)  # a comment's tags are left alone
_ATTR = re.compile(r"""(?P<name>[^\s"'<>/=]+)(?:(?P<eq>\s*=\s*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+)))?""")
# the attributes that name a URL, by tag; True: an image (its target must exist)
LINKS: dict[str, dict[str, bool]] = {
    "a": {"href": False}, "area": {"href": False},
    "img": {"src": True}, "source": {"src": True}, "video": {"src": True, "poster": True},
    "audio": {"src": True}, "track": {"src": True}, "embed": {"src": True}, "iframe": {"src": False},
}

Rewrite = Callable[[str, bool], "str | None"]  # (the value as written, an image?) -> a new value, or None to keep it


def rewrite_links(text: str, rewrite: Rewrite) -> str:
    """`text` with the value of every link attribute of its start tags passed through `rewrite`."""
    if "<" not in text:
        return text
    return _TAG_OR_COMMENT.sub(lambda found: found.group(0) if found.group("tag") is None else _tag(found, rewrite), text)


def _tag(tag: re.Match[str], rewrite: Rewrite) -> str:
    wanted = LINKS.get(tag.group("tag").lower())
    if not wanted or not tag.group("attrs"):
        return tag.group(0)

    def attribute(found: re.Match[str]) -> str:
        name = found.group("name").lower()
        raw = next((v for v in (found.group("dq"), found.group("sq"), found.group("bare")) if v is not None), None)
        if name not in wanted or raw is None:
            return found.group(0)
        new = rewrite(html.unescape(raw), wanted[name])
        if new is None:
            return found.group(0)
        return f'{found.group("name")}{found.group("eq")}"{html.escape(new, quote=True)}"'

    start = tag.start("attrs") - tag.start()
    end = tag.end("attrs") - tag.start()
    whole = tag.group(0)
    return whole[:start] + _ATTR.sub(attribute, whole[start:end]) + whole[end:]
