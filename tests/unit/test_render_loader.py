"""A project's templates that fail in any way: `path:line:col: template error: …` at the failing line, exit 1, no traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kb.render.pages import _static_files
from kbtest import write_tree

OK = "---\ntitle: Pay\n---\nBody.\n"
WHILE = "template error while rendering /404.html"


@pytest.mark.parametrize(("files", "expected"), [
    ({"404.html": "{% extends 'base.html' %}\n{% block content %}\n<p>{{ 1/0 }}</p>\n{% endblock %}\n"},
     f"content/templates/404.html:3:1: {WHILE}: ZeroDivisionError: division by zero"),
    ({"404.html": "{% macro again(n) %}{{ again(n) }}{% endmacro %}\n\n{{ again(1) }}\n"},
     f"content/templates/404.html:1:1: {WHILE}: templates call each other without end (a macro calling itself, "
     "or a template extending itself)"),
    ({"404.html": "{# this very template #}\n{% extends '404.html' %}\n"},
     f"content/templates/404.html:2:1: {WHILE}: templates call each other without end (a macro calling itself, "
     "or a template extending itself)"),
    ({"404.html": b"<p>ok</p>\n<p>caf\xe9</p>\n"},
     "content/templates/404.html:2:7: template error: file is not valid UTF-8 (byte 0xe9); save it as UTF-8"),
    ({"404.html": "<p>ok</p>\n{{ 'x' | no_such_filter }}\n"},
     "content/templates/404.html:2:1: template error: No filter named 'no_such_filter'."),
    ({"404.html": "<p>ok</p>\n\n{% include 'parts/missing.html' %}\n"},
     f"content/templates/404.html:3:1: {WHILE}: template 'parts/missing.html' not found"),
    ({"404.html": "{% include 'parts/footer.html' %}\n", "parts/footer.html": "a\nb\n{{ 1/0 }}\n"},
     f"content/templates/parts/footer.html:3:1: {WHILE}: ZeroDivisionError: division by zero"),
    ({"404.html": "{{ 'not a date' | longdate }}\n"},
     f"content/templates/404.html:1:1: {WHILE}: TypeError: longdate needs a date, not str 'not a date'"),
])
def test_a_template_that_fails_is_a_positioned_error(kb, tmp_path: Path, files: dict, expected: str) -> None:
    write_tree(tmp_path, {"content/billing/pay.md": OK, **{f"content/templates/{k}": v for k, v in files.items()}})
    result = kb(["build", "--content", "content", "--out", str(tmp_path / "out"), "--no-cache"], cwd=tmp_path)
    assert result.stderr.splitlines() == [
        expected, f"kb: build failed: 1 error, 0 warnings; '{tmp_path / 'out'}' was left as it was"]
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()
    check = kb(["check", "--content", "content"], cwd=tmp_path)
    assert check.stderr.splitlines()[0] == expected
    assert check.exit_code == 1


def test_a_named_pipe_among_a_themes_static_files_is_not_copied(tmp_path: Path) -> None:
    write_tree(tmp_path, {"theme/static/a.css": "a { color: red }\n", "theme/static/b.css": b"a{}\xff\n"})
    os.mkfifo(tmp_path / "theme/static/pipe.js")
    files = {f.path: f for f in _static_files([tmp_path / "theme"])}
    assert sorted(files) == ["assets/a.css", "assets/b.css"]
    assert files["assets/b.css"].copy_from == str(tmp_path / "theme/static/b.css")  # not UTF-8: copied as it is


def test_kb_serve_shows_a_failing_template_in_its_overlay(tmp_path: Path) -> None:
    from kb.build import BuildOptions
    from kb.serve.server import Preview

    write_tree(tmp_path, {"content/billing/pay.md": OK, "content/templates/404.html": "a\n{{ 1/0 }}\n"})
    said: list[str] = []
    preview = Preview(BuildOptions(content=tmp_path / "content", out=tmp_path / "content",
                                   base_url="/", drafts=True, search=False, git_dates=False), said.append)
    try:
        preview.rebuild()
        status, _, body, _ = preview.respond("/no/such/page/")
    finally:
        shutil.rmtree(preview.search_dir.parent, ignore_errors=True)
    assert status == 404
    assert b"404.html:2:1: template error while rendering /404.html: ZeroDivisionError: division by zero" in body
