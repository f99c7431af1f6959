"""Agent notes (`> [!INTERNAL]`): blanked for the public, quoted throughout for agents, and a
marker that opens no note is reported rather than published."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.content.notes import Block, find_notes

BODY = """Intro.

> [!INTERNAL] Escalation
> Agents: refunds above $5,000 need a **team lead's** approval.
carried on without a marker

After.
"""


def test_the_public_body_loses_the_note_and_keeps_every_line_number() -> None:
    notes = find_notes(BODY, 5, "billing/refund.md", keep=False)
    assert notes.body.split("\n") == ["Intro.", "", "", "", "", "", "After.", ""]
    assert notes.blocks == (Block("billing/refund.md", 7, "Escalation\nAgents: refunds above $5,000 need a "
                                  "**team lead's** approval.\ncarried on without a marker"),)
    assert notes.stray == ()


def test_the_internal_body_quotes_every_line_of_the_note() -> None:
    notes = find_notes(BODY, 1, "a.md", keep=True)
    assert notes.body.split("\n")[2:5] == [
        "> [!INTERNAL] Escalation",
        "> Agents: refunds above $5,000 need a **team lead's** approval.",
        "> carried on without a marker",
    ]


def test_a_note_in_a_list_item_keeps_its_indent() -> None:
    body = "1. Step\n\n    > [!internal]\n    > Call the lead.\n    more\n\n2. Next\n"
    assert find_notes(body, 1, "a.md", keep=True).body.split("\n")[2:5] == [
        "    > [!internal]", "    > Call the lead.", "    > more"]
    assert "Call" not in find_notes(body, 1, "a.md", keep=False).body


def test_markers_in_code_are_text_and_elsewhere_are_reported() -> None:
    body = "Use `> [!INTERNAL]` to hide a note.\n\n```\n> [!INTERNAL]\nin a fence\n```\n\n> > [!INTERNAL]\n> > nested\n\nmid [!internal] line\n"
    notes = find_notes(body, 10, "a.md", keep=False)
    assert notes.blocks == ()
    assert notes.body == body
    assert notes.stray == ((17, 5), (20, 5))


def test_a_body_without_a_marker_is_returned_as_it_is() -> None:
    body = "> [!NOTE]\n> A public note.\n"
    assert find_notes(body, 1, "a.md", keep=False).body is body


_LINE = st.one_of(
    st.sampled_from(["> [!INTERNAL]", "> [!internal] title", ">[!INTERNAL]", "  > [!INTERNAL]", "```", "~~~",
                     "> quoted", "", "text", "- item", "    code", "`[!INTERNAL]`", "> > [!INTERNAL]"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=25), st.text(st.characters(whitelist_categories=("Lu", "Ll")), min_size=6, max_size=10))
def test_no_note_text_survives_the_public_body(lines: list[str], secret: str) -> None:
    """Whatever surrounds it, a note's words are gone from the public body, unless the marker
    was reported (the build then fails) or sat in a fence (then it is code, as written)."""
    body = "\n".join([*lines, "> [!INTERNAL]", f"> {secret} is internal", *lines])
    notes = find_notes(body, 1, "a.md", keep=False)
    assert len(notes.body.split("\n")) == len(body.split("\n"))
    if any(secret in b.text for b in notes.blocks):
        assert secret not in notes.body or secret in "\n".join(lines)
    else:
        assert notes.stray or _fenced(lines)


def _fenced(lines: list[str]) -> bool:
    """Whether a fence is left open by `lines` (so the note after them is code)."""
    fence = None
    for line in lines:
        stripped = line.lstrip(" \t")
        for mark in ("```", "~~~"):
            if stripped.startswith(mark):
                run = len(stripped) - len(stripped.lstrip(mark[0]))
                if fence is None:
                    fence = mark[0] * run
                elif mark[0] == fence[0] and run >= len(fence):
                    fence = None
                break
    return fence is not None


def test_a_note_after_a_fence_markdown_does_not_close_is_still_a_note() -> None:
    # Python-Markdown's fenced_code takes none of these for code, so it would publish the note
    note = "\n> [!INTERNAL]\n> SECRETNOTE refunds above $5,000\n\n"
    for body in (f"```\ncode\n{note}", f"  ```\ncode\n{note}  ```\n", f"``` not a language\ncode\n{note}```\n"):
        notes = find_notes(body, 1, "a.md", keep=False)
        assert "SECRETNOTE" not in notes.body, body
        assert [b.text for b in notes.blocks] == ["SECRETNOTE refunds above $5,000"]


def test_a_note_before_a_longer_closing_fence_is_a_note_too() -> None:
    body = "```\ncode\n````\n\n> [!INTERNAL]\n> SECRETNOTE\n\n```\n"
    assert "SECRETNOTE" not in find_notes(body, 1, "a.md", keep=False).body


def test_a_marker_in_a_closed_fence_is_code() -> None:
    body = "```\n> [!INTERNAL] shown as code\n```\n"
    assert find_notes(body, 1, "a.md", keep=False) == find_notes(body, 1, "a.md", keep=True)
    assert find_notes(body, 1, "a.md", keep=False).body == body


def test_a_misspelt_marker_at_a_quote_start_is_reported_not_published_as_a_quote() -> None:
    for marker in ("［!INTERNAL］", "[! INTERNAL]", "[!INTERNAL ]", "[INTERNAL]", "[!internal!]"):
        notes = find_notes(f"Intro.\n\n> {marker}\n> Refunds above $5,000.\n", 10, "a.md", keep=False)
        assert notes.stray == ((12, 3),), marker
    for text in ("> [Internal docs](https://example.com) say so", "> [internal-note] is a tag", "Some internal words."):
        assert find_notes(text, 1, "a.md", keep=False).stray == (), text


def test_a_line_of_backtick_runs_costs_no_more_than_its_length() -> None:
    """A marker beside runs of backticks of every length (none closing) took 21 s for 45 KB."""
    import time

    for line in ("[!INTERNAL] " + " ".join("`" * i for i in range(1, 1400)), "[!INTERNAL] " + "``a`" * 200_000):
        started = time.process_time()
        assert find_notes(line, 1, "a.md", keep=False).stray == ((1, 1),)
        assert time.process_time() - started < 3  # cubic before: hours


def test_a_marker_in_a_code_span_with_a_backtick_inside_is_reported_not_guessed() -> None:
    notes = find_notes("Write `> [!INTERNAL]` to hide.\nOr ``a`[!INTERNAL]`` too.\n", 1, "a.md", keep=False)
    assert notes.stray == ((2, 8),)
