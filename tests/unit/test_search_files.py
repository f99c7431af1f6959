"""kb.search.files: Pagefind's filter files sorted and renamed, the metadata and entry following;
files it cannot read exactly are left alone."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from kb.search.files import SIGNATURE, normalise_index
from kbtest import snapshot


def _cbor(value: object) -> bytes:
    """A small CBOR writer of its own (short strings, small integers, lists, maps as dicts)."""
    if isinstance(value, int):
        assert 0 <= value < 24
        return bytes([value])
    if isinstance(value, str):
        data = value.encode()
        assert len(data) < 24
        return bytes([0x60 | len(data)]) + data
    if isinstance(value, list):
        assert len(value) < 24
        return bytes([0x80 | len(value)]) + b"".join(_cbor(item) for item in value)
    assert isinstance(value, dict) and len(value) < 24
    return bytes([0xA0 | len(value)]) + b"".join(_cbor(k) + _cbor(v) for k, v in value.items())


def _pagefind(folder: Path, values: list[str], filter_name: str, meta_hash: str) -> Path:
    """An index as Pagefind writes it: the entry, the metadata naming the filter file, the filter file."""
    (folder / "filter").mkdir(parents=True)
    filters = [[value, [sorted(values).index(value)]] for value in values]  # in the order given
    (folder / "filter" / f"{filter_name}.pf_filter").write_bytes(gzip.compress(SIGNATURE + _cbor(["color", filters])))
    meta = {"version": "1", "filters": [["color", filter_name]]}
    (folder / f"pagefind.{meta_hash}.pf_meta").write_bytes(gzip.compress(SIGNATURE + _cbor(meta)))
    (folder / "pagefind-entry.json").write_text(json.dumps({"version": "1", "languages": {"en": {"hash": meta_hash}}}))
    return folder


def test_two_orders_of_the_same_filter_become_the_same_files(tmp_path: Path) -> None:
    one = _pagefind(tmp_path / "one", ["red", "blue", "green"], "en_1111111", "en_aaaaaaaaaa")
    two = _pagefind(tmp_path / "two", ["green", "red", "blue"], "en_2222222", "en_bbbbbbbbbb")
    assert snapshot(one) != snapshot(two)
    assert normalise_index(one) and normalise_index(two)
    assert snapshot(one) == snapshot(two)


def test_the_metadata_and_entry_name_the_renamed_files(tmp_path: Path) -> None:
    folder = _pagefind(tmp_path / "site", ["blue", "red"], "en_1111111", "en_aaaaaaaaaa")
    assert normalise_index(folder)
    [filter_file] = (folder / "filter").iterdir()
    assert filter_file.name != "en_1111111.pf_filter"
    [meta] = folder.glob("pagefind.*.pf_meta")
    assert filter_file.stem.encode() in gzip.decompress(meta.read_bytes())
    assert b"en_1111111" not in gzip.decompress(meta.read_bytes())
    entry = json.loads((folder / "pagefind-entry.json").read_text())
    assert meta.name == f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    body = gzip.decompress(filter_file.read_bytes())
    assert body.index(b"red") < body.index(b"blue")  # in the order of their CBOR: shorter first


def test_metadata_it_cannot_read_leaves_everything_as_it_was(tmp_path: Path) -> None:
    folder = _pagefind(tmp_path / "site", ["red", "blue"], "en_1111111", "en_aaaaaaaaaa")
    (folder / "pagefind.en_aaaaaaaaaa.pf_meta").write_bytes(gzip.compress(b"not pagefind"))
    before = snapshot(folder)
    assert normalise_index(folder) is False
    assert snapshot(folder) == before


def test_cbor_it_would_not_write_back_the_same_is_left_alone(tmp_path: Path) -> None:
    folder = _pagefind(tmp_path / "site", ["red", "blue"], "en_1111111", "en_aaaaaaaaaa")
    # the same filter with a length written in a longer form than needed: it would not read back exactly
    (folder / "filter" / "en_1111111.pf_filter").write_bytes(gzip.compress(SIGNATURE + b"\x98\x02" + _cbor("color") + _cbor([])))
    before = snapshot(folder)
    assert normalise_index(folder) is False
    assert snapshot(folder) == before
