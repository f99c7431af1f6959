"""Links in an article: where a written link points in the published site (`resolve_link`), what
that depended on (so a kept rendering can be checked), and the treeprocessor that rewrites them."""

from __future__ import annotations

import functools
import posixpath
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from ..model import LinkContext
from ..render.urls import URL_SCHEME as _SCHEME
from .rawlinks import rewrite_pieces


class LinkRewriter(Treeprocessor):
    """Point links to `.md` files and relative files at their published URLs."""

    def __init__(self, md: markdown.Markdown, raw_html: bool) -> None:
        super().__init__(md)
        self.raw_html = raw_html
        self.source = ""
        self.lang = ""  # the article's language, when not the default: its links go to that language's versions
        self.context = LinkContext()
        self.problems: list[tuple[str, str, bool]] = []  # (link as written, message, an error?)
        self.fragments: list[tuple[str, str, str]] = []  # (article source, #fragment, link as written)
        self.deps: list[tuple] = []  # what the output depended on in the context (see link_dependency)

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attr, image = _ELEMENT_LINKS.get(element.tag, ("", False))
            value = element.get(attr) if attr else None
            if value is not None:
                new = self._rewrite_value(value, image)
                if new is not None:
                    element.set(attr, new)
            if element.tag == "img":
                element.set("loading", "lazy")
        if self.raw_html:  # raw HTML is kept aside as text: its links are rewritten there
            stash = self.md.htmlStash.rawHtmlBlocks
            stash[:] = rewrite_pieces(stash, self._rewrite_value)

    def _rewrite_value(self, value: str, image: bool) -> str | None:
        """A link's new value (None: as it was), noting its problem, fragment and dependency."""
        found = resolve_link(value, image, self.source, self.context, self.raw_html, self.lang)
        if found.dependency is not None:
            self.deps.append(found.dependency)
        if found.problem is not None:
            self.problems.append((value.strip(), found.problem, found.fatal))
        if found.fragment is not None:
            self.fragments.append((*found.fragment, value.strip()))
        return found.value


_ELEMENT_LINKS = {"a": ("href", False), "img": ("src", True)}  # Markdown's links and images: (attribute, an image?)


@dataclass(frozen=True)
class ResolvedLink:
    """What a link resolved to: its new value (None: keep it), and what the rendering notes of it."""

    value: str | None = None
    dependency: tuple | None = None  # what it looked up in the context (see link_dependency)
    problem: str | None = None  # what is wrong with it: a warning's message
    fatal: bool = False  # ...an error's instead: the link cannot be published at all
    fragment: tuple[str, str] | None = None  # (article source, #fragment) to check


def resolve_link(written: str, image: bool, source: str, context: LinkContext, raw_html: bool, lang: str = "") -> ResolvedLink:
    """A link or image target written in the article `source` (in language `lang`, "" for the
    default), pointed at its published URL: a link to an article, at its version in `lang` if any."""
    value = written.strip()
    if _SCHEME.match(value):
        if not raw_html and value.lower().startswith(("javascript:", "vbscript:", "data:")):
            return ResolvedLink("#")
        return ResolvedLink()
    if value.startswith("#") and len(value) > 1 and not image:
        return ResolvedLink(fragment=(source, unquote(value[1:])))
    if not value or value.startswith(("#", "//", "?")):
        return ResolvedLink()
    parts = urlsplit(value.replace("\\", "/"))
    target = unquote(parts.path)
    if not target:
        return ResolvedLink()
    here = posixpath.dirname(source)
    path = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(here, target))
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    dependency = link_dependency(path, context, lang)  # what the context says of this target
    if dependency[0] == "md":
        url, draft = dependency[2], dependency[3]
        path = dependency[5] if len(dependency) > 4 else path  # the version in the article's language
        if draft == "internal":
            return ResolvedLink(None, dependency, f"link to internal article '{target}' from a public article", fatal=True)
        if draft:
            return ResolvedLink(None, dependency, f"link to draft article '{target}' (drafts are not published)")
        if url is None:
            return ResolvedLink(None, dependency, f"link to missing article '{target}'")
        new = quote(context.url_prefix + url.lstrip("/")) + fragment
        return ResolvedLink(new, dependency, fragment=(path, unquote(parts.fragment)) if parts.fragment else None)
    if dependency[2]:  # the file exists
        return ResolvedLink(quote(context.url_prefix + dependency[4]) + fragment, dependency)
    if target.startswith("/"):
        return ResolvedLink(None, dependency)  # a site path we do not manage (another app on the same host)
    if image:
        return ResolvedLink(None, dependency, f"missing image '{target}'{dependency[3]}")
    if "." in posixpath.basename(path):
        return ResolvedLink(None, dependency, f"link to missing file '{target}'{dependency[3]}")
    return ResolvedLink(None, dependency)


def link_dependency(path: str, context: LinkContext, lang: str = "") -> tuple:
    """What a link to `path` made of the context: an article's URL and draft flag (from an article
    in another language than the default, of the version in its language), or whether a file exists."""
    if path.lower().endswith(".md"):
        if context.translated:  # a site of several languages
            target = context.translated.get(lang, {}).get(path, path)
            return ("md", path, context.urls.get(target), _left_out(path, context), lang, target)
        return ("md", path, context.urls.get(path), _left_out(path, context))
    present = path in context.assets
    return ("file", path, present, "" if present else _case_hint(path, context.assets),
            context.asset_urls.get(path, path))


def _left_out(path: str, context: LinkContext) -> bool | str:
    """Whether the article `path` is left out of the build: "internal" for an article for agents
    only (in the public build), True for a draft."""
    return "internal" if path in context.internal else path in context.drafts


def dependencies_hold(deps: tuple, context: LinkContext) -> bool:
    """True when every link target an earlier rendering looked up is the same in `context`."""
    return all(link_dependency(dep[1], context, dep[4] if len(dep) > 4 and dep[0] == "md" else "") == dep for dep in deps)


def _case_hint(path: str, assets: frozenset[str]) -> str:
    """A hint when the file exists with other letter case (it breaks on most web hosts)."""
    match = _folded(assets).get(path.casefold())
    return f" (the file is '{posixpath.basename(match)}': letter case differs)" if match else ""


@functools.lru_cache(maxsize=4)
def _folded(assets: frozenset[str]) -> dict[str, str]:
    """Each file by its case-folded path (the first in sorted order when several fold alike)."""
    found: dict[str, str] = {}
    for asset in sorted(assets):
        found.setdefault(asset.casefold(), asset)
    return found

