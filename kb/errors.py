"""Diagnostics with source positions, and the exceptions that carry them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import click

ERROR = "error"
WARNING = "warning"
INFO = "info"  # for information only: never fails a run, not even under --strict
LABELS = {WARNING: "warning: ", INFO: "note: "}
SHOW_PER_KIND = 3

# C0 and C1 controls, DEL, bidirectional marks, overrides and isolates, line and paragraph
# separators: a file name or value holding one could rewrite or reorder what a terminal shows
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")  # JSON escapes C0 itself
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (os.fsdecode's surrogate)
        return f"\\x{code - 0xDC00:02x}"
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """`text` with every control character written as an escape (`\\x1b`, `\\n`, `\\u202e`), so that
    it prints as one line showing what it holds; a byte of a name that is not UTF-8 shows as `\\xe9`."""
    return _CONTROLS.sub(_escape, text) if _CONTROLS.search(text) else text


def json_escaped(text: str) -> str:
    """JSON text with the control characters that JSON leaves raw (C1, DEL, bidirectional marks)
    written as `\\u` escapes: the same JSON, safe to print."""
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def unicode_only(text: str) -> str:
    """`text` with the bytes of a name that is not UTF-8 written as `\\xe9` (they cannot be encoded)."""
    return re.sub("[\ud800-\udfff]", _escape, text)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in the input, at a position in a file."""

    path: str
    line: int
    col: int
    message: str
    level: str = ERROR
    kind: str = ""

    def format(self) -> str:
        """Render as `path:line:col: message` (warnings say so)."""
        label = LABELS.get(self.level, "")
        return f"{printable(self.path)}:{self.line}:{self.col}: {label}{printable(self.message)}"

    def to_dict(self) -> dict:
        """The fields, for JSON: text as it is (JSON escapes controls), except bytes that are not UTF-8."""
        return {k: unicode_only(v) if isinstance(v, str) else v for k, v in asdict(self).items()}

    @property
    def is_error(self) -> bool:
        """True for errors, False for warnings and information."""
        return self.level == ERROR


def join_display(display: str, rel: str) -> str:
    """The path of a content file as the user should see it: the content folder as typed, then `rel`."""
    return rel if display in ("", ".") else f"{display.rstrip('/')}/{rel}"


def error(path: str, line: int, col: int, message: str, kind: str = "") -> Diagnostic:
    """An error at a position."""
    return Diagnostic(path, line, col, message, ERROR, kind or message)


def warning(path: str, line: int, col: int, message: str, kind: str = "") -> Diagnostic:
    """A warning at a position; `kind` groups repeated warnings in the summary."""
    return Diagnostic(path, line, col, message, WARNING, kind or message)


def strictify(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Turn every warning into an error (for `--strict`)."""
    return tuple(
        Diagnostic(d.path, d.line, d.col, d.message, ERROR if d.level == WARNING else d.level, d.kind)
        for d in diagnostics
    )


def summarise(diagnostics: Iterable[Diagnostic], per_kind: int = SHOW_PER_KIND) -> list[str]:
    """The lines to print: a kind seen more than `per_kind` times shows its first ones and a count."""
    by_kind: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_kind.setdefault(diagnostic.kind, []).append(diagnostic)
    lines = []
    for kind, items in sorted(by_kind.items(), key=lambda kv: kv[1][0]):
        lines.extend(d.format() for d in items[:per_kind])
        if len(items) > per_kind:
            label = LABELS.get(items[0].level, "")
            lines.append(f"{label}{len(items) - per_kind:,} more like this ({printable(kind)}: {len(items):,} in all)")
    return lines


class KbError(click.ClickException):
    """Root of kb's user-facing errors; exits with status 1."""

    exit_code = 1


class ContentError(KbError):
    """The content has errors; carries every one of them."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(diagnostics))
        count = len(self.diagnostics)
        super().__init__(f"{count} error{'s' if count != 1 else ''}")


class OutputError(click.UsageError):
    """The output folder is not a safe place to write; exits with status 2."""
