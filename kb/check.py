"""What `kb check` adds to a build's checks: broken links are errors, and URLs that a change would take away."""

from __future__ import annotations

import bisect
import dataclasses
import functools
import html
import json
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from .errors import ERROR, INFO, Diagnostic
from .model import OutputFile
from .render.urls import is_absolute_base
from .errors import error as _error

# Links that would be broken on the published site: warnings for `kb build` (it may still
# publish), errors for `kb check`, which guards pull requests.
BROKEN_LINKS = frozenset({"link to missing article", "link to draft article", "link to missing anchor",
                          "missing image", "link to missing file"})


def broken_links_are_errors(found: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """The diagnostics, sorted, with every broken internal link an error."""
    return tuple(sorted(dataclasses.replace(d, level=ERROR) if d.kind in BROKEN_LINKS else d for d in found))


def compare_manifests(old_path: Path, new: dict) -> list[Diagnostic]:
    """An error for each article (or redirect) of the old manifest that the new build neither
    publishes nor redirects; a note for each other page or file gone (tag, topic, section and
    status pages): they are not articles, and go by themselves when their last article does."""
    shown = str(old_path)  # as the user typed it: not in the content folder
    error = functools.partial(_error, in_content=False)
    if old_path.exists() and not old_path.is_file():  # a FIFO would block the check for ever
        return [error(shown, 1, 1, "cannot read the manifest: not a regular file")]
    try:
        text = old_path.read_text(encoding="utf-8")
        old = json.loads(text)
        pages = [u for u in old["urls"] if isinstance(u, str)]
        redirects = {u for u in old.get("redirects", {}) if isinstance(u, str)}
        articles = old.get("articles")
        articles = None if articles is None else {u for u in articles if isinstance(u, str)}
    except OSError as exc:
        return [error(shown, 1, 1, f"cannot read the manifest: {exc.strerror or exc}")]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return [error(shown, 1, 1, "not a kb-manifest.json (a JSON object with a 'urls' list)")]
    now = set(new.get("urls", [])) | set(new.get("redirects", {}))
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        lines.setdefault(line.strip().rstrip(",").strip('"'), number)
    listed = sorted(set(pages))
    found = []
    for url in sorted((set(pages) | redirects) - now):
        what = None if url in redirects else _not_an_article(url, listed, articles)
        if what is None:
            found.append(error(shown, lines.get(url, 1), 1, f"{url} was published and is gone; "
                               "add it to the aliases of the article that replaces it", "article gone"))
        else:
            found.append(Diagnostic(shown, lines.get(url, 1), 1, f"{url} was published and is gone; it was {what}, "
                                    "not an article, so nothing needs to redirect there", INFO, "page gone", False))
    return found


def _not_an_article(url: str, listed: list[str], articles: set[str] | None) -> str | None:
    """What the page at `url` was when it was not an article (None for an article). A manifest
    lists its articles; in one written before it did, a page with pages under it was a listing."""
    if url.startswith("/tags/"):
        what = "a tag page"
    elif url.startswith(("/status/", "/api/")):
        what = "a status page"
    elif not url.endswith("/"):
        what = "a file"
    else:
        what = "a topic, section or listing page"
    if articles is not None:
        return None if url in articles else what
    if what.startswith("a topic"):
        after = bisect.bisect_right(listed, url)  # `listed` is sorted: pages under `url` follow it
        return what if after < len(listed) and listed[after].startswith(url) else None
    return what


_ALTERNATE = re.compile(r"<link\b[^>]*\brel=\"alternate\"[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"\b(hreflang|href)=\"([^\"]*)\"", re.I)


def check_alternates(files: Iterable[OutputFile], base_url: str) -> list[Diagnostic]:
    """An error for each page whose hreflang links do not pair up: each must be an absolute URL of a
    page of the site that links back to it in the page's own language, with an x-default."""
    base = base_url.rstrip("/")
    pages: dict[str, dict[str, str]] = {}  # a page's URL -> {hreflang: href}
    for file in files:
        if not file.path.endswith(".html") or file.data is None or b'hreflang="' not in file.data:
            continue
        url = base + "/" + (file.path[: -len("index.html")] if file.path.endswith("index.html") else file.path)
        links: dict[str, str] = {}
        for tag in _ALTERNATE.findall(file.data.decode("utf-8", "replace").partition("</head>")[0]):
            found = dict((k.lower(), html.unescape(v)) for k, v in _ATTRIBUTE.findall(tag))
            if "hreflang" in found:
                links[found["hreflang"]] = found.get("href", "")
        if links:
            pages[unquote(url)] = {lang: unquote(href) for lang, href in links.items()}
    problems = []
    for url, links in sorted(pages.items()):
        shown = url[len(base) + 1:] or "/"
        own = [lang for lang, href in links.items() if href == url and lang != "x-default"]
        if not own:
            problems.append(_error(shown, 1, 1, "its hreflang links do not name the page itself", in_content=False))
        if "x-default" not in links:
            problems.append(_error(shown, 1, 1, "its hreflang links have no x-default", in_content=False))
        for lang, href in sorted(links.items()):
            if not href.startswith(base + "/") or not is_absolute_base(href):
                problems.append(_error(shown, 1, 1, f"hreflang '{lang}' is not an absolute URL of the site: {href}",
                                       in_content=False))
            elif href not in pages:
                problems.append(_error(shown, 1, 1, f"hreflang '{lang}' points at {href}, which has no hreflang "
                                       "links (or is not a page of the site)", in_content=False))
            elif lang != "x-default" and own and pages[href].get(own[0]) != url:
                problems.append(_error(shown, 1, 1, f"hreflang '{lang}' points at {href}, which does not "
                                       f"point back with hreflang '{own[0]}'", in_content=False))
    return problems
