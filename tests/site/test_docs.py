"""docs/architecture.md matches the code: every module and package it names exists, and it names
every package of kb/."""

from __future__ import annotations

import re

from kbtest import REPO

PAGE = REPO / "docs" / "architecture.md"


def _named() -> set[str]:
    return set(re.findall(r"`?(kb(?:/[A-Za-z_]+)+(?:\.py|/))`?", PAGE.read_text(encoding="utf-8")))


def test_every_module_the_architecture_page_names_exists() -> None:
    named = _named()
    assert len(named) > 20
    missing = sorted(path for path in named if not (REPO / path).exists())
    assert missing == [], f"docs/architecture.md names what is not there: {missing}"


def test_the_architecture_page_names_every_package() -> None:
    packages = {f"kb/{p.parent.name}/" for p in (REPO / "kb").glob("*/__init__.py")}
    named = _named()
    assert sorted(packages - named) == []


def test_the_readme_links_the_architecture_page() -> None:
    assert "(docs/architecture.md)" in (REPO / "README.md").read_text(encoding="utf-8")
