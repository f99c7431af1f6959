"""The search shards kept in the cache folder between builds: stored, checked, listed and pruned."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from ..output.folder import write_file

DIGESTS = "digests.json"  # beside a cached shard's files: what each file's bytes were


def keep_shard(output: Path, entry: Path) -> int:
    """Store a shard's index in the cache (files linked, not copied) with the digest of every file,
    and return their size; the digests are written last, so an entry without them is incomplete
    and never used."""
    shutil.rmtree(entry, ignore_errors=True)
    digests = {}
    made: set[str] = set()
    size = 0
    (entry / "files").mkdir(parents=True)
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        rel = path.relative_to(output).as_posix()
        data = path.read_bytes()
        digests[rel] = hashlib.sha256(data).hexdigest()
        size += len(data)
        write_file(entry / "files", rel, made=made, link_from=path)
    temp = entry / f"{DIGESTS}.tmp"
    temp.write_text(json.dumps(digests), encoding="utf-8")
    os.replace(temp, entry / DIGESTS)
    return size


def load_shard(entry: Path) -> tuple[dict[str, str], int] | None:
    """A cached shard's files and their total size, if every one is still what was stored (they
    are linked, not copied, into the site, so a change to a published file would show here)."""
    files = os.path.join(entry, "files")
    found: dict[str, str] = {}
    size = 0
    try:
        with open(os.path.join(entry, DIGESTS), encoding="utf-8") as handle:
            digests = json.load(handle)
        for rel, digest in digests.items():
            path = os.path.join(files, rel)
            with open(path, "rb") as handle:
                data = handle.read()
            if hashlib.sha256(data).hexdigest() != digest:
                return None
            found[rel] = path
            size += len(data)
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return found, size
