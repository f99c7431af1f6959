"""Every URL and path of the built site: site paths under the URL prefix, full URLs from base_url,
the pages of tags and incidents, the files pages, redirects and content files are written to, and
what counts as a URL with a scheme. Plain functions of strings; content, status and rendering
all import them from here (this module imports nothing of kb's but `content.slugs`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from urllib.parse import quote

from ..content.slugs import slugify

URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # `https:`, `mailto:`, `javascript:`…


def has_scheme(text: str) -> bool:
    """Whether `text` starts with a URL scheme (`https:`, `mailto:`, `c:` too): not a site path."""
    return URL_SCHEME.match(text) is not None


def is_external(text: str) -> bool:
    """A URL with a scheme or a protocol-relative one (`//host/…`): never under the site."""
    return URL_SCHEME.match(text) is not None or text.startswith("//")


def is_absolute_base(base_url: str) -> bool:
    """Whether base_url is a full http(s) URL (canonical links, feeds, the sitemap), not a path."""
    return base_url.startswith(("http://", "https://"))


def site_url(path: str, url_prefix: str) -> str:
    """A site path under the URL prefix, percent-encoded; full URLs and `mailto:` stay as they are."""
    if URL_SCHEME.match(path) or path.startswith(("//", "#")):
        return path
    return quote(url_prefix + path.lstrip("/"))


def absolute_url(path: str, base_url: str, url_prefix: str) -> str:
    """A site path as a full URL when base_url is one, else under the URL prefix."""
    if is_external(path):
        return path
    if is_absolute_base(base_url):
        return base_url.rstrip("/") + quote("/" + path.lstrip("/"))
    return site_url(path, url_prefix)


def published_url(path: str | None, asset_url: Callable[[str], str]) -> str | None:
    """A file site.yaml names (a URL, or a path in the content folder) as published: URLs as they
    are, a content file at `/` + where `asset_url` publishes it."""
    if not path or is_external(path):
        return path
    return "/" + asset_url(path.lstrip("/"))


@functools.lru_cache(maxsize=16384)  # the same few tags on many articles
def tag_key(tag: str) -> str:
    """The slug of a tag's page."""
    return slugify(tag) or "tag"


def tag_url(tag: str) -> str:
    """The site path of a tag's page."""
    return f"/tags/{tag_key(tag)}/"


def incident_path(key: str) -> str:
    """The site path of an incident's or maintenance's page."""
    return f"/status/incidents/{key}/"


def index_file(url: str) -> str:
    """The file a page at the site path `url` is written to (`/a/b/` → `a/b/index.html`)."""
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


def redirect_file(old: str) -> str:
    """The file a redirect from the site path `old` is written to."""
    return old.strip("/") + "/index.html" if old.endswith("/") else old.lstrip("/")


def asset_path(rel: str, folders: dict[str, str]) -> str:
    """Where a content file is published: in its topic's or section's folder of the site (`folders`:
    a topic or section's folder -> its URL), its other folders by their slugs (`Agents &
    Users/media/a b.png` at `agents-users/media/a b.png`); its name as it is."""
    parent, _, name = rel.rpartition("/")
    if not parent:
        return rel
    parts = parent.split("/")
    depth = next((n for n in (2, 1) if len(parts) >= n and "/".join(parts[:n]) in folders), 0)
    base = [folders["/".join(parts[:depth])].strip("/")] if depth else []
    return "/".join([*base, *(slugify(part) or part for part in parts[depth:]), name])


@functools.lru_cache(maxsize=16384)  # `kb serve` checks the same aliases at every edit
def alias_path(alias: str) -> str | None:
    """An alias as a site path (`old/refund` → `/old/refund/`, `/v2.0/` → `/v2.0/`, `/a.html` → `/a.html`);
    None when it is not a safe site path."""
    text = alias.strip()
    if is_external(text) or any(c in text for c in "\\?#\"<>") or any(ord(c) < 32 for c in text):
        return None
    parts = [p for p in text.split("/") if p]
    if not parts or any(p.startswith(".") for p in parts):  # `..`, and hidden files (`.htaccess`) servers read
        return None
    path = "/" + "/".join(parts)
    return path if "." in parts[-1] and not text.endswith("/") else path + "/"  # a file, unless written as a folder
