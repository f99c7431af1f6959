"""Last-updated dates from git: one `git log` for the whole content folder, however many articles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import CONTENT_FOLDER, Diagnostic, warning
from ..model import Article
from ..runner import Runner


@dataclass(frozen=True)
class GitDates:
    """When each file under the content folder was last committed, and whether history is cut short."""

    dates: dict[str, dt.date]  # path relative to the content folder -> date of its latest commit (UTC)
    shallow: bool = False


def git_dates(root: Path) -> GitDates:
    """Dates from the git history of `root`; empty when it is not in a git work tree or git is missing."""
    command = ["git", "-C", str(root), "log", "-z", "--format=%x01%ct", "--name-only", "--no-renames", "--relative", "--", "."]
    try:
        done = subprocess.run(command, capture_output=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return GitDates({})
    if done.returncode != 0:
        return GitDates({})
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for token in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        token = token.lstrip("\n")
        if token.startswith("\x01"):
            current = dt.datetime.fromtimestamp(int(token[1:]), dt.UTC).date()
        elif token and current is not None:
            dates.setdefault(token, current)  # newest commit first: the first date seen is the latest
    shallow = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-shallow-repository"],
                             capture_output=True, text=True, check=False).stdout.strip() == "true"
    return GitDates(dates, shallow)


def git_head(root: Path) -> str | None:
    """The commit checked out in `root`'s work tree; None outside one."""
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def date_articles(
    root: Path, articles: list[Article], run: Runner,
) -> tuple[list[Article], list[Diagnostic]]:
    """An article without `updated` is updated when its file was last committed (`kb serve` reads
    the history again only after a commit)."""
    if all(a.updated is not None for a in articles):
        return articles, []
    memo = run.memo("git")
    if memo is None:
        history = git_dates(root)
    else:
        head = git_head(root)
        if "history" not in memo or memo.get("head") != head:  # outside git (no head), read once
            memo.clear()
            memo.update(head=head, history=git_dates(root))
        history = memo["history"]
    if not history.dates:
        return articles, []
    found = []
    if history.shallow:
        found.append(warning(CONTENT_FOLDER, 1, 1, "the git clone is shallow, so last-updated dates from git may be wrong; "
                             "clone with full history (actions/checkout: fetch-depth: 0)", "shallow clone"))
    made: dict[str, tuple[Article, Article]] = memo.setdefault("dated", {}) if memo is not None else {}
    dated = []
    for article in articles:
        if article.updated is None and article.source in history.dates:
            earlier = made.get(article.source)  # `kb serve`: the same object for an unchanged article
            if earlier is None or earlier[0] is not article:
                earlier = made[article.source] = (article, dataclasses.replace(article, updated=history.dates[article.source]))
            article = earlier[1]
        dated.append(article)
    return dated, found
