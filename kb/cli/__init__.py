"""The command line: `kb build`, `kb check`, `kb new` and `kb serve` (click). Thin: it reads the
options, calls kb.build or kb.serve, and prints what they report; every KbError is told in one place."""

from .commands import cli, main, run

__all__ = ["cli", "main", "run"]
