"""What a YAML document may hold: plain tags only, bounded nesting and aliases, every failure positioned."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

try:  # the C loader is several times faster; fall back to pure Python
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

MAX_DEPTH = 64  # lists and mappings inside each other; real files use fewer than ten
ALIAS_BUDGET = 100_000  # values that the aliases of one document may add when they are expanded
MAX_INT_DIGITS = 1_000  # Python's default settings refuse to print a number of 4,300 digits
MAX_INT_BITS = 3_322  # about a thousand decimal digits
_Y = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(_Y + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "value"))
WHAT = "kb reads text, numbers, dates, true/false, lists and mappings"


class YamlProblem(Exception):
    """A YAML error at a 1-based position, relative to the parsed text."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


def short_tag(tag: str) -> str:
    """`!!set` for YAML's own tags, the tag as written otherwise."""
    return "!!" + tag[len(_Y):] if tag.startswith(_Y) else tag


def _shown(value: str) -> str:
    return "'" + (value if len(value) <= 40 else value[:37] + "...") + "'"


def _refuse(node: yaml.Node, message: str) -> ConstructorError:
    return ConstructorError(None, None, message, node.start_mark)


class Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, except that an impossible timestamp stays a string, only plain tags are
    read, and a value its tag cannot read is a positioned error rather than a Python exception."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag not in ALLOWED_TAGS:
            raise _refuse(node, f"unsupported YAML tag '{short_tag(node.tag)}' ({WHAT})")
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, KeyError, AttributeError, TypeError, OverflowError, IndexError) as exc:
            raise _refuse(node, f"cannot read {_shown(str(node.value))} as {short_tag(node.tag)}: {exc}") from None


def _int(loader: Loader, node: yaml.ScalarNode) -> int:
    digits = sum(c.isdigit() for c in node.value)
    if digits > MAX_INT_DIGITS:
        raise _refuse(node, f"number too long ({digits:,} digits); put text in quotes")
    try:
        value = SafeConstructor.construct_yaml_int(loader, node)
    except (ValueError, IndexError):  # `!!int ''` reads past the end
        raise _refuse(node, f"{_shown(node.value)} is not a whole number") from None
    if value.bit_length() > MAX_INT_BITS:  # `0x` and a thousand hex digits
        raise _refuse(node, "number too long; put text in quotes")
    return value


def _float(loader: Loader, node: yaml.ScalarNode) -> float:
    try:
        return SafeConstructor.construct_yaml_float(loader, node)
    except (ValueError, IndexError):
        raise _refuse(node, f"{_shown(node.value)} is not a number") from None


def _bool(loader: Loader, node: yaml.ScalarNode) -> bool:
    value = loader.construct_scalar(node)
    found = SafeConstructor.bool_values.get(str(value).lower())
    if found is None:
        raise _refuse(node, f"{_shown(str(value))} is not true or false")
    return found


def _timestamp(loader: Loader, node: yaml.ScalarNode) -> Any:
    value = loader.construct_scalar(node)
    if not SafeConstructor.timestamp_regexp.match(value):  # only with an explicit !!timestamp
        raise _refuse(node, f"{_shown(value)} is not a date")
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return value  # `2026-02-30`: a string, which the field's reader reports as no date


Loader.add_constructor(_Y + "int", _int)
Loader.add_constructor(_Y + "float", _float)
Loader.add_constructor(_Y + "bool", _bool)
Loader.add_constructor(_Y + "timestamp", _timestamp)
Loader.add_constructor(_Y + "value", SafeConstructor.construct_yaml_str)  # a lone `=` is text


def anchors_and_aliases(text: str) -> list[tuple[str, str, int, int]]:
    """Every anchor (`&a`) and alias (`*a`) in document order: (kind, name, line, col), 0-based."""
    found = []
    loader = Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                found.append(("alias", event.anchor, event.start_mark.line, event.start_mark.column))
            elif getattr(event, "anchor", None):
                found.append(("anchor", event.anchor, event.start_mark.line, event.start_mark.column))
    except yaml.YAMLError:
        pass  # composing the document reports the error with its position
    finally:
        loader.dispose()
    return found


def refuse_anchors(text: str, where: str) -> None:
    """Raise YamlProblem at the first alias (else the first anchor): not allowed in `where`."""
    if "&" not in text:  # without an anchor an alias is an error of its own
        return
    found = anchors_and_aliases(text)
    alias = next((f for f in found if f[0] == "alias"), None)
    if alias is not None:
        raise YamlProblem(alias[2] + 1, alias[3] + 1,
                          f"YAML alias '*{alias[1]}' is not allowed in {where}; write the value out")
    if found:
        _, name, line, col = found[0]
        raise YamlProblem(line + 1, col + 1, f"YAML anchor '&{name}' is not allowed in {where}; "
                                             "put text that starts with '&' in quotes")


Path_ = tuple[Any, ...]
_EXIT = object()


def walk(node: yaml.Node, text: str, keys: dict, values: dict, dups: list) -> None:
    """Record the position of every key and value, refusing recursive aliases, aliases that
    expand beyond ALIAS_BUDGET and nesting deeper than MAX_DEPTH (raise YamlProblem)."""
    shared = "&" in text  # only then can a node be reached twice
    seen: set[int] = set()
    open_nodes: set[int] = set()
    aliases = 0  # aliases met outside the expansion of another
    extra = 0
    stack: list[Any] = [(node, (), 0, -1, None)]
    while stack:
        item = stack.pop()
        if item[0] is _EXIT:
            open_nodes.discard(item[1])
            continue
        node, path, depth, within, key_node = item
        if key_node is not None:  # recorded when reached, so that duplicates come in document order
            pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if path in keys:
                dups.append((path, *pos))
            keys[path] = pos
        if shared:
            ident = id(node)
            if ident in open_nodes or ident in seen:
                if within < 0:
                    within, aliases = aliases, aliases + 1
                if ident in open_nodes:
                    raise _alias_problem(text, within, node, "is recursive: it contains itself")
                extra += 1
                if extra > ALIAS_BUDGET:
                    raise _alias_problem(text, within, node, f"makes the document too large "
                                         f"(aliases may add at most {ALIAS_BUDGET:,} values)")
            seen.add(ident)
        if depth > MAX_DEPTH:
            mark = node.start_mark
            raise YamlProblem(mark.line + 1, mark.column + 1, f"nested too deeply (more than {MAX_DEPTH} levels)")
        if path is not None:
            values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            continue
        if shared:
            open_nodes.add(id(node))
            stack.append((_EXIT, id(node)))
        children = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = None
                if path is not None:
                    name = key.value if isinstance(key, yaml.ScalarNode) else f"<key at line {key.start_mark.line + 1}>"
                    sub = path + (name,)
                children.append((key, None, depth + 1, within, None))
                children.append((value, sub, depth + 1, within, key if sub is not None else None))
        else:
            children = [(child, None if path is None else path + (index,), depth + 1, within, None)
                        for index, child in enumerate(node.value)]
        stack.extend(reversed(children))


def _alias_problem(text: str, index: int, node: yaml.Node, what: str) -> YamlProblem:
    aliases = [f for f in anchors_and_aliases(text) if f[0] == "alias"]
    if 0 <= index < len(aliases):
        _, name, line, col = aliases[index]
        return YamlProblem(line + 1, col + 1, f"YAML alias '*{name}' {what}")
    return YamlProblem(node.start_mark.line + 1, node.start_mark.column + 1, f"YAML alias {what}")
