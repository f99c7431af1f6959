"""Smaller stylesheets: comments and needless whitespace out, never touching strings or selector meaning."""

from __future__ import annotations

import functools
import re

_TOKENS = re.compile(r"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|(/\*.*?\*/)|(\s+)|([^"'/\s]+|/)""", re.DOTALL)
_TIGHT_AFTER = set("{};,:>")
_TIGHT_BEFORE = set("{};,>")


@functools.lru_cache(maxsize=32)  # `kb serve` publishes the same stylesheets at every edit
def minify_css(css: str) -> str:
    """`css` without comments and with whitespace collapsed; a space stays wherever it may mean something."""
    out: list[str] = []
    pending_space = False
    for string, comment, space, other in _TOKENS.findall(css):
        if comment:
            continue
        if space:
            pending_space = True
            continue
        text = string or other
        if pending_space and out and out[-1][-1] not in _TIGHT_AFTER and text[0] not in _TIGHT_BEFORE:
            out.append(" ")
        pending_space = False
        out.append(text)
    return "".join(out).replace(";}", "}").strip() + "\n"
