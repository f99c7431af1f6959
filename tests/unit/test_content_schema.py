"""kb.content.schema: typed reads of YAML values with positioned diagnostics."""

from __future__ import annotations

import datetime as dt

from kb.content.schema import Reader
from kb.content.yamlpos import load_yaml


def _reader(text: str, offset: int = 0) -> Reader:
    return Reader(load_yaml(text), "f.yaml", line_offset=offset)


def _formatted(reader: Reader) -> list[str]:
    return [d.format() for d in reader.diagnostics]


def test_strings() -> None:
    r = _reader("one: single\nmany: [a, ' b ', 3, '']\nbad: [a, [x], true]\nmap: {a: 1}\n")
    assert r.strings("one") == ("single",)
    assert r.strings("many") == ("a", "b", "3")
    assert r.strings("missing") == ()
    assert r.strings("bad") == ("a",)
    assert r.strings("map") == ()
    assert _formatted(r) == [
        "f.yaml:3:10: 'bad' items must be strings, not a list",
        "f.yaml:3:15: 'bad' items must be strings, not true/false",
        "f.yaml:4:6: 'map' must be a list of strings",
    ]


def test_scalars() -> None:
    r = _reader("s: 12\nb: yes\nn: 3\nnb: true\nf: 1.5\nlong: " + "x" * 50 + "\n")
    assert r.string("s") == "12"
    assert r.boolean("b") is True
    assert r.integer("n") == 3
    assert r.integer("nb") is None
    assert r.integer("f") is None
    assert r.boolean("long") is False
    assert _formatted(r) == [
        "f.yaml:4:5: 'nb' must be a whole number, not 'True'",
        "f.yaml:5:4: 'f' must be a whole number, not '1.5'",
        "f.yaml:6:7: 'long' must be true or false, not '" + "x" * 37 + "...'",
    ]


def test_required_string_and_offset() -> None:
    r = _reader("a:\n  b: ''\n", offset=1)
    assert r.string("a", "b", required=True) is None
    assert _formatted(r) == ["f.yaml:2:1: missing required field 'a.b'"]


def test_dates() -> None:
    r = _reader("a: 2020-03-16\nb: 16/3/2020\nc: 4/5/2020\nd: soon\ne: ''\n")
    assert r.date("a") == dt.date(2020, 3, 16)
    assert r.date("b") == dt.date(2020, 3, 16)
    assert r.date("c") is None
    assert r.date("d") is None
    assert r.date("e") is None
    assert _formatted(r) == [
        "f.yaml:2:4: warning: 'b' '16/3/2020' read as 2020-03-16; write dates as YYYY-MM-DD",
        "f.yaml:3:4: 'c' is ambiguous: '4/5/2020' (use YYYY-MM-DD)",
        "f.yaml:4:4: 'd' is not a date: 'soon' (use YYYY-MM-DD)",
    ]


def test_unknown_keys_with_patterns() -> None:
    r = _reader("title: x\nms.topic: y\ntitle2: z\nzzz: 1\n")
    r.unknown_keys((), ("title", "tags"), extra=("ms.*",))
    assert _formatted(r) == [
        "f.yaml:3:1: warning: unknown field 'title2' (did you mean 'title'?)",
        "f.yaml:4:1: warning: unknown field 'zzz'",
    ]


def test_a_date_where_text_is_expected_is_read_as_text() -> None:
    reader = Reader(load_yaml("title: 2020-03-13\n"), "a.md")
    assert reader.string("title") == "2020-03-13"
    assert reader.diagnostics == []


def test_comma_separated_string_splits_when_asked() -> None:
    reader = Reader(load_yaml("tags: billing, refunds ,\n"), "a.md")
    assert reader.strings("tags", split=True) == ("billing", "refunds")
    assert reader.strings("tags") == ("billing, refunds ,",)
