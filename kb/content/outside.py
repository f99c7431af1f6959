"""Symbolic links that lead out of a folder kb reads: the content folder, a theme."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Diagnostic, error


def leads_out(path: Path, top: Path) -> bool:
    """Whether `path` is a symbolic link that leads out of the (resolved) folder `top` (a loop of
    links leads nowhere: reading it is what fails, and says so)."""
    if not path.is_symlink():
        return False
    try:
        return not path.resolve().is_relative_to(top)
    except (RuntimeError, OSError):  # a loop
        return False


def links_out(path: Path, top: Path) -> list[str]:
    """"" when `path` leads out of `top`, else the relative path of each link under it (a folder,
    walked without following links) that does; in sorted order."""
    if leads_out(path, top):
        return [""]
    if path.is_symlink() or not path.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(dirs + names):
            if leads_out(Path(folder, name), top):
                found.append(Path(folder, name).relative_to(path).as_posix())
    return found


def theme_links(theme: Path, root: Path, builtin: tuple[Path, ...]) -> list[Diagnostic]:
    """An error for each symbolic link in a theme that is not one of the `builtin` ones and leads out
    of its folder (its static files are published)."""
    top = theme.resolve()
    if any(top.is_relative_to(base.resolve()) for base in builtin if base.is_dir()):
        return []
    inside = theme.absolute().is_relative_to(root.absolute())
    found = []
    for rel in links_out(theme, top):
        where = theme / rel if rel else theme
        path = where.absolute().relative_to(root.absolute()).as_posix() if inside else str(where)
        found.append(error(path, 1, 1, "symbolic link leads outside the theme folder; refused", in_content=inside))
    return found
