"""`kb new`: a new article file with its front matter filled in, in the right topic folder."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from .content import discover, load_categories
from .errors import KbError
from .model import Category
from .slugs import is_safe_slug, slugify


@dataclass(frozen=True)
class NewArticle:
    """What `kb new` wrote."""

    path: Path
    created_folders: tuple[Path, ...]


def new_article(root: Path, title: str, category: str, section: str | None, today: dt.date) -> NewArticle:
    """Write `<topic>/[<section>/]<slug>.md` under `root`; refuse to overwrite anything."""
    title = " ".join(title.split())
    slug = slugify(title)
    if not title or not slug or not is_safe_slug(slug):
        raise KbError(f"cannot make a file name from the title '{title}'; give a title with letters or digits")
    if not root.is_dir():
        raise KbError(f"content folder '{root}' does not exist")
    categories, _ = load_categories(root, str(root), discover(root))
    top = [c for c in categories if c.parent is None and c.key]
    folder, made = _folder(root, category, top, "topic")
    if section is not None:
        children = [c for c in categories if c.parent == folder]
        sub, more = _folder(root, section, children, "section", parent=folder)
        folder, made = sub, made + more
    path = root / folder / f"{slug}.md"
    if path.exists():
        raise KbError(f"{path} already exists; choose another title or edit that file")
    front = yaml.safe_dump({"title": title, "date": today, "slug": slug}, sort_keys=False, allow_unicode=True)
    body = (
        "---\n" + front + "summary: \ntags: []\n---\n\n"
        "Answer the question in the first sentence or two: it is what search results and topic pages show.\n\n"
        "## Steps\n\n1. \n"
    )
    (root / folder).mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, even in a race
        handle.write(body)
    return NewArticle(path, tuple(root / m for m in made))


def _folder(root: Path, name: str, choices: list[Category], what: str, parent: str = "") -> tuple[str, tuple[str, ...]]:
    """The folder key of the topic or section `name` (by folder name, slug or title), or a new folder."""
    wanted = slugify(name)
    for category in choices:
        leaf = category.key.rpartition("/")[2]
        if wanted and wanted in (slugify(leaf), category.slug, slugify(category.title)):
            return category.key, ()
    known = {slugify(c.title): c.title for c in choices} | {c.slug: c.title for c in choices}
    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.8)
    if close:
        raise KbError(f"no {what} '{name}' (did you mean '{known[close[0]]}'?); give an existing {what} or a clearly new name")
    if not wanted or not is_safe_slug(name.strip()) or name.strip().startswith(("_", ".")):
        raise KbError(f"'{name}' cannot be a {what} folder name")
    key = f"{parent}/{name.strip()}" if parent else name.strip()
    return key, (key,) if not (root / key).exists() else ()
