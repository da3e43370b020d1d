"""Prices: the API's price strings as exact Decimals, and how people read them.

The API sends USD per token (or per request, image, search) as strings; they are kept exact
and shown per 1M tokens or per unit. No I/O here.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

MILLION = Decimal(1_000_000)
# Prices beyond these are not real (and would overflow decimal formatting): a record holding
# one is skipped.
MIN_PRICE_EXPONENT = -20
MAX_PRICE_EXPONENT = 6

# Every price kind the API has been seen to send, in display order:
# key -> (label, unit). Token prices are shown per 1M tokens, the others per unit.
PRICE_KINDS: dict[str, tuple[str, str]] = {
    "prompt": ("Input", "1M tokens"),
    "completion": ("Output", "1M tokens"),
    "input_cache_read": ("Cached input (read)", "1M tokens"),
    "input_cache_write": ("Cache write", "1M tokens"),
    "input_cache_write_1h": ("Cache write (1 hour)", "1M tokens"),
    "internal_reasoning": ("Reasoning", "1M tokens"),
    "audio": ("Audio input", "1M tokens"),
    "input_audio_cache": ("Cached audio input", "1M tokens"),
    "image_output": ("Image output", "1M tokens"),
    "audio_output": ("Audio output", "1M tokens"),
    "request": ("Per request", "request"),
    "image": ("Per input image", "image"),
    "web_search": ("Web search", "search"),
}
TOKEN_UNIT = "1M tokens"
# The input and output price: the two every table shows and a change of which is a repricing.
HEADLINE_PRICES = ("pricing.prompt", "pricing.completion")


def parse_price(value: Any, where: str) -> Decimal | None:
    """A price string (USD per unit) as an exact Decimal; None when absent.

    Raises ValueError naming ``where`` for a value that is not a finite number.
    """
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
    """Convert an API price (per token or per unit) into the unit people read."""
    unit = PRICE_KINDS.get(key, ("", TOKEN_UNIT))[1]
    return price * MILLION if unit == TOKEN_UNIT else price
