"""kb.render.urls: every URL and path of the built site, on tricky input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.render import urls
from kb.render.urls import (
    absolute_url,
    alias_path,
    asset_path,
    has_scheme,
    incident_path,
    index_file,
    is_absolute_base,
    is_external,
    published_url,
    redirect_file,
    site_url,
    tag_key,
    tag_url,
)

KB = Path(__file__).resolve().parents[2] / "kb"


@pytest.mark.parametrize(("text", "scheme", "external"), [
    ("https://example.com/", True, True),
    ("mailto:help@example.com", True, True),
    ("javascript:alert(1)", True, True),
    ("c:\\media\\x.png", True, True),  # a drive letter reads as a scheme: never a site path
    ("a+b.c-d:x", True, True),
    ("1http://x", False, False),  # a scheme starts with a letter
    ("//cdn.example.com/x.js", False, True),
    ("/billing/", False, False),
    ("media/a:b.png", False, False),  # a colon after a slash is a path
    ("", False, False),
])
def test_schemes(text: str, scheme: bool, external: bool) -> None:
    assert has_scheme(text) is scheme
    assert is_external(text) is external


@pytest.mark.parametrize(("base", "absolute"), [
    ("https://example.com/help/", True),
    ("http://example.com", True),
    ("/help/", False),
    ("", False),
    ("HTTPS://example.com/", False),  # site.yaml and --base-url accept the lower-case spelling only
    ("ftp://example.com/", False),
    ("https:/example.com", False),
])
def test_is_absolute_base(base: str, absolute: bool) -> None:
    assert is_absolute_base(base) is absolute


@pytest.mark.parametrize(("path", "prefix", "expected"), [
    ("/billing/", "/", "/billing/"),
    ("/billing/", "/help/", "/help/billing/"),
    ("billing/", "/help/", "/help/billing/"),
    ("", "/help/", "/help/"),
    ("/", "/help/", "/help/"),
    ("/a b/ü/", "/help/", "/help/a%20b/%C3%BC/"),
    ("../x", "/help/", "/help/../x"),  # not normalised: a site path never holds `..`
    ("#top", "/help/", "#top"),
    ("//cdn.example.com/x", "/help/", "//cdn.example.com/x"),
    ("mailto:a@example.com", "/help/", "mailto:a@example.com"),
    ("https://example.com/x", "/help/", "https://example.com/x"),
])
def test_site_url(path: str, prefix: str, expected: str) -> None:
    assert site_url(path, prefix) == expected


@pytest.mark.parametrize("base", ["https://example.com/help/", "https://example.com/help"])
def test_absolute_url_with_a_full_base_url(base: str) -> None:
    # with or without its trailing slash, base_url gives the same URLs
    assert absolute_url("/billing/refunds/", base, "/help/") == "https://example.com/help/billing/refunds/"
    assert absolute_url("billing/", base, "/help/") == "https://example.com/help/billing/"
    assert absolute_url("/", base, "/help/") == "https://example.com/help/"
    assert absolute_url("", base, "/help/") == "https://example.com/help/"
    assert absolute_url("/tags/ünï/", base, "/help/") == "https://example.com/help/tags/%C3%BCn%C3%AF/"
    assert absolute_url("https://other.example/x", base, "/help/") == "https://other.example/x"
    assert absolute_url("//cdn.example/x", base, "/help/") == "//cdn.example/x"
    assert absolute_url("#top", base, "/help/") == "https://example.com/help/%23top"


@pytest.mark.parametrize("base", ["/help/", ""])
def test_absolute_url_without_a_full_base_url(base: str) -> None:
    prefix = "/help/" if base else "/"
    assert absolute_url("/billing/", base, prefix) == prefix + "billing/"
    assert absolute_url("#top", base, prefix) == "#top"
    assert absolute_url("mailto:a@example.com", base, prefix) == "mailto:a@example.com"


def test_published_url() -> None:
    publish = {"Billing/logo.png": "billing/logo.png"}.get
    assert published_url("Billing/logo.png", lambda rel: publish(rel, rel)) == "/billing/logo.png"
    assert published_url("/Billing/logo.png", lambda rel: publish(rel, rel)) == "/billing/logo.png"
    assert published_url("media/x.png", lambda rel: publish(rel, rel)) == "/media/x.png"
    assert published_url("https://cdn.example/logo.png", str) == "https://cdn.example/logo.png"
    assert published_url("//cdn.example/logo.png", str) == "//cdn.example/logo.png"
    assert published_url(None, str) is None
    assert published_url("", str) == ""


@pytest.mark.parametrize(("tag", "key"), [
    ("Outlook 2016", "outlook-2016"),
    ("Ünïcode Tag", "ünïcode-tag"),
    ("日本語", "日本語"),
    ("naïve café", "naïve-café"),
    ("C++", "c"),
    ("snake_case", "snake-case"),
    ("!!!", "tag"),  # no letter or digit: still a page
    ("", "tag"),
])
def test_tag_key_and_url(tag: str, key: str) -> None:
    assert tag_key(tag) == key
    assert tag_url(tag) == f"/tags/{key}/"


def test_incident_path() -> None:
    assert incident_path("2024-05-01-outage") == "/status/incidents/2024-05-01-outage/"


@pytest.mark.parametrize(("url", "file"), [
    ("/", "index.html"),
    ("", "index.html"),
    ("/billing/", "billing/index.html"),
    ("/billing/refunds/", "billing/refunds/index.html"),
    ("/tags/ünï/", "tags/ünï/index.html"),
])
def test_index_file(url: str, file: str) -> None:
    assert index_file(url) == file


@pytest.mark.parametrize(("old", "file"), [
    ("/old/refund/", "old/refund/index.html"),
    ("/old.html", "old.html"),
    ("/v2.0/", "v2.0/index.html"),
    ("/help/faq.php", "help/faq.php"),
])
def test_redirect_file(old: str, file: str) -> None:
    assert redirect_file(old) == file


@pytest.mark.parametrize(("alias", "path"), [
    ("old/refund", "/old/refund/"),
    ("  /x  ", "/x/"),
    ("/v2.0/", "/v2.0/"),
    ("/a.html", "/a.html"),
    ("/help/", "/help/"),
    ("/ü/x", "/ü/x/"),
    ("../x", None),
    ("/a/../b", None),
    ("/.htaccess", None),
    ("", None),
    ("/", None),
    ("//evil.example/", None),
    ("https://evil.example/", None),
    ("mailto:x@example.com", None),
    ("/a?b", None),
    ("/a#b", None),
    ("/a\\b", None),
    ("/a\tb", None),
])
def test_alias_path(alias: str, path: str | None) -> None:
    assert alias_path(alias) == path


def test_asset_path() -> None:
    folders = {"Agents & Users": "/agents-users/", "Agents & Users/Sub Sec": "/agents-users/sub-sec/",
               "Billing": "/help-billing/"}
    assert asset_path("logo.png", folders) == "logo.png"
    assert asset_path("Billing/media/a b.png", folders) == "help-billing/media/a b.png"  # the topic's URL
    assert asset_path("Agents & Users/Sub Sec/media/x.png", folders) == "agents-users/sub-sec/media/x.png"
    assert asset_path("Other Things/Ünï/x.png", folders) == "other-things/ünï/x.png"
    assert asset_path("A/!!!/x.png", {}) == "a/!!!/x.png"  # a folder with no slug keeps its name


def test_one_scheme_pattern_and_one_base_url_test() -> None:
    """The URL-scheme pattern and the http(s) base_url test are written once, in urls.py."""
    pattern = re.compile(r"a-zA-Z0-9\+\.-\]\*:|startswith\(\(\"http://\", \"https://\"")
    found = [str(p.relative_to(KB)) for p in sorted(KB.rglob("*.py")) if pattern.search(p.read_text(encoding="utf-8"))]
    assert found == ["render/urls.py"]
    assert urls.URL_SCHEME.pattern == r"^[a-zA-Z][a-zA-Z0-9+.-]*:"
