"""`kb new`: the file, its front matter, the folder it goes in, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import yaml
from kbtest import write_tree

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
                            "slug": "how-do-i-export-reports", "summary": None, "tags": []}
    built = kb(["build", "--out", "site", "--no-search"], cwd=tmp_path)
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
    assert result.exit_code == 1
    assert result.stderr == ("Error: no topic 'biling-payments' (did you mean 'Billing and payments'?); "
                             "give an existing topic or a clearly new name\n")
    assert not (tmp_path / "content" / "biling-payments").exists()


def test_new_needs_a_title_with_words(kb, tmp_path: Path) -> None:
    _project(tmp_path)
    result = kb(["new", "???", "--category", "billing-payments"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "cannot make a file name from the title '???'" in result.stderr
