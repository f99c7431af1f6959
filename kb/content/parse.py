"""Find and parse articles and categories; collect every error."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .discover import (  # noqa: F401 - kb.content's API
    CATEGORY_FILE, RESERVED_ROOT, SourceTree, active_files, discover, tree_problems,
)
from ..errors import Diagnostic, error, warning
from ..model import Article, Category, SiteConfig
from .audience import read_visibility
from .languages import find_language, looks_like_language, suffix_language
from .schema import Reader
from .categories import CATEGORY_KEYS, ROOT_CATEGORY_TITLE, load_categories  # noqa: F401 - kb.content's API
from .slugs import is_safe_slug, slugify, title_from_name
from .textio import ARTICLE_LIMIT, read_text
from .yamlpos import YamlProblem, load_yaml

ARTICLE_KEYS = (
    "title", "summary", "description", "slug", "tags", "date", "updated", "draft",
    "featured", "order", "id", "aliases", "related", "faq", "language", "translation_of", "source_hash",
    "visibility",
)
_HASH = re.compile(r"[0-9a-f]{8,64}", re.I)
_FENCE = re.compile(r"^---[ \t]*$")
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def split_front_matter(text: str) -> tuple[str | None, str, int] | str:
    """(front matter, body, body's first line number), or a message if the block is broken."""
    if not text.startswith("---"):
        return None, text, 1
    first, _, rest = text.partition("\n")
    if not _FENCE.match(first):
        return None, text, 1
    lines = rest.split("\n")
    for index, line in enumerate(lines):
        if _FENCE.match(line) or line.rstrip() == "...":
            return "\n".join(lines[:index]), "\n".join(lines[index + 1:]), index + 3
    return "front matter opened with '---' on line 1 is never closed"


def parse_article(
    rel: str, text: str, shown: str, config: SiteConfig, folder_urls: dict[str, str]
) -> tuple[Article | None, tuple[Diagnostic, ...]]:
    """Validate one article's front matter and place it in the site; on a site of several
    languages, note the language its file name gives (`refund.es.md`)."""
    article, found = _parse_article(rel, text, shown, config, folder_urls)
    if not config.multilingual:
        return article, found
    name = rel.rpartition("/")[2]
    suffix = suffix_language(name, config.languages)
    if suffix is None:
        unknown = name[:-3].rpartition(".")[2] if name.count(".") >= 2 else ""
        if unknown and looks_like_language(unknown):
            listed = ", ".join(lang.code for lang in config.languages)
            return None, (*found, error(shown, 1, 1, f"language '{unknown}' of the file name is not one of the "
                                                       f"site's languages ({listed})"))
        return article, found
    if article is None:
        return article, found
    code = suffix[0]
    if article.lang and article.lang != code:
        line = article.lines.get("language", 1)
        return None, (*found, error(shown, line, 1, f"language '{article.lang}' differs from the file name's '{code}'"))
    return dataclasses.replace(article, lang=code, suffix=code), found


def _parse_article(
    rel: str, text: str, shown: str, config: SiteConfig, folder_urls: dict[str, str]
) -> tuple[Article | None, tuple[Diagnostic, ...]]:
    if not text.strip():
        return None, (error(shown, 1, 1, "file is empty"),)
    split = split_front_matter(text)
    if isinstance(split, str):
        return None, (error(shown, 1, 1, split),)
    front, body, body_line = split
    heading, body, body_line = _leading_h1(body, body_line)
    if front is None:
        title = heading or title_from_name(rel.rpartition("/")[2])
        return _place(rel, shown, {"title": title}, None, body, body_line, folder_urls)
    try:
        doc = load_yaml(front, line_offset=1, anchors_in="front matter")
    except YamlProblem as exc:
        return None, (error(shown, exc.line, exc.col, exc.message),)
    if doc.data is None:
        doc = load_yaml("{}")
    if not isinstance(doc.data, dict):
        return None, (error(shown, 2, 1, "front matter must be a mapping of fields"),)
    r = Reader(doc, shown, line_offset=1)
    for keypath, line, col in doc.duplicates:
        r.diagnostics.append(error(shown, line + 1, col, f"duplicate field '{keypath[-1]}'"))
    r.unknown_keys((), ARTICLE_KEYS, extra=config.extra_keys)
    for key in ("title", "slug", "id"):  # given, but as nothing: an empty <h1>, a default URL, no id
        r.blank(key)
    title = r.string("title") or heading
    if not title and doc.data.get("title") is None:
        title = title_from_name(rel.rpartition("/")[2])
        r.diagnostics.append(warning(
            shown, 1, 1, f"missing field 'title'; using '{title}' from the file name", kind="missing title"
        ))
    slug = r.string("slug")
    if slug is not None and not is_safe_slug(slug):
        r.at(("slug",), f"slug '{slug}' must be one URL segment: no '/', '\\', '..' or leading '.'")
        slug = None
    fields = {
        "title": title or "",
        "slug": slug,
        "summary": r.string("summary") or r.string("description") or "",
        "tags": r.strings("tags", split=True),
        "date": r.date("date"),
        "updated": r.date("updated"),
        "draft": r.boolean("draft"),
        "featured": r.boolean("featured"),
        "faq": r.boolean("faq"),
        "order": r.integer("order"),
        "id": r.string("id"),
        "aliases": r.strings("aliases"),
        "related": r.strings("related"),
        "lang": _language(r, config),
        "translation_of": r.string("translation_of"),
        "internal": read_visibility(r) == "internal",
        "source_hash": _source_hash(r, front) if config.multilingual else r.string("source_hash"),
        "lines": {str(k): doc.key_pos(k)[0] + 1 for k in doc.data},
    }
    if fields["date"] and fields["updated"] and fields["updated"] < fields["date"]:
        r.at(("updated",), "'updated' is earlier than 'date'")
    if any(d.is_error for d in r.diagnostics):
        return None, tuple(r.diagnostics)
    return _place(rel, shown, fields, r, body, body_line, folder_urls)


def _language(r: Reader, config: SiteConfig) -> str:
    """`language`: the language the article is written in, one of the site's ("" for the default)."""
    written = r.string("language")
    if not written:
        return ""
    code = find_language(written, config.languages)
    if code is None and not config.multilingual:  # a one-language site reads no language of its articles
        r.warn(("language",), "language has no effect: site.yaml lists no languages", kind="translation not used")
        return ""
    if code is None:
        r.at(("language",), f"language '{written}' is not one of the site's languages "
                            f"({', '.join(lang.code for lang in config.languages)})")
        return ""
    return "" if code == config.default_language else code


def _source_hash(r: Reader, front: str) -> str | None:
    """`source_hash`: the digest `kb translate done` writes (hexadecimal), as written: YAML reads
    `0123456789ab` as a number and `1234e567` as a float, which are not the digest."""
    raw = r.raw("source_hash")
    value = r.string("source_hash")
    if value is not None and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        line, col = r.doc.value_pos("source_hash")
        lines = front.split("\n")
        written = lines[line - 1][col - 1:].split("#")[0].strip() if 0 < line <= len(lines) else ""
        value = written.strip("'\"") or value
    if value is not None and not _HASH.fullmatch(value):
        r.at(("source_hash",), f"source_hash '{value}' is not a hash; it is written by 'kb translate done'")
        return None
    return value.lower() if value is not None else None


def _place(rel, shown, fields, reader, body, body_line, folder_urls):
    parts = rel.split("/")
    folders, name = parts[:-1], parts[-1]
    slug = fields.get("slug") or slugify(name[:-3])
    diagnostics = list(reader.diagnostics) if reader else []
    if not slug:
        diagnostics.append(error(shown, 1, 1, f"file name '{name}' gives no usable URL; add a slug"))
        return None, tuple(diagnostics)
    category = folders[0] if folders else ""
    section = "/".join(folders[:2]) if len(folders) >= 2 else None
    base = folder_urls[section if section is not None else category]
    deeper = "".join(slugify(f) + "/" for f in folders[2:] if slugify(f))
    article = Article(
        source=rel, url=f"{base}{deeper}{slug}/", category=category, section=section,
        body=body, body_line=body_line, **{k: v for k, v in fields.items() if k != "slug"}, slug=slug,
    )
    return article, tuple(diagnostics)


def _leading_h1(body: str, body_line: int) -> tuple[str | None, str, int]:
    """Take a `# Title` that opens the body out of it (the page prints its own title)."""
    offset = 0
    lines = body.split("\n")
    while offset < len(lines) and not lines[offset].strip():
        offset += 1
    if offset < len(lines):
        match = _H1.match(lines[offset])
        if match:
            rest = "\n".join(lines[offset + 1:])
            return match.group(1).strip(), rest, body_line + offset + 1
    return None, body, body_line
