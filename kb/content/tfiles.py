"""The files the translation commands write: `kb translate done` records the digest of each
translation's original in its front matter, `kb new --translation` starts a translation."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import KbError, UsageError
from ..model import Article, Language, SiteConfig
from ..runner import Runner
from .frontedit import FrontMatterProblem, set_field, write_atomically
from .parse import split_front_matter
from .textio import ARTICLE_LIMIT, read_bytes
from .translations import body_hash

KEPT_FIELDS = ("title", "summary", "tags", "order", "featured", "faq")  # never id, aliases, slug: the original's
PLACEHOLDER_HASH = "0" * 12


class ArgumentError(UsageError):
    """An argument of a translation command that it cannot use (a language, a path); exits with status 2."""


@dataclass(frozen=True)
class Done:
    """What `kb translate done` writes for one translation."""

    path: str  # the translation, relative to the content folder
    lang: str  # its language's code
    digest: str  # the digest of its original's body
    data: bytes | None  # the file's new bytes; None when it already records that digest


def content_path(root: Path, given: str) -> str | None:
    """`given` (relative to the current folder or to the content folder) as a path relative to the
    content folder; None when it names no file there."""
    for base, full in ((Path(os.path.abspath(root)), None), (root.resolve(), "resolve")):
        for candidate in (Path(given), root / given):
            path = Path(os.path.abspath(candidate)) if full is None else candidate.resolve()
            if path != base and path.is_relative_to(base) and (path.is_file() or path.is_symlink()):
                return path.relative_to(base).as_posix()
    return None


class ReadingAround(Runner):
    """The plain runner, reading the files `kb translate done` is asked to mark with a placeholder
    `source_hash`, so that a value that is not a hash (which it will replace) does not stop it."""

    def __init__(self, root: Path, paths: Sequence[str]) -> None:
        super().__init__()
        self.around = {str(root / rel) for rel in paths}

    def read(self, path: str, limit: int | None = None) -> bytes:
        data = super().read(path, limit)
        if path in self.around:
            try:
                return set_field(data, "source_hash", PLACEHOLDER_HASH)
            except FrontMatterProblem:
                return data
        return data


def language(config: SiteConfig, code: str) -> Language:
    """The site's language `code` (`es`, `pt-BR`, `pt-br`); an ArgumentError for any other."""
    found = next((lang for lang in config.languages if code.lower() in (lang.code.lower(), lang.path)), None)
    if found is None:
        listed = ", ".join(lang.code for lang in config.languages)
        raise ArgumentError(f"language '{code}' is not one of the site's languages ({listed})")
    return found


def plan_done(root: Path, articles: list[Article], paths: Sequence[str]) -> tuple[list[Done], list[str]]:
    """What `kb translate done` would write for each translation (paths relative to the content
    folder), and the problems that stop it (a file that is not a translation, a front matter it
    cannot edit)."""
    by_source = {a.source: a for a in articles}
    plans, problems = [], []
    for rel in dict.fromkeys(paths):
        article = by_source.get(rel)
        if article is None:
            problems.append(f"'{rel}' is not an article of the content folder")
        elif article.original is None or article.original not in by_source:
            problems.append(f"'{rel}' is not a translation (a translation is named like 'refund.es.md' beside "
                            "'refund.md', or names its original with translation_of:)")
        elif (root / rel).is_symlink():
            problems.append(f"'{rel}' is a symbolic link; name the file it leads to")
        else:
            digest = body_hash(by_source[article.original].body)
            try:
                data = read_bytes(root / rel, ARTICLE_LIMIT)
                new = set_field(data, "source_hash", digest)
            except FrontMatterProblem as exc:
                problems.append(f"'{rel}': {exc}")
                continue
            except OSError as exc:
                problems.append(f"'{rel}' cannot be read: {exc.strerror or exc}")
                continue
            plans.append(Done(rel, article.lang or "", digest, None if new == data else new))
    return plans, problems


def write_done(root: Path, plans: Sequence[Done]) -> None:
    """Write every planned file (each atomically)."""
    for plan in plans:
        if plan.data is not None:
            try:
                write_atomically(root / plan.path, plan.data)
            except OSError as exc:
                raise KbError(f"cannot write '{plan.path}': {exc.strerror or exc}") from None


def new_translation(root: Path, config: SiteConfig, articles: list[Article], rel: str, code: str) -> Path:
    """Write `<stem>.<code>.md` beside the article `rel`: its title, summary, tags, order, featured and
    faq, its body to translate, and the digest of its body; a draft until it is translated."""
    lang = language(config, code)
    by_source = {a.source: a for a in articles}
    article = by_source.get(rel)
    if article is None:
        raise ArgumentError(f"'{rel}' is not an article of the content folder")
    if article.original is not None:
        raise ArgumentError(f"'{rel}' is itself a translation of '{article.original}'; translate '{article.original}'")
    own = article.lang or config.default_language
    if lang.code == own:
        raise ArgumentError(f"'{rel}' is written in '{own}'; name another of the site's languages")
    existing = next((a.source for a in articles if a.original == rel and (a.lang or config.default_language) == lang.code), None)
    if existing is not None:
        raise KbError(f"'{rel}' is already translated into '{lang.code}': '{existing}'")
    folder, _, name = rel.rpartition("/")
    target = root / folder / f"{name[:-3]}.{lang.code}.md"
    try:
        raw = read_bytes(root / rel, ARTICLE_LIMIT).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KbError(f"cannot read '{rel}': {getattr(exc, 'strerror', None) or exc}") from None
    newline = "\r\n" if "\r\n" in raw else "\n"
    split = split_front_matter(raw.replace("\r\n", "\n").replace("\r", "\n"))
    body = split[1] if isinstance(split, tuple) else raw
    values = {"title": article.title, "summary": article.summary, "tags": list(article.tags), "order": article.order,
              "featured": article.featured, "faq": article.faq}
    given = set(article.lines) | ({"summary"} if "description" in article.lines else set())
    fields = {key: values[key] for key in KEPT_FIELDS if key == "title" or (key in given and values[key] not in (None, ""))}
    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000)
    text = ("---\n# translate the title, summary and body, then review and run kb translate done\n" + front +
            "draft: true  # not published: delete this line when the translation is ready\n---\n" + body)
    data = set_field(text.replace("\n", newline).encode("utf-8"), "source_hash", body_hash(article.body))
    shown = f"{folder}/{target.name}" if folder else target.name
    try:
        with open(target, "xb") as handle:  # "x": never overwrite, even in a race
            handle.write(data)
    except FileExistsError:
        raise KbError(f"'{shown}' already exists; edit it, or delete it first") from None
    except OSError as exc:
        raise KbError(f"cannot write '{shown}': {exc.strerror or exc}") from None
    return target
