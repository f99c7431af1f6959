"""The shape the code keeps: small modules, and no step of the pipeline that takes the speed
machinery's parts (a cache, a pool, a writer) as parameters: those reach it as one runner."""

from __future__ import annotations

import ast

from kbtest import REPO

KB = REPO / "kb"
SPEED_PARTS = {"cache", "caches", "pool", "workers", "write_to", "writer", "meanwhile", "memo", "saves"}
ALLOWED = {
    "kb/cli/commands.py build": "the --cache option of `kb build`, handed to the runner",
    "kb/content/site.py _related": "kb serve's related articles worked out again only where an edit reaches, "
                                   "given the runner's memo by assemble_site",
}


def test_no_module_of_kb_is_over_300_lines() -> None:
    sizes = {p.relative_to(REPO).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in KB.rglob("*.py")}
    assert len(sizes) > 50
    assert {path: lines for path, lines in sizes.items() if lines > 300} == {}


def test_no_function_outside_the_speed_package_takes_a_cache_pool_or_writer() -> None:
    found = []
    for path in KB.rglob("*.py"):
        if path.is_relative_to(KB / "speed"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
                if names & SPEED_PARTS and f"{path.relative_to(REPO).as_posix()} {node.name}" not in ALLOWED:
                    found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}({', '.join(sorted(names & SPEED_PARTS))})")
    assert found == []
