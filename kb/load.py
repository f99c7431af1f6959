"""The steps every command shares: config → discover → parse → assemble the site → render the
articles → status, ending with the theme to render the pages with. `kb build` writes what this
loads, `kb check` reports its problems, `kb serve` answers requests from it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .content.articles import parse_articles, render_articles, render_status
from .content.audience import Withheld, alias_problems, audience_view, internal_files_used, mark_internal, withheld_media
from .options import BuildOptions, build_clock
from .output.collisions import output_problems
from .content.config import SITE_FILE, load_config
from .content.parse import active_files, discover, load_categories, tree_problems
from .content.discover import SourceTree as Tree
from .errors import ContentError, Diagnostic, NoContentFolder, error, strictify
from .content.gitdates import date_articles
from .model import Article, LinkContext, RenderedArticle, Site, SiteConfig
from .content.outside import theme_links
from .runner import Runner
from .content.scaffold import placeholder_warnings
from .content.site import assemble_site
from .content.translations import place_translations, translated_links
from .status import STATUS_FILE, load_status, status_links
from .status.report import status_report
from .render.i18n import Catalogs, catalog_folders, load_catalogs
from .render.theme import BUILTIN_THEMES, theme_dir


@dataclass(frozen=True)
class Loaded:
    """A validated site with its articles rendered, and the theme to render its pages with."""

    site: Site
    rendered: dict[str, RenderedArticle]
    env: jinja2.Environment
    theme: Path
    warnings: tuple[Diagnostic, ...]
    catalogs: Catalogs | None = None  # the theme's words in every language of the site
    withheld: Withheld = Withheld()  # what a public build leaves out (the leak check looks for it)


def load_site(options: BuildOptions, run: Runner) -> Loaded:
    """Every step before the pages, in order; raise ContentError with every problem found."""
    root, found = options.content, _Found()  # every path found is relative to the content folder
    tree = found.take(discover_content(root))
    config = found.take(read_config(options, tree))
    categories = found.take(load_categories(root, tree, config.languages))
    articles = found.take(parse_articles(root, tree.articles, config, categories, run))
    articles = found.take(date_articles(root, articles, run) if options.git_dates else (articles, []))
    articles = found.take(place_translations(config, categories, articles))
    articles = found.take(mark_internal(categories, articles))
    categories, articles, withheld = found.take(audience_view(config.audience, categories, articles))
    found.extend(alias_problems(articles, withheld))
    found.extend(d for a in articles for d in placeholder_warnings(a, a.source))
    now = build_clock(options.now)
    site = found.take(assemble_site(config, categories, tuple(articles), tree.assets, now, options.drafts, run))
    status = found.take(load_status(root, status_links(site, withheld.articles)) if STATUS_FILE not in tree.outside else (None, ()))
    theme = found.take(find_theme(options, config, tree))
    found.extend(output_problems(site, status, theme, root))
    context = link_context(tree, site, articles, withheld)
    rendered = found.take(render_articles(site.articles, config.markdown, context, run))
    found.extend(internal_files_used(withheld, site.articles, {s: tuple(d[1] for d in r.deps if d[0] == "file")
                                                              for s, r in rendered.items()}))
    site, withheld = without_media(site, withheld, rendered)
    status = found.take(render_status(status, config.markdown, context, run))
    catalogs = found.take(theme_catalogs(root, theme, config))  # type: ignore[arg-type]
    warnings = fail_on_errors(found, options.strict)
    site = dataclasses.replace(site, status=status_report(status, now)) if status is not None else site
    env = run.environment(theme, root, config.url_prefix, config.untrusted, catalogs, config.language)  # type: ignore[arg-type]
    return Loaded(site, rendered, env, theme, warnings, catalogs, withheld)  # type: ignore[arg-type]


def discover_content(root: Path) -> tuple[Tree, list[Diagnostic]]:
    """The content folder's files, and the problems of its tree (links out of it among them)."""
    if not root.is_dir():
        raise NoContentFolder("is not a folder" if root.exists() else "does not exist")
    tree = discover(root)
    found = [error(rel, 1, 1, "symbolic link leads outside the content folder; refused") for rel in tree.outside]
    return tree, found + list(tree_problems(tree))


def read_config(options: BuildOptions, tree: Tree) -> tuple[SiteConfig, tuple[Diagnostic, ...]]:
    """site.yaml, with what the command line says over it."""
    config, found = load_config(options.content) if SITE_FILE not in tree.outside else (SiteConfig(), ())
    if options.base_url is not None:
        config = dataclasses.replace(config, base_url=options.base_url)
    if options.untrusted:
        config = dataclasses.replace(config, untrusted=True)
    if options.audience != config.audience:
        config = dataclasses.replace(config, audience=options.audience)
    return config, found


def find_theme(options: BuildOptions, config: SiteConfig, tree: Tree) -> tuple[Path | None, list[Diagnostic]]:
    """The theme folder (the command line's, else site.yaml's), and what is wrong with it; in the
    untrusted mode, the files of the content and theme that could run code."""
    root = options.content
    theme = options.theme or theme_dir(config.theme, root)
    if theme is None:
        found = [error(SITE_FILE, 1, 1, f"theme '{config.theme}' not found")]
    else:
        found = list(theme_links(theme, root, BUILTIN_THEMES))
    if config.untrusted:
        found.extend(active_files(tree, theme, root))
    return theme, found


def theme_catalogs(root: Path, theme: Path | None, config: SiteConfig) -> tuple[Catalogs, list[Diagnostic]]:
    """The message catalogs of the site's languages: the project's `locales/`, the theme's, the default theme's."""
    codes = [lang.code for lang in config.languages]
    folders = catalog_folders(root, theme, theme_dir("default", root))
    return load_catalogs(folders, codes, root)


def link_context(tree: Tree, site: Site, articles: list[Article], withheld: Withheld = Withheld()) -> LinkContext:
    """What links resolve against. Links are checked even when some files are broken, so that one
    run reports everything; a link to a broken file is not reported as a link to a missing one."""
    published = {a.source for a in site.articles}
    return LinkContext(
        urls={rel: "/" for rel in tree.articles} | {a.source: a.url for a in site.articles},
        assets=frozenset(tree.assets),
        asset_urls=site.asset_urls,
        url_prefix=site.config.url_prefix,
        drafts=frozenset(a.source for a in articles if a.source not in published),
        translated=translated_links(site.translations, site.config.default_language),
        internal=frozenset(a.source for a in withheld.articles),
    )


def without_media(site: Site, withheld: Withheld, rendered: dict[str, RenderedArticle]) -> tuple[Site, Withheld]:
    """The public site without the content files only internal articles and agent notes use."""
    if not withheld:
        return site, withheld
    public = {dep[1] for result in rendered.values() for dep in result.deps if dep[0] == "file"}
    public.update(p for p in (site.config.logo, site.config.favicon) if p)
    withheld = withheld_media(withheld, site.assets, site.categories, public)
    hidden = set(withheld.media)
    return dataclasses.replace(site, assets=tuple(a for a in site.assets if a not in hidden)), withheld


def fail_on_errors(diagnostics: list[Diagnostic], strict: bool) -> tuple[Diagnostic, ...]:
    """Raise ContentError when there is an error (or, under --strict, a warning); return the warnings."""
    found = tuple(sorted(diagnostics))
    if strict:
        found = strictify(found)
    if any(d.is_error for d in found):
        raise ContentError(found)
    return found


class _Found(list):
    """The problems found so far, from steps that return a value and their problems."""

    def take(self, step: tuple) -> object:
        value, problems = step
        self.extend(problems)
        return value
