"""The theme: its folders, and the Jinja environment with kb's filters (`url`, `longdate`) and the
theme's words from message catalogs (kb.render.i18n)."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .. import __version__
from ..speed.jinja import Environment
from .i18n import Catalogs, install
from .jinjaenv import SandboxedEnvironment
from .loader import FileLoader
from .pagevars import track_pages
from .urls import site_url

# installed: the wheel puts the repository's themes/ at kb/themes/; in a checkout it sits beside kb/
BUILTIN_THEMES = (Path(__file__).resolve().parents[1] / "themes", Path(__file__).resolve().parents[2] / "themes")


def theme_dir(name: str, root: Path) -> Path | None:
    """The folder of theme `name`: a path relative to the content root, or a built-in theme."""
    candidate = (root / name)
    if "/" in name or "\\" in name or name.startswith("."):
        return candidate if (candidate / "templates").is_dir() else None
    for base in BUILTIN_THEMES:
        if (base / name / "templates").is_dir():
            return base / name
    return candidate if (candidate / "templates").is_dir() else None


def make_environment(theme: Path, root: Path, url_prefix: str, sandboxed: bool = False,
                     quick: bool = True, catalogs: Catalogs | None = None,
                     default_language: str = "en") -> jinja2.Environment:
    """Templates from the project's `templates/`, then the theme's, then the default theme's; strict.
    `sandboxed` (the untrusted mode): every template runs in Jinja's sandbox; otherwise `quick` picks
    kb's quicker environment (kb.speed.jinja), False Jinja's own (the same pages). The theme's words
    come from `catalogs` in the page's `lang` (`default_language` when a page has none); without
    catalogs they are the templates' own (English)."""
    default = theme_dir("default", root)
    folders = [root / "templates", theme / "templates"]
    if default is not None and default != theme:
        folders.append(default / "templates")
    env = (SandboxedEnvironment if sandboxed else Environment if quick else jinja2.Environment)(
        loader=FileLoader([str(f) for f in folders]),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg", "atom", "rss"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # every build makes its own environment; no template changes under it
    )
    urls: dict[str, str] = {}  # a page asks for the same few URLs as every other page

    def url(path: object) -> str:
        key = str(path)
        found = urls.get(key)
        if found is None:
            found = urls[key] = site_url(key, url_prefix)
        return found

    env.filters["url"] = url
    env.globals["kb_version"] = __version__
    track_pages(env)
    install(env, catalogs, default_language)
    return env
