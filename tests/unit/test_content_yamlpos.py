"""kb.content.yamlpos: YAML with key and value positions, positioned syntax errors, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.content.yamlpos import YamlProblem, load_yaml, parse_date, parse_slashed_date

DOC = """\
title: Hello
contact:
  email: a@b.c
  url: https://x.org
tags:
  - one
  - two: 2
date: 2020-13-45
ok: 2020-01-02
"""


def test_data_is_parsed() -> None:
    doc = load_yaml(DOC)
    assert doc.data == {
        "title": "Hello",
        "contact": {"email": "a@b.c", "url": "https://x.org"},
        "tags": ["one", {"two": 2}],
        "date": "2020-13-45",
        "ok": dt.date(2020, 1, 2),
    }
    assert doc.duplicates == ()


def test_key_positions_nested_and_in_lists() -> None:
    doc = load_yaml(DOC)
    assert doc.key_pos("title") == (1, 1)
    assert doc.key_pos("contact") == (2, 1)
    assert doc.key_pos("contact", "email") == (3, 3)
    assert doc.key_pos("contact", "url") == (4, 3)
    assert doc.key_pos("tags") == (5, 1)
    assert doc.key_pos("tags", 1, "two") == (7, 5)
    assert doc.key_pos("ok") == (9, 1)


def test_value_positions_nested_and_in_lists() -> None:
    doc = load_yaml(DOC)
    assert doc.value_pos("title") == (1, 8)
    assert doc.value_pos("contact", "email") == (3, 10)
    assert doc.value_pos("tags") == (6, 3)
    assert doc.value_pos("tags", 0) == (6, 5)
    assert doc.value_pos("tags", 1) == (7, 5)
    assert doc.value_pos("tags", 1, "two") == (7, 10)
    assert doc.value_pos("date") == (8, 7)


def test_missing_paths_fall_back_to_the_nearest_parent() -> None:
    doc = load_yaml(DOC)
    assert doc.key_pos("contact", "phone") == (2, 1)
    assert doc.value_pos("contact", "phone") == (2, 1)
    assert doc.key_pos("nothing") == (1, 1)
    assert doc.value_pos("nothing", "deeper") == (1, 1)


def test_duplicate_keys_are_recorded_with_the_second_position() -> None:
    doc = load_yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert doc.data == {"a": 3, "b": {"c": 2}}
    assert doc.duplicates == ((("b", "c"), 4, 3), (("a",), 5, 1))


def test_empty_document() -> None:
    assert load_yaml("").data is None
    assert load_yaml("# only a comment\n").data is None


def test_impossible_timestamp_stays_a_string() -> None:
    doc = load_yaml("date: 2020-13-45\nother: 2020-02-30\ngood: 2020-02-29\n")
    assert doc.data == {"date": "2020-13-45", "other": "2020-02-30", "good": dt.date(2020, 2, 29)}


def test_syntax_error_position_and_message() -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: 1\nb: [1, 2\n")
    problem = caught.value
    assert (problem.line, problem.col) == (3, 1)
    assert problem.message == (
        "invalid YAML: did not find expected ',' or ']' while parsing a flow sequence that began on line 2"
    )
    assert str(problem) == problem.message


def test_syntax_error_inside_a_line() -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml("title: ok\nkey: a: b\n")
    assert (caught.value.line, caught.value.col) == (2, 7)
    assert caught.value.message == "invalid YAML: mapping values are not allowed in this context"


def test_tab_indentation_message() -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: 1\n\tb: 2\n")
    assert (caught.value.line, caught.value.col) == (2, 1)
    assert caught.value.message == "tab character in YAML; indent with spaces"


def test_tab_column_is_the_tab_itself() -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a:\n  b: 1\n  \tc: 2\n")
    assert caught.value.message == "tab character in YAML; indent with spaces"
    assert (caught.value.line, caught.value.col) == (3, 3)


def test_line_offset_shifts_error_lines() -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: 1\nb: [1, 2\n", line_offset=1)
    assert (caught.value.line, caught.value.col) == (4, 1)
    assert caught.value.message.endswith("that began on line 3")
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: 1\n\tb: 2\n", line_offset=10)
    assert (caught.value.line, caught.value.col) == (12, 1)


def test_unclosed_quote() -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml('a: "unterminated\nb: 1\n')
    assert (caught.value.line, caught.value.col) == (3, 1)
    assert caught.value.message == (
        "invalid YAML: found unexpected end of stream while scanning a quoted scalar that began on line 1"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2020, 1, 2), dt.date(2020, 1, 2)),
        (dt.datetime(2020, 1, 2, 23, 59), dt.date(2020, 1, 2)),
        ("2020-03-16", dt.date(2020, 3, 16)),
        ("  2020-03-16 ", dt.date(2020, 3, 16)),
        ("2020-03-16T10:20:30", dt.date(2020, 3, 16)),
        ("2020-03-16 10:20", dt.date(2020, 3, 16)),
        ("2020-03-16T23:30:00Z", dt.date(2020, 3, 16)),
        ("2020-03-16T10:20:30+05:00", dt.date(2020, 3, 16)),
        ("garbage", None),
        ("", None),
        ("2020-13-45", None),
        ("3/16/2020", None),
        (42, None),
        (None, None),
        (["2020-03-16"], None),
    ],
)
def test_parse_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_parse_date_returns_a_plain_date_for_datetimes() -> None:
    assert type(parse_date(dt.datetime(2020, 1, 2, 3, 4))) is dt.date
    assert type(parse_date("2020-03-16T23:30:00Z")) is dt.date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3/16/2020", dt.date(2020, 3, 16)),
        ("16/3/2020", dt.date(2020, 3, 16)),
        (" 3/16/2020 ", dt.date(2020, 3, 16)),
        ("03/16/2020", dt.date(2020, 3, 16)),
        ("4/4/2020", dt.date(2020, 4, 4)),
        ("4/5/2020", "ambiguous"),
        ("13/13/2020", None),
        ("31/2/2020", None),
        ("2020-03-16", None),
        ("3/16/20", None),
        ("", None),
        (16, None),
        (None, None),
    ],
)
def test_parse_slashed_date(value: object, expected: object) -> None:
    assert parse_slashed_date(value) == expected
