"""An endpoint as the pages show it (``Offer``), and what the tables say of a model's offers.
No I/O.

An offer holds plain values only, so that the model pages' inputs are quick to send to the
processes that render them; ``providers.offer`` makes one from a validated endpoint.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, NamedTuple, Sequence

SHOWN = ("prompt", "completion", "input_cache_read")  # the prices a row shows, per token
UNSTATED = "unknown"  # the quantization of an endpoint that does not say, as filters name it


class Offers(NamedTuple):
    """A model's offers as last fetched, in the order the pages list them."""

    fetched_at: str
    offers: tuple[Offer, ...]


class Offer(NamedTuple):
    key: str  # the endpoint's key: its tag ("deepinfra/fp4"), "#2" ... for a tag listed twice
    name: str  # the provider's name
    quantization: str | None
    context: int | None
    max_output: int | None
    prices: tuple[Decimal | None, ...]  # of ``SHOWN``
    tiers: tuple[tuple[int, tuple[Decimal | None, ...]], ...]  # (from prompt tokens, prices of ``SHOWN``)
    uptime: float | None  # percent, last 30 minutes
    latency: float | None  # median ms to the first token, last 30 minutes
    latency_p90: float | None
    throughput: float | None  # median tokens per second, last 30 minutes

    @property
    def provider(self) -> str:
        return slug_of(self.key)

    def price(self, key: str) -> Decimal | None:
        return self.prices[SHOWN.index(key)]


def slug_of(key: str) -> str:
    """The provider of an endpoint's key (``deepinfra/fp4#2`` -> ``deepinfra``)."""
    return key.partition("#")[0].partition("/")[0]


def variant_of(key: str) -> str:
    """The variant of the provider's service an endpoint's key names (``fp4``), or ""."""
    return key.partition("#")[0].partition("/")[2]


def provider_count(offers: Iterable[Offer]) -> int:
    """How many providers make the offers (the variants of one count once)."""
    return len({offer.provider for offer in offers})


def prices(offers: Iterable[Offer], key: str) -> list[Decimal]:
    return [p for p in (offer.price(key) for offer in offers) if p is not None]


def cheapest_input(offers: Iterable[Offer]) -> Decimal | None:
    return min(prices(offers, "prompt"), default=None)


def spread(offers: Sequence[Offer], key: str) -> tuple[Decimal, Decimal] | None:
    """The lowest and highest ``key`` price among the offers."""
    found = prices(offers, key)
    return (min(found), max(found)) if found else None
