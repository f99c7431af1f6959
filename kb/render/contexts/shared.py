"""What every page's context shares: the site's navigation, articles in lists, category cards,
breadcrumbs and full URLs, built once per site."""

from __future__ import annotations

from collections import defaultdict

from ...content.slugs import slugify
from ...model import Article, Category, RenderedArticle, Site
from ...status.view import StatusView, article_issues
from ..urls import absolute_url, is_absolute_base, published_url, tag_key

HOME_ARTICLES = 5


class PageBuilder:
    """One Site and its rendered articles, indexed for the page kinds' context functions."""

    def __init__(self, site: Site, rendered: dict[str, RenderedArticle]) -> None:
        self.site = site
        self.rendered = rendered
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
            for tag in article.tags:
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

    def common(self, title: str, url: str, description: str = "", kind: str = "website") -> dict:
        """What every page shows: the site, its navigation, the page's own identity."""
        config = self.site.config
        absolute = is_absolute_base(config.base_url)
        logo = published_url(config.logo, self.site.asset_url)
        image = self.absolute(logo) if logo and absolute else ""
        notice = config.notice if config.notice and config.notice.active(self.site.today) else None
        return {
            "site": {
                "title": config.title,
                "tagline": config.tagline,
                "language": config.language,
                "base_url": config.base_url,
                "logo": logo,
                "favicon": published_url(config.favicon, self.site.asset_url) or "/assets/favicon.svg",  # the theme's unless site.yaml names one
                "contact": config.contact,
                "notice": notice,
                "footer_links": config.footer_links,
                "categories": self.nav,
                "year": self.site.today.year,
                "status": self.overall,
            },
            "page": {
                "title": title,
                "url": url,
                "description": description,
                "canonical": self.absolute(url) if absolute else "",
                "kind": kind,
                "image": image,
                "jsonld": [],
            },
        }

    def absolute(self, path: str) -> str:
        """A site path as a full URL when base_url is one, else under the URL prefix."""
        config = self.site.config
        return absolute_url(path, config.base_url, config.url_prefix)

    def item(self, article: Article) -> dict:
        """An article as it appears in a list."""
        return {
            "title": article.title,
            "url": article.url,
            "excerpt": self.rendered[article.source].excerpt,
            "updated": article.updated or article.date,
            "draft": article.draft,
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
            "count": len(articles),
            "articles": [self.item(a) for a in articles[:HOME_ARTICLES]] if with_articles else [],
        }

    def crumbs(self, category_key: str | None) -> list[dict]:
        """Home › Category › Section, for a page inside `category_key`."""
        trail = [{"title": "Home", "url": "/"}]
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
