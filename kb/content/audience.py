"""What a public build withholds from its output (a minimal stand-in: the full module replaces it)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Article, Category


@dataclass(frozen=True)
class Block:
    source: str   # the public article's path
    line: int     # line of `> [!INTERNAL]` in that file
    text: str     # the block's Markdown, without the leading `>` markers


@dataclass(frozen=True)
class Withheld:
    """What a public build leaves out, to look for in its output (kb.output.leaks)."""
    articles: tuple[Article, ...] = ()    # internal articles (Article.body as written, internal blocks included)
    categories: tuple[Category, ...] = () # internal topics and sections (every language)
    blocks: tuple[Block, ...] = ()        # each `> [!INTERNAL]` block taken out of a public article
    media: tuple[str, ...] = ()           # content files (relative posix paths, e.g. "Agent Playbook/media/flow.png")
                                          # that only internal articles use: not copied
