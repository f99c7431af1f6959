"""Translations: which article each translation translates (`refund.es.md` translates `refund.md`;
`translation_of:` names a source elsewhere), where it is published (`/es/` + its original's topic
in that language), and whether its original changed since it was translated (`source_hash:`)."""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
from collections import defaultdict

from .notes import find_notes
from ..errors import Diagnostic, error, warning
from ..model import Article, Category, SiteConfig
from .slugs import slugify

HASH_LENGTH = 12


def body_hash(body: str, length: int = HASH_LENGTH) -> str:
    """A short digest of an article's body that ignores changes of whitespace alone, and its agent
    notes (`> [!INTERNAL]`): they are not for readers, so translators need not follow them, and a
    translation is as outdated in the public build, which has none, as in the internal one."""
    text = find_notes(body, 1, "", keep=False).body
    return hashlib.sha256(" ".join(text.split()).encode("utf-8", "surrogatepass")).hexdigest()[:length]


def is_outdated(translation: Article, original: Article) -> bool:
    """Whether the original's body changed since the translation recorded its digest (of any length)."""
    return translation.source_hash is not None and body_hash(original.body, 64)[:len(translation.source_hash)] != translation.source_hash


def place_translations(
    config: SiteConfig, categories: tuple[Category, ...], articles: list[Article],
) -> tuple[list[Article], list[Diagnostic]]:
    """Every article with its language; each translation tied to its original and placed under its
    original's topic in its own language. Broken ties are errors; outdated translations, warnings."""
    if not config.multilingual:
        return articles, [warning(a.source, a.lines.get(key, 1), 1, f"{key} has no effect: site.yaml lists no languages",
                                  "translation not used")
                          for a in articles for key in ("translation_of", "source_hash") if getattr(a, key)]
    default = config.default_language
    written_in = _folder_languages(categories)
    by_source = {a.source: a for a in articles}
    ids = {a.id: a.source for a in articles if a.id}
    found: list[Diagnostic] = []
    targets: dict[str, str] = {}  # translation -> its original
    for article in articles:
        target = _target(article, by_source, ids, found)
        if target is not None:
            targets[article.source] = target
    languages: dict[str, str] = {}  # source -> its language's code
    for article in articles:
        lang = article.lang or (written_in.get(article.section or "", "") if article.section else "") \
            or written_in.get(article.category, "")
        languages[article.source] = "" if lang == default else lang
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    placed: dict[str, Article] = {}
    urls: dict[str, dict[str, str]] = defaultdict(dict)  # language -> {folder: its topic's or section's URL}
    for category in categories:
        urls[category.lang][category.key] = category.url
    for source in sorted(targets):
        article, original = by_source[source], by_source[targets[source]]
        if targets[source] in targets:
            found.append(error(source, article.lines.get("translation_of", 1), 1,
                               f"'{original.source}' is itself a translation of '{targets[original.source]}'; "
                               f"translate '{targets[original.source]}'"))
            continue
        lang, own = languages[source], languages[original.source]
        if article.translation_of and not article.suffix and not article.lang:
            found.append(error(source, article.lines.get("translation_of", 1), 1,
                               "a translation needs its language: name the file like 'refund.es.md' or add 'language:'"))
            continue
        if lang == own:
            found.append(error(source, article.lines.get("translation_of", 1), 1,
                               f"'{source}' and the article it translates, '{original.source}', are both in "
                               f"'{lang or default}'"))
            continue
        group = groups[original.source]
        if lang in group:
            found.append(error(source, 1, 1, f"'{group[lang]}' and '{source}' both translate '{original.source}' "
                                             f"into '{lang or default}'; keep one"))
            continue
        group[lang] = source
        placed[source] = _place(article, original, lang, urls)
        if article.source_hash is not None and is_outdated(article, original):
            found.append(warning(source, article.lines.get("source_hash", 1), 1,
                                 f"translation outdated: '{original.source}' changed since it was translated",
                                 "translation outdated"))
    result = []
    for article in articles:
        if article.source in placed:
            result.append(placed[article.source])
        elif article.source in targets:
            continue  # a broken translation is not published
        elif languages[article.source]:
            result.append(_place(article, article, languages[article.source], urls))
        else:
            result.append(article)
    return result, found


def translation_groups(articles: tuple[Article, ...], default: str) -> dict[str, dict[str, str]]:
    """Each original's source -> {language code: source} of itself and its translations."""
    groups: dict[str, dict[str, str]] = {}
    for article in articles:
        if article.original is None:
            groups.setdefault(article.source, {})[article.lang or default] = article.source
    for article in articles:
        if article.original is not None and article.original in groups:
            groups[article.original][article.lang or default] = article.source
    return groups


def translated_links(groups: dict[str, dict[str, str]], default: str) -> dict[str, dict[str, str]]:
    """For the links of the articles in each language (by Article.lang: "" for the default), every
    version of an article -> its version in that language; {} on a one-language site."""
    if not groups:
        return {}
    found: dict[str, dict[str, str]] = {"": {}}
    for versions in groups.values():
        for code, target in versions.items():
            found.setdefault("" if code == default else code, {}).update(
                (source, target) for source in versions.values() if source != target)
    return found


def edition_articles(
    articles: tuple[Article, ...], groups: dict[str, dict[str, str]], code: str, default: str, fallback: str,
) -> tuple[Article, ...]:
    """The articles the pages in language `code` list: those in it, and (fallback "show") the
    original of every article not translated into it; in the order of `articles`."""
    own = "" if code == default else code
    shown: set[str] = set()
    for source, versions in groups.items():
        if code in versions:
            shown.add(versions[code])
        elif fallback == "show":
            shown.add(source)
    grouped = {s for versions in groups.values() for s in versions.values()}
    return tuple(a for a in articles if a.source in shown or (a.source not in grouped and a.lang == own))


def _target(article: Article, by_source: dict[str, Article], ids: dict[str, str], found: list[Diagnostic]) -> str | None:
    """The source of the article `article` translates; None for an original (or a broken tie, reported)."""
    line = article.lines.get("translation_of", 1)
    if article.translation_of:
        ref = article.translation_of.replace("\\", "/")
        here = posixpath.dirname(article.source)
        candidates = [ids.get(ref), posixpath.normpath(posixpath.join(here, ref)), posixpath.normpath(ref.lstrip("/"))]
        target = next((c for c in candidates if c in by_source), None)
        if target is None:
            found.append(error(article.source, line, 1, f"translation_of: article not found: '{article.translation_of}'"))
        elif target == article.source:
            found.append(error(article.source, line, 1, "translation_of points at the article itself"))
            return None
        return target
    if not article.suffix:
        return None
    folder, _, name = article.source.rpartition("/")
    stem = name[: -len(".md")].rpartition(".")[0] + name[-len(".md"):]
    target = f"{folder}/{stem}" if folder else stem
    if target not in by_source:
        found.append(error(article.source, 1, 1, f"translation of a missing article: '{target}' does not exist "
                                                 "(or name it with translation_of:)"))
        return None
    return target


def _place(article: Article, original: Article, lang: str, folders: dict[str, dict[str, str]]) -> Article:
    """`article` in language `lang`, published under `original`'s topic or section in that language."""
    urls = folders.get(lang, {})
    group = original.section if original.section is not None else original.category
    slug = article.slug if ("slug" in article.lines or article is original) else original.slug
    folders = original.source.split("/")[:-1]
    deeper = "".join(slugify(f) + "/" for f in folders[2:] if slugify(f))
    return dataclasses.replace(
        article, lang=lang, slug=slug, url=f"{urls.get(group, '/')}{deeper}{slug}/",
        category=original.category, section=original.section,
        original=original.source if article is not original else None,
    )


def _folder_languages(categories: tuple[Category, ...]) -> dict[str, str]:
    """Each folder's `language:` (a section's own, else its topic's)."""
    own = {c.key: c.language for c in categories if not c.lang}
    return {key: language or (own.get(key.rpartition("/")[0], "") if "/" in key else "") for key, language in own.items()}
