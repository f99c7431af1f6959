"""Editing one field of an article's front matter in place: the rest of the file kept byte for byte
(line endings, byte-order mark, comments, the order of the fields), written atomically."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

import yaml

from ..errors import KbError
from .textio import BOM
from .yamlpos import YamlProblem, load_yaml

_OPEN = re.compile(rb"---[ \t]*")
_CLOSE = re.compile(rb"(?:---[ \t]*|\.\.\.\s*)")
_ENDING = re.compile(rb"\r\n|\r|\n")


class FrontMatterProblem(KbError):
    """The front matter cannot be edited safely (never closed, not a mapping of lines…); exits with status 1."""


def set_field(data: bytes, key: str, value: str) -> bytes:
    """`data` (an article's bytes) with the top-level field `key` set to `value` (a plain string):
    its value replaced where it is (a comment after it kept), else a line added before the closing
    fence; a front matter block made when the file has none. Everything else is left as it is."""
    bom = BOM if data.startswith(BOM) else b""
    text = data[len(bom):]
    lines = text.splitlines(keepends=True)  # bytes: only \r\n, \r and \n end a line, as kb reads them
    first_ending = _ENDING.search(text)
    newline = first_ending.group() if first_ending else b"\n"
    written = _scalar(value)
    if not lines or not _OPEN.fullmatch(_content(lines[0])):
        block = b"---" + newline + key.encode() + b": " + written + newline + b"---" + newline
        result = bom + block + text
        _verify(result, key, value, None)
        return result
    close = next((i for i in range(1, len(lines)) if _CLOSE.fullmatch(_content(lines[i]))), None)
    if close is None:
        raise FrontMatterProblem("its front matter opened with '---' on line 1 is never closed")
    before = _fields(lines, close)
    found = _key_line(lines, close, key)
    if found is None:
        ending = _ending(lines[close - 1]) or newline  # the line before the fence ends with a line break
        lines.insert(close, key.encode() + b": " + written + ending)
    else:
        start, end = found
        lines[start:end] = [_replaced(lines[start], written)]
    result = bom + b"".join(lines)
    _verify(result, key, value, before)
    return result


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, renamed over it; the
    file's permission bits kept."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    handle, temporary = tempfile.mkstemp(prefix=".kb-edit-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _content(line: bytes) -> bytes:
    return line.rstrip(b"\r\n")


def _ending(line: bytes) -> bytes:
    return line[len(_content(line)):]


def _scalar(value: str) -> bytes:
    """`value` as a YAML scalar: plain when YAML reads it back as the same text, else single-quoted."""
    try:
        plain = yaml.safe_load(value) == value and "#" not in value and ": " not in value
    except yaml.YAMLError:
        plain = False
    return (value if plain else "'" + value.replace("'", "''") + "'").encode("utf-8")


def _key_line(lines: list[bytes], close: int, key: str) -> tuple[int, int] | None:
    """The lines [start, end) of the top-level field `key` (its line and its indented continuation)."""
    pattern = re.compile(rb"""(["']?)""" + re.escape(key.encode()) + rb"""\1[ \t]*:(?:[ \t]|$)""")
    for index in range(1, close):
        if pattern.match(_content(lines[index])):
            end = index + 1
            while end < close and lines[end][:1] in (b" ", b"\t"):
                end += 1
            return index, end
    return None


_VALUE = re.compile(rb"""(?P<key>[^:]*:[ \t]*)(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^#]*?)(?P<tail>[ \t]+#.*|[ \t]*)""")


def _replaced(line: bytes, written: bytes) -> bytes:
    """A `key: value  # comment` line with its value replaced, its comment and line ending kept."""
    match = _VALUE.fullmatch(_content(line))
    if match is None:
        raise FrontMatterProblem("its source_hash line cannot be read")
    key = match.group("key")
    if not key.endswith((b" ", b"\t")):
        key += b" "
    tail = match.group("tail")
    if tail.startswith(b"#"):
        tail = b" " + tail
    return key + written + tail + _ending(line)


def _fields(lines: list[bytes], close: int) -> dict | None:
    """The front matter's fields, as YAML reads them."""
    front = b"".join(lines[1:close]).decode("utf-8", "surrogateescape").replace("\r\n", "\n").replace("\r", "\n")
    try:
        data = load_yaml(front, anchors_in="front matter").data
    except YamlProblem as exc:
        raise FrontMatterProblem(f"its front matter is not valid YAML (line {exc.line + 1}): {exc.message}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterProblem("its front matter is not a mapping of fields")
    return data


def _verify(result: bytes, key: str, value: str, before: dict | None) -> None:
    """The edit changed `key` to `value` and nothing else, as YAML reads the front matter."""
    text = result[len(BOM):] if result.startswith(BOM) else result
    lines = text.splitlines(keepends=True)
    close = next((i for i in range(1, len(lines)) if _CLOSE.fullmatch(_content(lines[i]))), None)
    try:
        after = _fields(lines, close) if close is not None else None
    except FrontMatterProblem:
        after = None
    before = before or {}
    order = [*before, *([] if key in before else [key])]
    if after is None or after != {**before, key: value} or list(after) != order:
        raise FrontMatterProblem(f"its front matter cannot be edited line by line; write '{key}: {value}' in it by hand")
