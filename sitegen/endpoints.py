"""Who serves each model: the provider endpoints of the API's
``GET /api/v1/models/{author}/{slug}/endpoints``, validated. No I/O here.

An answer of that API is ``{"data": {"id", "name", ..., "endpoints": [...]}}``; ``accept``
keeps the endpoint records that ``parse`` takes, as sent (unknown fields kept), and says why
it skipped each other one. How they are stored and compared: ``sitegen.provider_data``.

An endpoint is known by its ``key``: its ``tag`` (``deepinfra/fp4``), and where the API lists
one tag twice with different terms, the tag with ``#2``, ``#3`` in the order of those terms.
The change log follows each endpoint's terms (``terms``: prices, limits, quantization), never
its latency, throughput or uptime, which change on every fetch.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, NamedTuple, Sequence

from sitegen.prices import Tier, parse_price
from sitegen.strictjson import bad_number_path

MAX_ENDPOINTS = 200  # per model: more is not a real answer
MAX_NAME = 100
MAX_COUNT = 100_000_000_000  # tokens: a larger limit is not real
MAX_LATENCY = 3_600_000.0  # ms
MAX_THROUGHPUT = 1_000_000.0  # tokens/s
UNKNOWN_QUANTIZATION = "unknown"  # what the API sends when a provider does not say
_TAG = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}(/[a-z0-9][a-z0-9._-]{0,63})?")
_QUANTIZATION = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")
# A provider's name as people write one ("Io Net", "Amazon Bedrock"): letters, digits, spaces
# and a little punctuation (an apostrophe too), never markup, double quotes or control characters.
_NAME = re.compile(r"[^\W_](?:[\w .,&'()+/:!-]{0,%d}[\w.)])?" % (MAX_NAME - 2))


class Stats(NamedTuple):
    """The percentiles the pages show of the last 30 minutes (latency in ms to the first
    token, throughput in tokens per second); the API's others stay in the stored record."""

    p50: float
    p90: float | None = None


@dataclass(frozen=True)
class Endpoint:
    key: str  # unique within a model: the tag, or tag#2 ...
    tag: str  # the provider's slug, with a variant after a slash: "deepinfra/fp4"
    provider_name: str
    quantization: str | None  # None: not said ("unknown")
    context_length: int | None
    max_completion_tokens: int | None
    max_prompt_tokens: int | None
    prices: dict[str, Decimal]
    tiers: tuple[Tier, ...]
    supported_parameters: tuple[str, ...]
    status: int | None
    uptime: float | None  # percent of requests served, last 30 minutes
    latency: Stats | None
    throughput: Stats | None
    implicit_caching: bool | None

    @property
    def provider(self) -> str:
        """The provider's slug: the tag before any variant (``deepinfra``)."""
        return self.tag.split("/", 1)[0]

    def terms(self) -> dict[str, Any]:
        """What the change log follows of an endpoint, as dotted path -> JSON value."""
        values: dict[str, Any] = {
            "quantization": self.quantization,
            "context_length": self.context_length,
            "max_completion_tokens": self.max_completion_tokens,
            "max_prompt_tokens": self.max_prompt_tokens,
        }
        for key, price in sorted(self.prices.items()):
            values[f"pricing.{key}"] = f"{price:f}"
        for tier in self.tiers:
            for key, price in sorted(tier.prices.items()):
                values[f"pricing.overrides.{tier.min_prompt_tokens}.{key}"] = f"{price:f}"
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class ModelEndpoints:
    """A model's endpoints as last fetched."""

    fetched_at: str
    endpoints: tuple[Endpoint, ...]


def refusal(body: Any) -> str | None:
    """Why a decoded answer of the endpoints API is not a list of endpoints (None if it is)."""
    if not isinstance(body, dict):
        return f"the answer is {_json_kind(body)}, not an object"
    if "error" in body and "data" not in body:
        error = body["error"]
        message = error.get("message") if isinstance(error, dict) else error
        return f"the answer is an error: {str(message)[:100]!r}"
    data = body.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("endpoints"), list):
        return "the answer has no data.endpoints list"
    return None


def accept(model_id: str, body: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The endpoint records of an answer (see ``refusal``, checked first) that pass ``parse``,
    as sent and sorted by key, and a warning naming the model and provider for each one that
    does not."""
    records, warnings = [], []
    listed = body["data"]["endpoints"]
    if len(listed) > MAX_ENDPOINTS:
        warnings.append(f"skipped all but the first {MAX_ENDPOINTS} of the {len(listed)} endpoints of {model_id}")
    for i, record in enumerate(listed[:MAX_ENDPOINTS]):
        try:
            parse(record)
        except ValueError as exc:
            who = record.get("tag") if isinstance(record, dict) else None
            name = printable(who) if isinstance(who, str) else f"endpoint {i}"
            warnings.append(f"skipped the endpoint {name!r} of {model_id}: {exc}")
        else:
            records.append(record)
    return [records[i] for i in _order(records)], warnings


def parse(record: Any, key: str | None = None) -> Endpoint:
    """One endpoint record; ValueError saying what is wrong with it."""
    if not isinstance(record, dict):
        raise ValueError(f"it is {_json_kind(record)}, not an object")
    bad = bad_number_path(record)
    if bad is not None:
        raise ValueError(f"{bad or 'the record'} is not a finite number")
    tag = record.get("tag")
    if not isinstance(tag, str) or not _TAG.fullmatch(tag):
        raise ValueError("its tag is not a provider slug")
    name = record.get("provider_name")
    if not isinstance(name, str) or not _NAME.fullmatch(name.strip()):
        raise ValueError("its provider_name is not a plain name of at most 100 characters")
    quantization = record.get("quantization")
    if quantization is not None and not (isinstance(quantization, str) and _QUANTIZATION.fullmatch(quantization)):
        raise ValueError("its quantization is not a short lowercase word")
    pricing = record.get("pricing")
    if not isinstance(pricing, dict):
        raise ValueError("it has no pricing object")
    prices = _prices(pricing, "pricing")
    tiers = []
    overrides = pricing.get("overrides")
    for i, tier in enumerate(overrides if isinstance(overrides, list) else []):
        if not isinstance(tier, dict):
            raise ValueError(f"pricing.overrides[{i}] is not an object")
        threshold = _count(tier, "min_prompt_tokens", f"pricing.overrides[{i}].")
        if threshold is not None:
            tiers.append(Tier(threshold, _prices(tier, f"pricing.overrides[{i}]")))
    parameters = record.get("supported_parameters")
    status = record.get("status")
    caching = record.get("supports_implicit_caching")
    return Endpoint(
        key=key or tag, tag=tag, provider_name=name.strip(),
        quantization=None if quantization in (None, UNKNOWN_QUANTIZATION) else quantization,
        context_length=_count(record, "context_length"),
        max_completion_tokens=_count(record, "max_completion_tokens"),
        max_prompt_tokens=_count(record, "max_prompt_tokens"),
        prices=prices, tiers=tuple(sorted(tiers, key=lambda t: t.min_prompt_tokens)),
        supported_parameters=tuple(sorted({p for p in parameters if isinstance(p, str)}))
        if isinstance(parameters, list) else (),
        status=status if type(status) is int else None,
        uptime=share(record.get("uptime_last_30m")),
        latency=stats(record.get("latency_last_30m"), MAX_LATENCY),
        throughput=stats(record.get("throughput_last_30m"), MAX_THROUGHPUT),
        implicit_caching=caching if isinstance(caching, bool) else None,
    )


def _prices(raw: dict[str, Any], where: str) -> dict[str, Decimal]:
    prices: dict[str, Decimal] = {}
    for key, value in raw.items():
        if key in ("overrides", "min_prompt_tokens", "discount"):
            continue
        price = parse_price(value, f"{where}.{key}")
        if price is not None and price < 0:
            raise ValueError(f"{where}.{key} is negative")
        if price is not None:
            prices[key[:60]] = price
    return prices


def _count(record: dict[str, Any], key: str, where: str = "") -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise ValueError(f"{where}{key} is not a whole number")
    if not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{where}{key} is out of range: {str(value)[:24]}")
    return int(value)


@lru_cache(maxsize=4096)  # a few providers' tags and names, on every model they serve
def plain(tag: Any, name: Any, quantization: Any) -> bool:
    """Whether a record's tag, provider name and quantization are what ``parse`` takes
    (TypeError for a value that is not text nor None)."""
    return (type(tag) is str and type(name) is str and bool(_TAG.fullmatch(tag) and _NAME.fullmatch(name.strip()))
            and (quantization is None or type(quantization) is str and bool(_QUANTIZATION.fullmatch(quantization))))


def share(value: Any) -> float | None:
    """A percentage as sent; None for anything that cannot be one (the API's own figures
    sometimes exceed 100 where a request was counted twice)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        return None
    return abs(float(value))  # -0 reads 0


def stats(value: Any, ceiling: float) -> Stats | None:
    """The percentiles, each None unless a number from 0 to ``ceiling``; None without a median."""
    if not isinstance(value, dict):
        return None
    median = _figure(value.get("p50"), ceiling)
    return None if median is None else Stats(median, _figure(value.get("p90"), ceiling))


def _figure(value: Any, ceiling: float) -> float | None:
    return abs(float(value)) if type(value) in (int, float) and 0 <= value <= ceiling else None  # -0 reads 0


def _json_kind(value: Any) -> str:
    if value is None or isinstance(value, (bool, str, list)):
        return {type(None): "null", bool: "a boolean", str: "a string", list: "a list"}[type(value)]
    return "a number" if isinstance(value, (int, float)) else "a number JSON cannot carry"


def printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:MAX_NAME])


def _order(records: Sequence[dict[str, Any]]) -> list[int]:
    """The records' places sorted by key (tag, then terms for a repeated tag)."""
    parsed = [parse(r) for r in records]
    return sorted(range(len(records)), key=lambda i: (parsed[i].tag, _terms_text(parsed[i])))


def _terms_text(endpoint: Endpoint) -> str:
    return json.dumps(endpoint.terms(), sort_keys=True)


def keyed(records: Iterable[dict[str, Any]]) -> tuple[Endpoint, ...]:
    """Stored records as endpoints with their keys. A tag listed twice with the same terms
    (two regions of one provider) is one endpoint for the log, the first of them shown."""
    by_tag: dict[str, list[Endpoint]] = defaultdict(list)
    for record in records:
        endpoint = parse(record)
        by_tag[endpoint.tag].append(endpoint)
    endpoints: list[Endpoint] = []
    for tag, group in sorted(by_tag.items()):
        if len(group) == 1:  # most tags: already keyed by their tag, with no terms to compare
            endpoints += group
            continue
        seen: dict[str, Endpoint] = {}
        for text, endpoint in sorted(((_terms_text(e), e) for e in group), key=lambda pair: pair[0]):
            seen.setdefault(text, endpoint)
        for n, endpoint in enumerate(seen.values(), start=1):
            key = tag if n == 1 else f"{tag}#{n}"
            endpoints.append(Endpoint(**{**endpoint.__dict__, "key": key}))
    return tuple(endpoints)


def cheapest(endpoints: Sequence[Endpoint], key: str = "prompt") -> Endpoint | None:
    """The endpoint with the lowest ``key`` price (ties: the first by key)."""
    priced = [e for e in endpoints if key in e.prices]
    return min(priced, key=lambda e: e.prices[key]) if priced else None


def fastest(endpoints: Sequence[Endpoint]) -> Endpoint | None:
    """The endpoint with the highest median throughput."""
    measured = [e for e in endpoints if e.throughput is not None]
    return max(measured, key=lambda e: e.throughput.p50 if e.throughput else 0.0) if measured else None


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(v for v in values if math.isfinite(v))
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

