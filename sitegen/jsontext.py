"""Indented JSON text, fast: byte for byte what ``json.dumps(value, ensure_ascii=False,
sort_keys=True, indent=N)`` writes, at a fraction of its cost.

The standard library writes indented JSON with its pure-Python encoder (its C encoder
only knows the compact form), which made the raw JSON block on every model page a large
part of a build. Parsed JSON holds only dicts with string
keys, lists, strings, numbers, booleans and null; anything else goes to ``json.dumps``.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C implementation when available
from typing import Any

_CONSTANTS = {None: "null", True: "true", False: "false"}


class _Unusual(Exception):
    """A value parsed JSON cannot hold: leave it to ``json.dumps``."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str | None:
    """The text of a value that is not a container (None for a dict or a list)."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is dict or kind is list:
        return None
    if kind is bool or value is None:
        return _CONSTANTS[value]
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return _float(value)
    raise _Unusual


def _emit(value: Any, out: list[str], newline: str, step: str) -> None:
    """Append the text of a non-empty dict or list to ``out``."""
    inner = newline + step
    separator = "," + inner
    lead = inner  # before the first item; ``separator`` before the others
    is_dict = type(value) is dict
    out.append("{" if is_dict else "[")
    for key in sorted(value) if is_dict else value:  # json sorts the items; keys are unique
        if is_dict:
            if type(key) is not str:
                raise _Unusual
            item = value[key]
            lead += encode_basestring(key) + ": "
        else:
            item = key
        text = encode_basestring(item) if type(item) is str else _scalar(item)
        if text is None:
            if item:
                out.append(lead)
                _emit(item, out, inner, step)
                lead = separator
                continue
            text = "{}" if type(item) is dict else "[]"
        out.append(lead + text)
        lead = separator
    out.append(newline + ("}" if is_dict else "]"))


def pretty(value: Any, indent: int = 2) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent)``."""
    out: list[str] = []
    try:
        text = _scalar(value)
        if text is not None:
            return text
        if not value:
            return "{}" if type(value) is dict else "[]"
        _emit(value, out, "\n", " " * indent)
    except (_Unusual, RecursionError):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent)
    return "".join(out)
