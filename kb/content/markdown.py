"""Markdown → HTML: kb's extension (callouts, links rewritten by kb.content.links), the extensions
an article needs, the table of contents and the excerpt."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from urllib.parse import unquote

import markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from ..errors import error, warning
from ..speed.highlight import pygments_formatter
from .mdlimits import check_cost
from ..speed.mdquick import quicken
from .excerpt import TAGS as _TAGS
from .excerpt import make_excerpt, plain_text
from .links import LinkRewriter
from .notes import code_lines
from ..model import (
    Article,
    Fragment,
    LinkContext,
    MarkdownOptions,
    RenderedArticle,
    TocEntry,
)
from .sanitize import sanitize_html
from .slugs import heading_id

CALLOUT_TYPES = ("note", "tip", "important", "warning", "caution", "internal")  # internal: an agent note (kb.content.notes)
_CALLOUT = re.compile(r"^(\s*)>\s?\[!(" + "|".join(CALLOUT_TYPES) + r")\][ \t]*(.*)$", re.I)
_DOCFX_IMAGE = re.compile(r"^(\s*):::image\s+(.*?):::\s*$")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_IDS = re.compile(r'\sid="([^"]+)"')


class _Callouts(Preprocessor):
    """GitHub callouts (`> [!NOTE]`) and DocFX images become admonitions and images."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        code = code_lines("\n".join(lines))  # as kb.content.notes reads code, so that a note it finds is one here
        index = 0
        while index < len(lines):
            line = lines[index]
            if index in code or ("[!" not in line and ":::" not in line):
                out.append(line)  # in code, or no callout or image starts here
                index += 1
                continue
            image = _DOCFX_IMAGE.match(line)
            if image:
                attrs = dict(_ATTR.findall(image.group(2)))
                if "source" in attrs:
                    alt = attrs.get("alt-text", "").replace("]", "\\]")
                    line = f"{image.group(1)}![{alt}](<{attrs['source']}>)"
            callout = _CALLOUT.match(line)
            if not callout:
                out.append(line)
                index += 1
                continue
            indent, kind, title = callout.group(1), callout.group(2).lower(), callout.group(3).strip()
            body: list[str] = []
            index += 1
            prefix = re.compile(r"^" + re.escape(indent) + r">\s?(.*)$")
            while index < len(lines):
                more = prefix.match(lines[index])
                if not more:
                    break
                body.append(more.group(1))
                index += 1
            label = (title or kind.capitalize()).replace('"', "'")
            width = len(indent.expandtabs(4))
            block = " " * (-(-width // 4) * 4)  # a list item's content needs 4-space steps
            out.extend(["", f'{block}!!! {kind} "{label}"'])
            out.extend(f"{block}    {b}" if b.strip() else "" for b in body)
            out.append("")
        return out


class _Markup(Postprocessor):
    """Code blocks and tables may scroll sideways, so keyboard users must reach them (tabindex);
    heading permalinks are not words of the article, so search leaves them out."""

    def run(self, text: str) -> str:
        return (
            text.replace("<pre>", '<pre tabindex="0">')
            .replace("<table>", '<table tabindex="0">')
            .replace('<a class="headerlink"', '<a class="headerlink" data-pagefind-ignore')
        )


class _KbExtension(Extension):
    def __init__(self, raw_html: bool) -> None:
        super().__init__()
        self.raw_html = raw_html

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.register(_Callouts(md), "kb_callouts", 27)
        md.treeprocessors.register(LinkRewriter(md, self.raw_html), "kb_links", 15)
        md.postprocessors.register(_Markup(md), "kb_markup", 0)
        if not self.raw_html:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")


# Extensions that change nothing unless their syntax is in the text, with a test for that syntax:
# an article is rendered by a Markdown instance with only the ones it needs (the output is the
# same as with all of them; tests/unit/test_content_markdown.py checks that on every article it can find).
# The tests look for plain substrings first: a regular expression anchored at every line start
# is tried at every character, which cost more than some of the extensions it spares.
_CALLOUT_MARK = re.compile(r"\[!(?:note|tip|important|warning|caution|internal)\]", re.I)
_ATTR_LIST = re.compile(r"\{[ \t]*[:#.\w]")


def _at_line_start(text: str, *needles: str) -> bool:
    """Whether a needle is in `text` with nothing but spaces, tabs and `>` before it on its line."""
    for needle in needles:
        index = text.find(needle)
        while index >= 0:
            if not text[text.rfind("\n", 0, index) + 1:index].strip(" \t>"):
                return True
            end = text.find("\n", index)  # a later one on this line has the same text before it
            index = text.find(needle, end) if end >= 0 else -1
    return False


def _has_callout(text: str) -> bool:
    return "[!" in text and _CALLOUT_MARK.search(text) is not None


OPTIONAL_EXTENSIONS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("tables", lambda text: "|" in text),
    ("fenced_code", lambda text: _at_line_start(text, "```", "~~~")),
    # a callout inside a list is re-indented by the callout preprocessor, and may become an indented block
    ("codehilite", lambda text: _at_line_start(text, "```", "~~~", "    ", "\t") or _has_callout(text)),
    ("footnotes", lambda text: "[^" in text),
    ("attr_list", lambda text: "{" in text and _ATTR_LIST.search(text) is not None),
    ("def_list", lambda text: _at_line_start(text, ": ", ":\t")),  # `>`: a callout's lines become an admonition's
    ("admonition", lambda text: _at_line_start(text, "!!!", "???") or _has_callout(text)),
    ("toc_marker", lambda text: "[TOC]" in text),  # not an extension: the table of contents replaces `[TOC]`
)

class MarkdownRenderer:
    """Markdown instances with kb's extensions, one per set of optional extensions; reuse it for many articles.
    `quick`: with kb's quicker parts of Python-Markdown and Pygments (kb.speed.mdquick, kb.speed.highlight), installed
    on each instance it makes; False renders with Python-Markdown's own parts only (the same output)."""

    sanitize = staticmethod(sanitize_html)  # the untrusted mode's last step (raw_html: false; kb.sanitize)

    def __init__(self, options: MarkdownOptions, all_extensions: bool = False, quick: bool = True) -> None:
        self.options = options
        self.quick = quick
        self.all_extensions = all_extensions
        self.quick = quick
        self.instances: dict[tuple[str, ...], tuple[markdown.Markdown, LinkRewriter]] = {}

    def _instance(self, text: str) -> tuple[markdown.Markdown, LinkRewriter]:
        wanted = tuple(name for name, needed in OPTIONAL_EXTENSIONS if self.all_extensions or needed(text))
        found = self.instances.get(wanted)
        if found is None:
            md = self._make(wanted)
            found = self.instances[wanted] = (md, md.treeprocessors["kb_links"])
        return found

    def _make(self, optional: tuple[str, ...]) -> markdown.Markdown:
        options = self.options
        configs = {
            "codehilite": {"css_class": "highlight", "guess_lang": False,
                           **({"pygments_formatter": pygments_formatter} if self.quick else {})},
            "toc": {
                "permalink": "#", "permalink_title": "Link to this section",
                "toc_depth": f"2-{max(2, options.toc_depth)}",
                "slugify": lambda value, separator: heading_id(value),
                "marker": "[TOC]" if "toc_marker" in optional else "",  # looking for it walks the whole tree
            },
            "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
        }
        order = ("tables", "fenced_code", "codehilite", "footnotes", "attr_list", "def_list", "admonition", "toc", "sane_lists")
        names = [n for n in order if n in optional or n in ("toc", "sane_lists")]
        md = markdown.Markdown(
            extensions=[*names, _KbExtension(options.raw_html)],
            extension_configs={k: v for k, v in configs.items() if k in names},
            output_format="html",
        )
        if self.quick:
            if "toc_marker" not in optional:  # the contents are read from md.toc_tokens: no need to build their HTML
                md.treeprocessors["toc"].build_toc_div = lambda tokens: etree.Element("div")  # type: ignore[attr-defined]
            quicken(md)
        return md

    def render(self, article: Article, context: LinkContext, shown: str) -> RenderedArticle:
        """Render one article; it depends on nothing but its own text and `context`."""
        too_costly = check_cost(article.body)  # refused, rather than left to render for hours
        if too_costly is not None:
            problem = error(shown, article.body_line + too_costly.line - 1, too_costly.col, too_costly.message)
            return RenderedArticle(article.source, "", (), "", (problem,), (), frozenset(), ())
        md, links = self._instance(article.body)
        md.reset()
        links.source = article.source
        links.lang = article.lang
        links.context = context
        links.problems = []
        links.fragments = []
        links.deps = []
        body = md.convert(article.body) if self.options.raw_html else self.sanitize(md.convert(article.body))
        toc = tuple(_flatten(getattr(md, "toc_tokens", [])))
        lines = article.body.split("\n") if links.problems or links.fragments else []
        after: dict[str, tuple[int, int]] = {}
        found = []
        for raw, message, fatal in links.problems:
            line, col = _locate(lines, raw, after.get(raw, (0, -1)))
            after[raw] = (line, col)
            found.append((error if fatal else warning)(shown, article.body_line + line, col + 1, message, _kind(message)))
        after = {}
        fragments = []
        for target, fragment, raw in links.fragments:
            line, col = _locate(lines, raw, after.get(raw, (0, -1)))
            after[raw] = (line, col)
            fragments.append(Fragment(target, fragment, raw, article.body_line + line, col + 1))
        diagnostics = tuple(found)
        excerpt = make_excerpt(article.summary) if article.summary else make_excerpt(plain_text(body))
        return RenderedArticle(article.source, body, toc, excerpt, diagnostics, tuple(fragments),
                               frozenset(_IDS.findall(body)), tuple(dict.fromkeys(links.deps)))


    def render_text(self, text: str, context: LinkContext, shown: str, line: int, source: str) -> tuple[str, tuple]:
        """Render Markdown that is not an article (an incident update); links resolve from the content root."""
        article = Article(source=source, title="", slug="", url="", category="", section=None, body=text, body_line=line)
        result = self.render(article, context, shown)
        return result.html, result.diagnostics


def _flatten(tokens: list[dict]) -> list[TocEntry]:
    out: list[TocEntry] = []
    for token in tokens:
        name = html.unescape(_TAGS.sub("", token.get("html", token["name"])))
        out.append(TocEntry(token["level"], token["id"], name))
        out.extend(_flatten(token.get("children", [])))
    return out


def _locate(lines: list[str], raw: str, start: tuple[int, int]) -> tuple[int, int]:
    """(line index, column index) of the link target `raw` as written, after `start`."""
    exact = (f"({raw})", f"(<{raw}>)", f"({raw} ", f'="{raw}"')  # the whole target, before a prefix of another
    for needle in (*exact, f"({raw}", f"(<{raw}>", raw, raw.replace("/", "\\"), unquote(raw)):
        for number in range(start[0], len(lines)):
            col = lines[number].find(needle, start[1] + 1 if number == start[0] else 0)
            if col >= 0:
                skip = 2 if needle.startswith(("(<", '="')) else 1 if needle.startswith("(") else 0
                return number, col + skip
    return start if start[1] >= 0 else (0, 0)


def _kind(message: str) -> str:
    return message.split(" '")[0].split(":")[0]
