"""What a site.yaml may point kb at: language codes that become paths, themes, and links out of the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.content.config import parse_config
from kb.content.yamlpos import load_yaml
from kbtest import run_kb_process, snapshot, write_tree

ARTICLE = {"content/billing/pay.md": "---\ntitle: Pay\n---\nHow to pay.\n"}


def _config(text: str, root: Path | None = None):
    return parse_config(load_yaml(text), "content/site.yaml", root)


@pytest.mark.parametrize("code", ["en", "pt-BR", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1996", "x-klingon"])
def test_language_codes_are_accepted(code: str) -> None:
    config, found = _config(f"language: {code}\n")
    assert (config.language, found) == (code, ())


@pytest.mark.parametrize("code", ["../../../../X", "a/b", "/x", "en-", "english", "e", "en US", "..", "en/../../x"])
def test_a_language_that_is_not_a_code_is_an_error_at_its_place(code: str) -> None:
    config, found = _config(f"title: T\nlanguage: '{code}'\n")
    assert [d.format() for d in found] == [
        f"content/site.yaml:2:11: language '{code}' is not a language code such as 'en', 'fr' or 'pt-BR' (BCP 47)"
    ]
    assert config.language == "en"


def test_an_underscore_is_read_as_a_hyphen_with_a_warning() -> None:
    config, found = _config("language: en_US\n")
    assert config.language == "en-US"
    assert [d.format() for d in found] == [
        "content/site.yaml:1:11: warning: language 'en_US' is written 'en-US' (BCP 47 joins its parts with '-')"
    ]


def test_a_path_as_language_writes_nothing_outside_the_output_folder(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {**ARTICLE, "content/site.yaml": "language: '../../../../X'\n"})
    done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-cache"], project)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]
    assert sorted(p.name for p in project.iterdir()) == ["content"]


def test_a_theme_in_the_project_beside_the_content_folder_is_used(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {
        **ARTICLE, "content/site.yaml": "theme: ../themes/corp\n",
        "themes/corp/templates/404.html": "{% extends 'base.html' %}{% block content %}Corp 404{% endblock %}",
    })
    done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-search"], project)
    assert done.returncode == 0, done.stderr
    assert "Corp 404" in (project / "site/404.html").read_text()


def test_a_theme_elsewhere_is_used_when_named_on_the_command_line(tmp_path: Path) -> None:
    write_tree(tmp_path / "shared-theme", {
        "templates/404.html": "{% extends 'base.html' %}{% block content %}Shared 404{% endblock %}",
        "static/extra.css": "body{color:red}",
    })
    project = write_tree(tmp_path / "p", ARTICLE)
    done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-search",
                           "--theme", str(tmp_path / "shared-theme")], project)
    assert done.returncode == 0, done.stderr
    assert "Shared 404" in (project / "site/404.html").read_text()
    assert (project / "site/assets/extra.css").is_file()
    refused = run_kb_process(["build", "--content", "content", "--out", "site", "--theme", str(project)], project)
    assert refused.returncode == 2
    assert f"'{project}' is not a theme folder (it has no templates/ folder)" in refused.stderr


def test_a_link_in_a_theme_that_leads_out_of_it_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    project = write_tree(tmp_path / "p", {
        **ARTICLE, "content/site.yaml": "theme: mytheme\n",
        "content/mytheme/templates/404.html": "{% extends 'base.html' %}",
    })
    (project / "content/mytheme/static").mkdir()
    (project / "content/mytheme/static/leak.txt").symlink_to(tmp_path / "secret.txt")
    write_tree(project, {"site/.kb-site": "kb\n", "site/index.html": "old"})
    before = snapshot(project / "site")
    done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-search"], project)
    assert done.returncode == 1
    assert "content/mytheme/static/leak.txt:1:1: symbolic link leads outside the theme folder; refused" in done.stderr
    assert snapshot(project / "site") == before


def test_a_theme_named_without_a_slash_that_links_out_of_the_project_is_refused(tmp_path: Path) -> None:
    write_tree(tmp_path / "elsewhere", {"templates/404.html": "{% extends 'base.html' %}", "static/secret.txt": "x"})
    project = write_tree(tmp_path / "p", {**ARTICLE, "content/site.yaml": "theme: _t\n"})
    (project / "content/_t").symlink_to(tmp_path / "elsewhere")
    for command in (["build", "--out", "site", "--no-search", "--no-cache"], ["check"]):
        done = run_kb_process([command[0], "--content", "content", *command[1:]], project)
        assert done.returncode == 1, done.stderr
        assert ("content/site.yaml:1:8: theme folder '_t' is outside the project; a theme from elsewhere is given "
                "on the command line (--theme DIR)") in done.stderr
    assert not (project / "site").exists()


def test_a_theme_name_with_a_nul_byte_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {**ARTICLE, "content/site.yaml": 'theme: "a\\0/b"\n'})
    done = run_kb_process(["check", "--content", "content"], project)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "content/site.yaml:1:8: theme folder 'a\\x00/b' is outside the project" in done.stderr
