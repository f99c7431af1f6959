"""Load YAML keeping the position of every mapping key; turn YAML errors into positions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

try:  # the C loader is several times faster; fall back to pure Python
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, except that an impossible timestamp stays a string."""


def _timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document and the 1-based (line, col) of each key and value."""

    data: Any
    keys: dict[Path_, tuple[int, int]]
    values: dict[Path_, tuple[int, int]]
    duplicates: tuple[tuple[Path_, int, int], ...] = ()

    def key_pos(self, *path: Any) -> tuple[int, int]:
        """Position of the key at `path`, else of its nearest parent, else (1, 1)."""
        return _nearest(self.keys, path)

    def value_pos(self, *path: Any) -> tuple[int, int]:
        """Position of the value at `path`, else of its key, else (1, 1)."""
        if path in self.values:
            return self.values[path]
        return _nearest(self.keys, path)


class YamlProblem(Exception):
    """A YAML syntax error at a 1-based position, relative to the parsed text."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


def load_yaml(text: str, line_offset: int = 0) -> YamlDoc:
    """Parse one YAML document; raise YamlProblem (lines shifted by `line_offset`) on a syntax error."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise _problem(exc, text, line_offset) from None
    except yaml.YAMLError as exc:  # errors without a mark
        raise YamlProblem(1 + line_offset, 1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    keys: dict[Path_, tuple[int, int]] = {}
    values: dict[Path_, tuple[int, int]] = {}
    duplicates: list[tuple[Path_, int, int]] = []
    if node is not None:
        _walk(node, (), keys, values, duplicates)
    return YamlDoc(data, keys, values, tuple(duplicates))


def _walk(node: yaml.Node, path: Path_, keys: dict, values: dict, dups: list) -> None:
    values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            sub = path + (key,)
            pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if sub in keys:
                dups.append((sub, *pos))
            keys[sub] = pos
            _walk(value_node, sub, keys, values, dups)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), keys, values, dups)


def _nearest(positions: dict[Path_, tuple[int, int]], path: Path_) -> tuple[int, int]:
    for end in range(len(path), 0, -1):
        if path[:end] in positions:
            return positions[path[:end]]
    return (1, 1)


def _problem(exc: yaml.MarkedYAMLError, text: str, offset: int) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or exc.context or "syntax error").strip()
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1]:
        tab_col = lines[line - 1].index("\t") + 1
        return YamlProblem(line + offset, tab_col, "tab character in YAML; indent with spaces")
    if exc.context and problem.startswith("but "):
        problem, exc.context = f"{exc.context.strip()}, {problem}", None
    context = f" {exc.context}" if exc.context and exc.problem else ""
    began = exc.context_mark
    if context and began is not None and began.line + 1 != line:
        context += f" that began on line {began.line + 1 + offset}"
    return YamlProblem(line + offset, col, f"invalid YAML: {problem}{context}")


_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_slashed_date(value: Any) -> dt.date | str | None:
    """`3/16/2020` or `16/3/2020` as a date when only one reading is valid; a reason when two are."""
    match = _SLASHED.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    a, b, year = (int(g) for g in match.groups())
    readings = set()
    for month, day in ((a, b), (b, a)):
        try:
            readings.add(dt.date(year, month, day))
        except ValueError:
            pass
    if len(readings) == 1:
        return readings.pop()
    return "ambiguous" if readings else None


def parse_date(value: Any) -> dt.date | None:
    """A YAML date, datetime or ISO 8601 string as a date; None if it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            return None
    return None
