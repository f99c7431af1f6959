"""Importing kb and building a site leaves Python-Markdown, Pygments, Jinja and MarkupSafe exactly as a
fresh interpreter has them: kb's quicker parts are installed on kb's own instances, never on a library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kbtest import ISOLATED, REPO

# Runs in a fresh interpreter: every attribute of the libraries' modules and of their classes, by identity,
# before kb is imported and after it built the example site.
_SCRIPT = r'''
import importlib, json, pkgutil, sys, types

import markdown, markdown.extensions, markupsafe, pygments.lexers
import jinja2, jinja2.environment, jinja2.runtime

modules = [markupsafe, pygments.lexers, jinja2, jinja2.environment, jinja2.runtime]
for package in (markdown, markdown.extensions):  # markdown.*, and every extension it ships
    modules.append(package)
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name != "markdown.__main__":
            modules.append(importlib.import_module(info.name))
LIBRARIES = ("markdown", "markupsafe", "pygments", "jinja2")


def snapshot():
    found = {}
    for module in modules:
        for name, value in list(vars(module).items()):
            if isinstance(value, types.ModuleType) and value.__name__ == f"{module.__name__}.{name}":
                continue  # a submodule: importing it (as Pygments does for each lexer) binds it on its package
            found[f"{module.__name__}.{name}"] = id(value)
            if isinstance(value, type) and value.__module__.split(".")[0] in LIBRARIES:
                for key, member in list(vars(value).items()):  # the library's classes, wherever defined
                    found[f"{value.__module__}.{value.__qualname__}.{key}"] = id(member)
    return found


before = snapshot()
from kb.cli import main

code = main(["build", "--content", "content", "--out", sys.argv[1], "--no-cache", "--jobs", "1", "--quiet"])
after = snapshot()
changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
print(json.dumps({"code": code, "modules": len(modules), "attributes": len(before), "changed": changed}))
'''


def test_importing_kb_and_building_changes_no_attribute_of_the_markdown_and_jinja_libraries(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "site")], cwd=REPO, capture_output=True, text=True,
        timeout=600, env={**__import__("os").environ, **ISOLATED, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["code"] == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()  # the build did run, with code blocks and headings
    assert found["modules"] > 35 and found["attributes"] > 2000  # every markdown and markdown.extensions module was seen
    assert found["changed"] == []
