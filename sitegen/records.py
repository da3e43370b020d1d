"""One API record in, a validated ``Model`` out, or a ValueError saying what is wrong with
it. No I/O here.

Unknown fields are carried along untouched (``Model.raw_text``, the record as compact JSON
text: a tenth of the memory of the decoded record, which matters at tens of thousands of
models) and never fail the record. A number JSON cannot carry, anywhere in the record, is
one (see ``sitegen.strictjson``).
"""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sitegen import jsoncodec
from sitegen.model import CAPABILITIES, Model, Tier
from sitegen.paths import model_path
from sitegen.prices import parse_price
from sitegen.strictjson import BadNumber, bad_number_path

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


def _str_list(value: Any, ordered: bool = False) -> tuple[str, ...]:
    """The strings of a list, once each (sorted when ``ordered``)."""
    if not isinstance(value, list):
        return ()
    try:
        return _names(ordered, tuple(value[:MAX_LIST + 1]) if len(value) > MAX_LIST else tuple(value))
    except TypeError:  # an object or a list among the items
        return _names.__wrapped__(ordered, tuple(value))


@lru_cache(maxsize=4096)  # the same few lists (parameters, modalities) recur in every record: one tuple each
def _names(ordered: bool, items: tuple[Any, ...]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(sys.intern(v) for v in items if isinstance(v, str)))[:MAX_LIST]
    return tuple(sorted(names)) if ordered else names


def _price(value: Any, where: str) -> Decimal | None:
    if type(value) is str:
        try:
            return _price_of(value)
        except ValueError:
            pass  # said again below, with where it is
    return parse_price(value, where)


@lru_cache(maxsize=4096)  # "0", "0.000001", ...: a catalog repeats a few prices many times
def _price_of(text: str) -> Decimal | None:
    return parse_price(text, "")


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
        path=model_path(model_id),
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


@lru_cache(maxsize=1024)  # a few hundred distinct lists of parameters at most in real catalogs
def _capabilities(parameters: tuple[str, ...]) -> tuple[str, ...]:
    given = set(parameters)
    return tuple(sys.intern(key) for key, (_, names) in CAPABILITIES.items() if given.intersection(names))
