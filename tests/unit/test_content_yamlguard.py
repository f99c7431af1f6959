"""kb.content.yamlguard: tags, anchors, aliases, nesting and numbers that must end in a positioned error, never a traceback or a hang."""

from __future__ import annotations

import time

import pytest

from kb.content.yamlguard import ALIAS_BUDGET, MAX_DEPTH
from kb.content.yamlpos import YamlProblem, load_yaml

# 9 nine-way aliases on 7 levels: 9**7 = 4.8 million strings once expanded
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(7)
)


def problem(text: str, **kwargs) -> tuple[int, int, str]:
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text, **kwargs)
    return caught.value.line, caught.value.col, caught.value.message


@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\nb: !!float x", "invalid YAML: 'x' is not a number"),
    ("a: 1\nb: !!int x", "invalid YAML: 'x' is not a whole number"),
    ("a: 1\nb: !!int 0o8", "invalid YAML: '0o8' is not a whole number"),
    ("a: 1\nb: !!int ''", "invalid YAML: '' is not a whole number"),
    ("a: 1\nb: !!float ''", "invalid YAML: '' is not a number"),
    ("a: 1\nb: !!bool maybe", "invalid YAML: 'maybe' is not true or false"),
    ("a: 1\nb: !!timestamp x", "invalid YAML: 'x' is not a date"),
])
def test_a_value_its_tag_cannot_read_is_a_positioned_error(text: str, message: str) -> None:
    assert problem(text) == (2, 4, message)


@pytest.mark.parametrize("tag", ["!!python/object:os.system", "!custom", "!!binary", "!!set", "!!omap", "!!pairs"])
def test_only_plain_tags_are_read(tag: str) -> None:
    line, col, message = problem(f"a: 1\nb: {tag} aGVsbG8=")
    assert (line, col) == (2, 4)
    assert message.startswith(f"invalid YAML: unsupported YAML tag '{tag}'")


def test_plain_tags_still_read() -> None:
    doc = load_yaml("a: !!str 2020\nb: !!int '7'\nc: !!float '1.5'\nd: !!bool 'yes'\ne: =\nf: !!timestamp 2026-02-30")
    assert doc.data == {"a": "2020", "b": 7, "c": 1.5, "d": True, "e": "=", "f": "2026-02-30"}


def test_a_number_too_long_for_python_is_a_positioned_error() -> None:
    assert problem("id: 7\norder: " + "9" * 5000) == (
        2, 8, "invalid YAML: number too long (5,000 digits); put text in quotes")
    assert problem("order: 0x" + "f" * 1000)[:2] == (1, 8)
    assert load_yaml("id: " + "9" * 1000).data["id"] == int("9" * 1000)


@pytest.mark.parametrize("where", [None, "front matter"])
def test_an_alias_bomb_ends_within_a_second(where: str | None) -> None:
    started = time.perf_counter()
    line, col, message = problem(BOMB, anchors_in=where)
    assert time.perf_counter() - started < 1
    if where is None:  # allowed, but not beyond the budget: the alias that goes over it is named
        assert message == f"YAML alias '*e' makes the document too large (aliases may add at most {ALIAS_BUDGET:,} values)"
        assert (line, col) == (6, 8)
    else:
        assert (line, col, message) == (2, 8, "YAML alias '*a' is not allowed in front matter; write the value out")


def test_a_recursive_alias_is_a_positioned_error() -> None:
    assert problem("title: x\ntags: &a [*a]") == (2, 11, "YAML alias '*a' is recursive: it contains itself")
    assert problem("k: &a\n  x: [1, *a]") == (2, 10, "YAML alias '*a' is recursive: it contains itself")
    assert problem("tags: &a [*a]", anchors_in="site.yaml") == (
        1, 11, "YAML alias '*a' is not allowed in site.yaml; write the value out")


def test_aliases_within_the_budget_are_read_where_allowed() -> None:
    doc = load_yaml("base: &b {x: 1}\none: *b\ntwo: {<<: *b, y: 2}\n")
    assert doc.data == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1, "y": 2}}
    assert doc.key_pos("two", "y") == (3, 15)


def test_an_anchor_is_refused_where_aliases_are() -> None:
    # `&nbsp` at the start of a value is an anchor: YAML would drop it without a word
    assert problem("title: x\nsummary: &nbsp Hello", anchors_in="front matter") == (
        2, 10, "YAML anchor '&nbsp' is not allowed in front matter; put text that starts with '&' in quotes")
    assert problem("summary: &nbsp; Hello")[2].endswith("put text that starts with '&' in quotes")
    assert load_yaml("title: Q&A & more", anchors_in="front matter").data == {"title": "Q&A & more"}


def test_an_undefined_alias_says_to_quote() -> None:
    line, col, message = problem("title: x\nsummary: *bold* text")
    assert (line, col) == (2, 15)
    assert message.endswith("put text that starts with '*' in quotes")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 2000, 100_000])
def test_deep_nesting_is_a_positioned_error(depth: int) -> None:
    line, col, message = problem("a: " + "[" * depth + "]" * depth)
    assert line == 1 and col > MAX_DEPTH
    assert message == f"nested too deeply (more than {MAX_DEPTH} levels)"
    block = "a:\n" + "".join(" " * i + "-\n" for i in range(1, depth if depth < 5000 else 2000))
    assert problem(block)[2] == f"nested too deeply (more than {MAX_DEPTH} levels)"


def test_nesting_within_the_limit_is_read() -> None:
    doc = load_yaml("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert doc.value_pos("a", *[0] * (MAX_DEPTH - 2)) == (1, MAX_DEPTH + 2)


def test_a_control_character_is_positioned_by_character_not_byte() -> None:
    assert problem("a: ééé\nb: x\x01y") == (
        2, 5, "invalid YAML: control character U+0001 is not allowed; write it as an escape in double quotes")
    assert problem("a: 1\nb: x\x00y", line_offset=1)[:2] == (3, 5)


def test_errors_are_shifted_by_the_line_offset() -> None:
    assert problem("a: 1\nb: !!int x", line_offset=1)[:2] == (3, 4)
    assert problem("a: &x 1\nb: *x", line_offset=1, anchors_in="front matter")[:2] == (3, 4)
    assert problem("a: " + "[" * 70 + "]" * 70, line_offset=1)[:2] == (2, 68)
