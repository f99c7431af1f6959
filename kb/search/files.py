"""Make Pagefind's output the same from build to build.

Pagefind writes its filter files in hash-map order, which changes from run to run, and
names them (and the metadata file that lists them) after their content. This module sorts
each filter's values and renames the files to match, so that two builds of the same input
are byte-identical. The files are gzipped CBOR after a `pagefind_dcd` signature; only the
parts of CBOR that Pagefind writes are handled, and a file that does not read back exactly
as it was written is left alone.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


class _Map(list):
    """A CBOR map, as its (key, value) pairs in file order."""


class _Raw(bytes):
    """A CBOR item kept as it was (floats, simple values)."""


def normalise_index(folder: Path) -> bool:
    """Sort Pagefind's filter files in `folder` and rename them and the metadata; False if left as they were."""
    entry_path = folder / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    for language, info in entry.get("languages", {}).items():
        meta_path = folder / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        if meta is None:
            return False
        renamed: dict[str, str] = {}
        for old in sorted((folder / "filter").glob(f"{language}_*.pf_filter")):
            data = _read(old)
            if data is None or not isinstance(data, list) or len(data) != 2 or not isinstance(data[1], list):
                return False
            data = [data[0], sorted(data[1], key=lambda pair: _encode(pair[0]))]
            body = _encode(data)
            name = f"{language}_{hashlib.sha256(body).hexdigest()[:7]}"
            _write(old.with_name(f"{name}.pf_filter"), body)
            if old.stem != name:
                old.unlink()
            renamed[old.stem] = name
        body = _encode(_replace(meta, renamed))
        meta_hash = f"{language}_{hashlib.sha256(body).hexdigest()[:10]}"
        _write(folder / f"pagefind.{meta_hash}.pf_meta", body)
        if meta_path.name != f"pagefind.{meta_hash}.pf_meta":
            meta_path.unlink()
        info["hash"] = meta_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return True


def _read(path: Path) -> Any:
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if not raw.startswith(SIGNATURE):
        return None
    try:
        value, end = _decode(raw, len(SIGNATURE))
    except (IndexError, ValueError, struct.error):
        return None
    if end != len(raw) or _encode(value) != raw[len(SIGNATURE):]:
        return None  # not the CBOR this module understands: leave the file alone
    return value


def _write(path: Path, body: bytes) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + body, compresslevel=9, mtime=0))


def _replace(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, _Map):
        return _Map((_replace(k, names), _replace(v, names)) for k, v in value)
    if isinstance(value, list):
        items = [_replace(item, names) for item in value]
        targets = set(names.values())
        if items and all(isinstance(i, list) and len(i) == 2 and i[1] in targets for i in items):
            items.sort(key=lambda pair: _encode(pair[0]))  # the list of filters, in hash-map order
        return items
    return value


def _decode(data: bytes, i: int) -> tuple[Any, int]:
    head = data[i]
    major, info = head >> 5, head & 31
    if major == 7:
        size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info, 0)
        return _Raw(data[i:i + 1 + size]), i + 1 + size
    if info < 24:
        arg, i = info, i + 1
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg, i = int.from_bytes(data[i + 1:i + 1 + size], "big"), i + 1 + size
    else:
        raise ValueError("indefinite lengths are not used by Pagefind")
    if major == 0:
        return arg, i
    if major == 1:
        return -1 - arg, i
    if major in (2, 3):
        chunk = data[i:i + arg]
        if len(chunk) != arg:
            raise ValueError("truncated")
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), i + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, i = _decode(data, i)
            items.append(item)
        return items, i
    if major == 5:
        pairs = _Map()
        for _ in range(arg):
            key, i = _decode(data, i)
            value, i = _decode(data, i)
            pairs.append((key, value))
        return pairs, i
    raise ValueError(f"CBOR major type {major} is not used by Pagefind")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("integer too large")


def _encode(value: Any) -> bytes:
    if isinstance(value, _Raw):
        return bytes(value)
    if isinstance(value, bool) or value is None:
        raise ValueError("booleans are kept raw")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, _Map):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value)
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(item) for item in value)
    raise ValueError(f"cannot encode {type(value).__name__}")
