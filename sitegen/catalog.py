"""The catalog: raw API JSON in, typed and validated models out. No I/O here.

Validation happens at this boundary: a record that cannot be used is skipped with a warning
that names it, a duplicate id keeps its first record, unknown fields are carried along
untouched (``Model.raw``, kept as compact JSON text: a tenth of the memory of the decoded
record, which matters at tens of thousands of models) and never fail the parse. Prices (``sitegen.prices``) and id -> URL
paths (``sitegen.paths``) live in modules of their own; their names are importable from here too.

A number JSON cannot carry (NaN, Infinity, or one no double holds: ``1e999``, an integer of
hundreds of digits; see ``sitegen.strictjson``) is read as a ``BadNumber``: the record holding
one, in any field, is skipped with the field named, and one outside the records refuses the
catalog. Nothing downstream (the data folder, a page, an export) ever has to write one.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import re
import sys
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from sitegen import jsoncodec
from sitegen.strictjson import MARKED, BadNumber, bad_number_path
from sitegen.errors import CatalogError
from sitegen.paths import author_path, encode_path, model_path  # noqa: F401 (re-exported)
from sitegen.prices import (  # noqa: F401 (re-exported)
    MAX_PRICE_EXPONENT, MILLION, MIN_PRICE_EXPONENT, PRICE_KINDS, TOKEN_UNIT,
    format_price, format_usd, is_varies, parse_price, per_unit, price_number,
)

PLACEHOLDER_EXPIRY = "2098-12-31"
# Descriptions and lists beyond these sizes are cut: a hostile or broken record must not
# make a page megabytes long.
MAX_DESCRIPTION = 20_000
MAX_NAME = 300
MAX_LIST = 200
MAX_TIERS = 20
MAX_ID = 500
# Numbers beyond these are not real (and would overflow dates and decimal formatting): a
# record holding one is skipped. Counts are tokens or unix seconds.
MAX_COUNT = 32_503_680_000  # 3000-01-01: dates stay far from datetime's year 9999 limit

# Capabilities people filter by, read from ``supported_parameters``.
CAPABILITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "tools": ("Tools", ("tools", "tool_choice")),
    "structured": ("Structured outputs", ("structured_outputs", "response_format")),
    "reasoning": ("Reasoning", ("reasoning", "include_reasoning", "reasoning_effort")),
    "web": ("Web search", ("web_search_options",)),
    "logprobs": ("Log probs", ("logprobs", "top_logprobs")),
}





# ---------------------------------------------------------------------------------------
# Models


@dataclass(frozen=True)
class Tier:
    """Prices that apply from ``min_prompt_tokens`` prompt tokens on."""

    min_prompt_tokens: int
    prices: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class Model:
    id: str
    name: str
    created: int
    description: str
    context_length: int | None
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    tokenizer: str | None
    instruct_type: str | None
    prices: dict[str, Decimal]
    tiers: tuple[Tier, ...]
    max_completion_tokens: int | None
    provider_context_length: int | None
    is_moderated: bool | None
    supported_parameters: tuple[str, ...]
    default_parameters: dict[str, Any]
    knowledge_cutoff: str | None
    expiration_date: str | None
    hugging_face_id: str | None
    canonical_slug: str | None
    alias_target: str | None
    reasoning: dict[str, Any] | None
    supported_voices: tuple[str, ...]
    raw_text: str = field(repr=False, compare=False)  # the record as the API sent it, as JSON
    capability_keys: tuple[str, ...] = field(default=(), repr=False, compare=False)  # of CAPABILITIES
    # The part of the id before the first '/', without the alias '~' (worked out once).
    author: str = field(default="unknown", repr=False, compare=False)

    @property
    def raw(self) -> dict[str, Any]:
        """The record as the API sent it (a fresh copy on each call)."""
        return json.loads(self.raw_text)

    @property
    def path(self) -> str:
        return model_path(self.id)

    @property
    def author_display(self) -> str:
        """The author as the name says it ("Anthropic" in "Anthropic: Claude")."""
        if ": " in self.name:
            return self.name.split(": ", 1)[0].strip()
        return self.author

    @property
    def short_name(self) -> str:
        if ": " in self.name:
            return self.name.split(": ", 1)[1].strip() or self.name
        return self.name

    @property
    def variant(self) -> str | None:
        """The ``:suffix`` of a variant id (``free``, ``batch``, …), else None."""
        tail = self.id.rsplit("/", 1)[-1]
        return tail.split(":", 1)[1] if ":" in tail else None

    @property
    def base_id(self) -> str:
        """The id without its variant suffix or alias '~': what a model's variants share."""
        head, _, tail = self.id.lstrip("~").rpartition("/")
        return f"{head}/{tail.split(':', 1)[0]}"

    @property
    def is_alias(self) -> bool:
        return self.id.startswith("~")

    @property
    def prompt_price(self) -> Decimal | None:
        return self.prices.get("prompt")

    @property
    def completion_price(self) -> Decimal | None:
        return self.prices.get("completion")

    @property
    def is_free(self) -> bool:
        return self.prompt_price == 0 and self.completion_price == 0

    @property
    def has_varying_price(self) -> bool:
        return is_varies(self.prompt_price) or is_varies(self.completion_price)

    def capabilities(self) -> list[str]:
        """The keys of ``CAPABILITIES`` the model's parameters show (worked out once, when parsed)."""
        return list(self.capability_keys)

    @property
    def real_expiration(self) -> str | None:
        """The expiration date unless it is missing or the far-future placeholder."""
        if not self.expiration_date or self.expiration_date >= PLACEHOLDER_EXPIRY:
            return None
        return self.expiration_date

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its fields, rebuilt by its constructor: the default for a frozen slotted
        dataclass looks its fields up again for every model, which made handing models to
        worker processes cost more than rendering some of their pages."""
        return Model, _model_fields(self)


_model_fields = operator.attrgetter(*(f.name for f in fields(Model)))

@dataclass
class Catalog:
    models: list[Model]
    warnings: list[str]

    def by_id(self) -> dict[str, Model]:
        return {m.id: m for m in self.models}


def _opt_int(record: dict[str, Any], key: str, where: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}{key} is not a number")
    if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
        raise ValueError(f"{where}{key} is not a whole number")
    if not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{where}{key} is out of range: {str(value)[:24]}")
    return int(value)


def _opt_str(value: Any, limit: int = 200) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:limit]
    return None


# Lists of names and price strings already read: the same few recur across the catalog. (Two
# equal keys hold equal strings in the same places, so they give the same value.) Bounded,
# so a hostile catalog cannot grow them without end.
_SEEN_LISTS: dict[tuple[Any, ...], tuple[str, ...]] = {}
_SEEN_PRICES: dict[str, Decimal] = {}  # "0", "0.000001", ...: one Decimal each
_MAX_SEEN = 10_000


def _str_list(value: Any, ordered: bool = False) -> tuple[str, ...]:
    """The strings of a list, once each (sorted when ``ordered``); interned, as the same few
    lists of names (parameters, modalities) recur in every record, and read once each."""
    if not isinstance(value, list):
        return ()
    key, known = None, None
    if len(value) <= MAX_LIST:
        try:
            key = (ordered, *value)
            known = _SEEN_LISTS.get(key)
        except TypeError:  # an object or a list among the items
            key = None
    if known is None:
        known = tuple(dict.fromkeys(sys.intern(v) for v in value if isinstance(v, str)))[:MAX_LIST]
        if ordered:
            known = tuple(sorted(known))
        if key is not None and len(_SEEN_LISTS) < _MAX_SEEN:
            _SEEN_LISTS[key] = known
    return known


def _price(value: Any, where: str) -> Decimal | None:
    if type(value) is not str:
        return parse_price(value, where)
    price = _SEEN_PRICES.get(value)
    if price is None:
        price = parse_price(value, where)
        if price is not None and len(_SEEN_PRICES) < _MAX_SEEN:
            _SEEN_PRICES[value] = price
    return price


def _bounded(mapping: dict[str, Any]) -> dict[str, Any]:
    """At most MAX_LIST entries, and lists in it cut to MAX_LIST items (for display)."""
    return {k: v[:MAX_LIST] if isinstance(v, list) else v for k, v in list(mapping.items())[:MAX_LIST]}


def _prices(raw: Any, where: str) -> dict[str, Decimal]:
    prices: dict[str, Decimal] = {}
    if not isinstance(raw, dict):
        return prices
    for key, value in raw.items():
        if key == "overrides" or key == "min_prompt_tokens" or not isinstance(key, str):
            continue
        price = _price(value, f"{where}.{key}")
        if price is not None:
            prices[sys.intern(key[:60])] = price
        if len(prices) >= MAX_LIST:
            break
    return prices


def parse_model(record: Any) -> Model:
    """One API record as a Model; raises ValueError saying what is wrong with it."""
    if not isinstance(record, dict):
        if isinstance(record, BadNumber):
            raise ValueError("record is not a finite number")
        raise ValueError(f"record is a {type(record).__name__}, not an object")
    raw_text = _record_text(record)
    model_id = record.get("id")
    if not isinstance(model_id, str) or not model_id.strip():
        raise ValueError("record has no string id")
    if len(model_id) > MAX_ID or "\x00" in model_id:
        raise ValueError("id is too long or holds a NUL character")
    created = _opt_int(record, "created", "") or 0
    arch = record.get("architecture")
    arch = arch if isinstance(arch, dict) else {}
    top = record.get("top_provider")
    top = top if isinstance(top, dict) else {}
    raw_pricing = record.get("pricing")
    if raw_pricing is not None and not isinstance(raw_pricing, dict):
        raise ValueError("pricing is not an object")
    prices = _prices(raw_pricing, "pricing")
    tiers: list[Tier] = []
    overrides = (raw_pricing or {}).get("overrides")
    if isinstance(overrides, list):
        for i, tier in enumerate(overrides[:MAX_TIERS]):
            if not isinstance(tier, dict):
                continue
            threshold = _opt_int(tier, "min_prompt_tokens", f"pricing.overrides[{i}].")
            if threshold is None:
                continue
            tiers.append(Tier(threshold, _prices(tier, f"pricing.overrides[{i}]")))
    tiers.sort(key=lambda t: t.min_prompt_tokens)
    description = record.get("description")
    description = description[:MAX_DESCRIPTION] if isinstance(description, str) else ""
    name = _opt_str(record.get("name"), MAX_NAME) or model_id
    alias = record.get("alias_target")
    alias_slug = _opt_str(alias.get("slug")) if isinstance(alias, dict) else _opt_str(alias)
    moderated = top.get("is_moderated")
    instruct = _opt_str(arch.get("instruct_type"))
    default_parameters = record.get("default_parameters")
    reasoning = record.get("reasoning")
    parameters = _str_list(record.get("supported_parameters"))
    return Model(
        id=model_id,
        name=name,
        created=created,
        description=description,
        context_length=_opt_int(record, "context_length", ""),
        input_modalities=_str_list(arch.get("input_modalities"), ordered=True),
        output_modalities=_str_list(arch.get("output_modalities"), ordered=True),
        tokenizer=_opt_str(arch.get("tokenizer")),
        instruct_type=None if instruct in (None, "none") else instruct,
        prices=prices,
        tiers=tuple(tiers),
        max_completion_tokens=_opt_int(top, "max_completion_tokens", "top_provider."),
        provider_context_length=_opt_int(top, "context_length", "top_provider."),
        is_moderated=moderated if isinstance(moderated, bool) else None,
        supported_parameters=parameters,
        default_parameters=_bounded(default_parameters) if isinstance(default_parameters, dict) else {},
        knowledge_cutoff=_opt_str(record.get("knowledge_cutoff"), 40),
        expiration_date=_opt_str(record.get("expiration_date"), 40),
        hugging_face_id=_opt_str(record.get("hugging_face_id")),
        canonical_slug=_opt_str(record.get("canonical_slug")),
        alias_target=alias_slug,
        reasoning=_bounded(reasoning) if isinstance(reasoning, dict) else None,
        supported_voices=_str_list(record.get("supported_voices")),
        raw_text=raw_text,
        capability_keys=_capabilities(parameters),
        author=sys.intern(model_id.lstrip("~").split("/", 1)[0] or "unknown"),
    )


def _record_text(record: dict[str, Any]) -> str:
    """The record as compact JSON text; a ValueError naming the field when it holds a number
    JSON cannot carry (which no page, export or stored file may show)."""
    try:
        return jsoncodec.compact(record)
    except TypeError:  # a BadNumber, which neither orjson nor json can write
        where = bad_number_path(record)
        if where is None:
            raise
        raise ValueError(f"{where} is not a finite number") from None


@functools.lru_cache(maxsize=1024)  # a few hundred distinct lists of parameters at most in real catalogs
def _capabilities(parameters: tuple[str, ...]) -> tuple[str, ...]:
    given = set(parameters)
    return tuple(sys.intern(key) for key, (_, names) in CAPABILITIES.items() if given.intersection(names))


def sort_key(model: Model) -> tuple[int, str]:
    """Newest first; models created in the same second are ordered by id."""
    return (-model.created, model.id)


def parse_catalog(payload: Any) -> Catalog:
    """A whole API response (already decoded JSON) as a Catalog.

    Raises CatalogError when the response as a whole is unusable; single bad records are
    skipped with a warning instead.
    """
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
    if "data" not in payload or payload["data"] is None:
        raise CatalogError("the catalog has no 'data' list")
    records = payload["data"]
    if not isinstance(records, list):
        raise CatalogError(f"the catalog's 'data' is a {type(records).__name__}, not a list")
    if not records:
        raise CatalogError("the catalog's 'data' list is empty")
    return parse_records(records)


def parse_records(records: Iterable[Any]) -> Catalog:
    return collect([list(parse_each(records))])


class Skipped(NamedTuple):
    """A record that is not a usable model: its place in its part of the catalog, its id
    when it has one (as a label) and why it was skipped."""

    index: int
    label: str | None
    why: str


def parse_each(records: Iterable[Any]) -> Iterator[Model | Skipped]:
    """Each record as a Model, or as what says why it cannot be one."""
    for index, record in enumerate(records):
        try:
            yield parse_model(record)
        except (ValueError, TypeError) as exc:
            label = f"{record['id'][:80]!r}" if isinstance(record, dict) and isinstance(record.get("id"), str) else None
            yield Skipped(index, label, str(exc))


def collect(parts: Iterable[list[Model | Skipped]]) -> Catalog:
    """The catalog of ``parse_each``'s results for consecutive parts of the records: a
    duplicate id keeps its first record, and every skipped record gets a warning."""
    models: list[Model] = []
    warnings: list[str] = []
    seen: set[str] = set()
    start = 0
    for part in parts:
        for entry in part:
            if type(entry) is Skipped:
                warnings.append(f"skipped model {entry.label or f'#{start + entry.index}'}: {entry.why}")
            elif entry.id in seen:
                warnings.append(f"skipped model {entry.id[:80]!r}: duplicate id, the first record is kept")
            else:
                seen.add(entry.id)
                models.append(entry)
        start += len(part)
    if not models:
        raise CatalogError("the catalog holds no usable model: " + (warnings[0] if warnings else "empty"))
    models.sort(key=sort_key)
    return Catalog(models, warnings)


# Runs ``function(*args)`` in another process: returns a handle whose ``get()`` gives the
# result or raises (``parallel.Workers.submit``).
Elsewhere = Callable[..., Any]
# The share of a large catalog's text another process parses while this one parses the rest:
# it also sends its models back, and starts a little later.
PARSED_ELSEWHERE = 0.4


def loads(text: str | bytes, source: str = "catalog", elsewhere: Elsewhere | None = None) -> Catalog:
    """Decode and parse a catalog; a body that is not JSON is a CatalogError. With
    ``elsewhere``, another process may parse part of it."""
    fast = _parse_fast(text, elsewhere)
    if fast is not None:
        return fast
    clean = _may_hold_surrogates(text)
    streamed = _parse_streamed(text, clean)
    if streamed is not None:
        return streamed
    return parse_payload(decode(text, source), source, clean=clean)


# Digits to "0", what may come before a number (":", ",", "[", "-", whitespace) to " ",
# anything else to "x": " " and 19 digits may be an integer orjson would not read exactly
# (or digits in a string, which only takes the slower path).
_DIGITS = bytes(48 if chr(b).isdigit() else 32 if chr(b) in ":,[- \t\n\r" else 120 for b in range(128)) + b"x" * 128
_LONG_INTEGER = b" " + b"0" * 19


def _parse_fast(text: str | bytes, elsewhere: Elsewhere | None = None) -> Catalog | None:
    """A catalog of the usual shape decoded by orjson, several times faster than the
    standard library, a few megabytes of records at a time (``_runs``), when that gives
    exactly what the standard library would: no integer too long for 64 bits (orjson reads
    those as floats), and a text orjson reads at all (it refuses lone surrogates, NaN and
    deep nesting, which the other paths handle). Each record is dropped once parsed. With
    ``elsewhere``, the last runs are parsed in another process meanwhile. None when this
    path does not apply or the catalog has a fault (the other paths report it)."""
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogatepass")
    for start in range(0, len(text), 1 << 20):  # a copy of a megabyte at a time
        if text[start:start + (1 << 20) + 20].translate(_DIGITS).find(_LONG_INTEGER) >= 0:
            return None
    runs = _runs(text)
    if runs is None:
        return None
    theirs = _last_runs(runs, PARSED_ELSEWHERE * len(text)) if elsewhere is not None else []
    mine = runs[:len(runs) - len(theirs)]
    pending = elsewhere(parse_runs, [text[start:end] for start, end in theirs]) if theirs and elsewhere else None
    try:
        parts = [list(parse_each(_decoded(text[start:end] for start, end in mine)))]
        if pending is not None:
            try:
                part = pending.get()
            except Exception:  # the other process failed: its runs are parsed here
                part = parse_runs([text[start:end] for start, end in theirs])
            if part is None:
                return None
            parts.append(part)
        return collect(parts)
    except (jsoncodec.DecodeError, CatalogError):
        return None


def parse_runs(runs: list[bytes]) -> list[Model | Skipped] | None:
    """``parse_each`` of the records in consecutive runs of a catalog's text (as ``_runs``
    cuts it); None if one does not decode."""
    try:
        return list(parse_each(_decoded(runs)))
    except jsoncodec.DecodeError:
        return None


def _last_runs(runs: list[tuple[int, int]], size: float) -> list[tuple[int, int]]:
    """The last of ``runs``, together no longer than ``size`` bytes (none if the last is)."""
    count, total = 0, 0
    for start, end in reversed(runs):
        total += end - start
        if total > size:
            break
        count += 1
    return runs[len(runs) - count:]


_FIRST_KEY = re.compile(rb'\{[ \t\n\r]*("(?:[^"\\]|\\.){1,200}")[ \t\n\r]*:')
RUN_BYTES = 1 << 22


def _runs(text: bytes) -> list[tuple[int, int]] | None:
    """Where the records of ``{"data": [record, ...]}`` lie, in runs of a few megabytes cut
    where one object of a list ends and the next begins with the key the first record
    begins with. A cut inside a record (whose lists may hold objects too) leaves runs that
    are not whole records, which do not decode: the caller then takes another path."""
    start = _DATA_START_BYTES.match(text)
    end = _END_BYTES.search(text, max(0, len(text) - 64))
    first = _FIRST_KEY.match(text, start.end()) if start is not None else None
    if start is None or end is None or first is None or end.start() <= start.end():
        return None
    gap = re.compile(rb"\}[ \t\n\r]*,[ \t\n\r]*(?=\{[ \t\n\r]*" + re.escape(first.group(1)) + rb"[ \t\n\r]*:)")
    runs, begin, stop = [], start.end(), end.start()
    while True:
        found = gap.search(text, begin + RUN_BYTES, stop) if begin + RUN_BYTES < stop else None
        if found is None:
            runs.append((begin, stop))
            return runs
        runs.append((begin, found.start() + 1))
        begin = found.end()


def _decoded(runs: Iterable[bytes]) -> Iterator[Any]:
    """The records of each run, decoded a run at a time."""
    for run in runs:
        records = jsoncodec.loads(b"[" + run + b"]")
        yield from _draining(records)


def _draining(records: list[Any]) -> Iterator[Any]:
    for n, record in enumerate(records):
        records[n] = None
        yield record


class _NotPlain(Exception):
    """The text is not a plain ``{"data": [records]}``: parse it the ordinary way."""


_DATA_START = re.compile(r'[ \t\n\r]*\{[ \t\n\r]*"data"[ \t\n\r]*:[ \t\n\r]*\[[ \t\n\r]*')
_BETWEEN = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")
_END = re.compile(r"[ \t\n\r]*\}[ \t\n\r]*\Z")
_DATA_START_BYTES = re.compile(_DATA_START.pattern.encode())  # for ``_runs``, which reads bytes
_END_BYTES = re.compile(rb"[ \t\n\r]*\]" + _END.pattern.encode())


def _parse_streamed(text: str | bytes, clean: bool) -> Catalog | None:
    """A catalog of the usual shape, ``{"data": [record, ...]}``, read one record at a time
    so the decoded records are never all in memory together (at 40,000 models they would
    take over 150 MiB beside the models made from them). The Catalog is the one
    ``parse_payload(decode(text))`` gives; None when the text has any other shape or fault,
    which the ordinary path then reads or reports."""
    try:
        if isinstance(text, bytes):
            if text[:3] == b"\xef\xbb\xbf":
                return None
            text = text.decode("utf-8")
        start = _DATA_START.match(text)
        if start is None:
            return None
        return parse_records(_records(text, start.end(), clean))
    except (_NotPlain, CatalogError, UnicodeDecodeError, RecursionError):
        return None


def _records(text: str, pos: int, clean: bool) -> Iterator[Any]:
    decoder = json.JSONDecoder(**MARKED)
    if text.startswith("]", pos):
        raise _NotPlain  # an empty list: reported by the ordinary path
    while True:
        try:
            record, pos = decoder.raw_decode(text, pos)
        except ValueError:
            raise _NotPlain from None
        yield _without_lone_surrogates(record) if clean else record
        between = _BETWEEN.match(text, pos)
        if between is None:
            raise _NotPlain
        pos = between.end()
        if between.group(1) == "]":
            if _END.match(text, pos) is None:
                raise _NotPlain
            return


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
    """A decoded response as a Catalog. ``clean`` replaces lone surrogates (which no page
    or feed can carry) in a copy; the payload itself is left as it was."""
    try:
        if clean:
            payload = _without_lone_surrogates(payload)
    except RecursionError:
        raise CatalogError(f"{source} is nested too deeply to be a catalog") from None
    try:
        return parse_catalog(payload)
    except CatalogError as exc:
        raise CatalogError(f"{source}: {exc}") from None


def storable(payload: Any) -> Any:
    """A payload ``parse_catalog`` accepted, as the data folder may keep it: without the
    records that hold a number JSON cannot carry (they were skipped), so what is stored is
    strict JSON. Every other record stays as sent; ``payload`` itself is left as it was."""
    records = payload["data"]
    kept = [record for record in records if bad_number_path(record) is None]
    return payload if len(kept) == len(records) else dict(payload, data=kept)


def _without_lone_surrogates(value: Any) -> Any:
    """JSON may escape half a UTF-16 pair ("\\ud800"), which no page or file can encode:
    such characters become U+FFFD. Everything else is returned as it is."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace") if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")
# What a surrogate looks like in JSON text before decoding: a \uD800-\uDFFF escape, or the
# character itself (in a str, or UTF-8-encoded in bytes).
_SURROGATE_IN_TEXT = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_SURROGATE_IN_UTF8 = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _may_hold_surrogates(text: str | bytes) -> bool:
    """False only when decoding ``text`` cannot give a surrogate, so the walk over the
    decoded catalog (costly at tens of thousands of models) can be skipped."""
    if isinstance(text, str):
        return _SURROGATE_IN_TEXT.search(text) is not None
    if json.detect_encoding(text) in ("utf-8", "utf-8-sig"):
        return _SURROGATE_IN_UTF8.search(text) is not None
    return True
