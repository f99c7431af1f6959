"""kb.errors: diagnostics, their format and order, and the exceptions that carry them."""

from __future__ import annotations

from kb.errors import ContentError, Diagnostic, KbError, OutputError, error, strictify, warning


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
