"""Diagnostics with source positions, and the tree of errors kb tells the user about (KbError)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
import dataclasses
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"  # for information only: never fails a run, not even under --strict
LABELS = {WARNING: "warning: ", INFO: "note: "}
SHOW_PER_KIND = 3
CONTENT_FOLDER = ""  # the path of a diagnostic about the content folder itself (a shallow git clone)

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
    """One problem found in the input, at a position in a file: `path` relative to the content folder
    unless `in_content` is False (a template, the manifest); the reporter adds the folder (`located`)."""

    path: str
    line: int
    col: int
    message: str
    level: str = ERROR
    kind: str = ""
    in_content: bool = field(default=True, compare=False)

    def format(self) -> str:
        """Render as `path:line:col: message` (warnings say so)."""
        label = LABELS.get(self.level, "")
        return f"{printable(self.path)}:{self.line}:{self.col}: {label}{printable(self.message)}"

    def to_dict(self) -> dict:
        """The fields, for JSON: text as it is (JSON escapes controls), except bytes that are not UTF-8."""
        return {f.name: unicode_only(v) if isinstance(v := getattr(self, f.name), str) else v
                for f in dataclasses.fields(self) if f.name != "in_content"}

    def located(self, display: str) -> Diagnostic:
        """The diagnostic with its path after the content folder as the user typed it (`display`)."""
        if not self.in_content:
            return self
        path = self.path if display in ("", ".") else f"{display.rstrip('/')}/{self.path}"
        return Diagnostic(display if self.path == CONTENT_FOLDER else path, self.line, self.col, self.message, self.level, self.kind, False)

    @property
    def is_error(self) -> bool:
        """True for errors, False for warnings and information."""
        return self.level == ERROR


def located(diagnostics: Iterable[Diagnostic], display: str) -> tuple[Diagnostic, ...]:
    """The diagnostics as the user should see them (see `Diagnostic.located`), sorted by what is shown."""
    return tuple(sorted(d.located(display) for d in diagnostics))


def error(path: str, line: int, col: int, message: str, kind: str = "", in_content: bool = True) -> Diagnostic:
    """An error at a position (`path` relative to the content folder unless `in_content` is False)."""
    return Diagnostic(path, line, col, message, ERROR, kind or message, in_content)


def warning(path: str, line: int, col: int, message: str, kind: str = "", in_content: bool = True) -> Diagnostic:
    """A warning at a position; `kind` groups repeated warnings in the summary."""
    return Diagnostic(path, line, col, message, WARNING, kind or message, in_content)


def strictify(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Turn every warning into an error (for `--strict`)."""
    return tuple(dataclasses.replace(d, level=ERROR) if d.level == WARNING else d for d in diagnostics)


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


def plural(number: int, noun: str) -> str:
    """`number` and `noun`, the noun in the plural unless the number is 1: `1 error`, `1,204 warnings`."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


# --- the errors kb tells the user about ------------------------------------------------------
# KbError
# ├── UsageError            exit 2: what was asked cannot be done (OutputError, kb new's ArgumentError,
# │                                 status.times' ClockError, CannotServe)
# ├── ContentError          exit 1: the content has errors (TemplateProblem: one page's template)
# └── BuildFailed           exit 1: a build stopped, the output folder left as it was
#     ├── SearchError               the search index could not be built
#     ├── CannotWrite               the system refused a write (an OSError)
#     └── UnsafePath                a file of the site would land outside the output folder
# CannotRead (exit 1: `kb check` could not read a folder) and plain KbErrors (kb new) say `Error: `.


@dataclass(frozen=True)
class Reporting:
    """What an error's lines depend on: the content and output folders as the user typed them (a
    failed build leaves the output as it was), and whether warnings are left out (--quiet)."""

    out: str | None = None
    quiet: bool = False
    content: str = ""

    @property
    def left(self) -> str:
        """The end of a failed build's line: which folder was left as it was."""
        return f"; '{self.out}' was left as it was" if self.out is not None else ""


class KbError(Exception):
    """Root of the errors kb tells the user about: it formats itself and says how kb exits (1 for
    the content or the system, 2 for usage). A bug is any other exception, and shows a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def messages(self, reporting: Reporting = Reporting()) -> list[str]:
        """The lines the command line prints on stderr."""
        return [f"Error: {self.message}"]


class UsageError(KbError):
    """What a command was asked cannot be done (an argument, an option, a folder); exits with status 2.
    The command line shows the command's usage before the lines."""

    exit_code = 2


class OutputError(UsageError):
    """The output (or cache) folder is not a safe place to write; exits with status 2."""


class NoContentFolder(UsageError):
    """The content folder does not exist, or is not a folder; the reporter names it as the user typed it."""

    def __init__(self, state: str) -> None:
        super().__init__(f"content folder {state}")
        self.state, self.args = state, (state,)

    def named(self, display: str) -> str:
        """The message, naming the folder as the user typed it."""
        return f"content folder '{display}' {self.state}"

    def messages(self, reporting: Reporting = Reporting()) -> list[str]:
        return [f"Error: {self.named(reporting.content)}"]


class CannotServe(UsageError):
    """`kb serve` cannot listen where it was asked (the address, the port); exits with status 2."""

    def __init__(self, address: str, port: int, problem: OSError) -> None:
        super().__init__(f"cannot serve on {address}:{port}: {problem.strerror or problem}")
        self.args = (address, port, problem)


class ContentError(KbError):
    """The content has errors; carries every one of them (and the warnings found with them)."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(diagnostics))
        count = len(self.diagnostics)
        super().__init__(f"{count} error{'s' if count != 1 else ''}")
        self.args = (self.diagnostics,)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The errors, in order."""
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The warnings (and notes) found with them, in order."""
        return tuple(d for d in self.diagnostics if not d.is_error)

    def messages(self, reporting: Reporting = Reporting()) -> list[str]:
        """The warnings summarised (unless quiet), every error, and a line that counts them."""
        shown = located(self.diagnostics, reporting.content)
        errors, warnings = [d for d in shown if d.is_error], [d for d in shown if not d.is_error]
        return [
            *([] if reporting.quiet else summarise(warnings)),
            *(d.format() for d in errors),
            f"kb: build failed: {plural(len(errors), 'error')}, {plural(len(warnings), 'warning')}{reporting.left}",
        ]


class TemplateProblem(ContentError):
    """A template could not render a page; carries the positioned diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__((diagnostic,))
        self.diagnostic = diagnostic
        self.message = diagnostic.format()
        self.args = (diagnostic,)


class BuildFailed(KbError):
    """A build stopped before its site was complete; the published site was left as it was."""

    def messages(self, reporting: Reporting = Reporting()) -> list[str]:
        """One line: what stopped the build, and which folder was left as it was."""
        return [f"kb: {self.message}{reporting.left}"]


class SearchError(BuildFailed):
    """The search index could not be built; the message says why."""

    def messages(self, reporting: Reporting = Reporting()) -> list[str]:
        """One line: why there is no index (Pagefind's words, escaped), and which folder was left as it was."""
        return [f"kb: search index: {printable(self.message)}{reporting.left}"]


class CannotWrite(BuildFailed):
    """The system refused to write the site (a full disk, a folder it may not write); from the OSError."""

    def __init__(self, problem: OSError) -> None:
        where = f" '{printable(str(problem.filename))}'" if problem.filename else ""
        super().__init__(f"cannot write the site{where}: {problem.strerror or problem}")
        self.args = (problem,)


class UnsafePath(BuildFailed):
    """A file of the site would be written outside the output folder (`..`, a backslash): nothing is."""

    def __init__(self, path: str) -> None:
        super().__init__(f"refusing to write outside the output folder: {path!r}")
        self.args = (path,)

    def messages(self, reporting: Reporting = Reporting()) -> list[str]:
        """One line: the path refused, and which folder was left as it was."""
        return [f"kb: cannot write the site: {self.message}{reporting.left}"]


class CannotRead(KbError):
    """`kb check` could not read a file or folder of the content (the OSError says why)."""

    def __init__(self, problem: OSError) -> None:
        where = f" '{printable(str(problem.filename))}'" if problem.filename else ""
        super().__init__(f"cannot read{where}: {problem.strerror or problem}")
        self.args = (problem,)

    def messages(self, reporting: Reporting = Reporting()) -> list[str]:
        """One line, as kb's other reports: `kb: cannot read '<path>': <why>`."""
        return [f"kb: {self.message}"]


@contextlib.contextmanager
def os_errors_as(kind: Callable[[OSError], KbError]) -> Iterator[None]:
    """Turn an OSError raised inside into the KbError `kind` makes of it (which file, and why)."""
    try:
        yield
    except OSError as exc:
        raise kind(exc) from exc
