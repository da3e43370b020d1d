"""Compact JSON text in and out, fast. The only home of orjson.

orjson reads and writes JSON several times faster than the standard library. Its compact
text is the standard library's (``separators=(",", ":")``, ``ensure_ascii`` off) but for
the shorter exponent of some floats; what it cannot write (an integer beyond 64 bits, a
key that is not a string) goes to the standard library.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

DecodeError = orjson.JSONDecodeError  # a ValueError


def loads(text: bytes | str) -> Any:
    """The value of a JSON text; raises ``DecodeError`` for what orjson refuses, which
    includes NaN, lone surrogates, a byte order mark and nesting over 1,024 deep."""
    return orjson.loads(text)


def compact(value: Any, sort_keys: bool = False) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"))
