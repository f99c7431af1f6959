"""The untrusted mode as one switch: `untrusted: true` in site.yaml, or `--untrusted` on kb build, kb check and
kb serve, which a pull request cannot turn off by editing site.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtest import write_tree

HOSTILE = {
    # a pull request that switches the mode off in site.yaml, then adds a payload and an active file
    "content/site.yaml": "untrusted: false\nmarkdown: {raw_html: true}\n",
    "content/billing/pay.md": ('# Pay\n\n<img src=https://x.org/x onerror="alert(1)">\n\n'
                               '![i](https://x.org/i.png){: onerror="alert(2)" }\n'),
    "content/billing/page.html": "<script>alert(3)</script>\n",
}
ACTIVE = ("content/billing/page.html:1:1: active file is not published in untrusted mode: "
          "a browser runs the scripts of a .html file as the site's own; publish it elsewhere")


@pytest.mark.parametrize("command", ["build", "check"])
def test_the_flag_wins_over_site_yaml(kb, tmp_path: Path, command: str) -> None:
    project = write_tree(tmp_path / "p", HOSTILE)
    args = [command, "--content", "content", *(["--out", "out", "--no-search"] if command == "build" else [])]
    trusted = kb(args, cwd=project)
    assert trusted.exit_code == 0, trusted.stderr  # site.yaml trusts the writers: their HTML is theirs
    untrusted = kb([*args, "--untrusted"], cwd=project)
    assert untrusted.exit_code == 1
    assert ACTIVE in untrusted.stderr.splitlines()


def test_an_untrusted_build_escapes_and_sanitises_the_article(kb, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {k: v for k, v in HOSTILE.items() if not k.endswith(".html")})
    result = kb(["build", "--content", "content", "--out", "out", "--no-search", "--untrusted"], cwd=project)
    assert result.exit_code == 0, result.stderr
    page = (project / "out/billing/pay/index.html").read_text(encoding="utf-8")
    body = page[page.index('<div class="article-body">'):page.index("</article>")]
    assert '<p>&lt;img src=https://x.org/x onerror="alert(1)"&gt;</p>' in body
    assert '<p><img alt="i" loading="lazy" src="https://x.org/i.png"></p>' in body
    assert "onerror=\"alert(2)" not in body


def test_serve_takes_the_flag(kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kb.serve.server as serve_module

    seen = []
    monkeypatch.setattr(serve_module, "serve", lambda options, port, say, ready, host=None, display="": seen.append(options.untrusted))
    project = write_tree(tmp_path / "p", {"content/billing/pay.md": "# Pay\n"})
    for args in (["serve", "--untrusted"], ["serve"]):
        assert kb(args, cwd=project).exit_code == 0
    assert seen == [True, False]


def test_active_files_of_a_theme_kept_in_the_content_folder_are_refused(kb, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {
        "content/billing/pay.md": "# Pay\n",
        "content/site.yaml": "theme: _t\n",
        "content/_t/templates/404.html": "{% extends 'base.html' %}",
        "content/_t/static/evil.html": "<script>alert(1)</script>",
        "content/billing/page.xhtm": "<html xmlns='http://www.w3.org/1999/xhtml'><script>alert(2)</script></html>",
    })
    result = kb(["build", "--content", "content", "--out", "out", "--no-search", "--untrusted"], cwd=project)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("content/_t/static/evil.html:1:1: active file is not published") for line in lines)
    assert any(line.startswith("content/billing/page.xhtm:1:1: active file is not published") for line in lines)
    assert not (project / "out").exists()
