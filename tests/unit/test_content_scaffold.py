"""`kb new`: the file, its front matter, the folder it goes in, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from kbtest import run_kb_process, write_tree

ARTICLE = "---\ntitle: Refunds\n---\nText.\n"


def _project(tmp_path: Path) -> Path:
    return write_tree(tmp_path, {
        "content/Billing & Payments/_category.yaml": "title: Billing and payments\n",
        "content/Billing & Payments/refunds.md": ARTICLE,
        "content/Billing & Payments/Invoices/paper.md": ARTICLE.replace("Refunds", "Paper"),
    })


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_new_article_in_an_existing_topic_found_by_slug(kb, tmp_path: Path) -> None:
    _project(tmp_path)
    result = kb(["new", "How do I export reports?", "--category", "billing-payments"], cwd=tmp_path,
                env={"SOURCE_DATE_EPOCH": "1764115200"})
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "content" / "Billing & Payments" / "how-do-i-export-reports.md"
    assert result.stdout == f"{Path('content') / 'Billing & Payments' / 'how-do-i-export-reports.md'}\n"
    assert _front(path) == {"title": "How do I export reports?", "date": __import__("datetime").date(2025, 11, 26),
                            "slug": "how-do-i-export-reports", "draft": True, "summary": None, "tags": []}
    built = kb(["build", "--out", "site", "--no-search", "--drafts"], cwd=tmp_path)
    assert built.exit_code == 0 and built.stderr == ""
    assert (tmp_path / "site" / "billing-payments" / "how-do-i-export-reports" / "index.html").is_file()


def test_new_topic_and_section_folders_are_made_and_named(kb, tmp_path: Path) -> None:
    _project(tmp_path)
    result = kb(["new", "Export to CSV", "--category", "Reporting", "--section", "Exports"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "content" / "Reporting" / "Exports" / "export-to-csv.md").is_file()
    assert "made the folder" in result.stderr
    again = kb(["new", "Paper invoices", "--category", "Billing and payments", "--section", "invoices"], cwd=tmp_path)
    assert again.exit_code == 0, again.stderr
    assert (tmp_path / "content" / "Billing & Payments" / "Invoices" / "paper-invoices.md").is_file()


def test_new_refuses_to_overwrite(kb, tmp_path: Path) -> None:
    _project(tmp_path)
    result = kb(["new", "Refunds", "--category", "billing-payments"], cwd=tmp_path)
    assert result.exit_code == 1
    path = Path("content") / "Billing & Payments" / "refunds.md"
    assert result.stderr == f"Error: {path} already exists; choose another title or edit that file\n"
    assert (tmp_path / path).read_text() == ARTICLE


def test_new_suggests_a_topic_on_a_typo(kb, tmp_path: Path) -> None:
    _project(tmp_path)
    result = kb(["new", "Card declined", "--category", "biling-payments"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.endswith("\n\nError: no topic 'biling-payments' (did you mean 'Billing and payments'?); "
                             "give an existing topic or a clearly new name\n")
    assert not (tmp_path / "content" / "biling-payments").exists()


def test_new_needs_a_title_with_words(kb, tmp_path: Path) -> None:
    _project(tmp_path)
    result = kb(["new", "???", "--category", "billing-payments"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "cannot make a file name from the title '???'" in result.stderr


def test_a_new_article_is_a_draft_until_its_placeholders_are_replaced(kb, tmp_path: Path) -> None:
    """Placeholder text must not be published: the new file is a draft, and a non-draft keeping
    the placeholder (or an empty step) gets a warning at its line and column in check and build."""
    _project(tmp_path)
    result = kb(["new", "Export to CSV", "--category", "billing-payments"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / result.stdout.strip()
    assert "draft" in result.stderr
    built = kb(["build", "--out", "site", "--no-search"], cwd=tmp_path)
    assert (built.exit_code, built.stderr) == (0, "")
    assert not (tmp_path / "site" / "billing-payments" / "export-to-csv").exists(), "a new article is not published"
    assert kb(["check"], cwd=tmp_path).stderr == "kb: check found 0 errors, 0 warnings\n"
    # the writer removes the draft line and forgets the rest
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("draft:")), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    placeholder = next(n for n, line in enumerate(lines, 1) if line.startswith("Answer the question"))
    step = next(n for n, line in enumerate(lines, 1) if line.strip() == "1.")
    shown = "content/Billing & Payments/export-to-csv.md"
    expected = [
        f"{shown}:{placeholder}:1: warning: placeholder text left by kb new: 'Answer the question in the first "
        "sentence or two…'; write the answer, or keep the article a draft (draft: true) until it is written",
        f"{shown}:{step}:1: warning: empty step '1.': write the step or remove it",
    ]
    checked = kb(["check"], cwd=tmp_path)
    assert checked.exit_code == 0
    assert checked.stderr.splitlines() == [*expected, "kb: check found 0 errors, 2 warnings"]
    built = kb(["build", "--out", "site", "--no-search"], cwd=tmp_path)
    assert built.exit_code == 0 and built.stderr.splitlines() == expected
    assert kb(["build", "--out", "site", "--no-search", "--strict"], cwd=tmp_path).exit_code == 1


def test_an_empty_step_in_code_is_no_placeholder(kb, tmp_path: Path) -> None:
    write_tree(tmp_path, {"content/a/list.md": "---\ntitle: List\n---\nText.\n\n```\n1.\n```\n\n   2.\n",
                          "content/a/first.md": "---\ntitle: First\n---\n1. \nText 3.\n"})
    assert kb(["check"], cwd=tmp_path).stderr.splitlines() == [
        "content/a/first.md:4:1: warning: empty step '1.': write the step or remove it",
        "content/a/list.md:10:4: warning: empty step '2.': write the step or remove it",
        "kb: check found 0 errors, 2 warnings",
    ]


def test_a_long_title_gets_a_file_name_cut_at_a_word(kb, tmp_path: Path) -> None:
    _project(tmp_path)
    title = " ".join(f"word{i}" for i in range(80))
    result = kb(["new", title, "--category", "billing-payments"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.name == "word0-word1-word2-word3-word4-word5-word6-word7-word8-word9-word10-word11-word12.md"
    assert _front(tmp_path / path)["title"] == title
    wide = "𠀀" * 100  # four bytes a letter: 80 of them would pass the 255-byte limit of a file name
    result = kb(["new", wide, "--category", "billing-payments"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert len(Path(result.stdout.strip()).name.encode()) <= 255


@pytest.mark.parametrize(("args", "message"), [
    (["--category", "terms.txt"], "Error: 'terms.txt' in the content folder is a file, not a topic folder; give another topic\n"),
    (["--category", "Billing & Payments", "--section", "refunds.md"],
     "Error: 'Billing & Payments/refunds.md' in the content folder is a file, not a section folder; give another section\n"),
    (["--category", "x" * 300], f"Error: '{'x' * 300}' cannot be a topic folder name: File name too long\n"),
    (["--category", "billing-payments", "--content", "content/Billing & Payments/refunds.md"],
     "Error: content folder 'content/Billing & Payments/refunds.md' is not a folder\n"),
])
def test_new_refuses_what_cannot_be_a_folder_with_a_message(kb, tmp_path: Path, args: list[str], message: str) -> None:
    _project(tmp_path)
    write_tree(tmp_path, {"content/terms.txt": "terms"})
    before = sorted(tmp_path.rglob("*"))
    result = kb(["new", "Card declined", *args], cwd=tmp_path)
    assert result.exit_code == 2  # a usage error: an argument kb cannot use
    assert result.stderr.startswith("Usage: kb new [OPTIONS] TITLE|SOURCE\n") and result.stderr.endswith("\n\n" + message)
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize(("args", "message"), [
    (["--category", ".."], "Error: '..' cannot be a topic folder name\n"),
    (["--category", "a/b"], "Error: 'a/b' cannot be a topic folder name\n"),
    (["--category", "_drafts"], "Error: '_drafts' cannot be a topic folder name\n"),
    (["--category", "Reporting", "--section", "a/b"], "Error: 'a/b' cannot be a section folder name\n"),
    (["--category", "Reporting", "--section", ".."], "Error: '..' cannot be a section folder name\n"),
    (["--category", "billing-payments", "--content", "nowhere"], "Error: content folder 'nowhere' does not exist\n"),
])
def test_arguments_kb_new_cannot_use_are_usage_errors(kb, tmp_path: Path, args: list[str], message: str) -> None:
    _project(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = kb(["new", "Card declined", *args], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.endswith("\n\n" + message)
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("name", ["templates", "Templates", "site.yaml", "status.yaml", "STATUS.YAML"])
def test_a_topic_named_like_a_file_kb_reads_is_refused(kb, tmp_path: Path, name: str) -> None:
    """templates/, site.yaml and status.yaml at the top of the content folder are read by kb, not
    published: an article in such a folder would never appear (on a disk that ignores letter case,
    Templates/ is templates/)."""
    _project(tmp_path)
    write_tree(tmp_path, {"content/templates/page.html": "{% extends 'base.html' %}"})
    before = sorted(tmp_path.rglob("*"))
    result = kb(["new", "Card declined", "--category", name], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"\n\nError: '{name}' cannot be a topic: templates/, site.yaml and status.yaml at the top of the content "
        "folder are read by kb, not published; give another topic\n")
    assert sorted(tmp_path.rglob("*")) == before


def test_a_section_may_be_named_templates(kb, tmp_path: Path) -> None:
    _project(tmp_path)
    result = kb(["new", "Invoice template", "--category", "billing-payments", "--section", "templates"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    built = kb(["build", "--out", "site", "--no-search", "--drafts"], cwd=tmp_path)
    assert built.exit_code == 0, built.stderr
    assert (tmp_path / "site/billing-payments/templates/invoice-template/index.html").is_file()


def test_new_in_a_folder_it_cannot_write(kb, tmp_path: Path, monkeypatch) -> None:
    _project(tmp_path)

    def refused(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refused)
    result = kb(["new", "Card declined", "--category", "Cards"], cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (1, "Error: cannot write 'content/Cards': Permission denied\n")


def test_a_title_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_kb_process(["new", "Caf\udce9 menu", "--category", "billing-payments"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith("Error: Invalid value for 'TITLE|SOURCE': is not UTF-8 text: 'Caf\\xe9 menu' "
                                  "(set the terminal to UTF-8)\n")
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (tmp_path / "content" / "Billing & Payments").iterdir()) == ["Invoices", "_category.yaml", "refunds.md"]
