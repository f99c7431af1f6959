"""kb.content.frontedit: one front-matter field set in place, the rest of the file byte for byte."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from kb.content.frontedit import FrontMatterProblem, set_field, write_atomically

HASH = "1a2b3c4d5e6f"


def _set(data: bytes, value: str = HASH) -> bytes:
    return set_field(data, "source_hash", value)


def test_adds_the_line_before_the_closing_fence() -> None:
    data = b"---\ntitle: Reembolsos  # por revisar\ntags: [a, b]\n---\nCuerpo.\n"
    assert _set(data) == b"---\ntitle: Reembolsos  # por revisar\ntags: [a, b]\nsource_hash: 1a2b3c4d5e6f\n---\nCuerpo.\n"


def test_crlf_file_keeps_its_line_endings() -> None:
    data = b"---\r\ntitle: A\r\n---\r\nLine one\r\nLine two\r\n"
    assert _set(data) == b"---\r\ntitle: A\r\nsource_hash: 1a2b3c4d5e6f\r\n---\r\nLine one\r\nLine two\r\n"


def test_mixed_line_endings_are_left_as_they_are() -> None:
    data = b"---\ntitle: A\r\n---\nbody\r\n\r\nmore\n"
    assert _set(data) == b"---\ntitle: A\r\nsource_hash: 1a2b3c4d5e6f\r\n---\nbody\r\n\r\nmore\n"


def test_byte_order_mark_is_kept() -> None:
    data = b"\xef\xbb\xbf---\ntitle: A\n---\nbody"
    assert _set(data) == b"\xef\xbb\xbf---\ntitle: A\nsource_hash: 1a2b3c4d5e6f\n---\nbody"


@pytest.mark.parametrize(("data", "expected"), [
    (b"# Reembolsos\n\nCuerpo.\n", b"---\nsource_hash: 1a2b3c4d5e6f\n---\n# Reembolsos\n\nCuerpo.\n"),
    (b"Cuerpo.\r\n", b"---\r\nsource_hash: 1a2b3c4d5e6f\r\n---\r\nCuerpo.\r\n"),
    (b"", b"---\nsource_hash: 1a2b3c4d5e6f\n---\n"),
    (b"\xef\xbb\xbfbody", b"\xef\xbb\xbf---\nsource_hash: 1a2b3c4d5e6f\n---\nbody"),
    (b"----\nnot a fence\n", b"---\nsource_hash: 1a2b3c4d5e6f\n---\n----\nnot a fence\n"),
])
def test_a_file_without_front_matter_gets_a_block(data: bytes, expected: bytes) -> None:
    assert _set(data) == expected


@pytest.mark.parametrize(("line", "expected"), [
    (b"source_hash: deadbeef", b"source_hash: 1a2b3c4d5e6f"),
    (b"source_hash: deadbeef   # reviewed by Ana", b"source_hash: 1a2b3c4d5e6f   # reviewed by Ana"),
    (b"source_hash: 'deadbeef' # q", b"source_hash: 1a2b3c4d5e6f # q"),
    (b'source_hash: "deadbeef"', b"source_hash: 1a2b3c4d5e6f"),
    (b"source_hash:", b"source_hash: 1a2b3c4d5e6f"),
    (b"source_hash:   # to do", b"source_hash:  1a2b3c4d5e6f # to do"),
    (b"source_hash: TODO", b"source_hash: 1a2b3c4d5e6f"),
    (b"source_hash:\t\tdeadbeef", b"source_hash:\t\t1a2b3c4d5e6f"),
])
def test_an_existing_value_is_replaced_in_place(line: bytes, expected: bytes) -> None:
    data = b"---\r\ntitle: A\r\n" + line + b"\r\ntags: [x]\r\n---\r\nbody\r\n"
    assert _set(data) == b"---\r\ntitle: A\r\n" + expected + b"\r\ntags: [x]\r\n---\r\nbody\r\n"


def test_a_value_continued_on_indented_lines_is_replaced_whole() -> None:
    data = b"---\nsource_hash: >-\n  deadbeef\n  cafe\ntitle: A\n---\n"
    assert _set(data) == b"---\nsource_hash: 1a2b3c4d5e6f\ntitle: A\n---\n"


def test_dots_close_the_front_matter() -> None:
    data = b"---\ntitle: A\n...\nbody\n---\nnot front matter: x\n"
    assert _set(data) == b"---\ntitle: A\nsource_hash: 1a2b3c4d5e6f\n...\nbody\n---\nnot front matter: x\n"


def test_a_key_that_only_starts_like_it_is_not_replaced() -> None:
    data = b"---\nsource_hashes: x\n# source_hash: deadbeef\n---\n"
    assert _set(data) == b"---\nsource_hashes: x\n# source_hash: deadbeef\nsource_hash: 1a2b3c4d5e6f\n---\n"


@pytest.mark.parametrize("digest", ["123456789012", "012345670123", "1e10", "0"])
def test_a_digest_yaml_would_read_as_a_number_is_quoted(digest: str) -> None:
    result = _set(b"---\ntitle: A\n---\n", digest)
    front = result.split(b"---\n")[1]
    assert yaml.safe_load(front) == {"title": "A", "source_hash": digest}


@pytest.mark.parametrize("data", [
    b"---\ntitle: A\nbody without a closing fence\n",
    b"---\n{title: A}\n---\nbody\n",
    b"---\n- a list\n---\n",
    b"---\ntitle: [unclosed\n---\n",
])
def test_what_cannot_be_edited_line_by_line_is_refused(data: bytes) -> None:
    with pytest.raises(FrontMatterProblem):
        _set(data)


def test_writes_atomically_keeping_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "a\nb -x 'c'.es.md"  # a hostile name
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    write_atomically(path, b"new\r\n")
    assert path.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary file left


def test_a_failed_write_leaves_the_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "refund.es.md"
    path.write_bytes(b"old")

    def refuse(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomically(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["refund.es.md"]
