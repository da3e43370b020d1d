"""One API record in, a validated ``Model`` out, or a ValueError saying what is wrong with it.
No I/O here.

Unknown fields never fail a record and are carried along as ``Model.raw_text``, the record as
compact JSON (a tenth of the memory of the decoded record, which matters at tens of thousands
of models). A number JSON cannot carry (``sitegen.strictjson``), anywhere in it, is an error.
"""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sitegen import jsoncodec
from sitegen.model import CAPABILITIES, SCORES, ArenaResult, Model
from sitegen.paths import model_path
from sitegen.prices import Tier, parse_price
from sitegen.strictjson import BadNumber, bad_number_path

# Longer texts and lists are cut, so that a hostile or broken record cannot make a page
# megabytes long; a longer id skips the record.
MAX_NAME, MAX_ID = 300, 500
MAX_LIST, MAX_TIERS = 200, 20
# A larger count (of tokens, or unix seconds) is not real and skips the record: 3000-01-01
# keeps dates far from datetime's year 9999 limit.
MAX_COUNT = 32_503_680_000
# Benchmark results outside these bounds are not real and are dropped (the model is kept).
MAX_ELO, MAX_RANK = 10_000, 1_000_000


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
    pricing = record.get("pricing")
    if pricing is not None and not isinstance(pricing, dict):
        raise ValueError("pricing is not an object")
    prices = _prices(pricing, "pricing")
    tiers: list[Tier] = []
    overrides = (pricing or {}).get("overrides")
    for i, tier in enumerate(overrides[:MAX_TIERS] if isinstance(overrides, list) else []):
        threshold = _opt_int(tier, "min_prompt_tokens", f"pricing.overrides[{i}].") if isinstance(tier, dict) else None
        if threshold is not None:
            tiers.append(Tier(threshold, _prices(tier, f"pricing.overrides[{i}]")))
    arch = _object(record.get("architecture"))
    top = _object(record.get("top_provider"))
    instruct = _opt_str(arch.get("instruct_type"))
    moderated = top.get("is_moderated")
    alias = record.get("alias_target")
    parameters = _str_list(record.get("supported_parameters"))
    benchmarks = _object(record.get("benchmarks"))
    return Model(
        id=model_id,
        name=_opt_str(record.get("name"), MAX_NAME) or model_id,
        created=created,
        context_length=_opt_int(record, "context_length", ""),
        input_modalities=_str_list(arch.get("input_modalities"), ordered=True),
        output_modalities=_str_list(arch.get("output_modalities"), ordered=True),
        tokenizer=_opt_str(arch.get("tokenizer")),
        instruct_type=None if instruct in (None, "none") else instruct,
        prices=prices,
        tiers=tuple(sorted(tiers, key=lambda t: t.min_prompt_tokens)),
        max_completion_tokens=_opt_int(top, "max_completion_tokens", "top_provider."),
        provider_context_length=_opt_int(top, "context_length", "top_provider."),
        is_moderated=moderated if isinstance(moderated, bool) else None,
        supported_parameters=parameters,
        default_parameters=_bounded(record.get("default_parameters")) or {},
        knowledge_cutoff=_opt_str(record.get("knowledge_cutoff"), 40),
        expiration_date=_opt_str(record.get("expiration_date"), 40),
        hugging_face_id=_opt_str(record.get("hugging_face_id")),
        canonical_slug=_opt_str(record.get("canonical_slug")),
        alias_target=_opt_str(alias.get("slug")) if isinstance(alias, dict) else _opt_str(alias),
        reasoning=_bounded(record.get("reasoning")),
        supported_voices=_str_list(record.get("supported_voices")),
        raw_text=raw_text,
        capability_keys=_capabilities(parameters),
        author=sys.intern(model_id.lstrip("~").split("/", 1)[0] or "unknown"),
        path=model_path(model_id),
        scores=_scores(_object(benchmarks.get("artificial_analysis"))),
        arena=_arena(benchmarks.get("design_arena")),
    )


def _record_text(record: dict[str, Any]) -> str:
    """The record as compact JSON text; a ValueError naming the field holding a number JSON
    cannot carry (which no page, export or stored file may show)."""
    try:
        return jsoncodec.compact(record)
    except TypeError:  # a BadNumber, which neither orjson nor json can write
        where = bad_number_path(record)
        if where is None:
            raise
        raise ValueError(f"{where} is not a finite number") from None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


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
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else None


def _str_list(value: Any, ordered: bool = False) -> tuple[str, ...]:
    """The strings of a list, once each (sorted when ``ordered``)."""
    if not isinstance(value, list):
        return ()
    try:
        return _names(ordered, tuple(value[:MAX_LIST + 1]))
    except TypeError:  # an object or a list among the items: not a key of the cache
        return _names.__wrapped__(ordered, tuple(value))


@lru_cache(maxsize=4096)  # the same few lists (parameters, modalities) recur in every record: one tuple each
def _names(ordered: bool, items: tuple[Any, ...]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(sys.intern(v) for v in items if isinstance(v, str)))[:MAX_LIST]
    return tuple(sorted(names)) if ordered else names


def _bounded(value: Any) -> dict[str, Any] | None:
    """An object with at most MAX_LIST entries, and lists in it cut to MAX_LIST items (for
    display); None for anything else."""
    if not isinstance(value, dict):
        return None
    return {k: v[:MAX_LIST] if isinstance(v, list) else v for k, v in list(value.items())[:MAX_LIST]}


def _number(value: Any, low: float, high: float) -> float | None:
    """A finite number within [low, high], else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value) if low <= value <= high else None


def _scores(indices: dict[str, Any]) -> dict[str, float]:
    """Artificial Analysis' indices, by our key; those missing or not between 0 and 100 left out."""
    found = {key: _number(indices.get(name), 0, 100) for key, name in SCORES.items()}
    return {key: value for key, value in found.items() if value is not None}


def _arena(value: Any) -> tuple[ArenaResult, ...]:
    """Design Arena results, once per leaderboard and category; an entry without a usable
    name, ELO or rank is left out."""
    results: dict[tuple[str, str], ArenaResult] = {}
    for item in value[:MAX_LIST] if isinstance(value, list) else ():
        entry = _object(item)
        arena, category = _name(entry.get("arena")), _name(entry.get("category"))
        elo, rank = _number(entry.get("elo"), 1, MAX_ELO), _number(entry.get("rank"), 1, MAX_RANK)
        if arena and category and elo is not None and rank is not None and rank == int(rank):
            results.setdefault((arena, category), ArenaResult(
                arena, category, elo, _number(entry.get("win_rate"), 0, 100), int(rank)))
    return tuple(results.values())


def _name(value: Any) -> str | None:  # of a leaderboard or category: a few recur in every record, held once
    text = _opt_str(value, 60)
    return sys.intern(text) if text else None


def _prices(raw: Any, where: str) -> dict[str, Decimal]:
    prices: dict[str, Decimal] = {}
    for key, value in raw.items() if isinstance(raw, dict) else ():
        if key in ("overrides", "min_prompt_tokens") or not isinstance(key, str):
            continue
        price = _price(value, f"{where}.{key}")
        if price is not None:
            prices[sys.intern(key[:60])] = price
        if len(prices) >= MAX_LIST:
            break
    return prices


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


@lru_cache(maxsize=1024)  # a few hundred distinct lists of parameters at most in real catalogs
def _capabilities(parameters: tuple[str, ...]) -> tuple[str, ...]:
    given = set(parameters)
    return tuple(sys.intern(key) for key, (_, names) in CAPABILITIES.items() if given.intersection(names))
