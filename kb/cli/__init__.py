"""The command line: `kb build`, `kb check`, `kb new`, `kb serve` and `kb translate` (click). Thin: it reads the
options, calls kb.build or kb.serve, and prints what they report; every KbError is told in one place."""

from .commands import cli, main, run
from .translate import new, translate

cli.add_command(new)
cli.add_command(translate)

__all__ = ["cli", "main", "run"]
