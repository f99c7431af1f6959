"""Typed reads of YAML values that record a positioned diagnostic instead of failing."""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import functools
from collections.abc import Iterable
from typing import Any

from ..errors import Diagnostic, error, warning
from .yamlpos import YamlDoc, parse_date, parse_slashed_date

_MISSING = object()


class Reader:
    """Reads fields of one YAML document, collecting diagnostics as it goes."""

    def __init__(self, doc: YamlDoc, path: str, line_offset: int = 0) -> None:
        self.doc = doc
        self.path = path
        self.offset = line_offset
        self.diagnostics: list[Diagnostic] = []

    def at(self, keypath: tuple, message: str, kind: str = "", value: bool = True) -> None:
        """Record an error at the value (or key) of `keypath`."""
        line, col = self.doc.value_pos(*keypath) if value else self.doc.key_pos(*keypath)
        self.diagnostics.append(error(self.path, line + self.offset, col, message, kind))

    def warn(self, keypath: tuple, message: str, kind: str = "") -> None:
        """Record a warning at the key of `keypath`."""
        line, col = self.doc.key_pos(*keypath)
        self.diagnostics.append(warning(self.path, line + self.offset, col, message, kind))

    def mapping(self, *keypath: Any) -> dict:
        """The mapping at `keypath` ({} when absent; an error when not a mapping)."""
        value = self._get(keypath)
        if value is _MISSING or value is None:
            return {}
        if not isinstance(value, dict):
            self.at(keypath, f"'{_name(keypath)}' must be a mapping")
            return {}
        return value

    def string(self, *keypath: Any, default: str | None = None, required: bool = False) -> str | None:
        """A non-empty string (numbers are accepted and converted)."""
        value = self._get(keypath)
        if value is _MISSING or value is None or (isinstance(value, str) and not value.strip()):
            if required:
                in_item = len(keypath) > 1 and isinstance(keypath[-2], int)
                self.at(keypath[:-1], f"missing required field '{_name(keypath)}'", value=in_item)
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
            self.at(keypath, f"'{_name(keypath)}' must be a string, not {_describe(value)}")
            return default
        return str(value).strip()  # `title: 2020-03-13` is YAML for a date; the writer meant text

    def blank(self, *keypath: Any) -> bool:
        """True, with an error, when the value at `keypath` is text of nothing but spaces (or empty)."""
        value = self._get(keypath)
        if isinstance(value, str) and not value.strip():
            self.at(keypath, f"{_name(keypath)} is blank")
            return True
        return False

    def boolean(self, *keypath: Any, default: bool = False) -> bool:
        """A true/false value."""
        value = self._get(keypath)
        if value is _MISSING or value is None:
            return default
        if not isinstance(value, bool):
            self.at(keypath, f"'{_name(keypath)}' must be true or false, not {_quote(value)}")
            return default
        return value

    def integer(self, *keypath: Any, default: int | None = None) -> int | None:
        """A whole number."""
        value = self._get(keypath)
        if value is _MISSING or value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.at(keypath, f"'{_name(keypath)}' must be a whole number, not {_quote(value)}")
            return default
        return value

    def date(self, *keypath: Any) -> dt.date | None:
        """A YAML date or an ISO 8601 string."""
        value = self._get(keypath)
        if value is _MISSING or value is None or value == "":
            return None
        parsed = parse_date(value)
        if parsed is None:
            slashed = parse_slashed_date(value)
            if isinstance(slashed, dt.date):
                line, col = self.doc.value_pos(*keypath)
                self.diagnostics.append(warning(
                    self.path, line + self.offset, col,
                    f"'{_name(keypath)}' {_quote(value)} read as {slashed.isoformat()}; write dates as YYYY-MM-DD",
                    kind="date not in YYYY-MM-DD",
                ))
                return slashed
            reason = "is ambiguous" if slashed == "ambiguous" else "is not a date"
            self.at(keypath, f"'{_name(keypath)}' {reason}: {_quote(value)} (use YYYY-MM-DD)")
        return parsed

    def strings(self, *keypath: Any, split: bool = False) -> tuple[str, ...]:
        """A list of strings; a single string is a list of one (with `split`, of its comma-separated parts)."""
        value = self._get(keypath)
        if value is _MISSING or value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            parts = str(value).split(",") if split else [str(value)]
            return tuple(p.strip() for p in parts if p.strip())
        if not isinstance(value, list):
            self.at(keypath, f"'{_name(keypath)}' must be a list of strings")
            return ()
        out = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.at(keypath + (index,), f"'{_name(keypath)}' items must be strings, not {_describe(item)}")
            elif str(item).strip():
                out.append(str(item).strip())
        return tuple(out)

    def unknown_keys(self, keypath: tuple, known: Iterable[str], extra: Iterable[str] = (), what: str = "field") -> None:
        """Warn about keys of the mapping at `keypath` that are neither known nor allowed."""
        mapping = self.raw(*keypath) if keypath else self.doc.data
        if not isinstance(mapping, dict):
            return
        known = tuple(known)
        patterns = tuple(extra)
        for key in mapping:
            name = str(key)
            if name in known or any(fnmatch.fnmatchcase(name, p) for p in patterns):
                continue
            hint = suggest(name, known)
            if "visibility" in known and str(mapping[key]).strip().lower() == "internal":  # published, were it a warning
                self.at(keypath + (key,), f"unknown {what} '{name}'{hint}: it makes nothing internal, and what it was "
                        "meant to hide would be published", kind=f"unknown {what}", value=False)
                continue
            self.warn(keypath + (key,), f"unknown {what} '{name}'{hint}", kind=f"unknown {what}")

    def raw(self, *keypath: Any) -> Any:
        """The unchecked value at `keypath`, or None when absent."""
        value = self._get(keypath)
        return None if value is _MISSING else value

    def _get(self, keypath: tuple) -> Any:
        value: Any = self.doc.data
        for key in keypath:
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return _MISSING
        return value


@functools.lru_cache(maxsize=1024)
def suggest(name: str, known: tuple[str, ...]) -> str:
    """` (did you mean 'x'?)` for a close known name, else nothing (the same keys recur a lot)."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _name(keypath: tuple) -> str:
    return ".".join(str(k) for k in keypath if not isinstance(k, int))


def _quote(value: Any) -> str:
    text = str(value)
    return "'" + (text if len(text) <= 40 else text[:37] + "...") + "'"


def _describe(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(type(value), _quote(value))
