"""The theme's own words from gettext catalogs (read with Babel), and dates written the reader's way.

Catalogs sit in `<folder>/<code>/LC_MESSAGES/messages.po` (`pt_BR` or `pt-BR`); the folders are
given in priority order (the project's, the theme's, the default theme's) and a message missing
from one is looked up in the next, then is its msgid. Translations are text: under autoescaping
they are escaped like any other text, so a catalog can never add markup to a page."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markupsafe
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import NullTranslations, Translations

from ..content.textio import ARTICLE_LIMIT, read_bytes
from ..errors import Diagnostic, error
from .loader import shown_path
from .pagevars import page_value

DOMAIN = "messages"
# the words kb's Python code makes for the pages (page contexts, status views): every shipped
# catalog translates them, as it translates every word of the default theme's templates
CONTEXT_MESSAGES = (
    "Home", "Tags", "Browse articles by tag.", "Articles tagged “%(tag)s”", "Articles tagged %(tag)s.",
    "Search", "Search the %(title)s.", "Contact us", "Ask the support team a question.", "Page not found",
    "The page you asked for does not exist.", "Articles about %(topic)s.", "%(title)s: new and updated articles",
    "Updated", "Related articles",
    # kb/status/view.py
    "Operational", "Under maintenance", "Degraded performance", "Partial outage", "Major outage", "No data",
    "Investigating", "Identified", "Monitoring", "Resolved", "Postmortem", "Scheduled", "In progress",
    "Verifying", "Completed", "No impact", "Minor", "Major", "Critical", "Maintenance",
    # kb/status/report.py
    "All Systems Operational", "Partial System Outage", "Major System Outage", "Minor Service Outage",
    "Service Under Maintenance",
)


_MSGIDS = NullTranslations()  # the msgids themselves: singular for 1, else plural


@dataclass(frozen=True, eq=False)
class Catalogs:
    """The merged translations of each language code asked for (None: the msgids), a digest
    of every catalog file read (it changes when any of them does), and the codes whose catalogs
    only repeat their msgids (English: the templates' own words)."""

    by_code: Mapping[str, NullTranslations | None] = field(default_factory=dict)
    digest: str = ""
    same: frozenset[str] = frozenset()

    def _find(self, code: str) -> NullTranslations | None:
        found = self.by_code.get(code)
        if found is None and "-" in code:
            found = self.by_code.get(code.split("-")[0])
        return found

    def gettext(self, code: str) -> Callable[[str], str]:
        """The `gettext` of language `code` (the msgid when it has no translation)."""
        found = self._find(code)
        return (found or _MSGIDS).gettext

    def ngettext(self, code: str) -> Callable[[str, str, int], str]:
        """The `ngettext` of language `code`, with the catalog's own plural forms."""
        found = self._find(code)
        return (found or _MSGIDS).ngettext

    def translates(self, code: str) -> bool:
        """Whether language `code` has words other than the msgids."""
        return self._find(code) is not None and code not in self.same and code.split("-")[0] not in self.same


def catalog_folders(root: Path, theme: Path | None, default_theme: Path | None) -> list[Path]:
    """Where catalogs are looked for, first first: the project's, the theme's, the default theme's."""
    folders = [root / "locales"]
    for base in (theme, default_theme):
        if base is not None and base / "locales" not in folders:
            folders.append(base / "locales")
    return folders


def load_catalogs(folders: Sequence[Path], codes: Sequence[str], root: Path | None = None) -> tuple[Catalogs, list[Diagnostic]]:
    """The catalogs of `codes` from `folders` (priority order); a broken .po file is an error at its
    line (its path relative to `root`, the content folder, when inside it)."""
    problems: list[Diagnostic] = []
    digest = hashlib.sha256("\0".join(codes).encode())
    by_code: dict[str, NullTranslations | None] = {}
    same: set[str] = set()
    wanted = list(dict.fromkeys([*codes, *(c.split("-")[0] for c in codes if "-" in c)]))
    for code in wanted:
        chain: list[Translations] = []
        repeats = True
        for folder in folders:
            path = _po_file(folder, code)
            if path is None:
                continue
            data, shown = _read(path, root, problems)
            digest.update(f"{path}\0".encode("utf-8", "surrogatepass") + (data or b"") + b"\0")
            found, repeated = (None, True) if data is None else _translations(data, path, shown, problems)
            if found is not None:
                chain.append(found)
                repeats = repeats and repeated
        for before, after in zip(chain, chain[1:]):
            before.add_fallback(after)
        by_code[code] = chain[0] if chain else None
        if chain and repeats:
            same.add(code)
    return Catalogs(by_code, digest.hexdigest(), frozenset(same)), problems


def _po_file(folder: Path, code: str) -> Path | None:
    for name in dict.fromkeys((code.replace("-", "_"), code, code.replace("_", "-"))):
        path = folder / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


def _where(path: Path, root: Path | None) -> tuple[str, bool]:
    if root is not None and path.absolute().is_relative_to(root.absolute()):
        return path.absolute().relative_to(root.absolute()).as_posix(), True
    return shown_path(str(path)), False


def _read(path: Path, root: Path | None, problems: list[Diagnostic]) -> tuple[bytes | None, tuple[str, bool]]:
    shown = _where(path, root)
    try:
        return read_bytes(str(path), ARTICLE_LIMIT), shown
    except OSError as exc:
        problems.append(error(shown[0], 1, 1, f"catalog cannot be read: {exc.strerror or exc}", in_content=shown[1]))
        return None, shown


def _translations(data: bytes, path: Path, shown: tuple[str, bool], problems: list[Diagnostic]) -> tuple[Translations | None, bool]:
    """The catalog's translations (None when broken), and whether its every msgstr is its msgid."""
    where, inside = shown

    def fail(line: int, message: str) -> None:
        problems.append(error(where, max(line, 1), 1, f"catalog error: {message}", in_content=inside))

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(data[:exc.start].count(b"\n") + 1, "not UTF-8 text")
        return None, True
    try:
        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as exc:
        fail(getattr(exc, "lineno", 0) + 1, str(exc).rsplit(" on ", 1)[0])  # Babel counts lines from 0
        return None, True
    except (ValueError, KeyError, IndexError) as exc:  # a header Babel cannot read
        fail(1, str(exc) or type(exc).__name__)
        return None, True
    if not _checked(catalog, text, fail):
        return None, True
    out = io.BytesIO()
    write_mo(out, catalog)
    repeated = all(m.string == m.id for m in list(catalog)[1:] if m.string and not m.fuzzy)
    try:
        return Translations(fp=io.BytesIO(out.getvalue()), domain=DOMAIN), repeated
    except (ValueError, SyntaxError, OSError) as exc:  # gettext refuses the Plural-Forms expression
        fail(_line_of(text, "Plural-Forms"), f"plural forms cannot be read: {exc}")
        return None, True


def _checked(catalog: Catalog, text: str, fail: Callable[[int, str], None]) -> bool:
    """Babel's checks of every translated message: its placeholders fit its msgid's (a wrong one
    would fail the page that uses it), it has as many plural forms as the catalog says."""
    good = True
    try:
        catalog.plural_expr  # noqa: B018 - raises when the header names a locale Babel does not know
    except (ValueError, UnknownLocaleError) as exc:
        fail(_line_of(text, "Plural-Forms"), f"plural forms cannot be read: {exc}")
        return False
    for message in list(catalog)[1:]:
        if not message.string or message.fuzzy:
            continue
        msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        empty = ["a plural form is empty"] if isinstance(message.string, (tuple, list)) and not all(message.string) else []
        for problem in empty or message.check(catalog):
            fail(message.lineno, f"translation of '{msgid}': {problem}")
            good = False
    return good


def _line_of(text: str, word: str) -> int:
    at = text.find(word)
    return 1 if at < 0 else text.count("\n", 0, at) + 1


def _as_text(value: str, autoescape: bool) -> str:
    """A translation as text: under autoescaping `&`, `<`, `>` and `"` are escaped (an apostrophe
    is left as written: kb's templates quote attributes with `"`)."""
    if not autoescape:
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")


def install(env: jinja2.Environment, catalogs: Catalogs | None, default_code: str) -> None:
    """Jinja's i18n extension (newstyle) whose gettext/ngettext use the catalog of the context's
    `lang`, and the `longdate` and `language_name` filters in that language."""
    found = catalogs or Catalogs()

    def lang(context: jinja2.runtime.Context) -> str:  # the page's, also in a macro imported without context
        return code if isinstance(code := page_value(context, "lang"), str) and code else default_code

    words: dict[tuple, str] = {}  # (code, autoescape, message...) -> the translation as the page writes it

    def prepared(key: tuple, translate: Callable[[], str]) -> str:
        if key not in words:
            words[key] = markupsafe.Markup(_as_text(translate(), True)) if key[1] else translate()
        return words[key]

    # Jinja's newstyle gettext and ngettext (jinja2.ext._make_new_gettext) with each translation
    # looked up once: `_("...", name=value)` fills the translation's %(name)s, escaping the value
    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, message: str, /, **variables: object) -> str:
        code = lang(context)
        text = prepared((code, context.eval_ctx.autoescape, message), lambda: found.gettext(code)(message))
        return text % variables if "%" in text else text

    @jinja2.pass_context
    def ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int, /, **variables: object) -> str:
        code = lang(context)
        variables.setdefault("num", n)
        key = (code, context.eval_ctx.autoescape, singular, plural, n)
        text = prepared(key, lambda: found.ngettext(code)(singular, plural, n))
        return text % variables if "%" in text else text

    locales: dict[str, Locale] = {}
    made: dict[tuple, object] = {}  # dates, plural samples and language names, each made once

    def locale(code: str) -> Locale:
        return locales[code] if code in locales else locales.setdefault(code, babel_locale(code))

    def once(key: tuple, make: Callable[[], object]) -> object:
        if key not in made:
            made[key] = make()
        return made[key]

    @jinja2.pass_context
    def longdate(context: jinja2.runtime.Context, value: dt.date | None) -> str:
        if not value:
            return ""
        if not isinstance(value, dt.date):
            raise TypeError(f"longdate needs a date, not {type(value).__name__} {value!r}")
        code = lang(context)
        return once(("date", code, value), lambda: format_date(value, format="long", locale=locale(code)))  # type: ignore[return-value]

    @jinja2.pass_context
    def language_name(context: jinja2.runtime.Context, code: str) -> str:
        """The name of language `code` in the page's language (CLDR: "inglés" for "en" on a Spanish page)."""
        page = lang(context)
        return once(("name", page, code), lambda: locale(code).get_display_name(locale(page)) or code)  # type: ignore[return-value]

    @jinja2.pass_context
    def plural_samples(context: jinja2.runtime.Context) -> list[tuple[str, int]]:
        """(CLDR plural category, a number in it) of the page's language, for Intl.PluralRules."""
        code = lang(context)
        return once(("plurals", code), lambda: _samples(locale(code)))  # type: ignore[return-value]

    @jinja2.pass_context
    def translated(context: jinja2.runtime.Context) -> bool:
        """Whether the page's language has words of its own (else the templates' English ones)."""
        return found.translates(lang(context))

    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(gettext=gettext, ngettext=ngettext, _=gettext)  # already newstyle: not wrapped again
    env.filters.update(longdate=longdate, language_name=language_name)
    env.globals.update(plural_samples=plural_samples, translated=translated)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}  # `tojson`: words as they are
    env.kb_catalogs_digest = found.digest  # type: ignore[attr-defined]


def babel_locale(code: str) -> Locale:
    """Babel's locale for a BCP 47 code: the code, else its primary subtag, else English."""
    for candidate in (code, code.split("-")[0]):
        try:
            return Locale.parse(candidate.replace("_", "-"), sep="-")
        except (ValueError, UnknownLocaleError):
            continue
    return Locale("en")


def _samples(locale: Locale) -> list[tuple[str, int]]:
    rule, found = locale.plural_form, {}
    for n in range(0, 1001):
        found.setdefault(rule(n), n)
    return sorted(found.items(), key=lambda item: item[1])
