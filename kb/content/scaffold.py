"""`kb new`: a new article file with its front matter filled in, in the right topic folder; and
the check that none of its placeholder text is published."""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import functools
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from .parse import discover, load_categories
from .discover import RESERVED_ROOT
from ..errors import Diagnostic, KbError, UsageError, warning
from ..model import Article, Category
from .slugs import is_safe_slug, slugify

SLUG_CHARS = 80  # a longer title gets a shorter file name, cut at a word
SLUG_BYTES = 200  # and never near the 255-byte limit of a file name, whatever its letters
PLACEHOLDER = "Answer the question in the first sentence or two"
_EMPTY_STEP = re.compile(r"\n([ \t]*)(\d+\.)[ \t]*(?=\n|\Z)")
_FIRST_STEP = re.compile(r"([ \t]*)(\d+\.)[ \t]*(?=\n|\Z)")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


class ArgumentError(UsageError):
    """An argument of `kb new` that it cannot use (a title, topic, section or content folder); exits with status 2."""


@dataclass(frozen=True)
class NewArticle:
    """What `kb new` wrote."""

    path: Path
    created_folders: tuple[Path, ...]


def new_article(root: Path, title: str, category: str, section: str | None, today: dt.date) -> NewArticle:
    """Write `<topic>/[<section>/]<slug>.md` under `root`, as a draft; refuse to overwrite anything.
    An argument it cannot use is an ArgumentError (exit 2); a file system refusing, a KbError (exit 1)."""
    title = " ".join(title.split())
    slug = short_slug(title)
    if not title or not slug or not is_safe_slug(slug):
        raise ArgumentError(f"cannot make a file name from the title '{title}'; give a title with letters or digits")
    if not root.is_dir():
        raise ArgumentError(f"content folder '{root}' {'is not a folder' if root.exists() else 'does not exist'}")
    try:
        categories, _ = load_categories(root, discover(root))
    except OSError as exc:
        raise KbError(f"cannot read the content folder '{root}': {exc.strerror or exc}") from None
    top = [c for c in categories if c.parent is None and c.key]
    folder, made = _folder(root, category, top, "topic")
    if section is not None:
        children = [c for c in categories if c.parent == folder]
        sub, more = _folder(root, section, children, "section", parent=folder)
        folder, made = sub, made + more
    path = root / folder / f"{slug}.md"
    front = yaml.safe_dump({"title": title, "date": today, "slug": slug}, sort_keys=False, allow_unicode=True)
    body = (
        "---\n" + front + "draft: true  # shown by kb serve, not published: delete this line when the article is ready\n"
        "summary: \ntags: []\n---\n\n"
        f"{PLACEHOLDER}: it is what search results and topic pages show.\n\n"
        "## Steps\n\n1. \n"
    )
    try:
        if path.exists():
            raise KbError(f"{path} already exists; choose another title or edit that file")
        (root / folder).mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, even in a race
            handle.write(body)
    except FileExistsError:
        raise KbError(f"{path} already exists; choose another title or edit that file") from None
    except OSError as exc:
        where = exc.filename or path
        raise KbError(f"cannot write '{where}': {exc.strerror or exc}") from None
    return NewArticle(path, tuple(root / m for m in made))


def short_slug(title: str) -> str:
    """The title's slug, cut at a word when longer than SLUG_CHARS characters or SLUG_BYTES bytes."""
    slug = slugify(title)
    cut = slug[:SLUG_CHARS]
    while len(cut.encode("utf-8")) > SLUG_BYTES:
        cut = cut[:-1]
    if len(cut) < len(slug) and slug[len(cut)] != "-" and "-" in cut:  # the cut fell inside a word
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-")


def placeholder_warnings(article: Article, shown: str) -> list[Diagnostic]:
    """A warning for each piece of `kb new`'s placeholder text left in an article (its sentence,
    an empty step), at its line and column; none for a draft, which is not published."""
    if article.draft:
        return []
    found = []
    for line, col, step in _placeholders(article.body):
        if step is None:
            message = (f"placeholder text left by kb new: '{PLACEHOLDER}…'; write the answer, "
                       "or keep the article a draft (draft: true) until it is written")
        else:
            message = f"empty step '{step}': write the step or remove it"
        found.append(warning(shown, article.body_line + line, col, message, "placeholder text"))
    return found


@functools.lru_cache(maxsize=65536)  # `kb serve`: an unchanged article's body is the same string, its hash kept
def _placeholders(body: str) -> tuple[tuple[int, int, str | None], ...]:
    """(line from 0, column from 1, the empty step or None for the sentence) of each placeholder in `body`."""
    found: list[tuple[int, int, str | None]] = []
    start = body.find(PLACEHOLDER)
    if start >= 0:
        found.append((*_position(body, start), None))
    first = _FIRST_STEP.match(body)
    steps = ([first] if first else []) + list(_EMPTY_STEP.finditer(body))  # a search led by "\n" is quick
    for match in steps:
        offset = match.start(1) + len(match.group(1))
        line, col = _position(body, offset)
        if not _in_code(body, line):
            found.append((line, col, match.group(2)))
    return tuple(found)


def _position(text: str, offset: int) -> tuple[int, int]:
    """(line from 0, column from 1) of `offset` in `text`."""
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _in_code(body: str, line: int) -> bool:
    """True when line `line` (from 0) is inside a fenced code block."""
    inside = False
    for text in body.split("\n")[:line]:
        if _FENCE.match(text):
            inside = not inside
    return inside


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
        raise ArgumentError(f"no {what} '{name}' (did you mean '{known[close[0]]}'?); give an existing {what} or a clearly new name")
    if not wanted or not is_safe_slug(name.strip()) or name.strip().startswith(("_", ".")):
        raise ArgumentError(f"'{name}' cannot be a {what} folder name")
    if not parent and name.strip().casefold() in RESERVED_ROOT:  # casefold: Templates/ is templates/ on some disks
        raise ArgumentError(f"'{name}' cannot be a {what}: templates/, site.yaml and status.yaml at the top of the "
                            f"content folder are read by kb, not published; give another {what}")
    key = f"{parent}/{name.strip()}" if parent else name.strip()
    try:
        mode: int | None = os.stat(root / key).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise ArgumentError(f"'{name}' cannot be a {what} folder name: {exc.strerror}") from None
        raise KbError(f"cannot read '{root / key}': {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISDIR(mode):
        raise ArgumentError(f"'{key}' in the content folder is a file, not a {what} folder; give another {what}")
    return key, (key,) if mode is None else ()
