"""Jinja's sandbox for the untrusted mode, and where in a template rendering failed. (The quicker
environment used otherwise is kb.speed.jinja's.)"""

from __future__ import annotations

import os
import traceback

import jinja2
import jinja2.sandbox


class SandboxedEnvironment(jinja2.sandbox.SandboxedEnvironment):
    """Jinja's sandbox as it is, with Jinja's own templates: every attribute and item a template
    reads, every call and operator is checked, so that a template cannot reach Python's internals
    (`cycler.__init__.__globals__`) to run commands. None of the quicker environment's shortcuts."""


def template_position(exc: BaseException, env: jinja2.Environment) -> tuple[str, int] | None:
    """The template file and line where rendering raised `exc` (the innermost template frame), if any."""
    folders = tuple(os.path.join(os.path.abspath(f), "") for f in getattr(env.loader, "searchpath", []))
    found = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = os.path.abspath(frame.f_code.co_filename)
        if filename.startswith(folders):
            found = (filename, line)
    return found
