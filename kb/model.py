"""Every data object of the pipeline, as frozen dataclasses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field

NOTICE_LEVELS = ("info", "warning", "critical")


@dataclass(frozen=True)
class Link:
    """A titled link, as in the footer."""

    title: str
    url: str


@dataclass(frozen=True)
class Contact:
    """How readers reach the support team."""

    email: str | None = None
    url: str | None = None
    form: str | None = None  # where the contact form posts (a form service's URL), else mailto:email


@dataclass(frozen=True)
class Notice:
    """A site-wide banner, shown while the build's clock is inside its dates."""

    text: str
    level: str = "info"
    start: dt.date | None = None
    end: dt.date | None = None

    def active(self, today: dt.date) -> bool:
        """True when `today` is inside the notice's dates."""
        return (self.start is None or self.start <= today) and (
            self.end is None or today <= self.end
        )


@dataclass(frozen=True)
class MarkdownOptions:
    """Markdown settings from `site.yaml`."""

    toc_depth: int = 3
    toc_min_headings: int = 3
    raw_html: bool = True  # False in the untrusted mode: raw HTML escaped, the rendered HTML sanitised


@dataclass(frozen=True)
class SiteConfig:
    """`site.yaml`, with a default for everything."""

    title: str = "Help Center"
    tagline: str = ""
    base_url: str = ""
    language: str = "en"
    logo: str | None = None
    favicon: str | None = None  # a file in the content folder or an http(s) URL; None: the theme's
    contact: Contact = Contact()
    notice: Notice | None = None
    footer_links: tuple[Link, ...] = ()
    theme: str = "default"
    edit_url: str = ""  # e.g. https://github.com/acme/help/edit/main/content/{path}
    extra_keys: tuple[str, ...] = ()
    markdown: MarkdownOptions = MarkdownOptions()
    untrusted: bool = False  # writers are not trusted: see README, "Untrusted writers"

    def __post_init__(self) -> None:
        # one switch, two spellings: `untrusted: true` and the older `markdown: {raw_html: false}`
        if self.untrusted and self.markdown.raw_html:
            object.__setattr__(self, "markdown", dataclasses.replace(self.markdown, raw_html=False))
        elif not self.markdown.raw_html:
            object.__setattr__(self, "untrusted", True)

    @property
    def url_prefix(self) -> str:
        """The path part of the base URL, always starting and ending with `/`."""
        return _url_prefix(self.base_url)


@dataclass(frozen=True)
class Category:
    """A topic (first folder level) or a section (second level)."""

    key: str  # folder path relative to the content root, posix; "" for the root
    slug: str
    title: str
    url: str  # site path, e.g. /billing/ or /cases/email/
    description: str = ""
    order: int | None = None
    icon: str = ""
    parent: str | None = None  # the category's key, for a section


@dataclass(frozen=True)
class Article:
    """One Markdown file: its front matter, validated, and its Markdown source."""

    source: str  # path relative to the content root, posix
    title: str
    slug: str
    url: str
    category: str  # category key
    section: str | None  # section key
    body: str
    body_line: int  # line number in the file of the body's first line
    summary: str = ""
    tags: tuple[str, ...] = ()
    date: dt.date | None = None
    updated: dt.date | None = None
    draft: bool = False
    featured: bool = False
    faq: bool = False  # each `##` heading is a question, the text below it the answer (FAQPage data)
    order: int | None = None
    id: str | None = None
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # field -> line


@dataclass(frozen=True)
class TocEntry:
    """A heading of an article, for its table of contents."""

    level: int
    id: str
    title: str


@dataclass(frozen=True)
class LinkContext:
    """What the renderer needs to know about the rest of the site, as plain data."""

    urls: dict[str, str] = field(default_factory=dict)  # article source -> url
    assets: frozenset[str] = frozenset()  # other files, relative paths
    asset_urls: dict[str, str] = field(default_factory=dict)  # such a file -> its path in the site, where not the same
    url_prefix: str = "/"
    drafts: frozenset[str] = frozenset()  # articles left out of this build as drafts


@dataclass(frozen=True)
class Fragment:
    """A link to a `#fragment` of an article, where it was written."""

    target: str  # the article's source
    fragment: str
    raw: str  # the link as written
    line: int
    col: int


@dataclass(frozen=True)
class RenderedArticle:
    """An article's HTML and what was learnt while rendering it."""

    source: str
    html: str
    toc: tuple[TocEntry, ...]
    excerpt: str
    diagnostics: tuple = ()
    fragments: tuple[Fragment, ...] = ()  # links to #anchors, checked once every article is rendered
    ids: frozenset[str] = frozenset()  # the id attributes in the HTML
    deps: tuple[tuple, ...] = ()  # the link targets it looked up, to know when a cached copy is still right


@dataclass(frozen=True)
class Site:
    """Everything the theme needs: config, categories and articles, validated."""

    config: SiteConfig
    categories: tuple[Category, ...]
    articles: tuple[Article, ...]
    assets: tuple[str, ...]  # other files to copy, relative paths
    today: dt.date
    generated: dt.datetime
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source -> sources
    redirects: dict[str, str] = field(default_factory=dict)  # old path (an alias) -> the article's URL
    status: StatusReport | None = None
    asset_urls: dict[str, str] = field(default_factory=dict)  # a file's relative path -> its path in the site

    def asset_url(self, rel: str) -> str:
        """Where a content file is published: under its folders' slugs (`Billing/media/x.png` at
        `billing/media/x.png`)."""
        return self.asset_urls.get(rel, rel)


# --------------------------------------------------------------------------
# The status page: status.yaml as written, then as seen at the build's clock
# --------------------------------------------------------------------------

# component statuses, least to most severe
COMPONENT_STATUSES = ("operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage")
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved", "postmortem")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
IMPACTS = ("none", "minor", "major", "critical")
CLOSED_STATUSES = ("resolved", "postmortem", "completed")


@dataclass(frozen=True)
class StatusPage:
    """The `page:` block of status.yaml."""

    name: str
    url: str
    time_zone: str
    id: str


@dataclass(frozen=True)
class Component:
    """One component, with the status the operators set on it."""

    key: str
    id: str
    name: str
    group: str  # the group's key
    status: str
    position: int
    description: str = ""
    since: dt.date | None = None


@dataclass(frozen=True)
class ComponentGroup:
    """A group of components, optionally tied to a KB category."""

    key: str
    id: str
    name: str
    position: int
    components: tuple[str, ...]  # component keys, in order
    description: str = ""
    category: str | None = None  # a category key, once resolved


@dataclass(frozen=True)
class StatusUpdate:
    """One entry of an incident's or maintenance's timeline."""

    id: str
    at: dt.datetime
    status: str
    body: str  # Markdown
    components: tuple[tuple[str, str], ...] = ()  # component key -> status from this update on
    html: str = ""  # the body rendered, filled in by the build
    line: int = 0  # the line of the body's first line in status.yaml


@dataclass(frozen=True)
class Incident:
    """An incident or a scheduled maintenance, as written in status.yaml."""

    key: str
    id: str
    kind: str  # "incident" or "maintenance"
    title: str
    components: tuple[tuple[str, str], ...]  # component key -> status during it
    updates: tuple[StatusUpdate, ...]  # oldest first
    impact: str | None = None  # None: derived from the components
    started: dt.datetime | None = None
    window: tuple[dt.datetime, dt.datetime] | None = None  # a maintenance's start and end
    articles: tuple[str, ...] = ()  # article sources, once resolved
    line: int = 1


@dataclass(frozen=True)
class StatusFile:
    """status.yaml, validated."""

    page: StatusPage
    groups: tuple[ComponentGroup, ...]
    components: tuple[Component, ...]
    incidents: tuple[Incident, ...]  # incidents and maintenances


@dataclass(frozen=True)
class ComponentChange:
    """A component's status before and after an update."""

    key: str
    old: str
    new: str


@dataclass(frozen=True)
class IncidentView:
    """An incident or maintenance as it stands at the build's clock."""

    incident: Incident
    status: str
    impact: str
    created: dt.datetime
    updated: dt.datetime
    started: dt.datetime
    monitoring: dt.datetime | None
    resolved: dt.datetime | None
    updates: tuple[tuple[StatusUpdate, tuple[ComponentChange, ...]], ...]  # newest first
    open: bool


@dataclass(frozen=True)
class UptimeDay:
    """One day of a component's uptime bar."""

    date: dt.date
    status: str  # the worst status it had that day
    incidents: tuple[str, ...] = ()  # incident keys


@dataclass(frozen=True)
class Uptime:
    """A component's uptime over the window."""

    percent: float | None  # None when the window holds no time (a component added today)
    days: tuple[UptimeDay, ...]


@dataclass(frozen=True)
class StatusReport:
    """The status page at the build's clock: statuses, rollup, open incidents, uptime."""

    file: StatusFile
    now: dt.datetime
    statuses: dict[str, str]  # component key -> its status now
    created: dict[str, dt.datetime]  # component key -> when it came into being
    updated: dict[str, dt.datetime]  # component key -> when its status last changed
    indicator: str
    description: str
    incidents: tuple[IncidentView, ...]  # incidents begun by now, newest first
    maintenances: tuple[IncidentView, ...]  # every maintenance, newest first
    uptime: dict[str, Uptime]  # component key -> its bars


@dataclass(frozen=True)
class OutputFile:
    """A file of the built site: bytes to write, or a source file to copy."""

    path: str  # relative to the output root, posix
    data: bytes | None = None
    copy_from: str | None = None
    written: bool = False  # already in the staging folder: its page was written where it was rendered
    digest: str | None = None  # sha256 of the bytes of a written page
    searchable: bool = False  # a written page marked for the search index (data-pagefind-body)
    body_only: bool | None = None  # ...and Pagefind may read its marked element alone (kb.search.body_only); None: not known


@functools.lru_cache(maxsize=16)
def _url_prefix(base_url: str) -> str:
    from urllib.parse import urlsplit

    path = urlsplit(base_url).path if base_url else "/"
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"
