"""`site.yaml` → SiteConfig, with a default for everything."""

from __future__ import annotations

import dataclasses
import html
import os
import posixpath
import re
from pathlib import Path

from ..errors import Diagnostic, error, printable, warning
from ..model import NOTICE_LEVELS, Contact, Link, MarkdownOptions, Notice, SiteConfig
from .languages import read_fallback, read_i18n, read_language, read_languages
from .schema import Reader
from ..render.sitefile import read_site_file
from ..render.urls import URL_SCHEME, is_absolute_base
from .textio import read_text
from .textio import ARTICLE_LIMIT, read_text
from .yamlpos import YamlDoc, YamlProblem, load_yaml

SITE_FILE = "site.yaml"
SITE_KEYS = (
    "title", "tagline", "base_url", "language", "logo", "contact", "notice",
    "footer_links", "theme", "extra_keys", "markdown", "edit_url", "favicon", "untrusted",
    "languages", "fallback", "i18n",
)
CONTACT_KEYS = ("email", "url", "form")
NOTICE_KEYS = ("text", "level", "start", "end")
LINK_KEYS = ("title", "url")
MARKDOWN_KEYS = ("toc_depth", "toc_min_headings", "raw_html")
WEB = ("http", "https")
MAIL = ("http", "https", "mailto", "tel")  # where a reader may also write or call
_DROPPED = re.compile(r"[\t\n\r]")  # a browser removes these anywhere in a URL
_EDGES = "".join(map(chr, range(0x21)))  # ...and control characters and spaces at its ends
RESERVED = ("site.yaml", "status.yaml", "templates", "locales")  # at the root: not published


def load_config(root: Path) -> tuple[SiteConfig, tuple[Diagnostic, ...]]:
    """Read `site.yaml` under `root`; a missing file gives the defaults."""
    path = root / SITE_FILE
    shown = SITE_FILE
    if not os.path.lexists(path):
        return SiteConfig(), ()
    text, problem = read_text(path, shown, ARTICLE_LIMIT)  # a named pipe is an error, never read
    if problem is not None:
        return SiteConfig(), (problem,)
    try:
        doc = load_yaml(text, anchors_in="site.yaml")
    except YamlProblem as exc:
        return SiteConfig(), (error(shown, exc.line, exc.col, exc.message),)
    if doc.data is None:
        return SiteConfig(), ()
    if not isinstance(doc.data, dict):
        return SiteConfig(), (error(shown, 1, 1, "site.yaml must be a mapping of settings"),)
    return parse_config(doc, shown, root)


def parse_config(doc: YamlDoc, shown: str, root: Path | None = None) -> tuple[SiteConfig, tuple[Diagnostic, ...]]:
    """Validate a parsed `site.yaml` document; with `root`, check that the logo and favicon files exist."""
    r = Reader(doc, shown)
    for keypath, line, col in doc.duplicates:
        r.diagnostics.append(error(shown, line, col, f"duplicate key '{keypath[-1]}'"))
    r.unknown_keys((), SITE_KEYS, what="setting")
    r.unknown_keys(("contact",), CONTACT_KEYS, what="setting")
    r.unknown_keys(("notice",), NOTICE_KEYS, what="setting")
    r.unknown_keys(("markdown",), MARKDOWN_KEYS, what="setting")
    _shapes(r)
    defaults = SiteConfig()
    base_url = r.string("base_url", default="") or ""
    if base_url and not (is_absolute_base(base_url) or base_url.startswith("/")):
        r.at(("base_url",), f"base_url must start with http://, https:// or /, not '{base_url}'")
        base_url = ""
    languages = read_languages(r, read_language(r))
    config = SiteConfig(
        title=r.string("title", default=defaults.title) or defaults.title,
        tagline=r.string("tagline", default="") or "",
        base_url=base_url,
        language=languages[0].code,
        languages=languages,
        fallback=read_fallback(r),
        i18n=read_i18n(r, languages, lambda at: _contact(r, at), lambda at: _links(r, at)),
        logo=r.string("logo"),
        favicon=read_site_file(r, "favicon", root),
        contact=_contact(r, ("contact",)),
        notice=_notice(r),
        footer_links=_links(r, ("footer_links",)),
        theme=_theme(r, root),
        edit_url=_edit_url(r),
        extra_keys=r.strings("extra_keys"),
        markdown=MarkdownOptions(
            toc_depth=r.integer("markdown", "toc_depth", default=3) or 3,
            toc_min_headings=r.integer("markdown", "toc_min_headings", default=3) or 0,
            raw_html=r.boolean("markdown", "raw_html", default=True),
        ),
        untrusted=r.boolean("untrusted"),
    )
    if r.raw("untrusted") is True and r.raw("markdown", "raw_html") is True:
        r.warn(("markdown", "raw_html"), "markdown.raw_html: true has no effect with untrusted: true; raw HTML is escaped")
    if config.logo and not _check_logo(r, config.logo, root):
        config = dataclasses.replace(config, logo=None)  # a refused logo is not used
    return config, tuple(r.diagnostics)


def _shapes(r: Reader) -> None:
    """Settings of the wrong shape, or given as nothing, that would otherwise be dropped without a word."""
    for key in ("title", "theme", "logo"):
        r.blank(key)
    if r.raw("contact") is not None and not isinstance(r.raw("contact"), dict):
        r.at(("contact",), "contact must be a mapping with email, url, form")
    if r.raw("markdown") is not None and not isinstance(r.raw("markdown"), dict):
        r.at(("markdown",), "markdown must be a mapping with toc_depth, toc_min_headings, raw_html")
    depth, least = r.raw("markdown", "toc_depth"), r.raw("markdown", "toc_min_headings")  # types: checked below
    if type(depth) is int and not 1 <= depth <= 6:
        r.at(("markdown", "toc_depth"), f"markdown.toc_depth must be a heading level from 1 to 6, not {depth}")
    if type(least) is int and least < 0:
        r.at(("markdown", "toc_min_headings"), f"markdown.toc_min_headings must be 0 or more, not {least}")


def _check_logo(r: Reader, logo: str, root: Path | None) -> bool:
    """Whether the logo is an http(s) URL or a published file inside the content folder (else an error)."""
    if url_scheme(logo) is not None or logo.startswith("//"):
        if url_scheme(logo) not in (*WEB, None):
            r.at(("logo",), f"logo must be a file inside the content folder or an http(s) URL, not '{logo}'")
            return False
        return True
    rel = posixpath.normpath(logo.replace("\\", "/").lstrip("/"))
    parts = rel.split("/")
    if rel in (".", "") or parts[0] == ".." or any(p.startswith(("_", ".")) for p in parts) or parts[0] in RESERVED:
        r.at(("logo",), f"logo must be a file inside the content folder or an http(s) URL, not '{logo}'"
                        + (" (names starting with '_' or '.' are not published)"
                           if any(p.startswith(("_", ".")) and p != ".." for p in parts) else ""))
        return False
    if root is None:
        return True
    path = root / rel
    if not path.is_file():
        line, col = r.doc.value_pos("logo")
        r.diagnostics.append(warning(r.path, line, col, f"logo file not found: '{logo}'"))
    elif not path.resolve().is_relative_to(root.resolve()):
        r.at(("logo",), f"logo '{logo}' is a symbolic link that leads outside the content folder")
        return False
    return True


def _theme(r: Reader, root: Path | None) -> str:
    """`theme`: a built-in theme's name, or a folder in the project (a theme elsewhere is given with --theme)."""
    name = r.string("theme", default="default") or "default"
    if root is None or (name == "default" and not os.path.lexists(root / name)):
        return name
    project = root.resolve().parent
    try:
        inside = (root / name).resolve().is_relative_to(project) and "\0" not in name
    except (ValueError, RuntimeError, OSError):  # a NUL byte, a loop of links
        inside = False
    if not inside:
        r.at(("theme",), f"theme folder '{printable(name)}' is outside the project; a theme from elsewhere is "
                         "given on the command line (--theme DIR)")
        return "default"
    return name


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in `url`, lower-cased (after entities, tabs, line breaks and edge
    spaces, which it ignores or decodes); None for a relative URL."""
    found = URL_SCHEME.match(_DROPPED.sub("", html.unescape(url)).strip(_EDGES))
    return found.group()[:-1].lower() if found else None


def _url(r: Reader, keypath: tuple, schemes: tuple[str, ...]) -> str | None:
    """A link from site.yaml: a relative one, or one with a scheme of `schemes`; else an error."""
    value = r.string(*keypath)
    scheme = url_scheme(value) if value else None
    if value is None or scheme is None or scheme in schemes:
        return value
    allowed = ", ".join(f"{s}:" + ("//" if s.startswith("http") else "") for s in schemes)
    hint = "; put a mail address in contact.email" if scheme == "mailto" and keypath == ("contact", "form") else ""
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in value)
    name = ".".join(str(k) for k in keypath if not isinstance(k, int))
    r.at(keypath, f"{name} must start with {allowed.rsplit(', ', 1)[0]} or {allowed.rsplit(', ', 1)[1]}, "
                  f"or be a relative path, not '{shown}'{hint}")
    return None


def _edit_url(r: Reader) -> str:
    pattern = _url(r, ("edit_url",), WEB) or ""
    if pattern and "{path}" not in pattern:
        r.at(("edit_url",), "edit_url needs {path} where the article's path goes, "
                            "e.g. https://github.com/acme/help/edit/main/content/{path}")
        return ""
    return pattern


def _notice(r: Reader) -> Notice | None:
    raw = r.raw("notice")
    if isinstance(raw, str):
        return Notice(text=raw.strip()) if raw.strip() else None
    if not r.mapping("notice"):
        return None
    text = r.string("notice", "text", required=True)
    level = r.string("notice", "level", default="info") or "info"
    if level not in NOTICE_LEVELS:
        r.at(("notice", "level"), f"notice level must be one of {', '.join(NOTICE_LEVELS)}, not '{level}'")
        level = "info"
    start, end = r.date("notice", "start"), r.date("notice", "end")
    if start and end and end < start:
        r.at(("notice", "end"), "notice ends before it starts")
    return Notice(text=text, level=level, start=start, end=end) if text else None


def _contact(r: Reader, at: tuple) -> Contact:
    """`contact` (or a language's, at `at`): how readers reach the team."""
    if len(at) > 1:
        if r.raw(*at) is not None and not isinstance(r.raw(*at), dict):
            r.at(at, "contact must be a mapping with email, url, form")
        r.unknown_keys(at, CONTACT_KEYS, what="setting")
    return Contact(email=r.string(*at, "email"), url=_url(r, (*at, "url"), MAIL), form=_url(r, (*at, "form"), WEB))


def _links(r: Reader, at: tuple) -> tuple[Link, ...]:
    """`footer_links` (or a language's, at `at`): a list of {title, url}."""
    raw = r.raw(*at)
    if not isinstance(raw, list):
        if raw is not None:
            r.at(at, "footer_links must be a list of {title, url}")
        return ()
    links = []
    for index, _ in enumerate(raw):
        if not isinstance(raw[index], dict):
            r.at((*at, index), "each footer link needs a title and a url")
            continue
        r.unknown_keys((*at, index), LINK_KEYS, what="setting")
        title = r.string(*at, index, "title", required=True)
        url = r.string(*at, index, "url", required=True) and _url(r, (*at, index, "url"), MAIL)
        if title and url:
            links.append(Link(title, url))
    return tuple(links)
