"""Strategies for tests/site/test_fuzz.py: YAML and Markdown written as TEXT, so that what a careless
writer or an attacker types reaches the loaders: tags, anchors and aliases, odd scalars, deep
nesting, tabs, byte-order marks, control characters, broken quoting."""

from __future__ import annotations

import contextlib
import re
import signal
from collections.abc import Iterator

from hypothesis import strategies as st

from kb.status.model import COMPONENT_STATUSES, INCIDENT_STATUSES

FRONT_KEYS = ["title", "summary", "description", "slug", "tags", "date", "updated", "draft", "featured", "order",
              "id", "aliases", "related", "faq", "ms.topic", "sumary", "../x", "ü", "<<", "? x", "- x"]
SITE_KEYS = ["title", "tagline", "base_url", "language", "logo", "contact", "email", "url", "form", "notice", "text",
             "level", "start", "end", "footer_links", "theme", "extra_keys", "markdown", "toc_depth",
             "toc_min_headings", "raw_html", "edit_url"]
CATEGORY_KEYS = ["title", "description", "order", "icon", "slug", "titel"]
STATUS_KEYS = ["page", "name", "time_zone", "url", "groups", "key", "components", "status", "category", "since",
               "incidents", "title", "impact", "articles", "updates", "at", "body", "maintenance", "announced",
               "start", "end", "description"]
TAGS = ["", "", "", "", "!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "!!timestamp ", "!!binary ", "!!set ",
        "!!omap ", "!!pairs ", "!custom ", "!!python/object:os.system ", "!!python/name:os.system ", "!!map ",
        "!!seq ", "!<tag:yaml.org,2002:int> ", "!!merge ", "!!value "]
ANCHORS = ["", "", "", "&a ", "&b ", "&nbsp ", "&a&b "]
SCALARS = [
    "x", "Pay by card", "maybe", "yes", "No", "on", "~", "null", "0x1F", "0o17", "0b101", "1_000", "1e400", ".nan",
    "-.inf", "+12", "3.14", "2026-02-30", "2026-11-10 07:00", "2026-11-10T07:00:00+99:00", "0001-01-01",
    "9999-12-31 23:59", "12:30:00", "190:20:30", "9" * 5000, "0x" + "f" * 1200, "'  '", '""', "''", "=", "<<",
    "*a", "*b", "*undefined", "[*a, *a, *a]", "{a: *a, b: *b}", "[" * 70 + "]" * 70, "{a: " * 40 + "1" + "}" * 40,
    "|\n  block\n  text", ">-\n  folded", "'quoted\n  on two lines'", '"\\x01\\u202e\\t"', '"\\uD800"',
    "\t", "\ufeff", "\x00", "\x01", "\x1b[31m", "\x85", "\u2028", "\u202e", "- a\n- b", "{", "[", "]", "}", "...",
    "---", "# comment", "'unclosed", '"unclosed', "a: b: c", "@at", "`tick`", "%YAML 1.1", "? complex", ": x",
    "../../etc/passwd", "/abs/path", "javascript:alert(1)", "<script>alert(1)</script>", "a/b", "index.html",
    "3/16/2020", "16/3/2020", "Etc/UTC", "America/Los_Angeles", "Mars/Olympus", *COMPONENT_STATUSES,
    *INCIDENT_STATUSES, "billing/a.md", "billing", "api",
]
INDENTS = ["", "", "", "  ", "    ", "\t", "   ", " " * 40]
PLAIN = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
FRONT_TEMPLATE = """title: {How do I pay?}
summary: {Pay by card or invoice.}
slug: {pay}
tags: [{billing}, {payments}]
date: {2020-03-13}
updated: {2021-01-02}
draft: {false}
featured: {true}
order: {2}
id: {pay-1}
aliases: [{/hc/en-us/articles/123}]
related: [{b.md}]
faq: {false}"""
SITE_TEMPLATE = """title: {Casebook Support}
tagline: {We are here for you}
base_url: {https://support.example/help/}
language: {en}
logo: {media/logo.svg}
contact:
  email: {help@example.com}
  url: {https://example.com/contact}
  form: {https://forms.example.com/f}
notice:
  text: {Retired}
  level: {warning}
  start: {2020-03-13}
  end: {2020-12-31}
footer_links:
  - title: {Privacy}
    url: {https://example.com/privacy}
theme: {default}
extra_keys: [{ms.*}, {author}]
edit_url: {https://github.com/acme/help/edit/main/content/PATH}
markdown:
  toc_depth: {3}
  toc_min_headings: {3}
  raw_html: {true}"""
CATEGORY_TEMPLATE = """title: {Billing}
description: {Invoices and payments}
order: {1}
icon: {card}
slug: {billing}"""
STATUS_TEMPLATE = """page:
  name: {Casebook Status}
  time_zone: {America/Los_Angeles}
groups:
  - key: {cases}
    name: {Cases}
    category: {billing}
    components:
      - key: {api}
        name: {API}
        status: {operational}
        since: {2026-01-01}
      - key: {mail}
        name: {Mail}
incidents:
  - key: {2026-11-10-api}
    title: {Slow API}
    impact: {major}
    components:
      {api}: {partial_outage}
    articles: [{billing/a.md}]
    updates:
      - at: {2026-11-10 07:42}
        status: {investigating}
        body: {Some *requests* fail; see [a](billing/a.md).}
      - at: {2026-11-10 12:30}
        status: {resolved}
        components:
          {mail}: {degraded_performance}
        body: {Back.}
maintenance:
  - key: {2026-12-05-db}
    title: {Database upgrade}
    announced: {2026-11-20 10:00}
    start: {2026-12-05 22:00}
    end: {2026-12-06 01:00}
    components: [{api}]
    description: {Read only.}"""
_SLOT = re.compile(r"\{([^{}]*)\}")


@st.composite
def scalar(draw) -> str:
    """A value as typed: now and then with a tag or an anchor, often odd."""
    value = draw(st.one_of(st.sampled_from(SCALARS), PLAIN))
    if draw(st.integers(0, 5)) == 0:
        value = draw(st.sampled_from(TAGS)) + value
    if draw(st.integers(0, 7)) == 0:
        value = draw(st.sampled_from(ANCHORS)) + value
    return value


@st.composite
def filled(draw, template: str, least: int = 2) -> str:
    """A good document with some of its values replaced by odd ones (one in `least` or more)."""
    rate = draw(st.integers(least, least + 38))
    text = _SLOT.sub(lambda m: draw(scalar()) if draw(st.integers(0, rate)) == rate else m.group(1), template)
    return text.replace("content/PATH", "content/{path}")


@st.composite
def tree(draw, keys: list[str], depth: int = 0, indent: str = "") -> str:
    """A mapping of random keys, in block style, with lists, mappings and flow collections inside."""
    lines = []
    for _ in range(draw(st.integers(1 if depth == 0 else 0, 6))):
        key = draw(st.sampled_from(keys))
        kind = draw(st.integers(0, 9)) if depth < 4 else 9
        if kind <= 1:
            inner = draw(tree(keys, depth + 1, indent + "  "))
            lines.append(f"{indent}{key}:" + ("\n" + inner if inner else " {}"))
        elif kind <= 3:
            lines.append(f"{indent}{key}:")
            for item in draw(st.lists(st.one_of(scalar(), tree(keys, depth + 1)), max_size=4)):
                first, *rest = item.split("\n")
                lines.append(f"{indent}  - {first}")
                lines.extend(f"{indent}    {line}" for line in rest)
        elif kind == 4:
            lines.append(f"{indent}{key}: [{', '.join(draw(st.lists(scalar(), max_size=4)))}]")
        else:
            lines.append(f"{indent}{key}: {draw(scalar())}")
    return "\n".join(lines)


@st.composite
def line_soup(draw, keys: list[str]) -> str:
    """Lines of keys and values at random indentation, with a BOM or CR LF line ends now and then."""
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        indent = draw(st.sampled_from(INDENTS))
        value = draw(scalar())
        shape = draw(st.integers(0, 9))
        if shape == 0:
            lines.append(f"{indent}- {value}")
        elif shape == 1:
            lines.append(f"{indent}{draw(st.sampled_from(keys))}:")  # a mapping or list follows, or nothing
        elif shape == 2:
            lines.append(f"{indent}{draw(st.sampled_from(keys))}: [{value}, {draw(st.sampled_from(SCALARS))}]")
        else:
            lines.append(f"{indent}{draw(st.sampled_from(keys))}: {value}")
    text = "\n".join(lines)
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("\n", "\r\n")
    return text


def yaml_text(keys: list[str], template: str) -> st.SearchStrategy[str]:
    """A YAML document: a good one with odd values, a tree of random keys, or a soup of lines."""
    return st.one_of(filled(template), filled(template), tree(keys), line_soup(keys))


MARKDOWN_PIECES = [
    "# Title", "## Heading {#id}", "text with *emphasis*, _under_ and `code`", "[link](other.md#part)",
    "[x](../../../etc/passwd)", "![img](media/a.png)", "> [!NOTE]", "> inside", "```", "```python", "~~~", "| a | b |",
    "| --- | --- |", "- item", "    - nested", "1. step", "<div onclick=x>raw</div>", "[^1]", "[^1]: note",
    "!!! warning", "    indented", "", "---", "\t", ":::image source=\"a.png\" alt-text=\"x\":::",
    "[j](javascript:alert(1))", "[e](&#106;avascript:alert(1))", "<script>alert(1)</script>", "[TOC]", "Term",
    ": definition", "{: .class onclick=x }", "<!-- comment", "&amp; &#0; &#xFFFFFF;", "\x00", "\x1b[2J", "\ufeff",
    "\u202e", "\r", "[" * 300, "<a " * 200, "(" * 300, "[a](" * 100, "*_" * 200, "\\" * 300, "`" * 50,
    ">" * 40 + " deep", "\n".join("    " * i + "- x" for i in range(36)), "\n".join("> " * i + "x" for i in range(36)),
    "[" * 3000, "<http://" * 500,
]
GOOD_MARKDOWN = st.lists(st.sampled_from([p for p in MARKDOWN_PIECES if len(p) < 100 and p.isprintable()
                                          and not p.startswith(">" * 5)]),
                         max_size=15).map("\n".join)  # within every limit: most such articles are published
MARKDOWN = st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=20)), max_size=25).map("\n".join)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail, rather than hang, when the block takes longer than `seconds` (main thread only)."""
    def expired(signum, frame):  # noqa: ANN001 - a signal handler's signature
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
