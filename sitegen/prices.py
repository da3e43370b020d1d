"""Prices: the API's strings of USD per token (or per request, image, search) as exact
Decimals, and the unit people read them in. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

MILLION = Decimal(1_000_000)
# A price beyond these is not real (and would overflow decimal formatting): it skips the record.
MIN_PRICE_EXPONENT = -20
MAX_PRICE_EXPONENT = 6
TOKEN_UNIT = "1M tokens"
# Every price kind the API has been seen to send, in display order: key -> (label, unit).
PRICE_KINDS: dict[str, tuple[str, str]] = {
    "prompt": ("Input", TOKEN_UNIT),
    "completion": ("Output", TOKEN_UNIT),
    "input_cache_read": ("Cached input (read)", TOKEN_UNIT),
    "input_cache_write": ("Cache write", TOKEN_UNIT),
    "input_cache_write_1h": ("Cache write (1 hour)", TOKEN_UNIT),
    "internal_reasoning": ("Reasoning", TOKEN_UNIT),
    "audio": ("Audio input", TOKEN_UNIT),
    "input_audio_cache": ("Cached audio input", TOKEN_UNIT),
    "image_output": ("Image output", TOKEN_UNIT),
    "audio_output": ("Audio output", TOKEN_UNIT),
    "request": ("Per request", "request"),
    "image": ("Input image", "image"),
    "web_search": ("Web search", "search"),
}
# The input and output price: the two every table shows and a change of which is a repricing.
HEADLINE_PRICES = ("pricing.prompt", "pricing.completion")


@dataclass(frozen=True)
class Tier:
    """Prices that apply from ``min_prompt_tokens`` prompt tokens on."""

    min_prompt_tokens: int
    prices: dict[str, Decimal]


def parse_price(value: Any, where: str) -> Decimal | None:
    """A price (USD per unit) as an exact Decimal; None when absent. Raises ValueError naming
    ``where`` for a value that is not a finite number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{where} is not a number")
    try:
        price = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{where} is not a number: {str(value)[:40]!r}") from None
    if not price.is_finite():
        raise ValueError(f"{where} is not a finite number")
    if price and not MIN_PRICE_EXPONENT <= price.adjusted() <= MAX_PRICE_EXPONENT or len(str(value)) > 64:
        raise ValueError(f"{where} is out of range: {str(value)[:40]!r}")
    return price


def is_varies(price: Decimal | None) -> bool:
    """The API's "-1" (and any negative price): no fixed price, e.g. router models."""
    return price is not None and price < 0


def per_unit(key: str, price: Decimal) -> Decimal:
    """An API price (per token or per unit) in the unit people read: tokens per 1M."""
    return price * MILLION if PRICE_KINDS.get(key, ("", TOKEN_UNIT))[1] == TOKEN_UNIT else price


def exact_prices(prices: dict[str, Decimal], keys: tuple[str, ...] | None = None) -> dict[str, str | None]:
    """Prices (those of ``keys``, else all) as exact decimal strings in the unit people read,
    ``None`` for a price that varies: what the browser's exact arithmetic starts from."""
    return {key: None if is_varies(value) else f"{per_unit(key, value).normalize():f}"
            for key, value in prices.items() if keys is None or key in keys}
