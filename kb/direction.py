"""Which languages are written right to left."""

from __future__ import annotations

RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"})


def is_rtl(code: str) -> bool:
    """Whether `code` is written right to left: Arabic, Hebrew, Persian, Urdu… or in such a script."""
    parts = code.lower().split("-")
    return parts[0] in RTL_LANGUAGES or any(part in RTL_SCRIPTS for part in parts[1:])
