"""kb.cli.translate: `kb translate status` in its three formats, `kb translate done`, `kb new
--translation` and `kb check --translations`, on a small project of three languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbtest import write_tree
from kb.content.translations import body_hash

REFUND_BODY = "Annual plans are refunded in part.\n\n## Monthly plans\n\nThey are not refunded.\n"
PROJECT = {
    "content/site.yaml": "title: Acme\nlanguages:\n  - {code: en, name: English}\n  - {code: es, name: Español}\n"
                         "  - {code: pt-BR, name: Português}\n",
    "content/Billing/_category.yaml": "title: Billing\n",
    "content/Billing/refund.md": f"---\ntitle: Refunds\ntags: [money]\norder: 2\nid: refund-1\nslug: refunds\n"
                                 f"aliases: [/old/refund/]\n---\n{REFUND_BODY}",
    "content/Billing/refund.es.md": "---\ntitle: Reembolsos\n---\nLos planes anuales se reembolsan en parte.\n",
    "content/Billing/pay.md": "---\ntitle: Pay by card\nsummary: Cards we take.\n---\nVisa and Mastercard.\n",
    "content/Billing/pay.pt-BR.md": "---\ntitle: Pagar com cartão\nsource_hash: abcdefabcdef\n---\nVisa.\n",
}


def _project(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    return write_tree(tmp_path / "project", {**PROJECT, **(files or {})})


def _status(kb, project: Path) -> dict:
    result = kb(["translate", "status", "--format", "json"], cwd=project)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _states(report: dict) -> dict[str, dict[str, str]]:
    return {a["article"]: {code: cell["state"] for code, cell in a["languages"].items()} for a in report["articles"]}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_status_text(kb, tmp_path: Path) -> None:
    result = kb(["translate", "status"], cwd=_project(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "article            en        es         pt-BR\n"
        "Billing/pay.md     original  missing    outdated\n"
        "Billing/refund.md  original  unchecked  missing\n"
        "\n"
        "en (English): 2 original\n"
        "es (Español): 1 unchecked, 1 missing\n"
        "pt-BR (Português): 1 outdated, 1 missing\n"
    )


def test_status_json(kb, tmp_path: Path) -> None:
    report = _status(kb, _project(tmp_path))
    assert report["languages"] == [{"code": "en", "name": "English", "default": True},
                                   {"code": "es", "name": "Español", "default": False},
                                   {"code": "pt-BR", "name": "Português", "default": False}]
    refund = next(a for a in report["articles"] if a["article"] == "Billing/refund.md")
    assert refund["title"] == "Refunds" and refund["language"] == "en"
    assert refund["languages"]["en"] == {"state": "original", "path": "Billing/refund.md", "url": "/billing/refunds/",
                                         "draft": False}
    assert refund["languages"]["es"]["state"] == "unchecked"
    assert refund["languages"]["es"]["path"] == "Billing/refund.es.md"
    assert refund["languages"]["es"]["url"].startswith("/es/")
    assert refund["languages"]["pt-BR"] == {"state": "missing", "path": None, "url": None, "draft": False}
    assert report["totals"]["es"] == {"original": 0, "up to date": 0, "outdated": 0, "unchecked": 1, "missing": 1}


def test_status_markdown(kb, tmp_path: Path) -> None:
    project = _project(tmp_path, {"content/Billing/a|b*.md": "---\ntitle: Pipes | and *stars*\n---\nBody.\n"})
    result = kb(["translate", "status", "--format", "markdown"], cwd=project)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "| Article | English (en) | Español (es) | Português (pt-BR) |"
    assert lines[1] == "| --- | --- | --- | --- |"
    assert lines[2] == r"| Pipes \| and \*stars\* (Billing/a\|b\*.md) | original | missing | missing |"
    assert lines[3] == "| Pay by card (Billing/pay.md) | original | missing | outdated |"
    assert lines[-1] == "| **Total** | 3 original | 1 unchecked, 2 missing | 1 outdated, 2 missing |"
    assert all(line.count("|") - line.count(r"\|") == 5 for line in lines)


def test_done_then_up_to_date_then_outdated_by_an_edit_not_by_whitespace(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    content = project / "content"
    result = kb(["translate", "done", "content/Billing/refund.es.md", "Billing/pay.pt-BR.md"], cwd=project)
    assert result.exit_code == 0, result.stderr
    refund, pay = body_hash(REFUND_BODY), body_hash("Visa and Mastercard.\n")
    assert result.stdout == (f"es: Billing/refund.es.md: up to date (source_hash {refund})\n"
                             f"pt-BR: Billing/pay.pt-BR.md: up to date (source_hash {pay})\n")
    assert (content / "Billing/refund.es.md").read_text() == (
        f"---\ntitle: Reembolsos\nsource_hash: {refund}\n---\nLos planes anuales se reembolsan en parte.\n")
    assert _states(_status(kb, project))["Billing/refund.md"]["es"] == "up to date"
    assert "translation outdated" not in kb(["check"], cwd=project).stderr

    source = content / "Billing/refund.md"
    source.write_text(source.read_text().replace("in part.\n\n## Monthly", "in  part.\n\n\n##   Monthly") + "\n\n")
    assert _states(_status(kb, project))["Billing/refund.md"]["es"] == "up to date"  # whitespace only

    source.write_text(source.read_text().replace("in  part", "in full"))
    assert _states(_status(kb, project))["Billing/refund.md"]["es"] == "outdated"
    check = kb(["check"], cwd=project)
    assert ("content/Billing/refund.es.md:3:1: warning: translation outdated: 'Billing/refund.md' changed since it "
            "was translated") in check.stderr

    again = kb(["translate", "done", "--all", "es"], cwd=project)
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("es: Billing/refund.es.md: up to date (source_hash ")
    assert _states(_status(kb, project))["Billing/refund.md"]["es"] == "up to date"


def test_done_writes_nothing_when_one_path_is_bad(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = _files(project)
    result = kb(["translate", "done", "content/Billing/refund.es.md", "Billing/pay.md", "Billing/nowhere.es.md",
                 "content/site.yaml"], cwd=project)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: 'Billing/nowhere.es.md' is not a file of the content folder 'content'\n"
        "Error: 'Billing/pay.md' is not a translation (a translation is named like 'refund.es.md' beside "
        "'refund.md', or names its original with translation_of:)\n"
        "Error: 'site.yaml' is not an article of the content folder\n"
        "kb: nothing written: 3 problems\n"
    )
    assert _files(project) == before


def test_done_refuses_a_path_outside_the_content_folder(kb, tmp_path: Path) -> None:
    project = _project(tmp_path, {"elsewhere/refund.es.md": "---\ntitle: x\n---\n"})
    before = _files(project)
    result = kb(["translate", "done", "elsewhere/refund.es.md", "content/../elsewhere/refund.es.md"], cwd=project)
    assert result.exit_code == 1
    assert "is not a file of the content folder 'content'" in result.stderr
    assert _files(project) == before


def test_done_replaces_a_source_hash_that_is_not_a_hash(kb, tmp_path: Path) -> None:
    project = _project(tmp_path, {"content/Billing/refund.es.md": "---\r\ntitle: Reembolsos\r\nsource_hash: TODO  # me\r\n"
                                                                  "---\r\nCuerpo.\r\n"})
    assert kb(["check"], cwd=project).exit_code == 1  # an error, which done is the way to fix
    result = kb(["translate", "done", "Billing/refund.es.md"], cwd=project)
    assert result.exit_code == 0, result.stderr
    assert (project / "content/Billing/refund.es.md").read_bytes() == (
        f"---\r\ntitle: Reembolsos\r\nsource_hash: {body_hash(REFUND_BODY)}  # me\r\n---\r\nCuerpo.\r\n".encode())
    assert kb(["check"], cwd=project).exit_code == 0


def test_done_on_a_recorded_translation_rewrites_nothing(kb, tmp_path: Path) -> None:
    digest = body_hash(REFUND_BODY)
    project = _project(tmp_path, {"content/Billing/refund.es.md": f"---\ntitle: R\nsource_hash: {digest}\n---\nC.\n"})
    path = project / "content/Billing/refund.es.md"
    stamp = path.stat().st_mtime_ns, path.stat().st_ino
    result = kb(["translate", "done", "Billing/refund.es.md"], cwd=project)
    assert result.stdout == f"es: Billing/refund.es.md: up to date (source_hash {digest}) (already recorded)\n"
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == stamp


@pytest.mark.parametrize(("args", "message"), [
    (["translate", "done"], "name the translations (PATH...) or a language (--all CODE)"),
    (["translate", "done", "Billing/refund.es.md", "--all", "es"], "not both"),
    (["translate", "done", "--all", "fr"], "language 'fr' is not one of the site's languages (en, es, pt-BR)"),
    (["translate", "status", "--format", "csv"], "Invalid value for '--format'"),
    (["translate", "status", "--content", "missing"], "content folder 'missing' does not exist"),
])
def test_usage_errors_exit_2(kb, tmp_path: Path, args: list[str], message: str) -> None:
    result = kb(args, cwd=_project(tmp_path))
    assert result.exit_code == 2
    assert message in result.stderr


def test_content_errors_are_printed_and_exit_1(kb, tmp_path: Path) -> None:
    project = _project(tmp_path, {"content/Billing/refund.fr.md": "---\ntitle: Remboursements\n---\nx\n",
                                  "content/Billing/broken.md": "---\ntitle: [\n---\n"})
    for args in (["translate", "status"], ["translate", "done", "--all", "es"]):
        result = kb(args, cwd=project)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert "content/Billing/refund.fr.md:1:1: language 'fr' of the file name is not one of the site's languages" \
            in result.stderr
        assert "content/Billing/broken.md:3:1: invalid YAML" in result.stderr
        assert result.stderr.endswith("kb: the content has 2 errors; fix them first (kb check)\n")


def test_one_language_site(kb, tmp_path: Path) -> None:
    project = write_tree(tmp_path, {"content/site.yaml": "title: Acme\n", "content/a/b.md": "# B\n"})
    result = kb(["translate", "status"], cwd=project)
    assert (result.exit_code, result.stdout) == (0, "")
    assert "the site has one language ('en')" in result.stderr
    report = _status(kb, project)
    assert report["articles"] == [] and report["languages"][0]["code"] == "en"


def test_new_translation_then_build(kb, tmp_path: Path) -> None:
    project = _project(tmp_path, {"content/Billing/refund.md": "---\r\ntitle: Refunds\r\ntags: [money]\r\norder: 2\r\n"
                                                               "id: refund-1\r\nslug: refunds\r\naliases: [/old/]\r\n"
                                                               "faq: false\r\n---\r\n# Refunds\r\n\r\nBody.\r\n"})
    result = kb(["new", "--translation", "pt-br", "content/Billing/refund.md"], cwd=project)
    assert result.exit_code == 0, result.stderr
    made = project / "content/Billing/refund.pt-BR.md"
    assert result.stdout == "content/Billing/refund.pt-BR.md\n"
    data = made.read_bytes()
    assert data == (
        "---\r\n# translate the title, summary and body, then review and run kb translate done\r\n"
        "title: Refunds\r\ntags:\r\n- money\r\norder: 2\r\nfaq: false\r\n"
        "draft: true  # not published: delete this line when the translation is ready\r\n"
        f"source_hash: {body_hash('Body.')}\r\n---\r\n# Refunds\r\n\r\nBody.\r\n").encode()
    assert _states(_status(kb, project))["Billing/refund.md"]["pt-BR"] == "up to date"
    made.write_bytes(data.replace(b"draft: true", b"title: Reembolsos").replace(b"title: Refunds\r\n", b""))
    built = kb(["build", "--no-search", "--no-cache", "--out", "site"], cwd=project)
    assert built.exit_code == 0, built.stderr
    pages = [p for p in (project / "site/pt-br").rglob("index.html") if "Reembolsos" in p.read_text()]
    assert pages, "the translation has its page under /pt-br/"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["Billing/refund.md", "--translation", "es"], 1,
     "'Billing/refund.md' is already translated into 'es': 'Billing/refund.es.md'"),
    (["Billing/pay.md", "--translation", "fr"], 2, "language 'fr' is not one of the site's languages"),
    (["Billing/pay.md", "--translation", "EN"], 2, "'Billing/pay.md' is written in 'en'"),
    (["Billing/refund.es.md", "--translation", "pt-BR"], 2,
     "'Billing/refund.es.md' is itself a translation of 'Billing/refund.md'"),
    (["Billing/none.md", "--translation", "es"], 2, "'Billing/none.md' is not a file of the content folder"),
    (["Billing/pay.md", "--translation", "es", "--category", "Billing"], 2, "do not go with --translation"),
])
def test_new_translation_refusals(kb, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    project = _project(tmp_path)
    before = _files(project)
    result = kb(["new", *args], cwd=project)
    assert result.exit_code == code
    assert message in result.stderr
    assert _files(project) == before


def test_new_translation_never_overwrites(kb, tmp_path: Path) -> None:
    files = {k: v for k, v in PROJECT.items() if k != "content/Billing/refund.es.md"}
    # pay.es.md translates refund.md (translation_of): pay.md has no Spanish version, yet that file name is taken
    files["content/Billing/pay.es.md"] = "---\ntitle: Pagar\ntranslation_of: refund.md\n---\nx\n"
    project = write_tree(tmp_path / "project", files)
    before = _files(project)
    result = kb(["new", "--translation", "es", "Billing/pay.md"], cwd=project)
    assert result.exit_code == 1
    assert result.stderr == "Error: 'Billing/pay.es.md' already exists; edit it, or delete it first\n"
    assert _files(project) == before


def test_check_translations_lists_missing_and_unchecked(kb, tmp_path: Path) -> None:
    project = _project(tmp_path)
    plain = kb(["check"], cwd=project)
    assert "note:" not in plain.stderr
    result = kb(["check", "--translations"], cwd=project)
    assert result.exit_code == 0
    notes = [line for line in result.stderr.splitlines() if "note:" in line]
    assert notes == [
        "content/Billing/pay.md:1:1: note: missing translation into 'es' (Español)",
        "content/Billing/refund.md:1:1: note: missing translation into 'pt-BR' (Português)",
        "content/Billing/refund.es.md:1:1: note: translation has no source_hash: once it is reviewed, run "
        "'kb translate done Billing/refund.es.md'",
    ]
    assert result.stderr.endswith("kb: check found 0 errors, 1 warning, 3 notes\n")  # pay.pt-BR.md is outdated
    as_json = json.loads(kb(["check", "--translations", "--format", "json"], cwd=project).stdout)
    assert sorted(d["kind"] for d in as_json if d["level"] == "info") == [
        "missing translation", "missing translation", "translation without source_hash"]


def test_check_translations_lists_every_missing_one(kb, tmp_path: Path) -> None:
    many = {f"content/Billing/a{i}.md": f"---\ntitle: A{i}\n---\nx\n" for i in range(5)}
    result = kb(["check", "--translations"], cwd=_project(tmp_path, many))
    assert sum("note: missing translation" in line for line in result.stderr.splitlines()) == 5 * 2 + 2
    assert "more like this" not in result.stderr


def test_a_broken_site_yaml_is_not_taken_for_one_language(kb, tmp_path: Path) -> None:
    project = write_tree(tmp_path, {"content/site.yaml": "title: Acme\nlanguages: 5\n", "content/a/b.md": "# B\n"})
    result = kb(["translate", "status"], cwd=project)
    assert result.exit_code == 1
    assert "content/site.yaml:2:" in result.stderr and "one language" not in result.stderr
