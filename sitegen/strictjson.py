"""Numbers JSON cannot carry, found where they enter and refused where files are written.
No I/O here.

RFC 8259 has no NaN or Infinity, and readers agree on numbers only as far as a double holds
them: JavaScript reads ``1e999`` as Infinity, and Python's int refuses an integer of over
4,300 digits. ``MARKED`` makes json read each such number as a ``BadNumber``, so the catalog
can skip the record holding one and name the field (``bad_number_path``); ``loads`` refuses
them, to prove that a file about to be stored is strict JSON.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any, Callable, TypedDict

MAX_NUMBER = sys.float_info.max
MAX_DIGITS = len(str(int(MAX_NUMBER)))  # 309: an integer of more digits is beyond any double
MAX_PATH = 200  # characters of a field path shown in a message
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class BadNumber:
    """A number JSON cannot carry, in place of its value. Neither orjson nor json can write
    one, so a value holding one is never stored by mistake."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text[:40]

    def __repr__(self) -> str:
        return f"BadNumber({self.text!r})"

    def __str__(self) -> str:
        return self.text


def _float(text: str) -> float | BadNumber:
    value = float(text)
    return value if math.isfinite(value) else BadNumber(text)


def _int(text: str) -> int | BadNumber:
    if len(text) - text.startswith("-") > MAX_DIGITS:  # never read: it may be 5,000 digits long
        return BadNumber(text)
    value = int(text)
    return value if -MAX_NUMBER <= value <= MAX_NUMBER else BadNumber(text)


def _refusing(read: Callable[[str], Any]) -> Callable[[str], Any]:
    def strict(text: str) -> Any:
        value = read(text)
        if type(value) is BadNumber:
            raise ValueError(f"{value} is not a number JSON can carry")
        return value
    return strict


class Hooks(TypedDict):
    """Keyword arguments of json.loads and json.JSONDecoder."""

    parse_constant: Callable[[str], Any]
    parse_float: Callable[[str], Any]
    parse_int: Callable[[str], Any]


MARKED = Hooks(parse_constant=BadNumber, parse_float=_float, parse_int=_int)
STRICT = Hooks(parse_constant=_refusing(BadNumber), parse_float=_refusing(_float), parse_int=_refusing(_int))


def loads(text: str | bytes) -> Any:
    """The value of a strict JSON text; a ValueError for a number JSON cannot carry."""
    return json.loads(text, **STRICT)


def bad_number_path(value: Any) -> str | None:
    """Where decoded JSON holds a number JSON cannot carry (a ``BadNumber`` or a float that
    is not finite), as a path such as ``pricing.prompt`` or ``benchmarks[2].score`` ("" for
    ``value`` itself); None when it holds none. Walked without recursion, as JSON may nest
    as deep as the decoder allows."""
    if _bad(value):
        return ""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack:
        item, trail = stack.pop()
        children = item.items() if type(item) is dict else enumerate(item) if type(item) is list else ()
        for key, child in children:
            if type(child) is dict or type(child) is list:
                stack.append((child, (key, trail)))
            elif _bad(child):
                return _field_path((key, trail))
    return None


def _bad(value: Any) -> bool:
    return type(value) is BadNumber or type(value) is float and not math.isfinite(value)


def _field_path(trail: tuple[Any, ...]) -> str:
    """``a.b[2]['odd key']`` for the keys of ``trail`` (the innermost first, paired with the
    trail of its parent): one printable line, however odd the keys."""
    keys = []
    while trail:
        key, trail = trail
        keys.append(key)
    path = ""
    for key in reversed(keys):
        if isinstance(key, int):
            path += f"[{key}]"
        elif _NAME.fullmatch(key):
            path += f".{key}" if path else key
        else:
            path += f"[{key[:40]!r}]"
    return path if len(path) <= MAX_PATH else path[:MAX_PATH] + "..."
