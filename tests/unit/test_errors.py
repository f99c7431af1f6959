"""kb.errors: diagnostics, their format and order, and the exceptions that carry them."""

from __future__ import annotations

import ast
import importlib
import json
import os
import pickle
import pkgutil
from pathlib import Path

import pytest

import kb
from kbtest import write_tree
from kb.errors import (
    BuildFailed,
    CannotRead,
    CannotServe,
    CannotWrite,
    ContentError,
    Diagnostic,
    KbError,
    OutputError,
    Reporting,
    SearchError,
    TemplateProblem,
    UnsafePath,
    UsageError,
    error,
    json_escaped,
    printable,
    strictify,
    warning,
)


def test_format() -> None:
    assert error("content/a.md", 3, 7, "bad thing").format() == "content/a.md:3:7: bad thing"
    assert warning("content/a.md", 1, 1, "odd thing").format() == "content/a.md:1:1: warning: odd thing"


def test_kind_defaults_to_the_message() -> None:
    assert error("a", 1, 1, "m").kind == "m"
    assert warning("a", 1, 1, "m", "group").kind == "group"
    assert error("a", 1, 1, "m").is_error and not warning("a", 1, 1, "m").is_error


def test_diagnostics_sort_by_path_then_position() -> None:
    items = [error("b.md", 1, 1, "x"), error("a.md", 10, 1, "x"), error("a.md", 2, 5, "x"), error("a.md", 2, 3, "x")]
    assert [(d.path, d.line, d.col) for d in sorted(items)] == [
        ("a.md", 2, 3), ("a.md", 2, 5), ("a.md", 10, 1), ("b.md", 1, 1),
    ]


def test_strictify_turns_warnings_into_errors_and_keeps_the_rest() -> None:
    strict = strictify([warning("a.md", 2, 3, "odd", "kind"), error("b.md", 1, 1, "bad")])
    assert strict == (Diagnostic("a.md", 2, 3, "odd", "error", "kind"), Diagnostic("b.md", 1, 1, "bad", "error", "bad"))
    assert strict[0].format() == "a.md:2:3: odd"


def test_content_error_counts_and_sorts() -> None:
    one = ContentError([error("b.md", 1, 1, "x")])
    assert one.message == "1 error"
    many = ContentError([error("b.md", 1, 1, "x"), error("a.md", 1, 1, "y")])
    assert many.message == "2 errors"
    assert [d.path for d in many.diagnostics] == ["a.md", "b.md"]
    assert isinstance(many, KbError) and many.exit_code == 1


def test_output_error_exits_2() -> None:
    assert OutputError("nope").exit_code == 2


@pytest.mark.parametrize(("raw", "shown"), [
    ("plain/é 设置.md", "plain/é 设置.md"),
    ("a\x1b[2J\x1b]0;title\x07.md", "a\\x1b[2J\\x1b]0;title\\x07.md"),
    ("a\nfake.md:1:1: error: injected", "a\\nfake.md:1:1: error: injected"),
    ("tab\there\rcr\x00nul\x7fdel", "tab\\there\\rcr\\x00nul\\x7fdel"),
    ("c1\x85\x9b31m", "c1\\x85\\x9b31m"),
    ("bidi\u202eexe.md\u2066\u2069\u200f", "bidi\\u202eexe.md\\u2066\\u2069\\u200f"),
    ("line\u2028sep", "line\\u2028sep"),
    ("caf" + b"\xe9".decode("utf-8", "surrogateescape"), "caf\\xe9"),
])
def test_control_characters_print_as_escapes(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    line = error(f"content/{raw}", 2, 3, f"link to missing article '{raw}'").format()
    assert line == f"content/{shown}:2:3: link to missing article '{shown}'"
    assert not any(ch in line for ch in "\n\r\x1b\x9b\u202e")


def test_github_annotations_cannot_start_a_second_command() -> None:
    from kb.cli.commands import github_annotation
    found = github_annotation(error("content/a\n::error file=x::b\r\x1b.md", 1, 1, "bad\n::warning::x \x1b[31m"))
    assert "\n" not in found and "\r" not in found and "\x1b" not in found
    assert found.startswith("::error file=content/a\\n%3A%3Aerror file=x%3A%3Ab\\r\\x1b.md,line=1,col=1,title=kb::")


def test_json_keeps_the_text_and_prints_safely() -> None:
    raw = error("content/a\x1b\u202e" + b"\xe9".decode("utf-8", "surrogateescape"), 1, 1, "m\x9b")
    text = json_escaped(json.dumps([raw.to_dict()], ensure_ascii=False))
    assert not any(ch in text for ch in "\x1b\u202e\x9b")
    assert json.loads(text)[0]["path"] == "content/a\x1b\u202e\\xe9"
    assert json.loads(text)[0]["message"] == "m\x9b"
    text.encode("utf-8")  # no lone surrogate


# --- the error tree ----------------------------------------------------------------------------

BUILD = Reporting(out="site/")  # how `kb build --out site/` reports: the folder as typed
DENIED = PermissionError(13, "Permission denied", "content/lo\x1bcked")


@pytest.mark.parametrize(("exc", "code", "lines"), [
    (KbError("content/a.md already exists"), 1, ["Error: content/a.md already exists"]),
    (UsageError("content folder 'x' does not exist"), 2, ["Error: content folder 'x' does not exist"]),
    (OutputError("output folder 'content' is inside the content folder; choose another --out"), 2,
     ["Error: output folder 'content' is inside the content folder; choose another --out"]),
    (CannotServe("127.0.0.1", 80, PermissionError(13, "Permission denied")), 2,
     ["Error: cannot serve on 127.0.0.1:80: Permission denied"]),
    (SearchError("Pagefind failed: \x1b[2Jout of disk"), 1,
     ["kb: search index: Pagefind failed: \\x1b[2Jout of disk; 'site/' was left as it was"]),
    (CannotWrite(OSError(28, "No space left on device", "site/a\nb.html")), 1,
     ["kb: cannot write the site 'site/a\\nb.html': No space left on device; 'site/' was left as it was"]),
    (CannotWrite(OSError("no file named")), 1, ["kb: cannot write the site: no file named; 'site/' was left as it was"]),
    (UnsafePath("a\\b.png"), 1,
     ["kb: cannot write the site: refusing to write outside the output folder: 'a\\\\b.png'; 'site/' was left as it was"]),
    (CannotRead(DENIED), 1, ["kb: cannot read 'content/lo\\x1bcked': Permission denied"]),
])
def test_each_error_formats_itself_and_says_how_kb_exits(exc: KbError, code: int, lines: list[str]) -> None:
    assert isinstance(exc, KbError) and exc.exit_code == code
    assert exc.messages(BUILD) == lines
    assert isinstance(exc, UsageError) == (code == 2)


def test_a_content_error_tells_warnings_errors_and_the_count() -> None:
    found = ContentError([warning("b.md", 1, 1, "odd"), error("b.md", 2, 1, "bad"), error("a.md", 1, 1, "worse")])
    assert found.errors == (error("a.md", 1, 1, "worse"), error("b.md", 2, 1, "bad"))
    assert found.warnings == (warning("b.md", 1, 1, "odd"),)
    tail = ["a.md:1:1: worse", "b.md:2:1: bad", "kb: build failed: 2 errors, 1 warning; 'site/' was left as it was"]
    assert found.messages(BUILD) == ["b.md:1:1: warning: odd", *tail]
    assert found.messages(Reporting(out="site/", quiet=True)) == tail  # --quiet: the errors only
    many = ContentError([warning(f"{n:04}.md", 1, 1, "odd") for n in range(1200)] + [error("a.md", 1, 1, "bad")])
    assert many.messages(BUILD)[-1] == "kb: build failed: 1 error, 1,200 warnings; 'site/' was left as it was"
    assert many.messages(BUILD)[3] == "warning: 1,197 more like this (odd: 1,200 in all)"


def test_a_template_problem_is_a_content_error_of_one_diagnostic() -> None:
    problem = TemplateProblem(error("templates/page.html", 3, 1, "template error: boom"))
    assert isinstance(problem, ContentError) and problem.exit_code == 1
    assert problem.diagnostics == (problem.diagnostic,)
    assert str(problem) == "templates/page.html:3:1: template error: boom"


@pytest.mark.parametrize("exc", [
    KbError("m"), OutputError("m"), CannotServe("::1", 8000, OSError(98, "Address in use")), SearchError("m"),
    ContentError([error("a.md", 1, 1, "x")]), TemplateProblem(error("a.md", 1, 1, "x")), UnsafePath("../x"),
    CannotWrite(OSError(28, "No space left on device", "f")), CannotRead(DENIED),
])
def test_errors_survive_pickling(exc: KbError) -> None:
    """An error raised in a worker process reaches the main one whole."""
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc) and back.messages(BUILD) == exc.messages(BUILD) and str(back) == str(exc)


# Exceptions kb defines that never reach the user, and why.
INTERNAL = {
    "kb.output.locks.Busy": "the output lock turns it into an OutputError; the cache lock into a build without a cache",
    "kb.speed.pages.Uncacheable": "a page whose context cannot be cached is rendered without the cache",
    "kb.content.textio.Unreadable": "an OSError (so that callers treat it as one); read into a positioned diagnostic",
    "kb.content.yamlguard.YamlProblem": "read into a diagnostic at its line and column",
    "kb.render.loader.TemplateFileError": "a jinja2.TemplateError, so that Jinja passes it on; read into a diagnostic",
}


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(kb.__path__, "kb.") if m.name != "kb.__main__")


def test_every_exception_kb_defines_is_a_kb_error_or_internal() -> None:
    seen = set()
    for name in _modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == name:
                qualified = f"{name}.{value.__qualname__}"
                seen.add(qualified)
                assert issubclass(value, KbError) or qualified in INTERNAL, f"{qualified} is not a KbError"
    assert set(INTERNAL) <= seen  # the list names only what exists
    assert {"kb.errors.KbError", "kb.errors.ContentError", "kb.content.scaffold.ArgumentError", "kb.status.times.ClockError"} <= seen


def test_only_the_command_line_uses_click() -> None:
    """Errors format themselves: nothing but kb/cli*.py imports click or raises its exceptions."""
    root = Path(kb.__file__).parent
    users = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n == "click" or n.startswith("click.") for n in names):
                users.add(path.relative_to(root).as_posix())
    assert users and all(name.startswith("cli") for name in users), users


def test_kb_raises_no_bare_runtime_error() -> None:
    """A problem the user can cause is a KbError, not a RuntimeError or Exception with a traceback."""
    root = Path(kb.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name):
                assert node.exc.func.id not in {"RuntimeError", "Exception"}, f"{path.name}:{node.lineno}"


# --- the command line tells every KbError in one place -----------------------------------------

def test_a_file_name_with_a_backslash_stops_the_build_without_a_traceback(kb, tmp_path: Path) -> None:
    """Such a name (an archive made on Windows) would land outside its folder: refused, the site kept."""
    write_tree(tmp_path, {"content/site.yaml": "title: Acme\n", "content/billing/pay.md": "---\ntitle: Pay\n---\nText.\n"})
    (tmp_path / "content/billing/img\\x.png").write_bytes(b"png")
    result = kb(["build", "--no-search", "--no-cache", "--out", "site/"], cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (1, "kb: cannot write the site: refusing to write outside the output "
                                                    "folder: 'billing/img\\\\x.png'; 'site/' was left as it was\n")
    assert not (tmp_path / "site").exists()


def test_a_folder_check_may_not_read_is_named_safely(kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"content/site.yaml": "title: Acme\n", "content/lo\x1bcked/a.md": "---\ntitle: A\n---\nText.\n"})
    scandir = os.scandir

    def refused(path="."):
        if str(path).endswith("cked"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refused)
    result = kb(["check"], cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (1, "kb: cannot read 'content/lo\\x1bcked': Permission denied\n")


def test_a_bug_keeps_its_traceback(kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only KbErrors are told as messages: any other exception is a bug and is not hidden."""
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("kb.cli.commands.build_site", broken)
    with pytest.raises(ValueError, match="a bug"):
        kb(["build"], cwd=tmp_path)
