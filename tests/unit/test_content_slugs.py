"""kb.content.slugs: Unicode-aware slugs, titles from file names, safe URL segments."""

from __future__ import annotations

import unicodedata

import pytest

from kb.content.slugs import is_safe_slug, slugify, title_from_name


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Billing & Payments", "billing-payments"),
        ("billing-and-payments", "billing-and-payments"),
        ("Guías útiles!", "guías-útiles"),
        ("Don't panic", "dont-panic"),
        ("Don\u2019t panic", "dont-panic"),
        ("设置 帐户", "设置-帐户"),
        ("アカウント設定", "アカウント設定"),
        ("snake_case__name", "snake-case-name"),
        ("_leading_and_trailing_", "leading-and-trailing"),
        ("  --a--b  ", "a-b"),
        ("Version 2.0 (beta)", "version-2-0-beta"),
        ("ＦＵＬＬ width", "full-width"),
        ("!!!", ""),
        ("", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugify_composes_decomposed_accents() -> None:
    decomposed = unicodedata.normalize("NFD", "Guías útiles")
    assert decomposed != "Guías útiles"
    assert slugify(decomposed) == "guías-útiles"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("getting-started", "Getting started"),
        ("getting-started.md", "Getting started"),
        ("getting_started.MD", "Getting started"),
        ("reset--your__password", "Reset your password"),
        ("Billing & Payments", "Billing & Payments"),
        ("Guías útiles!", "Guías útiles!"),
        ("FAQ", "FAQ"),
        ("faq.md", "faq"),
        ("a - b", "a - b"),
    ],
)
def test_title_from_name(name: str, title: str) -> None:
    assert title_from_name(name) == title


@pytest.mark.parametrize(
    "slug",
    ["../x", "..", "a/b", "a\\b", ".hidden", "", "a\x00b", "tab\there", "new\nline", "a\x7fb",
     "a..b", "what?", "a#b", "100%", 'say"hi"', "<b>"],
)
def test_is_safe_slug_rejects(slug: str) -> None:
    assert is_safe_slug(slug) is False


@pytest.mark.parametrize("slug", ["billing", "guías-útiles", "设置-帐户", "v2.0", "a_b", "x"])
def test_is_safe_slug_accepts(slug: str) -> None:
    assert is_safe_slug(slug) is True
