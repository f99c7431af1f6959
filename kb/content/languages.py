"""The site's languages from `site.yaml`: `language`, `languages`, `fallback` and the per-language
site strings of `i18n`; and what a file name's language suffix says (`refund.es.md`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from ..errors import warning
from ..direction import is_rtl
from ..model import Contact, Language, Link, Localized
from .schema import Reader

LANGUAGE_KEYS = ("code", "name", "default", "dir")
I18N_KEYS = ("title", "tagline", "notice", "contact", "footer_links")
FALLBACKS = ("show", "hide")
CODE_LIMIT = 35  # characters of a language code: what RFC 5646 (4.4.1) asks every implementation to hold
# a language's folder must not be one of kb's own: /tags/, /assets/, /search/…
RESERVED_FOLDERS = frozenset({"tags", "assets", "search", "status", "api", "contact", "pagefind", "feed.xml"})

# a well-formed BCP 47 tag (RFC 5646 section 2.1) with a two- or three-letter language: language, script,
# region, variants, extensions, private use
BCP47 = re.compile(
    r"[a-z]{2,3}(?:-[a-z]{3}){0,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*(?:-x(?:-[a-z0-9]{1,8})+)?"
    r"|x(?:-[a-z0-9]{1,8})+",
    re.I | re.A,
)


def read_language(r: Reader) -> str:
    """`language`: a BCP 47 tag such as `en`, `pt-BR` or `zh-Hant`; `en_US` is read as `en-US`."""
    code = r.string("language", default="en") or "en"
    return _code(r, ("language",), code) or "en"


def canonical(code: str) -> str:
    """A BCP 47 tag in its usual letter case: `pt-br` → `pt-BR`, `ZH-hant` → `zh-Hant` (catalogs and
    search look a language up by that spelling)."""
    parts = code.split("-")
    out = [parts[0].lower()]
    singleton = parts[0].lower() == "x"
    for part in parts[1:]:
        singleton = singleton or len(part) == 1  # after `x-` or an extension's letter: as written, lower-cased
        if singleton:
            out.append(part.lower())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def _code(r: Reader, keypath: tuple, code: str) -> str | None:
    if len(code) > CODE_LIMIT:  # it names folders (/es/, the catalogs' es/): a name a disk can hold
        r.at(keypath, f"language code '{code[:20]}...' is longer than {CODE_LIMIT} characters")
        return None
    if BCP47.fullmatch(code):
        return canonical(code)
    hyphens = code.replace("_", "-")
    if BCP47.fullmatch(hyphens):
        line, col = r.doc.value_pos(*keypath)  # at the code itself, also in a list of codes
        r.diagnostics.append(warning(r.path, line + r.offset, col, f"language '{code}' is written '{hyphens}' "
                                     "(BCP 47 joins its parts with '-')", "language with '_'"))
        return canonical(hyphens)
    r.at(keypath, f"language '{code}' is not a language code such as 'en', 'fr' or 'pt-BR' (BCP 47)")
    return None


def read_languages(r: Reader, language: str) -> tuple[Language, ...]:
    """`languages`: a list of {code, name, default, dir} (or of codes); the default first. Without
    it, the one language of `language`."""
    raw = r.raw("languages")
    if raw is None:
        return (Language(language, language, is_rtl(language)),)
    if not isinstance(raw, list) or not raw:
        r.at(("languages",), "languages must be a list of {code, name}, such as [{code: en, name: English}]")
        return (Language(language, language, is_rtl(language)),)
    found: list[tuple[Language, bool]] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(raw):
        at = ("languages", index)
        if isinstance(item, str):
            item, at_code = {"code": item}, at
        elif isinstance(item, dict):
            r.unknown_keys(at, LANGUAGE_KEYS, what="language setting")
            at_code = (*at, "code")
        else:
            r.at(at, "each language must be a code or a mapping {code, name}")
            continue
        written = r.string(*at_code) if at_code != at else str(item["code"]).strip()
        if not written:
            r.at(at, "missing required field 'code'", value=False)
            continue
        code = _code(r, at_code, written)
        if code is None:
            continue
        folder = code.lower()
        if folder in seen:
            r.at(at_code, f"language '{written}' is listed twice (also as '{seen[folder]}')")
            continue
        if folder in RESERVED_FOLDERS:
            r.at(at_code, f"language '{code}' would put its pages at /{folder}/, which kb's own pages use")
            continue
        seen[folder] = code
        named = r.string(*at, "name") if at_code != at else None
        if not named and not is_known(code):
            r.at(at_code, f"language '{code}' is not a language CLDR knows; check the code, or give the "
                          "language's name with name:")
            continue
        name = named or language_name(code)
        direction = (r.string(*at, "dir") if at_code != at else None) or ("rtl" if is_rtl(code) else "ltr")
        if direction not in ("ltr", "rtl"):
            r.at((*at, "dir"), f"dir must be ltr or rtl, not '{direction}'")
            direction = "rtl" if is_rtl(code) else "ltr"
        default = r.boolean(*at, "default") if at_code != at else False
        found.append((Language(code, name, direction == "rtl", folder), default))
    if not found:
        return (Language(language, language, is_rtl(language)),)
    defaults = [index for index, (_, default) in enumerate(found) if default]
    if len(defaults) > 1:
        r.at(("languages", defaults[1], "default"), f"only one language can be the default; "
                                                    f"'{found[defaults[0]][0].code}' is already")
    first = defaults[0] if defaults else 0
    ordered = [found[first][0], *(lang for index, (lang, _) in enumerate(found) if index != first)]
    if r.raw("language") is not None and r.string("language") not in (None, ordered[0].code):
        r.at(("language",), f"language '{r.string('language')}' is not the default of languages "
                            f"('{ordered[0].code}'); remove it or make it the default")
    return (Language(ordered[0].code, ordered[0].name, ordered[0].rtl, ""), *ordered[1:])


def find_language(written: str, languages: tuple[Language, ...]) -> str | None:
    """The code of the site's language written `written` (its code or folder, in any letter case)."""
    return next((lang.code for lang in languages if written.lower() in (lang.code.lower(), lang.path)), None)


def read_fallback(r: Reader) -> str:
    """`fallback`: what a language's listings show for an article it has no translation of."""
    value = r.string("fallback", default="show") or "show"
    if value not in FALLBACKS:
        r.at(("fallback",), f"fallback must be 'show' (list the original) or 'hide', not '{value}'")
        return "show"
    return value


def read_i18n(
    r: Reader, languages: tuple[Language, ...],
    contact: Callable[[tuple], Contact], links: Callable[[tuple], tuple[Link, ...]],
) -> tuple[tuple[str, Localized], ...]:
    """`i18n: {es: {title, tagline, notice: {text}, contact, footer_links}}`: the site strings of
    each language that differ from the default's."""
    raw = r.raw("i18n")
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        r.at(("i18n",), "i18n must be a mapping of language codes to site strings, such as {es: {tagline: ...}}")
        return ()
    codes = {lang.code.lower(): lang.code for lang in languages}
    found: list[tuple[str, Localized]] = []
    for key in raw:
        code = codes.get(str(key).lower())
        if code is None:
            listed = ", ".join(lang.code for lang in languages)
            r.at(("i18n", key), f"language '{key}' is not one of the site's languages ({listed})", value=False)
            continue
        if not r.mapping("i18n", key):
            continue
        r.unknown_keys(("i18n", key), I18N_KEYS, what="setting")
        notice = r.raw("i18n", key, "notice")
        text = r.string("i18n", key, "notice") if isinstance(notice, str) else r.string("i18n", key, "notice", "text")
        if isinstance(notice, dict):
            r.unknown_keys(("i18n", key, "notice"), ("text",), what="setting (only the text is per language)")
        has = lambda name: r.raw("i18n", key, name) is not None  # noqa: E731
        found.append((code, Localized(
            title=r.string("i18n", key, "title"), tagline=r.string("i18n", key, "tagline"),
            notice_text=text,
            contact=contact(("i18n", key, "contact")) if has("contact") else None,
            footer_links=links(("i18n", key, "footer_links")) if has("footer_links") else None,
        )))
    order = [lang.code for lang in languages]
    return tuple(sorted(found, key=lambda item: order.index(item[0])))


@functools.lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """A language's name in itself ("Español", "Português (Brasil)"), from CLDR; the code when unknown."""
    try:
        import babel

        locale = babel.Locale.parse(code.replace("-", "_"))
        name = locale.get_display_name(locale) or code
    except Exception:  # noqa: BLE001 - babel.UnknownLocaleError, ImportError…: not a language CLDR knows
        return code
    return name[:1].upper() + name[1:]


def is_known(code: str) -> bool:
    """Whether CLDR knows the language of `code` (`es`, `pt-BR`, `tlh`), or it is for private use
    (`x-klingon`, `qaa`–`qtz`)."""
    primary = code.split("-")[0].lower()
    if primary == "x" or ("qaa" <= primary <= "qtz" and len(primary) == 3):
        return True
    known = _cldr_languages()
    return known is None or primary in known


@functools.lru_cache(maxsize=1)
def _cldr_languages() -> frozenset[str] | None:
    """The language codes CLDR names; None without CLDR (then every well-formed code is taken)."""
    try:
        import babel

        return frozenset(key.lower() for key in babel.Locale("en").languages)
    except Exception:  # noqa: BLE001 - babel missing or its data unreadable
        return None


def suffix_language(name: str, languages: tuple[Language, ...]) -> tuple[str, str] | None:
    """A file name's language suffix: ("es", "refund.md") for `refund.es.md` when `es` (or `ES`)
    is one of the languages; None when the name has no such suffix."""
    stem, dot, ext = name.rpartition(".")
    base, dot2, suffix = stem.rpartition(".")
    if not dot or not dot2 or not base or not suffix:  # `refund..md` has no suffix
        return None
    for lang in languages:
        if suffix.lower() == lang.path or suffix.lower() == lang.code.lower() or suffix.lower() == lang.code.lower().replace("-", "_"):
            return lang.code, f"{base}.{ext}"
    return None


def looks_like_language(suffix: str) -> bool:
    """Whether a file name's suffix is a language CLDR knows (`fr`, `pt-BR`), so that a suffix the
    site does not list is reported rather than taken as part of the name (`setup.old.md` is not)."""
    if not BCP47.fullmatch(suffix) or suffix.lower().startswith("x-"):
        return False
    return language_name(suffix) != suffix
