"""What every page's context shares: the site's navigation, articles in lists, category cards,
breadcrumbs and full URLs, built once per site."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable

from ...content.slugs import slugify
from ...model import Article, Category, RenderedArticle, Site
from ...status.view import StatusView, article_issues
from ..urls import absolute_url, is_absolute_base, published_url, tag_key

HOME_ARTICLES = 5


class PageBuilder:
    """One Site and its rendered articles, indexed for the page kinds' context functions."""

    def __init__(
        self, site: Site, rendered: dict[str, RenderedArticle], editions: dict[str, Site] | None = None,
        gettext: Callable[[str], str] | None = None,
    ) -> None:
        self.site = site
        self.rendered = rendered
        self.editions = editions or {site.config.language: site}  # every language's edition, the default's first
        self._ = gettext or str
        config = site.config
        self.language = config.language_of(config.language)
        self.lang = "" if config.language == config.default_language else config.language  # as Article.lang
        self.home = self.language.home
        self.by_source = {a.source: a for a in site.articles}
        self.by_url = {a.url: a for a in site.articles}
        self.categories = {c.key: c for c in site.categories}
        self.top = [c for c in site.categories if c.parent is None]
        self.children: dict[str, list[Category]] = defaultdict(list)
        for category in site.categories:
            if category.parent is not None:
                self.children[category.parent].append(category)
        self.in_group: dict[str, list[Article]] = defaultdict(list)
        for article in site.articles:
            self.in_group[article.section or article.category].append(article)
        self.tags: dict[str, list[Article]] = defaultdict(list)  # by tag slug
        self.tag_label: dict[str, str] = {}
        for article in site.articles:
            for tag in article.tags if article.lang == self.lang else ():  # tag pages: this language's only
                key = tag_key(tag)
                self.tag_label.setdefault(key, tag)
                self.tags[key].append(article)
        self.under = {c.key: self._collect_under(c) for c in self.top}
        self.nav = [self.card(c, with_articles=False) for c in self.top]  # the same on every page
        report = site.status
        titles = {a.source: (a.title, a.url) for a in site.articles}
        self.status = StatusView(report, titles, self.categories) if report else None
        self.known_issues = article_issues(report) if report else {}
        self.overall = self.status.overall() if self.status else None

    def local(self, path: str) -> str:
        """One of kb's own pages (`/search/`) in this edition's language (`/es/search/`)."""
        return self.home.rstrip("/") + path

    def versions(self, kind: str, key: str = "") -> dict[str, str]:
        """The URL of this page in each language it exists in: kind "own" (kb's own pages, `key`
        their path such as `/search/`), "category" (`key` its folder) or "article" (`key` its source)."""
        if len(self.editions) == 1:
            return {}
        if kind == "own":
            return {code: e.config.language_of(code).home.rstrip("/") + key for code, e in self.editions.items()
                    if key != "/tags/" or _has_tags(e)}
        if kind == "category":
            return {code: c.url for code, e in self.editions.items() for c in e.categories if c.key == key}
        article = self.all_articles.get(key)
        group = self.site.translations.get(article.original or article.source, {}) if article else {}
        return {code: self.all_articles[source].url for code, source in group.items() if source in self.all_articles}

    @functools.cached_property
    def all_articles(self) -> dict[str, Article]:
        """Every article of every language, by source."""
        return {a.source: a for e in self.editions.values() for a in e.articles}

    @functools.cached_property
    def all_by_url(self) -> dict[str, Article]:
        """Every article of every language, by URL."""
        return {a.url: a for a in self.all_articles.values()}

    def languages(self, versions: dict[str, str]) -> tuple[list[dict], list[dict]]:
        """The language switcher's entries and the page's hreflang alternates, from its versions."""
        config = self.site.config
        if len(self.editions) == 1:
            return [{"code": config.language, "name": self.language.name, "url": self.home, "current": True,
                     "exists": True}], []
        switcher = [{"code": lang.code, "name": lang.name, "url": versions.get(lang.code, lang.home),
                     "current": lang.code == config.language, "exists": lang.code in versions}
                    for lang in config.languages]
        alternates: list[dict] = []
        if len(versions) > 1 and is_absolute_base(config.base_url):
            alternates = [{"hreflang": lang.code, "href": self.absolute(versions[lang.code])}
                          for lang in config.languages if lang.code in versions]
            default = versions.get(config.default_language) or next(iter(versions.values()))
            alternates.append({"hreflang": "x-default", "href": self.absolute(default)})
        return switcher, alternates

    def common(self, title: str, url: str, description: str = "", kind: str = "website",
               versions: dict[str, str] | None = None) -> dict:
        """What every page shows: the site, its navigation, the page's own identity."""
        config = self.site.config
        absolute = is_absolute_base(config.base_url)
        logo = published_url(config.logo, self.site.asset_url)
        image = self.absolute(logo) if logo and absolute else ""
        notice = config.notice if config.notice and config.notice.active(self.site.today) else None
        switcher, alternates = self.languages(versions or {})
        return {
            "lang": config.language,
            "site": {
                "title": config.title,
                "tagline": config.tagline,
                "language": config.language,
                "dir": "rtl" if self.language.rtl else "ltr",
                "home": self.home,
                "languages": switcher,
                "search": self.search_bundles(),
                "base_url": config.base_url,
                "logo": logo,
                "favicon": published_url(config.favicon, self.site.asset_url) or "/assets/favicon.svg",  # the theme's unless site.yaml names one
                "contact": config.contact,
                "notice": notice,
                "footer_links": config.footer_links,
                "categories": self.nav,
                "year": self.site.today.year,
                "status": self.overall,
                "audience": config.audience,
            },
            "page": {
                "title": title,
                "url": url,
                "description": description,
                "canonical": self.absolute(url) if absolute else "",
                "kind": kind,
                "image": image,
                "jsonld": [],
                "alternates": alternates,
            },
        }

    def outdated(self, article: Article) -> dict | None:
        """For a translation whose original changed since: where the original is, and its language."""
        original = self.all_articles.get(article.original or "")
        if article.source not in self.site.outdated or original is None:
            return None
        code = original.lang or self.site.config.default_language
        return {"url": original.url, "language": self.site.config.language_of(code).name}

    def search_bundles(self) -> dict:
        """This language's Pagefind bundle, and the default language's for "Include results in English"."""
        config = self.site.config
        if not self.lang:
            return {"bundle": "/pagefind/", "fallback": None}
        default = config.languages[0]
        return {"bundle": f"/pagefind/{self.language.path}/",
                "fallback": {"bundle": "/pagefind/", "name": default.name, "code": default.code}}

    def absolute(self, path: str) -> str:
        """A site path as a full URL when base_url is one, else under the URL prefix."""
        config = self.site.config
        return absolute_url(path, config.base_url, config.url_prefix)

    def item(self, article: Article) -> dict:
        """An article as it appears in a list (an original listed in another language's pages says
        its language)."""
        config = self.site.config
        return {
            "lang": article.lang or config.default_language,
            "language": config.language_of(article.lang or config.default_language).name if article.lang != self.lang else "",
            "title": article.title,
            "url": article.url,
            "excerpt": self.rendered[article.source].excerpt,
            "updated": article.updated or article.date,
            "draft": article.draft,
            "internal": article.internal,
        }

    def articles_under(self, category: Category) -> list[Article]:
        """The category's own articles, then each section's, in listing order."""
        return self.under.get(category.key) or self._collect_under(category)

    def _collect_under(self, category: Category) -> list[Article]:
        found = list(self.in_group.get(category.key, []))
        for section in self.children.get(category.key, []):
            found.extend(self.in_group.get(section.key, []))
        return found

    def card(self, category: Category, with_articles: bool = True) -> dict:
        """A category as a home-page card."""
        articles = self.articles_under(category)
        return {
            "title": category.title,
            "url": category.url,
            "description": category.description,
            "icon": category.icon or slugify(category.title)[:1],
            "internal": category.internal,
            "count": len(articles),
            "articles": [self.item(a) for a in articles[:HOME_ARTICLES]] if with_articles else [],
        }

    def crumbs(self, category_key: str | None) -> list[dict]:
        """Home › Category › Section, for a page inside `category_key`."""
        trail = [{"title": self._("Home"), "url": self.home}]
        chain: list[Category] = []
        key = category_key
        while key is not None and key in self.categories:
            chain.insert(0, self.categories[key])
            key = self.categories[key].parent
        trail.extend({"title": c.title, "url": c.url} for c in chain)
        return trail

    def tag_keys(self) -> list[str]:
        """Tag slugs in alphabetical order."""
        return sorted(self.tags)


def _has_tags(edition: Site) -> bool:
    """Whether an edition has tag pages: whether one of its own articles has a tag."""
    own = "" if edition.config.language == edition.config.default_language else edition.config.language
    return any(a.tags for a in edition.articles if a.lang == own)
