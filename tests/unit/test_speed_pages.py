"""kb.speed.pages: fingerprints of plain data only, and cached pages reused only while their bytes are right."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import pytest

from kb.speed.pages import FOLDER, PageCache, Uncacheable, fingerprint


@dataclasses.dataclass(frozen=True)
class Frozen:
    title: str
    when: dt.date


@dataclasses.dataclass
class Mutable:
    title: str


class Opaque:
    def __init__(self) -> None:
        self.title = "x"


def test_plain_data_has_a_fingerprint_that_says_everything_about_it() -> None:
    context = {"page": Frozen("Pay", dt.date(2026, 1, 2)), "items": [1, 2.5, None, True], "at": dt.datetime(2026, 1, 2)}
    assert fingerprint(context) == fingerprint(dict(context))
    assert fingerprint({"page": Frozen("Pay", dt.date(2026, 1, 2))}) != fingerprint({"page": Frozen("Pay", dt.date(2026, 1, 3))})
    assert fingerprint({"a": "1"}) != fingerprint({"a": 1})


@pytest.mark.parametrize("value", [Mutable("x"), Opaque(), [Mutable("x")], {"deep": {"er": Opaque()}}, Mutable, print])
def test_anything_but_plain_data_has_no_fingerprint(value: object) -> None:
    with pytest.raises(Uncacheable):
        fingerprint({"value": value})
    assert PageCache(Path("/nonexistent"), "salt").key("a.html", {"value": value}) is None


def test_the_key_depends_on_the_salt(tmp_path: Path) -> None:
    assert PageCache(tmp_path, "one").key("a.html", {"t": 1}) != PageCache(tmp_path, "two").key("a.html", {"t": 1})


def _stored(tmp_path: Path, data: bytes) -> tuple[PageCache, str]:
    cache = PageCache(tmp_path / "cache", "salt")
    written = tmp_path / "index.html"
    written.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    cache.store(digest, written)
    key = cache.key("article.html", {"title": "Pay"})
    assert key is not None
    cache.index[key] = (digest, True)
    return cache, key


def test_a_stored_page_is_fetched_with_its_bytes(tmp_path: Path) -> None:
    cache, key = _stored(tmp_path, b"<p>pay</p>")
    kept = cache.fetch(key)
    assert kept is not None
    assert (kept.data, kept.digest, kept.alone) == (b"<p>pay</p>", hashlib.sha256(b"<p>pay</p>").hexdigest(), True)
    assert cache.fetch("0" * 64) is None


def test_a_stored_page_whose_bytes_changed_is_not_fetched(tmp_path: Path) -> None:
    cache, key = _stored(tmp_path, b"<p>pay</p>")
    digest = cache.index[key][0]
    (tmp_path / "cache" / FOLDER / digest).write_bytes(b"<p>changed in place</p>")
    assert cache.fetch(key) is None


def test_a_stored_page_that_is_gone_is_not_fetched(tmp_path: Path) -> None:
    cache, key = _stored(tmp_path, b"<p>pay</p>")
    (tmp_path / "cache" / FOLDER / cache.index[key][0]).unlink()
    assert cache.fetch(key) is None
