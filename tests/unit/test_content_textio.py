"""kb.content.textio: strict UTF-8 reading with positioned problems and normalised line ends."""

from __future__ import annotations

from pathlib import Path

from kb.errors import ERROR
from kb.content.textio import decode_text, read_text


def test_plain_utf8() -> None:
    assert decode_text("héllo 设置\n".encode(), "a.md") == ("héllo 设置\n", None)


def test_bom_is_refused() -> None:
    text, problem = decode_text(b"\xef\xbb\xbf---\ntitle: x\n---\n", "content/a.md")
    assert text == ""
    assert problem is not None
    assert problem.level == ERROR
    assert problem.format() == (
        "content/a.md:1:1: file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
    )


def test_invalid_byte_on_a_later_line() -> None:
    text, problem = decode_text(b"line one\nline two\nab\xffcd\n", "content/a.md")
    assert text == ""
    assert problem is not None
    assert (problem.line, problem.col) == (3, 3)
    assert problem.message == "file is not valid UTF-8 (byte 0xff); save it as UTF-8"
    assert problem.format() == "content/a.md:3:3: file is not valid UTF-8 (byte 0xff); save it as UTF-8"


def test_latin1_byte_at_line_start() -> None:
    _, problem = decode_text(b"ok\n\xe9t\xe9\n", "x.md")
    assert problem is not None
    assert (problem.line, problem.col, problem.message) == (
        2, 1, "file is not valid UTF-8 (byte 0xe9); save it as UTF-8",
    )


def test_crlf_and_cr_are_normalised() -> None:
    assert decode_text(b"a\r\nb\rc\nd\r\n\r\n", "x.md") == ("a\nb\nc\nd\n\n", None)


def test_read_text_reads_files(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"one\r\ntwo\r\n")
    assert read_text(path, "shown/a.md") == ("one\ntwo\n", None)


def test_read_text_reports_an_unreadable_file(tmp_path: Path) -> None:
    text, problem = read_text(tmp_path / "missing.md", "content/missing.md")
    assert text == ""
    assert problem is not None
    assert problem.format() == "content/missing.md:1:1: cannot read file: No such file or directory"
