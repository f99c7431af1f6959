"""Load YAML keeping the position of every mapping key; turn YAML errors into positions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .yamlguard import MAX_DEPTH, Loader, YamlProblem, refuse_anchors, walk

__all__ = ["YamlDoc", "YamlProblem", "load_yaml", "parse_date", "parse_slashed_date"]

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


def load_yaml(text: str, line_offset: int = 0, anchors_in: str | None = None) -> YamlDoc:
    """Parse one YAML document; raise YamlProblem (lines shifted by `line_offset`) on any error.
    With `anchors_in` (what the text is, for the message), anchors and aliases are refused;
    without, they are allowed but may neither contain themselves nor expand too far."""
    try:
        loader = Loader(text)
    except UnicodeError:  # text decoded from a file never holds a lone surrogate
        raise YamlProblem(1 + line_offset, 1, "invalid YAML: text that is not Unicode") from None
    try:
        if anchors_in is not None:
            refuse_anchors(text, anchors_in)
        node = loader.get_single_node()
        keys: dict[Path_, tuple[int, int]] = {}
        values: dict[Path_, tuple[int, int]] = {}
        duplicates: list[tuple[Path_, int, int]] = []
        if node is not None:
            walk(node, text, keys, values, duplicates)
        data = loader.construct_document(node) if node is not None else None
    except YamlProblem as exc:
        raise YamlProblem(exc.line + line_offset, exc.col, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        raise _problem(exc, text, line_offset) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_problem(exc, text, line_offset) from None
    except yaml.YAMLError as exc:  # errors without a mark
        raise YamlProblem(1 + line_offset, 1, f"invalid YAML: {str(exc).splitlines()[0]}") from None
    finally:
        loader.dispose()
    return YamlDoc(data, keys, values, tuple(duplicates))


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
    if problem == "exceeded maximum nesting depth":
        return YamlProblem(line + offset, col, f"nested too deeply (more than {MAX_DEPTH} levels)")
    if exc.context and problem.startswith("but "):
        problem, exc.context = f"{exc.context.strip()}, {problem}", None
    context = f" {exc.context}" if exc.context and exc.problem else ""
    began = exc.context_mark
    if context and began is not None and began.line + 1 != line:
        context += f" that began on line {began.line + 1 + offset}"
    said = f"{problem}{context}"
    hint = "; put text that starts with '*' in quotes" if "alias" in said else \
        "; put text that starts with '&' in quotes" if "anchor" in said else ""
    return YamlProblem(line + offset, col, f"invalid YAML: {problem}{context}{hint}")


def _reader_problem(exc: yaml.reader.ReaderError, text: str, offset: int) -> YamlProblem:
    """A character YAML does not allow; the C reader counts its position in UTF-8 bytes."""
    before = text.encode("utf-8", "surrogatepass")[: exc.position].decode("utf-8", "replace")
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
    return YamlProblem(line + offset, col, f"invalid YAML: control character U+{code:04X} is not allowed; "
                                           "write it as an escape in double quotes")


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
