"""The Jinja environment, and one context builder per page kind."""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import jinja2

from .. import __version__
from ..speed.jinja import Environment
from .jinjaenv import SandboxedEnvironment
from ..model import Article, Category, RenderedArticle, Site
from .seo import article_data, breadcrumb_data, faq_data, json_ld
from ..content.slugs import slugify
from ..status.view import StatusView, article_issues
from .loader import FileLoader

# installed: the wheel puts the repository's themes/ at kb/themes/; in a checkout it sits beside kb/
BUILTIN_THEMES = (Path(__file__).resolve().parents[1] / "themes", Path(__file__).resolve().parents[2] / "themes")
HOME_ARTICLES = 5
FEED_ARTICLES = 50
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def theme_dir(name: str, root: Path) -> Path | None:
    """The folder of theme `name`: a path relative to the content root, or a built-in theme."""
    candidate = (root / name)
    if "/" in name or "\\" in name or name.startswith("."):
        return candidate if (candidate / "templates").is_dir() else None
    for base in BUILTIN_THEMES:
        if (base / name / "templates").is_dir():
            return base / name
    return candidate if (candidate / "templates").is_dir() else None


def make_environment(theme: Path, root: Path, url_prefix: str, sandboxed: bool = False,
                     quick: bool = True) -> jinja2.Environment:
    """Templates from the project's `templates/`, then the theme's, then the default theme's; strict.
    `sandboxed` (the untrusted mode): every template runs in Jinja's sandbox; otherwise `quick` picks
    kb's quicker environment (kb.speed.jinja), False Jinja's own (the same pages)."""
    default = theme_dir("default", root)
    folders = [root / "templates", theme / "templates"]
    if default is not None and default != theme:
        folders.append(default / "templates")
    env = (SandboxedEnvironment if sandboxed else Environment if quick else jinja2.Environment)(
        loader=FileLoader([str(f) for f in folders]),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg", "atom", "rss"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # every build makes its own environment; no template changes under it
    )
    urls: dict[str, str] = {}  # a page asks for the same few URLs as every other page

    def url(path: object) -> str:
        key = str(path)
        found = urls.get(key)
        if found is None:
            found = urls[key] = site_url(key, url_prefix)
        return found

    env.filters["url"] = url
    env.filters["longdate"] = _longdate
    env.globals["kb_version"] = __version__
    return env


def site_url(path: str, url_prefix: str) -> str:
    """A site path under the URL prefix, percent-encoded; full URLs and `mailto:` stay as they are."""
    if _SCHEME.match(path) or path.startswith(("//", "#")):
        return path
    return quote(url_prefix + path.lstrip("/"))


def _longdate(value: dt.date | None) -> str:
    return f"{value:%B} {value.day}, {value.year}" if value else ""


class PageBuilder:
    """Builds the template context of every page kind from one Site and its rendered articles."""

    def __init__(self, site: Site, rendered: dict[str, RenderedArticle]) -> None:
        self.site = site
        self.rendered = rendered
        self.by_source = {a.source: a for a in site.articles}
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
        absolute = config.base_url.startswith(("http://", "https://"))
        logo = self._published(config.logo)
        image = self.absolute(logo, config.url_prefix) if logo and absolute else ""
        notice = config.notice if config.notice and config.notice.active(self.site.today) else None
        return {
            "site": {
                "title": config.title,
                "tagline": config.tagline,
                "language": config.language,
                "base_url": config.base_url,
                "logo": logo,
                "favicon": self._published(config.favicon) or "/assets/favicon.svg",  # the theme's unless site.yaml names one
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
                "canonical": self.absolute(url, config.url_prefix) if absolute else "",
                "kind": kind,
                "image": image,
                "jsonld": [],
            },
        }

    def _published(self, path: str | None) -> str | None:
        """A file site.yaml names (a URL, or a path in the content folder) as published."""
        if not path or _SCHEME.match(path) or path.startswith("//"):
            return path
        return "/" + self.site.asset_url(path.lstrip("/"))

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

    def home(self) -> dict:
        """The home page: tagline, notice, featured articles, a card per category."""
        context = self.common(self.site.config.title, "/", self.site.config.tagline)
        context["featured"] = [self.item(a) for a in self.site.articles if a.featured]
        context["cards"] = [self.card(c) for c in self.top if self.articles_under(c)]
        return context

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

    def category(self, category: Category) -> dict:
        """A category or section page: its sections, then every article with an excerpt."""
        description = category.description or f"Articles about {category.title}."
        context = self.common(category.title, category.url, description)
        context["category"] = {"title": category.title, "description": category.description, "url": category.url}
        context["breadcrumbs"] = self.crumbs(category.parent) if category.parent else self.crumbs(None)
        prefix = self.site.config.url_prefix
        trail = [(c["title"], self.absolute(c["url"], prefix)) for c in context["breadcrumbs"]]
        context["page"]["jsonld"] = [json_ld(breadcrumb_data([*trail, (category.title, self.absolute(category.url, prefix))]))]
        context["articles"] = [self.item(a) for a in self.in_group.get(category.key, [])]
        context["sections"] = [
            {"title": s.title, "url": s.url, "description": s.description,
             "articles": [self.item(a) for a in self.in_group.get(s.key, [])]}
            for s in self.children.get(category.key, [])
        ]
        return context

    def article(self, article: Article) -> dict:
        """An article page: breadcrumbs, body, table of contents, tags, related articles."""
        rendered = self.rendered[article.source]
        config = self.site.config
        context = self.common(article.title, article.url, rendered.excerpt, kind="article")
        minimum = self.site.config.markdown.toc_min_headings
        context["breadcrumbs"] = self.crumbs(article.section or article.category)
        context["article"] = {
            "title": article.title,
            "category": self.categories[article.category].title,
            "section": self.categories[article.section].title if article.section else "",
            "url": article.url,
            "body": rendered.html,
            "date": article.date,
            "updated": article.updated or article.date,
            "draft": article.draft,
            "toc": [e for e in rendered.toc] if minimum and len(rendered.toc) >= minimum else [],
            "tags": [{"name": t, "url": tag_url(t)} for t in article.tags],
            "related": [self.item(self.by_source[s]) for s in self.site.related.get(article.source, ()) if s in self.by_source],
            "known_issues": self.known_issues.get(article.source, []),
            "edit_url": config.edit_url.replace("{path}", quote(article.source)) if config.edit_url else "",
        }
        url = self.absolute(article.url, config.url_prefix)
        trail = [(c["title"], self.absolute(c["url"], config.url_prefix)) for c in context["breadcrumbs"]]
        structured = [
            article_data(article.title, rendered.excerpt, url, config.language, config.title, article.date,
                         article.updated),
            breadcrumb_data([*trail, (article.title, url)]),
        ]
        faq = faq_data(rendered.html) if article.faq else None
        context["page"]["jsonld"] = [json_ld(d) for d in (*structured, *([faq] if faq else []))]
        return context

    def tag(self, key: str) -> dict:
        """A tag page: every article carrying the tag."""
        tag = self.tag_label[key]
        context = self.common(f"Articles tagged “{tag}”", tag_url(tag), f"Articles tagged {tag}.")
        context["tag"] = tag
        context["breadcrumbs"] = [{"title": "Home", "url": "/"}, {"title": "Tags", "url": "/tags/"}]
        context["articles"] = [self.item(a) for a in self.tags[key]]
        return context

    def tag_index(self) -> dict:
        """Every tag with its count."""
        context = self.common("Tags", "/tags/", "Browse articles by tag.")
        context["breadcrumbs"] = [{"title": "Home", "url": "/"}]
        context["tags"] = [
            {"name": self.tag_label[k], "url": tag_url(k), "count": len(self.tags[k])} for k in self.tag_keys()
        ]
        return context

    def tag_keys(self) -> list[str]:
        """Tag slugs in alphabetical order."""
        return sorted(self.tags)

    def search(self) -> dict:
        """The search page: the form, and the category and tag filters the index knows."""
        context = self.common("Search", "/search/", f"Search the {self.site.config.title}.")
        context["breadcrumbs"] = [{"title": "Home", "url": "/"}]
        context["filters"] = {
            "categories": [c.title for c in self.top if self.articles_under(c)],
            "tags": [self.tag_label[k] for k in self.tag_keys()],
        }
        return context

    def contact(self) -> dict:
        """The contact page: a subject that suggests answers as it is typed, and where the form goes."""
        contact = self.site.config.contact
        context = self.common("Contact us", "/contact/", "Ask the support team a question.")
        context["breadcrumbs"] = [{"title": "Home", "url": "/"}]
        method, action = ("post", contact.form) if contact.form else ("get", f"mailto:{contact.email}") if contact.email else ("", "")
        context["form"] = {"method": method, "action": action, "posts": bool(contact.form)}
        return context

    def status_page(self) -> dict:
        """/status/: overall status, components with uptime bars, open incidents, maintenance."""
        assert self.status is not None
        name = self.status.report.file.page.name
        context = self.common(name, "/status/", f"{self.status.report.description}: the current status of {self.site.config.title}.")
        context["breadcrumbs"] = [{"title": "Home", "url": "/"}]
        context["status"] = self.status.status_page()
        return context

    def status_history(self) -> dict:
        """/status/history/: past incidents and maintenance by month and day."""
        assert self.status is not None
        context = self.common("Incident history", "/status/history/", f"Past incidents and maintenance of {self.site.config.title}.")
        context["breadcrumbs"] = [{"title": "Home", "url": "/"}, {"title": "System status", "url": "/status/"}]
        context["status"] = self.status.history()
        return context

    def status_incident(self, key: str) -> dict:
        """One incident's or maintenance's page: its timeline, components and workaround articles."""
        assert self.status is not None
        found = self.status.incident(key)
        item = found["incident"]
        context = self.common(item["title"], item["url"], f"{item['status_label']}: {item['title']}.")
        context["breadcrumbs"] = [{"title": "Home", "url": "/"}, {"title": "System status", "url": "/status/"},
                                  {"title": "History", "url": "/status/history/"}]
        context["status"] = found
        return context

    def status_feed(self, url_prefix: str) -> dict:
        """The history feeds' context: links are absolute when base_url is."""
        assert self.status is not None
        return {"feed": self.status.feed(lambda path: self.absolute(path, url_prefix))}

    def absolute(self, path: str, url_prefix: str) -> str:
        """A site path as a full URL when base_url is one, else under the URL prefix."""
        if _SCHEME.match(path) or path.startswith("//"):
            return path
        base = self.site.config.base_url
        if base.startswith(("http://", "https://")):
            return base.rstrip("/") + quote("/" + path.lstrip("/"))
        return site_url(path, url_prefix)

    def feed(self) -> dict:
        """/feed.xml: the newest and most recently updated articles (drafts never)."""
        config = self.site.config
        newest = sorted((a for a in self.site.articles if not a.draft),
                        key=lambda a: (a.updated or a.date or dt.date.min, a.url), reverse=True)[:FEED_ARTICLES]
        entries = []
        for article in newest:
            changed = article.updated or article.date or self.site.today
            entries.append({
                "title": article.title, "link": self.absolute(article.url, config.url_prefix),
                "id": uuid.uuid5(uuid.NAMESPACE_URL, "kb-article:" + article.source).urn,
                "updated": f"{changed.isoformat()}T00:00:00Z",
                "published": f"{(article.date or changed).isoformat()}T00:00:00Z",
                "summary": self.rendered[article.source].excerpt,
                "category": self.categories[article.category].title,
            })
        updated = entries[0]["updated"] if entries else f"{self.site.today.isoformat()}T00:00:00Z"
        return {"feed": {
            "title": f"{config.title}: new and updated articles", "link": self.absolute("/", config.url_prefix),
            "self": self.absolute("/feed.xml", config.url_prefix), "updated": updated, "entries": entries,
            "id": uuid.uuid5(uuid.NAMESPACE_URL, "kb-feed:" + (config.base_url or config.title)).urn,
        }}

    def not_found(self) -> dict:
        """The 404 page."""
        return self.common("Page not found", "/404.html", "The page you asked for does not exist.")

    def sitemap(self) -> dict:
        """Every listed URL with its last change, for sitemap.xml."""
        base = self.site.config.base_url.rstrip("/")
        newest = [a.updated or a.date for a in self.site.articles if not a.draft and (a.updated or a.date)]
        entries = [{"loc": base + "/", "lastmod": max(newest, default=None)}]
        for category in self.site.categories:
            dates = [a.updated or a.date for a in self.articles_under(category) if not a.draft and (a.updated or a.date)]
            entries.append({"loc": base + quote(category.url), "lastmod": max(dates, default=None)})
        entries += [
            {"loc": base + quote(a.url), "lastmod": a.updated or a.date}
            for a in sorted(self.site.articles, key=lambda a: a.url) if not a.draft
        ]
        return {"entries": entries, "base_url": self.site.config.base_url}


@functools.lru_cache(maxsize=16384)  # the same few tags on many articles
def tag_key(tag: str) -> str:
    """The slug of a tag's page."""
    return slugify(tag) or "tag"


def tag_url(tag: str) -> str:
    """The site path of a tag's page."""
    return f"/tags/{tag_key(tag)}/"
