"""Content files (images, attachments) are published under clean URLs: their folders' slugs, as pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.model import Category
from kb.content.site import asset_path
from kbtest import run_kb_process, write_tree

CATEGORIES = (
    Category(key="Agents & Users", slug="agents-users", title="Agents & Users", url="/agents-users/"),
    Category(key="Billing", slug="money", title="Billing", url="/money/"),
    Category(key="Billing/Invoices Now", slug="invoices", title="Invoices", url="/money/invoices/", parent="Billing"),
)


@pytest.mark.parametrize(("rel", "published"), [
    ("Agents & Users/media/Add Agent.png", "agents-users/media/Add Agent.png"),
    ("Billing/media/x.svg", "money/media/x.svg"),  # the topic's own slug
    ("Billing/Invoices Now/img/a.png", "money/invoices/img/a.png"),  # the section's
    ("Billing/Invoices Now/Deep Folder/More/a.pdf", "money/invoices/deep-folder/more/a.pdf"),
    ("Media Library/Logo.png", "media-library/Logo.png"),  # a folder without articles
    ("logo.png", "logo.png"),
    ("+++/a.png", "+++/a.png"),  # a name with no letters keeps its name
])
def test_a_file_goes_where_its_folders_pages_go(rel: str, published: str) -> None:
    assert asset_path(rel, {c.key: c.url for c in CATEGORIES}) == published


PROJECT = {
    "content/site.yaml": "logo: Agents & Users/media/logo.svg\nbase_url: https://help.example.com/\n",
    "content/Agents & Users/add.md": (
        "---\ntitle: Add an agent\n---\n![Add](media/Add Agent.png)\n\n"
        "[From the root](</Agents & Users/media/guide.pdf>) and [from below](<../Agents & Users/media/guide.pdf>).\n"
    ),
    "content/Agents & Users/media/Add Agent.png": b"png",
    "content/Agents & Users/media/guide.pdf": b"pdf",
    "content/Agents & Users/media/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
}


def test_pages_link_files_at_their_clean_urls(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-search", "--no-cache"], project)
    assert done.returncode == 0, done.stderr
    site = project / "site"
    assert sorted(p.relative_to(site).as_posix() for p in (site / "agents-users/media").iterdir()) == [
        "agents-users/media/Add Agent.png", "agents-users/media/guide.pdf", "agents-users/media/logo.svg"]
    assert not (site / "Agents & Users").exists()
    page = (site / "agents-users/add/index.html").read_text()
    assert 'src="/agents-users/media/Add%20Agent.png"' in page
    assert page.count('href="/agents-users/media/guide.pdf"') == 2
    assert 'class="brand-logo" src="/agents-users/media/logo.svg"' in page
    assert '"https://help.example.com/agents-users/media/logo.svg"' in page  # the page's image for link previews
    assert '"/agents-users/media/guide.pdf"' in (site / "kb-manifest.json").read_text()


def test_files_whose_folders_differ_only_in_letter_case_are_an_error(tmp_path: Path) -> None:
    project = write_tree(tmp_path, {
        "content/billing/pay.md": "---\ntitle: Pay\n---\n![a](media/a.png)\n",
        "content/billing/media/a.png": b"lower",
        "content/Billing/media/a.png": b"upper",  # one file on macOS and Windows, and one URL here
    })
    done = run_kb_process(["build", "--content", "content", "--out", "site", "--no-search", "--no-cache"], project)
    assert done.returncode == 1
    assert ("content/Billing/media/a.png:1:1: the file 'Billing/media/a.png' and the file 'billing/media/a.png' "
            "would both be published as /billing/media/a.png") in done.stderr
    assert not (project / "site").exists()


def test_a_cached_rendering_follows_a_file_to_its_new_url(tmp_path: Path) -> None:
    project = write_tree(tmp_path, PROJECT)
    build = ["build", "--content", "content", "--out", "site", "--no-search", "--cache", "kept"]
    assert run_kb_process(build, project).returncode == 0
    (project / "content/Agents & Users/_category.yaml").write_text("slug: team\n")
    done = run_kb_process(build, project)
    assert done.returncode == 0, done.stderr
    page = (project / "site/team/add/index.html").read_text()
    assert 'src="/team/media/Add%20Agent.png"' in page
    assert (project / "site/team/media/Add Agent.png").is_file()
