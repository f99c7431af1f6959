"""A site of several languages as one Site per language (an edition): its categories titled in that
language, the articles its pages list (its own, and the originals of those it has no translation
of, unless `fallback: hide`), its site strings. A one-language site is its own only edition."""

from __future__ import annotations

import dataclasses

from ..content.translations import edition_articles
from ..model import Site


def editions(site: Site) -> dict[str, Site]:
    """Every language's edition, the default language's first, by language code."""
    config = site.config
    if not config.multilingual:
        return {config.language: site}
    return {lang.code: edition(site, lang.code) for lang in config.languages}


def edition(site: Site, code: str) -> Site:
    """The Site as the pages in language `code` show it. Pages made once for the whole site (the
    status pages, the redirects) belong to the default language's edition."""
    config = site.config
    if not config.multilingual:
        return site
    default = config.default_language
    own = "" if code == default else code
    articles = edition_articles(site.articles, site.translations, code, default, config.fallback)
    groups = {a.section or a.category for a in articles} | {a.category for a in articles}
    categories = site.categories if not own else tuple(c for c in site.localized if c.lang == own)
    return dataclasses.replace(
        site, config=config.for_language(code), articles=articles,
        categories=tuple(c for c in categories if c.key in groups),
        redirects=site.redirects if not own else {}, status=site.status if not own else None,
    )
