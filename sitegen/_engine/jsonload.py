"""A large catalog read a few megabytes of records at a time, by orjson.

``catalog.loads`` decodes the whole response with the standard library, then makes the
models: at 40,000 models the decoded records take 240 MiB beside the models made from them.
Here the records of ``{"data": [record, ...], ...}`` are cut into runs of a few megabytes
(where one record ends and the next begins with the key the first record begins with) and
decoded by orjson, several times faster, a run at a time, each record dropped once parsed.

This path is taken only where it gives exactly the ``Catalog`` ``catalog.loads`` gives
(tests hold the two equal): the data list first in the object, any keys after it; no integer
too long for 64 bits (orjson reads those as floats); a text orjson reads at all (it refuses
lone surrogates, NaN, Infinity and deep nesting). Anything else, a fault included, goes to
``catalog.loads``, which reads and reports it.
"""

from __future__ import annotations

import gc
import re
from typing import Any, Callable, Iterable, Iterator

from sitegen import jsoncodec
from sitegen.catalog import loads, parse_records
from sitegen.errors import CatalogError
from sitegen.model import Catalog

RUN_BYTES = 1 << 22
LOOK_BACK = 1 << 16  # bytes from the end where the data list may end, before other keys
# Digits to "0", what may come before a number (":", ",", "[", "-", whitespace) to " ",
# anything else to "x": " " and 19 digits may be an integer orjson would not read exactly
# (or digits in a string, which only takes the ordinary path).
_DIGITS = bytes(48 if chr(b).isdigit() else 32 if chr(b) in ":,[- \t\n\r" else 120 for b in range(128)) + b"x" * 128
_LONG_INTEGER = b" " + b"0" * 19
_START = re.compile(rb'[ \t\n\r]*\{[ \t\n\r]*"data"[ \t\n\r]*:[ \t\n\r]*\[[ \t\n\r]*')
_FIRST_KEY = re.compile(rb'\{[ \t\n\r]*("(?:[^"\\]|\\.){1,200}")[ \t\n\r]*:')
_PLAIN_END = re.compile(rb"[ \t\n\r]*\][ \t\n\r]*\}[ \t\n\r]*\Z")


def load(text: bytes, source: str = "catalog") -> Catalog:
    """The catalog of ``text``, as ``catalog.loads`` gives it.

    Parsing makes hundreds of thousands of objects and no reference cycle: the cycle
    collector is kept off meanwhile, as it would walk them again and again for nothing.
    They live as long as the build, so they are then left out of later collections too
    (``gc.freeze``), which would otherwise walk them all while the pages are rendered."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(text, source)
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


def _load(text: bytes, source: str) -> Catalog:
    runs = _runs(text) if not _long_integers(text) else None
    if runs is not None:
        try:
            return parse_records(_decoded(text[start:end] for start, end in runs), clean=False)
        except (jsoncodec.DecodeError, CatalogError):
            pass
    return loads(text, source)


def _long_integers(text: bytes) -> bool:
    for start in range(0, len(text), 1 << 20):  # a copy of a megabyte at a time
        if text[start:start + (1 << 20) + 20].translate(_DIGITS).find(_LONG_INTEGER) >= 0:
            return True
    return False


def _runs(text: bytes) -> list[tuple[int, int]] | None:
    """Where the records lie, in runs of about ``RUN_BYTES``. A cut inside a record (whose
    lists may hold objects too) leaves runs that are not whole records, which do not
    decode: the caller then takes the ordinary path."""
    start = _START.match(text)
    stop = _end_of_list(text, start.end()) if start is not None else None
    first = _FIRST_KEY.match(text, start.end()) if start is not None else None
    if start is None or stop is None or first is None:
        return None
    gap = re.compile(rb"\}[ \t\n\r]*,[ \t\n\r]*(?=\{[ \t\n\r]*" + re.escape(first.group(1)) + rb"[ \t\n\r]*:)")
    runs, begin = [], start.end()
    while True:
        found = gap.search(text, begin + RUN_BYTES, stop) if begin + RUN_BYTES < stop else None
        if found is None:
            runs.append((begin, stop))
            return runs
        runs.append((begin, found.start() + 1))
        begin = found.end()


def _end_of_list(text: bytes, begin: int) -> int | None:
    """Where the data list's last record ends: before "]}" closing the text, or before a "]"
    that the rest of the object (other keys) follows as valid JSON."""
    plain = _PLAIN_END.search(text, max(begin, len(text) - 64))
    if plain is not None:
        return plain.start() if plain.start() > begin else None
    end = len(text)
    for _ in range(50):
        end = text.rfind(b"]", max(begin, len(text) - LOOK_BACK), end)
        if end <= begin:
            return None
        rest = text[end + 1:].lstrip(b" \t\n\r")
        if not rest.startswith(b","):
            continue
        try:
            others: Any = jsoncodec.loads(b"{" + rest[1:])
        except jsoncodec.DecodeError:
            continue
        # Another "data" key would take the list's place (the last one wins in JSON).
        return _before_blanks(text, begin, end) if isinstance(others, dict) and "data" not in others else None
    return None


def _before_blanks(text: bytes, begin: int, end: int) -> int | None:
    while end > begin and text[end - 1] in b" \t\n\r":
        end -= 1
    return end if end > begin else None


def _decoded(runs: Iterable[bytes]) -> Iterator[Any]:
    """The records of each run, decoded a run at a time, each dropped once taken."""
    for run in runs:
        records = jsoncodec.loads(b"[" + run + b"]")
        for n, record in enumerate(records):
            records[n] = None
            yield record


# ---------------------------------------------------------------------------------------
# endpoints.json: ``{"version": 1, "models": {id: {"fetched_at", "endpoints"}, ...}}`` as a
# fetch writes it; at 40,000 models it is 140 MB, whose decoded records would take gigabytes.

_MODELS = re.compile(rb'[ \t\n\r]*\{[ \t\n\r]*"version"[ \t\n\r]*:[ \t\n\r]*1[ \t\n\r]*,[ \t\n\r]*"models"[ \t\n\r]*:'
                     rb'[ \t\n\r]*\{[ \t\n\r]*')
_MODELS_END = re.compile(rb"[ \t\n\r]*\}[ \t\n\r]*\}[ \t\n\r]*\Z")
_ENTRY_GAP = re.compile(rb'\}[ \t\n\r]*,[ \t\n\r]*(?="(?:[^"\\]|\\.){1,400}"[ \t\n\r]*:[ \t\n\r]*\{[ \t\n\r]*"fetched_at")')


def entries(text: bytes, whole: Callable[[bytes], dict[str, Any]]) -> Iterator[tuple[str, Any]]:
    """The entries of the models map of ``text``, decoded a few megabytes at a time, as
    ``whole(text)`` (which decodes and checks the whole text) gives them. A text laid out
    otherwise, or a cut that falls inside a string (the run does not decode), goes to
    ``whole``, which reports what is wrong, if anything, and gives every entry again (a
    reader keeps the last it is given of an id, as JSON does)."""
    start = _MODELS.match(text)
    end = _MODELS_END.search(text, max(0, len(text) - 64))
    if start is not None and end is not None and end.start() > start.end() and not _long_integers(text):
        begin = start.end()
        try:
            while begin < end.start():
                found = _ENTRY_GAP.search(text, begin + RUN_BYTES, end.start()) if begin + RUN_BYTES < end.start() else None
                stop = found.start() + 1 if found else end.start()
                run: dict[str, Any] = jsoncodec.loads(b"{" + text[begin:stop] + b"}")
                begin = found.end() if found else stop
                yield from run.items()
                del run
            return
        except jsoncodec.DecodeError:
            pass
    yield from whole(text).items()
