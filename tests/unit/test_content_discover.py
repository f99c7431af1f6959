"""Files kb must not read or publish as they are: named pipes, names that are not UTF-8, names
differing only in letter case, names that would write to the terminal. Each is an error with
its path, the build goes on collecting the others, and nothing waits for ever."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.content.parse import discover
from kb.content.textio import ARTICLE_LIMIT, Unreadable, read_bytes, read_text
from kbtest import ISOLATED, write_tree

OK = "---\ntitle: Pay\n---\nBody.\n"
PIPE = "not a regular file but a named pipe; kb reads only regular files"


def _build(kb, tmp_path: Path, *args: str):
    result = kb(["build", "--content", "content", "--out", str(tmp_path / "out"), "--no-cache", *args], cwd=tmp_path)
    return result, result.stderr.replace(str(tmp_path / "out"), "<out>").splitlines()


def _build_process(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    """In a process of its own: a build that waits on a pipe fails the test instead of hanging it."""
    result = subprocess.run([sys.executable, "-m", "kb", "build", "--content", "content", "--out", str(tmp_path / "out"),
                             "--no-search", *args], cwd=tmp_path, env={**os.environ, **ISOLATED},
                            capture_output=True, text=True, timeout=60)
    return result.returncode, result.stderr.replace(str(tmp_path / "out"), "<out>").splitlines()


def test_named_pipes_are_errors_never_waited_on(tmp_path: Path) -> None:
    write_tree(tmp_path, {"content/billing/pay.md": OK, "content/templates/keep": ""})
    content = tmp_path / "content"
    for rel in ("billing/x.md", "billing/_category.yaml", "site.yaml", "status.yaml", "billing/pic.png",
                "templates/404.html"):
        os.mkfifo(content / rel)
    code, lines = _build_process(tmp_path, "--no-cache")
    assert code == 1
    assert lines == [
        f"content/billing/_category.yaml:1:1: {PIPE}",
        f"content/billing/pic.png:1:1: {PIPE}",
        f"content/billing/x.md:1:1: {PIPE}",
        f"content/site.yaml:1:1: {PIPE}",
        f"content/status.yaml:1:1: {PIPE}",
        "kb: build failed: 5 errors, 0 warnings; '<out>' was left as it was",
    ]
    for rel in ("billing/_category.yaml", "site.yaml", "status.yaml", "billing/pic.png", "billing/x.md"):
        os.unlink(content / rel)
    code, lines = _build_process(tmp_path)  # read when a page needs it, and digested for the page cache
    assert lines[0] == f"content/templates/404.html:1:1: template error: {PIPE}"
    assert code == 1


def test_a_device_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match="a character device"):
        read_bytes("/dev/zero")
    assert read_text(Path("/dev/zero"), "x.md")[1].message.startswith("not a regular file but a character device")


def test_an_article_too_large_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"a" * (ARTICLE_LIMIT + 1))
    text, problem = read_text(path, "content/big.md", ARTICLE_LIMIT)
    assert text == ""
    assert problem.format() == ("content/big.md:1:1: file is 1,048,577 bytes, more than the 1,048,576 (1 MiB) "
                                "it may have; split it")
    path.write_bytes(b"a" * ARTICLE_LIMIT)
    assert read_text(path, "content/big.md", ARTICLE_LIMIT)[1] is None


def test_a_name_that_is_not_utf8_is_an_error_and_the_rest_is_checked(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, {"content/billing/pay.md": OK, "content/billing/empty.md": ""})
    bad = os.fsencode(tmp_path / "content") + b"/caf\xe9"
    os.mkdir(bad)
    with open(bad + b"/a.md", "w") as file:
        file.write(OK)
    with open(os.fsencode(tmp_path / "content/billing") + b"/r\xe9sum\xe9.png", "wb") as file:
        file.write(b"png")
    result, lines = _build(kb, tmp_path)
    assert lines == [
        "content/billing/empty.md:1:1: file is empty",
        "content/billing/r\\xe9sum\\xe9.png:1:1: name is not valid UTF-8 (byte 0xe9); rename it",
        "content/caf\\xe9:1:1: name is not valid UTF-8 (byte 0xe9); rename it",
        "kb: build failed: 3 errors, 0 warnings; '<out>' was left as it was",
    ]
    check = kb(["check", "--content", "content", "--format", "json"], cwd=tmp_path)
    assert '"path": "content/caf\\\\xe9"' in check.stdout  # printable, and valid UTF-8


def test_names_differing_only_in_letter_case_are_errors(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "content/billing/pay.md": OK, "content/media/Logo.png": "a", "content/media/logo.png": "b",
        "content/Guides/a.md": OK, "content/guides/b.md": OK.replace("Pay", "Other"),
    })
    found = discover(tmp_path / "content").problems
    assert found == (
        ("guides", "'guides' and 'Guides' differ only in letter case or Unicode form: on macOS and Windows one "
                   "replaces the other; rename one"),
        ("media/logo.png", "'logo.png' and 'Logo.png' differ only in letter case or Unicode form: on macOS and "
                           "Windows one replaces the other; rename one"),
    )
    result, lines = _build(kb, tmp_path)
    assert result.exit_code == 1
    assert "content/media/logo.png:1:1: 'logo.png' and 'Logo.png' differ only in letter case or Unicode form: on " \
           "macOS and Windows one replaces the other; rename one" in lines


def test_names_that_would_write_to_the_terminal_are_shown_escaped(kb, tmp_path: Path) -> None:
    name = "a\x1b[31mred\nfake.md:1:1: error: injected\u202e\x9b.md"
    write_tree(tmp_path, {"content/billing/pay.md": OK, f"content/billing/{name}": ""})
    result, lines = _build(kb, tmp_path)
    assert lines[0] == "content/billing/a\\x1b[31mred\\nfake.md:1:1: error: injected\\u202e\\x9b.md:1:1: file is empty"
    assert len(lines) == 2
    github = kb(["check", "--content", "content", "--format", "github"], cwd=tmp_path).stdout.splitlines()
    assert github == ["::error file=content/billing/a\\x1b[31mred\\nfake.md%3A1%3A1%3A error%3A injected\\u202e\\x9b.md,"
                      "line=1,col=1,title=kb::file is empty"]
    text = kb(["check", "--content", "content", "--format", "json"], cwd=tmp_path).stdout
    assert "\x1b" not in text and "\u202e" not in text and "\x9b" not in text
    assert json.loads(text)[0]["path"] == f"content/billing/{name}"  # JSON keeps the name exactly


def test_the_project_s_message_catalogs_are_read_not_published(tmp_path: Path) -> None:
    """`locales/` at the content root holds the project's catalogs (kb.render.i18n): never copied into the site."""
    write_tree(tmp_path, {"billing/pay.md": "x", "locales/es/LC_MESSAGES/messages.po": 'msgid ""\nmsgstr ""\n',
                          "media/locales/keep.txt": "x"})
    tree = discover(tmp_path)
    assert tree.assets == ("media/locales/keep.txt",)
