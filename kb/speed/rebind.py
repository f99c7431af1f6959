"""A library function read again with some of its module-level names standing for others, the
library's module left exactly as it is; a processor of one Markdown instance replaced by kb's.

Python-Markdown's code looks some helpers up by their module-level name (CodeHilite its Pygments
lexer, the table of contents the inner HTML of a heading). kb's quicker helpers reach only the
Markdown instances kb makes, by a copy of such a function whose globals are a copy of its
module's globals with those names replaced: the same code, so the same output, and nothing else
in the process sees a change.
"""

from __future__ import annotations

import dis
import types
from collections.abc import Callable
from typing import Any


def with_globals(function: Callable[..., Any], **names: tuple[object, object]) -> Callable[..., Any] | None:
    """`function` with each global `name` read as `new`, for `name=(expected, new)`; None (use the
    function as it is) unless its code reads every name as a global and finds `expected` there."""
    if not isinstance(function, types.FunctionType) or function.__closure__ is not None:
        return None  # a closure (a method calling super(), for one) would not survive the copy
    read = {ins.argval for ins in dis.get_instructions(function) if ins.opname == "LOAD_GLOBAL"}
    for name, (expected, _) in names.items():
        if name not in read or function.__globals__.get(name) is not expected:
            return None
    namespace = {**function.__globals__, **{name: new for name, (_, new) in names.items()}}
    copy = types.FunctionType(function.__code__, namespace, function.__name__, function.__defaults__)
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = function.__qualname__
    copy.__doc__ = function.__doc__
    return copy


def replace(registry: Any, name: str, quick: object) -> bool:
    """Put `quick` in place of the processor `name` of one Markdown instance's `registry`, at the same
    priority: `quick` itself, or, given a class, a new object of it with the same state as the one there
    (not the old object with its class swapped: Python reads the attributes of such an object more
    slowly). False, and nothing changed, when the registry's private list of priorities is not as expected."""
    items = getattr(registry, "_priority", None)
    found = [item[1] for item in items if len(item) == 2 and item[0] == name] if isinstance(items, list) else []
    if len(found) != 1 or not isinstance(found[0], (int, float)) or isinstance(found[0], bool):
        return False
    if isinstance(quick, type):
        new = object.__new__(quick)
        for key, value in vars(registry[name]).items():
            setattr(new, key, value)  # one by one, as __init__ sets them: Python keeps them in its quicker layout
        quick = new
    registry.register(quick, name, found[0])
    return True
