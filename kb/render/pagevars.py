"""The page a template is rendering, for the macros it imports. A template imports its macros
without context, so that Jinja evaluates them once, not once per page; what a macro needs of
the page (its language, for the theme's words, and its language's home) comes from here."""

from __future__ import annotations

import contextvars

import jinja2


def track_pages(env: jinja2.Environment) -> None:
    """Make `env`'s templates note the values of the page they render (`page_values`), and give
    templates `page_home(path)`: `path` under the page's language's home (`/es/contact/`)."""
    page: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kb_page", default=None)
    base = env.template_class

    class PageTemplate(base):  # type: ignore[valid-type,misc]
        def render(self, *args: object, **kwargs: object) -> str:
            values = dict(*args, **kwargs)
            token = page.set(values)
            try:
                return super().render(values)
            finally:
                page.reset(token)

    env.template_class = PageTemplate
    env.kb_page = page  # type: ignore[attr-defined]

    @jinja2.pass_context
    def page_home(context: jinja2.runtime.Context, path: str = "") -> str:
        site = page_value(context, "site")
        home = site.get("home", "/") if isinstance(site, dict) else "/"
        return env.filters["url"](home + path)  # type: ignore[no-any-return]

    env.globals["page_home"] = page_home


def page_value(context: jinja2.runtime.Context, name: str) -> object:
    """`name` of the template's context, else of the page being rendered (in a macro imported
    without context); None when neither has it."""
    value = context.get(name)
    if value is None:
        page = getattr(context.environment, "kb_page", None)
        values = page.get() if page is not None else None
        value = values.get(name) if values else None
    return value
