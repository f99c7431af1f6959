"""The data objects of the pipeline, as frozen dataclasses (the status page's are in kb.status.model)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .direction import is_rtl

if TYPE_CHECKING:
    from .status.model import StatusReport

NOTICE_LEVELS = ("info", "warning", "critical")
AUDIENCES = ("public", "internal")  # who a build is for: customers, or agents (everything, internal notes shown)


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
class Language:
    """One language of the site: its BCP 47 code, its own name, its direction, and the folder its
    pages are under ("" for the default language, whose pages are at the root)."""

    code: str
    name: str
    rtl: bool = False
    path: str = ""

    @property
    def home(self) -> str:
        """The site path of this language's home page: `/` or `/es/`."""
        return f"/{self.path}/" if self.path else "/"


@dataclass(frozen=True)
class Localized:
    """The site strings site.yaml gives for one language (`i18n: {es: {...}}`); None: the default's."""

    title: str | None = None
    tagline: str | None = None
    notice_text: str | None = None
    contact: Contact | None = None
    footer_links: tuple[Link, ...] | None = None


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
    languages: tuple[Language, ...] = ()  # the default first; () on a one-language site: (language,)
    fallback: str = "show"  # an untranslated article in a language's listings: "show" (its original) or "hide"
    i18n: tuple[tuple[str, Localized], ...] = ()  # (code, its strings), in languages' order
    audience: str = "public"  # `kb build --audience`: one of AUDIENCES

    def __post_init__(self) -> None:
        if not self.languages:
            object.__setattr__(self, "languages", (Language(self.language, self.language, is_rtl(self.language)),))
        # one switch, two spellings: `untrusted: true` and the older `markdown: {raw_html: false}`
        if self.untrusted and self.markdown.raw_html:
            object.__setattr__(self, "markdown", dataclasses.replace(self.markdown, raw_html=False))
        elif not self.markdown.raw_html:
            object.__setattr__(self, "untrusted", True)

    @property
    def default_language(self) -> str:
        """The default language's code (its pages are at the root)."""
        return self.languages[0].code

    @property
    def multilingual(self) -> bool:
        """Whether the site has more than one language."""
        return len(self.languages) > 1

    def language_of(self, code: str) -> Language:
        """The Language of `code` (the default's when it is not one of the site's)."""
        return next((lang for lang in self.languages if lang.code == code), self.languages[0])

    def for_language(self, code: str) -> SiteConfig:
        """This config as a page in `code` sees it: `language` is `code`, and the site strings are
        that language's where site.yaml gives them."""
        if code == self.language:
            return self
        strings = dict(self.i18n).get(code, Localized())
        notice = self.notice
        if notice is not None and strings.notice_text is not None:
            notice = dataclasses.replace(notice, text=strings.notice_text)
        return dataclasses.replace(
            self, language=code,
            title=strings.title if strings.title is not None else self.title,
            tagline=strings.tagline if strings.tagline is not None else self.tagline,
            notice=notice,
            contact=strings.contact if strings.contact is not None else self.contact,
            footer_links=strings.footer_links if strings.footer_links is not None else self.footer_links,
        )

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
    lang: str = ""  # the language of its title and URL ("" on a one-language site: the site's)
    language: str = ""  # `language:` of its _category.yaml: the language its articles are written in
    internal: bool = False  # for agents only (`visibility: internal` here or on its topic)


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
    lang: str = ""  # its language's code ("" until the translations are placed: see kb.content.translations)
    original: str | None = None  # a translation: the source of the article it translates
    translation_of: str | None = None  # `translation_of:` as written
    source_hash: str | None = None  # `source_hash:`: the digest of the original's body it was translated from
    suffix: str = ""  # the language suffix of its file name (`refund.es.md`: "es")
    internal: bool = False  # for agents only: `visibility: internal`, its folder's, or its original's


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
    translated: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> {an article -> its version in it}
    internal: frozenset[str] = frozenset()  # articles for agents only, left out of this (public) build


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
    localized: tuple[Category, ...] = ()  # the categories of the other languages (lang set)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)  # original's source -> {code: source}, itself included
    outdated: frozenset[str] = frozenset()  # translations whose original changed since they were translated

    def asset_url(self, rel: str) -> str:
        """Where a content file is published: under its folders' slugs (`Billing/media/x.png` at
        `billing/media/x.png`)."""
        return self.asset_urls.get(rel, rel)


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
