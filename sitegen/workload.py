"""What a request costs: the mixes of tokens people price a model by, and the cost of one
request of a mix, worked out exactly from the API's prices. No I/O.

The index's script and the compare page compute the same in the browser (static/js/cost.js)
from each model's ``rates``; this module gives the served table its default column.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple, Protocol, Sequence

from sitegen.prices import exact_prices, is_varies


class Mix(NamedTuple):
    """The tokens of one request; ``cached`` is the part of the input read from the cache."""

    input: int
    output: int
    cached: int = 0
    label: str = ""


MIXES = {
    "chat": Mix(1_000, 400, 0, "Chat"),
    "rag": Mix(12_000, 400, 0, "RAG"),
    "agent": Mix(40_000, 1_500, 30_000, "Agent"),
    "summarize": Mix(100_000, 1_000, 0, "Summarize"),
}
DEFAULT_MIX = "chat"  # the served table's, and the first offered
RATE_KEYS = ("prompt", "completion", "input_cache_read", "request")  # the prices a request's cost needs


def mix_choices() -> list[tuple[str, str, str]]:
    """The mixes as the index and the compare page offer them: name, tokens as the scripts
    read them ("INPUT,OUTPUT,CACHED") and a description, the default first."""
    names = sorted(MIXES, key=lambda name: name != DEFAULT_MIX)
    return [(name, f"{MIXES[name].input},{MIXES[name].output},{MIXES[name].cached}", describe(MIXES[name]))
            for name in names]


def describe(mix: Mix) -> str:
    """"Agent: 40,000 input (30,000 cached), 1,500 output tokens" (counts as formats.count
    writes them)."""
    cached = f" ({mix.cached:,} cached)" if mix.cached else ""
    return f"{mix.label}: {mix.input:,} input{cached}, {mix.output:,} output tokens"


class Tier(Protocol):
    @property
    def min_prompt_tokens(self) -> int: ...
    @property
    def prices(self) -> dict[str, Decimal]: ...


class Priced(Protocol):
    """What a cost is worked out from (a ``Model``)."""

    @property
    def prices(self) -> dict[str, Decimal]: ...
    @property
    def tiers(self) -> Sequence[Tier]: ...


class Varies(Exception):
    """The model's price is set per request (a router): no cost can be given."""


def request_cost(model: Priced, mix: Mix) -> Decimal | None:
    """The cost in USD of one request of ``mix``: at the prices of the tier its prompt falls in,
    cache reads at the cached-input price (the input price where there is none), plus the
    price per request. None when the model lacks an input or output price; raises ``Varies``
    for a price that varies."""
    prices = model.prices
    for tier in model.tiers:  # in order of size: the last one the prompt reaches applies
        if mix.input >= tier.min_prompt_tokens:
            prices = {**model.prices, **tier.prices}
    prompt, completion = prices.get("prompt"), prices.get("completion")
    if prompt is None or completion is None:
        return None
    read, request = prices.get("input_cache_read", prompt), prices.get("request", Decimal(0))
    if any(is_varies(p) for p in (prompt, completion, read, request)):
        raise Varies
    return (mix.input - mix.cached) * prompt + mix.cached * read + mix.output * completion + request


def rates(model: Priced) -> dict[str, object]:
    """The prices ``cost.js`` needs, shaped like a compare.json entry's: exact decimal strings
    per 1M tokens (per request for ``request``), ``None`` for one that varies."""
    return {"prices": exact_prices(model.prices, RATE_KEYS),
            "tiers": [{"min": t.min_prompt_tokens, "prices": exact_prices(t.prices, RATE_KEYS)} for t in model.tiers]}

