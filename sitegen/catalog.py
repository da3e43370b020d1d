"""The catalog: an API response's JSON text in, a ``Catalog`` of validated models out. No I/O here.

A record that cannot be used (``sitegen.records``) is skipped with a warning naming it, and a
duplicate id keeps its first record; only a response that is not a catalog as a whole (not
JSON, an error object, no ``data`` list, no usable record) is refused. A number JSON cannot
carry (NaN, Infinity, ``1e999``, an integer no double holds) is read as a ``BadNumber``
(``sitegen.strictjson``): it skips the record holding it, and outside the records refuses the
catalog, so nothing downstream ever has to write one.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from sitegen.errors import CatalogError
from sitegen.model import Catalog, Model, sort_key
from sitegen.records import parse_model
from sitegen.strictjson import MARKED, BadNumber, bad_number_path


def loads(text: str | bytes, source: str = "catalog") -> Catalog:
    """Decode and parse a catalog; a body that is not JSON is a CatalogError."""
    return parse_payload(decode(text, source), source, clean=_may_hold_surrogates(text))


def decode(text: str | bytes, source: str = "catalog") -> Any:
    """The JSON value of ``text`` as sent, each number JSON cannot carry read as a
    ``BadNumber``; or a CatalogError saying why it is not JSON."""
    try:
        return json.loads(text, **MARKED)
    except RecursionError:
        raise CatalogError(f"{source} is nested too deeply to be a catalog") from None
    except ValueError as exc:
        snippet = text[:60] if isinstance(text, str) else text[:60].decode("utf-8", "replace")
        if snippet.lstrip().startswith("<"):
            raise CatalogError(f"{source} is HTML, not JSON (an error page?)") from None
        if not text.strip():
            raise CatalogError(f"{source} is empty") from None
        if isinstance(exc, json.JSONDecodeError) and (
                exc.pos >= len(exc.doc.rstrip()) or exc.msg.startswith("Unterminated string")):
            raise CatalogError(f"{source} ends before its JSON does (truncated after {len(text):,} bytes?)") from None
        raise CatalogError(f"{source} is not valid JSON ({exc})") from None


def parse_payload(payload: Any, source: str = "catalog", clean: bool = True) -> Catalog:
    """A decoded response as a Catalog, leaving ``payload`` as it was; a CatalogError naming
    ``source`` when the response as a whole is unusable. ``clean``: see ``parse_records``."""
    try:
        return parse_records(_records(payload), clean)
    except CatalogError as exc:
        raise CatalogError(f"{source}: {exc}") from None


def _records(payload: Any) -> list[Any]:
    """The ``data`` list of a response that is a catalog as a whole."""
    if isinstance(payload, dict) and "error" in payload and "data" not in payload:
        error = payload["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise CatalogError(f"the API answered with an error: {str(message)[:200]}")
    if isinstance(payload, BadNumber):
        raise CatalogError("the catalog is not a finite number, not an object with a 'data' list")
    if not isinstance(payload, dict):
        raise CatalogError(f"the catalog is a JSON {type(payload).__name__}, not an object with a 'data' list")
    for key, value in payload.items():  # a bad number in a record skips the record; here, the catalog
        where = None if key == "data" and isinstance(value, list) else bad_number_path({key: value})
        if where is not None:
            raise CatalogError(f"the catalog's {where} is not a finite number")
    records = payload.get("data")
    if records is None:
        raise CatalogError("the catalog has no 'data' list")
    if not isinstance(records, list):
        raise CatalogError(f"the catalog's 'data' is a {type(records).__name__}, not a list")
    if not records:
        raise CatalogError("the catalog's 'data' list is empty")
    return records


def parse_records(records: Iterable[Any], clean: bool = True) -> Catalog:
    """The catalog of ``records``: each made a Model, or a warning saying why it cannot be one
    (a record without an id is named by its place); a duplicate id keeps its first record.
    ``clean`` replaces lone surrogates (which no page or feed can carry) first, in a copy;
    leave it off only for records a reader that refuses them decoded."""
    models: list[Model] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for place, record in enumerate(records):
        try:
            model = parse_model(_without_lone_surrogates(record) if clean else record)
        except (RecursionError, ValueError, TypeError) as exc:
            has_id = isinstance(record, dict) and isinstance(record.get("id"), str)
            label = f"{record['id'][:80]!r}" if has_id else f"#{place}"
            warnings.append(f"skipped model {label}: {'it is nested too deeply' if isinstance(exc, RecursionError) else exc}")
            continue
        if model.id in seen:
            warnings.append(f"skipped model {model.id[:80]!r}: duplicate id, the first record is kept")
        else:
            seen.add(model.id)
            models.append(model)
    if not models:
        raise CatalogError("the catalog holds no usable model: " + (warnings[0] if warnings else "empty"))
    models.sort(key=sort_key)
    return Catalog(models, warnings)


def storable(payload: Any) -> Any:
    """A payload ``parse_payload`` accepted, as the data folder may keep it: without the
    records holding a number JSON cannot carry (they were skipped), so what is stored is
    strict JSON. Every other record stays as sent; ``payload`` itself is left as it was."""
    records = payload["data"]
    kept = [record for record in records if bad_number_path(record) is None]
    return payload if len(kept) == len(records) else dict(payload, data=kept)


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_IN_TEXT = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")  # an escape, or the character in a str
_SURROGATE_IN_UTF8 = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _without_lone_surrogates(value: Any) -> Any:
    """JSON may escape half a UTF-16 pair ("\\ud800"), which no page or file can encode:
    such characters become U+FFFD. Everything else is returned as it is."""
    if isinstance(value, str) and _SURROGATE.search(value):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def _may_hold_surrogates(text: str | bytes) -> bool:
    """False only when decoding ``text`` cannot give a surrogate, so the walk over every
    record (costly, and deep for deeply nested ones) can be left out."""
    if isinstance(text, str):
        return _SURROGATE_IN_TEXT.search(text) is not None
    if json.detect_encoding(text) in ("utf-8", "utf-8-sig"):
        return _SURROGATE_IN_UTF8.search(text) is not None
    return True
