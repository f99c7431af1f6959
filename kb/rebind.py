"""A library function read again with some of its module-level names standing for others, the
library's module left exactly as it is.

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
