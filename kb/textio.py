"""Read text files strictly: UTF-8, no byte-order mark; problems become diagnostics."""

from __future__ import annotations

from pathlib import Path

from .errors import Diagnostic, error

BOM = b"\xef\xbb\xbf"


def read_text(path: Path, shown: str) -> tuple[str, Diagnostic | None]:
    """The file's text with `\\n` line ends, or a positioned problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return "", error(shown, 1, 1, f"cannot read file: {exc.strerror or exc}")
    return decode_text(data, shown)


def decode_text(data: bytes, shown: str) -> tuple[str, Diagnostic | None]:
    """Decode UTF-8 bytes, reporting a BOM or an invalid byte at its line and column."""
    if data.startswith(BOM):
        return "", error(
            shown, 1, 1, "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        return "", error(
            shown, line, col, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None
