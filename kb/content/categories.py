"""Topics and sections: one per folder holding articles, titled by its `_category.yaml`, and in each
other language of the site by its `_category.<code>.yaml` (`_category.es.yaml`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostic, error, warning
from ..model import Category, Language
from .discover import CATEGORY_FILE, SourceTree
from .audience import read_visibility
from .languages import find_language, looks_like_language, suffix_language
from .schema import Reader
from .slugs import is_safe_slug, slugify, title_from_name
from .textio import ARTICLE_LIMIT, read_text
from .yamlpos import YamlProblem, load_yaml

CATEGORY_KEYS = ("title", "description", "order", "icon", "slug", "language", "visibility")
TRANSLATED_KEYS = ("title", "description", "slug")  # what `_category.es.yaml` may say
ROOT_CATEGORY_TITLE = "General"


def load_categories(
    root: Path, tree: SourceTree, languages: tuple[Language, ...] = (),
) -> tuple[tuple[Category, ...], tuple[Diagnostic, ...]]:
    """One Category per first-level folder and one per second-level folder holding articles; on a
    site of several `languages`, the same again in each other language (`lang` set), after them."""
    meta: dict[str, Reader | None] = {}
    translated: dict[tuple[str, str], Reader] = {}  # (folder, code) -> its _category.<code>.yaml
    diagnostics: list[Diagnostic] = []
    listed = ", ".join(lang.code for lang in languages)
    for rel in tree.category_files:
        folder, _, name = rel.rpartition("/")
        code = None
        if name != CATEGORY_FILE:
            suffix = name[len("_category."):-len(".yaml")]
            found = suffix_language(f"x.{suffix}.md", languages) if len(languages) > 1 else None
            if found is None:
                if len(languages) > 1 and looks_like_language(suffix):
                    diagnostics.append(error(rel, 1, 1, f"language '{suffix}' is not one of the site's languages ({listed})"))
                continue  # any other `_category.x.yaml` is a file starting with `_`: not published, as ever
            code = found[0]
            if code == languages[0].code:
                diagnostics.append(error(rel, 1, 1, f"'{name}' translates {CATEGORY_FILE} into the default language; "
                                         f"write it in {CATEGORY_FILE}"))
                continue
        reader = _read(root, rel, diagnostics)
        if reader is None:
            continue
        reader.unknown_keys((), CATEGORY_KEYS if code is None else TRANSLATED_KEYS, what="category field")
        reader.blank("title")
        reader.blank("slug")
        if code is None:
            meta[folder] = reader
        else:
            translated[(folder, code)] = reader
    folders: set[str] = set()
    for rel in tree.articles:
        parts = rel.split("/")[:-1]
        folders.add(parts[0] if parts else "")
        if len(parts) >= 2:
            folders.add("/".join(parts[:2]))
    keys = sorted(folders, key=lambda k: (k.count("/"), k))
    categories = _categories(keys, meta, None, diagnostics, languages)
    for lang in languages[1:]:
        readers = {key: translated.get((key, lang.code)) for key in keys}
        categories += _categories(keys, readers, (lang, {c.key: c for c in categories if not c.lang}), diagnostics)
    for reader in (*meta.values(), *translated.values()):
        if reader:
            diagnostics.extend(reader.diagnostics)
    for folder, code in sorted(translated):
        if folder not in folders:
            diagnostics.append(warning(f"{folder}/_category.{code}.yaml" if folder else f"_category.{code}.yaml", 1, 1,
                                       "translates a folder that holds no articles", "translation not used"))
    return tuple(categories), tuple(diagnostics)


def _read(root: Path, rel: str, diagnostics: list[Diagnostic]) -> Reader | None:
    text, problem = read_text(root / rel, rel, ARTICLE_LIMIT)
    if problem:
        diagnostics.append(problem)
        return None
    try:
        doc = load_yaml(text, anchors_in=CATEGORY_FILE)
    except YamlProblem as exc:
        diagnostics.append(error(rel, exc.line, exc.col, exc.message))
        return None
    if doc.data is not None and not isinstance(doc.data, dict):
        diagnostics.append(error(rel, 1, 1, f"{rel.rpartition('/')[2]} must be a mapping"))
        return None
    return Reader(doc, rel)


def _categories(
    keys: list[str], readers: dict[str, Reader | None], translating: tuple[Language, dict[str, Category]] | None,
    diagnostics: list[Diagnostic], languages: tuple[Language, ...] = (),
) -> list[Category]:
    """The categories of `keys` in one language: the default's (`translating` None), or another's,
    whose untranslated fields are the default's."""
    lang, originals = translating if translating is not None else (None, {})
    made: list[Category] = []
    root = readers.get("") if translating is None else None  # its `visibility` holds for every folder
    everything = root is not None and str((root.doc.data or {}).get("visibility", "")).lower() == "internal"
    for key in keys:
        reader = readers.get(key)
        name = key.rpartition("/")[2]
        parent = key.rpartition("/")[0] if "/" in key else None
        original = originals.get(key)
        title = (reader.string("title") if reader else None) or (original.title if original else None) or (
            title_from_name(name) if key else ROOT_CATEGORY_TITLE
        )
        slug = (reader.string("slug") if reader else None) or (original.slug if original else None) or slugify(
            name or ROOT_CATEGORY_TITLE)
        if not is_safe_slug(slug):
            shown = reader.path if reader else key
            pos = reader.doc.value_pos("slug") if reader else (1, 1)
            diagnostics.append(error(shown, *pos, f"folder '{name}' gives no usable URL; add a slug in {CATEGORY_FILE}"))
            slug = "category"
        home = lang.home if lang is not None else "/"
        base = next((c.url for c in made if c.key == parent), home) if parent is not None else home
        description = (reader.string("description", default="") if reader else "") or ""
        language = ""
        if lang is None and reader is not None:
            language = _written_in(reader, languages)
        above = next((c for c in made if c.key == parent), None) if parent is not None else None
        internal = original.internal if original else _internal(
            reader, (above.key, above.internal) if above else ("", everything and key != ""), diagnostics)
        made.append(Category(
            key=key, slug=slug, title=title, url=f"{base}{slug}/",
            description=description or (original.description if original else ""),
            order=original.order if original else reader.integer("order") if reader else None,
            icon=original.icon if original else (reader.string("icon", default="") if reader else "") or "",
            parent=parent, lang=lang.code if lang is not None else "",
            language=original.language if original else language, internal=internal,
        ))
    return made


def _internal(reader: Reader | None, parent: tuple[str, bool], diagnostics: list[Diagnostic]) -> bool:
    """Whether a folder is for agents only: its `visibility`, else its topic's (or, for a topic,
    the content folder's own `_category.yaml`'s); `parent` is that folder's key and whether it is."""
    said = read_visibility(reader) if reader is not None else None
    key, above = parent
    if said == "public" and above:
        line, col = reader.doc.value_pos("visibility")  # type: ignore[union-attr]
        where = f"internal topic '{key}'" if key else f"internal content folder ({CATEGORY_FILE})"
        diagnostics.append(error(reader.path, line, col, f"public {'section' if key else 'topic'} in {where}; "  # type: ignore[union-attr]
                                 "move it out, or remove 'visibility: public'"))
    return said == "internal" or above


def _written_in(reader: Reader, languages: tuple[Language, ...]) -> str:
    """`language:` of a `_category.yaml`: one of the site's languages ("" for the default)."""
    written = reader.string("language")
    if not written:
        return ""
    code = find_language(written, languages)
    if code is None and len(languages) <= 1:  # a one-language site reads no language of its folders
        reader.warn(("language",), "language has no effect: site.yaml lists no languages", kind="translation not used")
        return ""
    if code is None:
        listed = ", ".join(lang.code for lang in languages)
        reader.at(("language",), f"language '{written}' is not one of the site's languages ({listed})")
        return ""
    return "" if code == languages[0].code else code
