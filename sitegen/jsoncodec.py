"""Compact JSON text in and out, fast. The only home of orjson.

orjson's compact text is the standard library's (``separators=(",", ":")``, ``ensure_ascii``
off) but for the shorter exponent of some floats; what it cannot write (an integer beyond 64
bits, a key that is not a string) is written by the standard library.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

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


def filled(document: str, key: str, items: Iterable[str]) -> Iterator[str]:
    """The JSON text ``document``, which holds ``"key":[]`` once, with that list holding
    ``items`` (each the text of one or more entries; empty ones are skipped) and a line
    break after it, piece by piece: a large list is never whole in memory."""
    before, after = document.split(f'"{key}":[]')
    yield before + f'"{key}":['
    for n, text in enumerate(item for item in items if item):
        yield ("," if n else "") + text
    yield "]" + after + "\n"
