"""Agent-only content written carelessly: small centres built for each audience, every file of the
public build read (the search index decompressed) for a marker that must not be there."""

from __future__ import annotations

import gzip
from pathlib import Path

from click.testing import CliRunner

from kb.cli.commands import cli
from kbtest import ISOLATED, write_tree

PUBLIC = {"Billing/pay.md": "---\ntitle: Pay\n---\n\nPublic words here.\n"}


def _build(content: Path, out: Path, audience: str = "public") -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--out", str(out), "--no-cache",
                                      "--no-search", "--audience", audience, "-q"], env=ISOLATED)
    return result.exit_code, result.output


def _hits(root: Path, marker: str) -> list[str]:
    """The files of a built site (and paths) holding `marker`, gzip files decompressed."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        rel = path.relative_to(root).as_posix()
        if marker.lower() in data.decode("utf-8", "replace").lower() or marker.lower() in rel.lower():
            found.append(rel)
    return found


def test_an_internal_content_folder_makes_every_topic_internal(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {**PUBLIC, "_category.yaml": "visibility: internal\n",
                                                "Billing/a.md": "---\ntitle: Secret Zorb\n---\n\nSECRETBODY words.\n"})
    code, output = _build(content, tmp_path / "public")
    assert code == 0, output
    assert _hits(tmp_path / "public", "SECRETBODY") == []
    assert _hits(tmp_path / "public", "Zorb") == []
    code, output = _build(content, tmp_path / "internal", "internal")
    assert code == 0, output
    assert "billing/a/index.html" in _hits(tmp_path / "internal", "SECRETBODY")


def test_a_public_topic_in_an_internal_content_folder_is_an_error(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {**PUBLIC, "_category.yaml": "visibility: internal\n",
                                                "Billing/_category.yaml": "title: Billing\nvisibility: public\n"})
    code, output = _build(content, tmp_path / "public")
    assert code == 1
    assert "Billing/_category.yaml:2:13: public topic in internal content folder (_category.yaml)" in output


INTERNAL = {"Agents/_category.yaml": "title: Agents\nvisibility: internal\n",
            "Agents/esc.md": "---\ntitle: Escalation\naliases: [/old/zorbalias/]\n---\n\nSECRETBODY words.\n"}


def test_a_public_alias_naming_an_internal_url_or_alias_is_an_error_of_the_public_build(tmp_path: Path) -> None:
    for alias, message in (("/agents/esc/", "alias /agents/esc/ is the URL of 'Agents/esc.md'"),
                           ("old/zorbalias", "alias /old/zorbalias/ is also an alias of 'Agents/esc.md'"),
                           ("/agents/", "alias /agents/ is the URL of 'Agents'")):
        content = write_tree(tmp_path / "content", {**PUBLIC, **INTERNAL,
                                                    "Billing/b.md": f"---\ntitle: B\naliases: [{alias}]\n---\n\nx\n"})
        for audience in ("public", "internal"):
            code, output = _build(content, tmp_path / audience, audience)
            assert code == 1 and f"Billing/b.md:3:1: {message}" in output, (audience, output)
        assert not (tmp_path / "public").exists()


def test_a_marker_in_a_title_or_summary_is_an_error_not_published(tmp_path: Path) -> None:
    for key, line in (("title", 2), ("summary", 3), ("description", 3)):
        front = "title: A [!INTERNAL] SECRETTITLE\n" if key == "title" else f"title: A\n{key}: '> [!Internal] SECRETTITLE'\n"
        content = write_tree(tmp_path / key, {**PUBLIC, "Billing/a.md": f"---\n{front}---\n\nBody.\n"})
        code, output = _build(content, tmp_path / "public")
        assert code == 1, output
        assert f"Billing/a.md:{line}:1: '[!INTERNAL]' in '{'title' if key == 'title' else 'summary'}' opens no agent note" in output
        assert not (tmp_path / "public").exists()


STATUS = """page: {name: S}
groups:
  - key: g
    name: G
    components:
      - {key: c, name: C}
incidents:
  - key: 2026-10-06-x
    title: X
    components: {c: partial_outage}
    updates:
      - at: 2026-10-06 14:05
        status: investigating
        body: 'see [the escalation path](/agents/esc/)'
"""


def test_an_internal_url_written_in_public_text_fails_the_public_build(tmp_path: Path) -> None:
    # a link by URL is not a link to an article's file: only the leak check sees it
    for name, files in (("article", {"Billing/b.md": "---\ntitle: B\n---\n\nSee [this](/agents/esc/).\n"}),
                        ("status", {"status.yaml": STATUS}),
                        ("footer", {"site.yaml": "footer_links: [{title: Esc, url: /agents/esc/}]\n"})):
        content = write_tree(tmp_path / name, {**PUBLIC, **INTERNAL, **files})
        code, output = _build(content, tmp_path / "public")
        assert code == 1, (name, output)
        assert "internal URL '/agents/esc/' of 'Agents/esc.md' is in the public site" in output, (name, output)
        assert not (tmp_path / "public").exists()
        code, output = _build(content, tmp_path / f"{name}-internal", "internal")
        assert code == 0, (name, output)


def test_an_internal_topic_slug_in_another_path_is_no_leak(tmp_path: Path) -> None:
    files = {**PUBLIC, **INTERNAL, "media/agents/x.png": b"\x89PNG\r\n\x1a\nxx",
             "Billing/b.md": "---\ntitle: B\n---\n\n![x](../media/agents/x.png) and https://example.com/agents/\n"}
    code, output = _build(write_tree(tmp_path / "content", files), tmp_path / "public")
    assert code == 0, output
    assert _hits(tmp_path / "public", "SECRETBODY") == []


def test_a_note_after_a_fence_markdown_does_not_close_is_left_out_and_shown_as_a_note(tmp_path: Path) -> None:
    for name, fence in (("unclosed", "```\ncode\n"), ("indented", "  ```\ncode\n"), ("info", "``` not a lang\ncode\n")):
        body = f"{fence}\n> [!INTERNAL]\n> SECRETNOTE escalate to the team lead\n\n"
        content = write_tree(tmp_path / name, {**PUBLIC, "Billing/a.md": f"---\ntitle: A\n---\n\n{body}"})
        code, output = _build(content, tmp_path / f"{name}-public")
        assert code == 0, output
        assert _hits(tmp_path / f"{name}-public", "SECRETNOTE") == [], name
        code, output = _build(content, tmp_path / f"{name}-internal", "internal")
        assert code == 0, output
        page = (tmp_path / f"{name}-internal" / "billing/a/index.html").read_text()
        note = page[page.index('<div class="admonition internal">'):]
        assert "SECRETNOTE" in note[:note.index("</div>")], name


def test_a_misspelt_visibility_saying_internal_is_an_error_not_a_warning(tmp_path: Path) -> None:
    for name, files, where in (
        ("article", {"Billing/x.md": "---\ntitle: Zorb\nvisibilty: internal\n---\n\nSECRETBODY\n"},
         "Billing/x.md:3:1: unknown field 'visibilty' (did you mean 'visibility'?): it makes nothing internal"),
        ("case", {"Billing/x.md": "---\ntitle: Zorb\nVisibility: Internal\n---\n\nSECRETBODY\n"},
         "Billing/x.md:3:1: unknown field 'Visibility'"),
        ("folder", {"Agents/_category.yaml": "title: Agents\nvisiblity: internal\n", "Agents/esc.md": "---\ntitle: Zorb\n---\n\nSECRETBODY\n"},
         "Agents/_category.yaml:2:1: unknown category field 'visiblity' (did you mean 'visibility'?): it makes nothing"),
    ):
        code, output = _build(write_tree(tmp_path / name, {**PUBLIC, **files}), tmp_path / "public")
        assert code == 1 and where in output, (name, output)
        assert not (tmp_path / "public").exists()
