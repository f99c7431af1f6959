"""Excerpts: the running text of rendered HTML, cut at a word."""

from __future__ import annotations

import html
import re

EXCERPT_CHARS = 200
_STRIP_BLOCKS = re.compile(
    r'<pre\b.*?</pre>|<script\b.*?</script>|<style\b.*?</style>|<h[1-6]\b.*?</h[1-6]>|<table\b.*?</table>|<div class="footnote">.*?</div>|<a class="headerlink"[^>]*>.*?</a>'
    r'|<p class="admonition-title">.*?</p>|<sup[^>]*>.*?</sup>',
    re.S,
)
TAGS = re.compile(r"<[^>]+>")
_BLOCKTAGS = re.compile(
    r"</?(?:p|li|h\d|div|td|th|tr|br|hr|blockquote|dd|dt|ul|ol|table|figure|figcaption)\b[^>]*>"
)
_SPACE = re.compile(r"\s+")


def plain_text(body_html: str) -> str:
    """The running text of rendered HTML: no headings, tables, code blocks, footnotes or anchors."""
    text = TAGS.sub("", _BLOCKTAGS.sub(" ", _STRIP_BLOCKS.sub(" ", body_html)))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def make_excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters, cut at a word, ending in `…` when cut."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"
