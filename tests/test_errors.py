"""kb.errors: diagnostics, their format and order, and the exceptions that carry them."""

from __future__ import annotations

import json

import pytest

from kb.errors import (
    ContentError,
    Diagnostic,
    KbError,
    OutputError,
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
    from kb.cli import github_annotation
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
