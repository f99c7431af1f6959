"""Files that `site.yaml` names (the favicon): a file inside the content folder, or an http(s) URL."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Diagnostic, error, warning
from ..content.schema import Reader
from .urls import has_scheme

_HTTP = re.compile(r"^https?://[^/\s]", re.IGNORECASE)
_UNPUBLISHED_ROOT = frozenset({"site.yaml", "status.yaml", "templates", "locales"})  # kb reads these, never publishes them
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(value: str) -> str:
    """`value` for a message: control characters escaped, at most 60 characters."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return text if len(text) <= 60 else text[:57] + "..."


def site_file(value: str, root: Path | None, key: str) -> tuple[str | None, str, str]:
    """(`value` as published: a content path or an http(s) URL, or None; level; message): a file
    inside `root` or an http(s) URL; `..`, other schemes and paths that leave the folder are errors,
    a missing or unpublished file a warning. A leading `/` is the content folder. Without `root`
    only the value's shape is checked."""
    shown = _shown(value)
    example = f"give a file in the content folder, such as media/{key}.png, or an https:// URL"
    if _HTTP.match(value):
        return value, "", ""
    if has_scheme(value) or value.startswith(("//", "\\\\")):
        return None, "error", f"{key} must be a file in the content folder or an http(s) URL, not '{shown}'"
    parts = [p for p in re.split(r"[\\/]+", value) if p not in ("", ".")]
    if ".." in parts:
        return None, "error", f"{key} '{shown}' leads out of the content folder ('..'); {example}"
    if not parts:
        return None, "error", f"{key} '{shown}' names no file; {example}"
    rel = "/".join(parts)
    if root is None:
        return rel, "", ""
    path = root.joinpath(*parts)
    try:
        present, inside = path.is_file(), path.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError, RuntimeError):  # a name the system refuses, a loop of links
        present, inside = False, True
    if value.startswith(("/", "\\")) and not present:
        return None, "error", (f"{key} '{shown}' is not in the content folder (a leading '/' means the content "
                               f"folder; kb publishes only files inside it); {example}")
    if not inside:
        return None, "error", f"{key} '{shown}' is a link that leads out of the content folder; {example}"
    if (any(p.startswith(("_", ".")) for p in parts) or parts[0] in _UNPUBLISHED_ROOT
            or parts[-1].lower().endswith((".md", ".yml", ".yaml"))):
        return None, "warning", (f"{key} '{shown}' is not published (kb publishes no Markdown or YAML file, "
                                 "nothing in templates/ and no name starting with '_' or '.'); the theme's is used")
    if not present:
        return None, "warning", f"{key} file not found: '{shown}'; the theme's is used"
    return rel, "", ""


def read_site_file(r: Reader, key: str, root: Path | None) -> str | None:
    """The checked `key` of site.yaml (see `site_file`), recording a problem at its value's position."""
    value = r.string(key)
    if not value:
        return None
    found, level, message = site_file(value, root, key)
    if message:
        line, col = r.doc.value_pos(key)
        made: Diagnostic = (error if level == "error" else warning)(r.path, line + r.offset, col, message)
        r.diagnostics.append(made)
    return found
