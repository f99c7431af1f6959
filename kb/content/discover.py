"""Find the files under the content folder: articles, `_category.yaml` files and other files."""

from __future__ import annotations

import errno
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostic, error
from .outside import leads_out, links_out
from .textio import file_kind

CATEGORY_FILE = "_category.yaml"
RESERVED_ROOT = frozenset({"site.yaml", "status.yaml", "templates", "locales"})


@dataclass(frozen=True)
class SourceTree:
    """The files under the content root, sorted, as relative posix paths."""

    articles: tuple[str, ...]
    category_files: tuple[str, ...]
    assets: tuple[str, ...]
    outside: tuple[str, ...] = ()  # symbolic links that lead out of the content folder
    problems: tuple[tuple[str, str], ...] = ()  # (path, message): names and files kb cannot use


def discover(root: Path) -> SourceTree:
    """List articles, `_category.yaml` files and other files, skipping `_` and `.` names; a name
    that is not UTF-8, a file that is not a regular file and names that differ only in letter
    case are problems."""
    articles: list[str] = []
    categories: list[str] = []
    assets: list[str] = []
    outside: list[str] = []
    problems: list[tuple[str, str]] = []
    stack = [("", root)]
    top = root.resolve()
    seen = {top}
    while stack:
        prefix, folder = stack.pop()
        used: dict[str, list[str]] = {}
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                rel = prefix + name
                if not prefix and name in RESERVED_ROOT:  # read by kb, not published: they must be inside too
                    outside.extend(f"{rel}/{found}" if found else rel for found in links_out(Path(entry.path), top))
                    continue
                if name == CATEGORY_FILE or (name.startswith("_category.") and name.endswith(".yaml")):  # `_category.es.yaml` too
                    if leads_out(Path(entry.path), top):
                        outside.append(rel)
                    else:
                        categories.append(rel)
                    continue
                if name.startswith(("_", ".")):
                    continue
                bad = _undecodable(name)
                if bad is not None:
                    problems.append((rel, f"name is not valid UTF-8 (byte 0x{bad:02x}); rename it"))
                    continue
                used.setdefault(unicodedata.normalize("NFC", name).casefold(), []).append(name)
                if _is_dir(entry):
                    real = Path(entry.path).resolve()
                    if not real.is_relative_to(top):
                        outside.append(rel)
                    elif real not in seen:  # a link back into the tree is not walked twice
                        seen.add(real)
                        stack.append((rel + "/", Path(entry.path)))
                elif leads_out(Path(entry.path), top):
                    outside.append(rel)
                elif name.lower().endswith((".yml", ".yaml")):
                    continue
                elif not _is_file(entry):
                    problems.append((rel, _not_regular(entry)))
                elif name.lower().endswith(".md"):
                    articles.append(rel)
                else:
                    assets.append(rel)
        problems.extend(_case_pairs(prefix, used))
    return SourceTree(
        tuple(sorted(articles)), tuple(sorted(categories)), tuple(sorted(assets)), tuple(sorted(outside)),
        tuple(sorted(problems)),
    )


def _is_dir(entry: os.DirEntry) -> bool:
    """Whether the entry is a folder (or a link to one); a loop of links is not."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry) -> bool:
    """Whether the entry is a regular file (or a link to one); a loop of links is not."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _undecodable(name: str) -> int | None:
    """The first byte of a name that is not UTF-8 (os.fsdecode keeps it as a surrogate), else None."""
    return next((ord(c) - 0xDC00 for c in name if "\udc80" <= c <= "\udcff"), None)


def _not_regular(entry: os.DirEntry) -> str:
    try:
        return f"not a regular file but {file_kind(entry.stat().st_mode)}; kb reads only regular files"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link that leads back to itself (a loop); remove it"
        return "symbolic link to a file that does not exist"


def _case_pairs(prefix: str, used: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Names of one folder that a case-insensitive disk (macOS, Windows) takes for the same name."""
    return [
        (prefix + name, f"'{name}' and '{names[0]}' differ only in letter case or Unicode form: on macOS and Windows one "
                        "replaces the other; rename one")
        for names in map(sorted, used.values()) if len(names) > 1 for name in names[1:]
    ]


def tree_problems(tree: SourceTree) -> list[Diagnostic]:
    """The problems discovery found, as errors with their paths."""
    return [error(rel, 1, 1, message) for rel, message in tree.problems]


# Files a browser runs scripts in, or runs as scripts, when the site's own address serves them:
# HTML and XHTML, SVG, XML (an XHTML or SVG element in it runs, and it may name an XSLT sheet
# that writes HTML), JavaScript, and the older kinds some servers still label as runnable. They
# are published as they are, so in the untrusted mode they are refused.
ACTIVE_SUFFIXES = (
    ".html", ".htm", ".shtml", ".xhtml", ".xhtm", ".xht", ".svg", ".svgz", ".xml", ".xsl", ".xslt", ".rss",
    ".atom", ".rdf", ".mml", ".js", ".mjs", ".cjs", ".htc", ".xul", ".wml",
)


def active_files(tree: SourceTree, theme: Path | None = None, root: Path | None = None) -> list[Diagnostic]:
    """An error for each file of the content folder that a browser would run script in (untrusted
    mode): its own files, and the static files of a theme kept in it (published as /assets/)."""
    rels = list(tree.assets)
    if theme is not None and root is not None and theme.resolve().is_relative_to(root.resolve()):
        base = theme / "static"
        rels += [Path(folder, name).relative_to(root).as_posix()
                 for folder, _, names in os.walk(base) for name in names]
    found = []
    for rel in sorted(rels):
        suffix = "." + rel.rpartition(".")[2].lower() if "." in rel.rpartition("/")[2] else ""
        if suffix in ACTIVE_SUFFIXES:
            hint = "convert it to PNG, JPEG or WebP" if suffix in (".svg", ".svgz") else "publish it elsewhere"
            found.append(error(rel, 1, 1, f"active file is not published in untrusted mode: "
                               f"a browser runs the scripts of a {suffix} file as the site's own; {hint}"))
    return found
