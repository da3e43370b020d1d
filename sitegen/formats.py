"""How values read on the site: prices, token counts, dates, escaped text and the facts of a
model in words. Every page, feed and export takes its text from here, so a fact reads the
same everywhere. No I/O.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Iterable, Mapping

from sitegen import jsoncodec
from sitegen.prices import is_varies, per_unit

MISSING = "—"  # a fact the API left out


# ---------------------------------------------------------------------------------------
# Numbers and dates


def count(value: int | None) -> str:
    """A whole number with thousands separators: 128,000."""
    return MISSING if value is None else f"{value:,}"


def tokens(value: int | None) -> str:
    """Token counts the way people say them: 128K, 1M, 1.05M."""
    if value is None:
        return MISSING
    if value >= 1_000_000:
        text = f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".")
        return f"{text}M"
    if value >= 1_000:
        return f"{round(value / 1_000):,}K" if value % 1000 else f"{value // 1000:,}K"
    return str(value)


def day(timestamp: int | None) -> str:
    """The UTC date of a unix time, ``2026-08-08``; "—" for none (or 0)."""
    if not timestamp:
        return MISSING
    return _day(timestamp // 86400)


@lru_cache(maxsize=4096)  # a catalog's models share few days
def _day(number: int) -> str:
    return datetime.fromtimestamp(number * 86400, tz=timezone.utc).strftime("%Y-%m-%d")


def moment(iso: str) -> str:
    """A logged time (``2026-08-08T00:00:00Z``) as people read it: ``2026-08-08 00:00 UTC``."""
    return f"{iso[:10]} {iso[11:16]} UTC" if len(iso) >= 16 else iso


# Providers' measurements, "—" when there is none.


def latency(ms: float | None) -> str:
    """Milliseconds to the first token: "749 ms", "8.5 s"."""
    if ms is None:
        return MISSING
    return f"{ms:,.0f} ms" if ms < 1000 else f"{ms / 1000:,.1f} s"


def throughput(per_second: float | None) -> str:
    return MISSING if per_second is None else f"{per_second:,.0f} tok/s"


def share(value: float | None) -> str:
    """A percentage to at most two decimals: "99.5%"."""
    return MISSING if value is None else f"{value:.2f}".rstrip("0").rstrip(".") + "%"
def score(value: float | None) -> str:
    """A benchmark score or ELO with one decimal: 58.1, 78.0; "—" for none."""
    return MISSING if value is None else f"{value:.1f}"


# ---------------------------------------------------------------------------------------
# Prices


def usd(amount: Decimal) -> str:
    """Dollars for display: cents for amounts of a dollar and more, otherwise up to four
    significant digits (never scientific notation, never float noise)."""
    if amount == 0:
        return "$0"
    if amount >= 1:
        q = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"${q:,.2f}"
    exponent = amount.adjusted()  # e.g. -2 for 0.075
    q = amount.quantize(Decimal(1).scaleb(exponent - 3), rounding=ROUND_HALF_UP)
    text = f"{q:f}".rstrip("0")
    if len(text.split(".")[1]) < 2:
        text = f"{q:.2f}"
    return f"${text}"


@lru_cache(maxsize=4096)  # catalogs repeat a few prices many times
def price(key: str, value: Decimal | None) -> str:
    """A price as tables show it, in the unit people read: "$3.00", "free", "varies" or "—"."""
    if value is None:
        return MISSING
    if is_varies(value):
        return "varies"
    if value == 0:
        return "free"
    return usd(per_unit(key, value))


def percent(old: Decimal, new: Decimal) -> str:
    """How far a price moved, signed: "−16.7%", "+300%"; "from free" when it was 0."""
    if old == 0:
        return "from free"
    change = (new - old) / old * 100
    if abs(change) < Decimal("0.1"):
        return ("+" if change > 0 else "−") + "<0.1%"
    text = f"{abs(change).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}".removesuffix(".0")
    return ("+" if change > 0 else "−") + text + "%"


@lru_cache(maxsize=4096)
def price_number(key: str, value: Decimal | None) -> str:
    """A machine-readable price in the unit people read, for data attributes and exports
    ("" when there is none or it varies)."""
    if value is None or is_varies(value):
        return ""
    return f"{per_unit(key, value).normalize():f}"


# ---------------------------------------------------------------------------------------
# Text


_MARKUP = re.compile(r"[&<>]")
_MARKUP_OR_QUOTE = re.compile(r"[&<>\"']")


def text(value: str) -> str:
    """``value`` escaped for the content of an element: only ``&``, ``<`` and ``>``, so code
    and JSON keep their quotes as typed."""
    return html.escape(value, quote=False) if _MARKUP.search(value) else value


def attribute(value: str) -> str:
    """``value`` escaped for a double-quoted attribute (and for any element's content)."""
    return html.escape(value, quote=True) if _MARKUP_OR_QUOTE.search(value) else value


def json_for_script(value: Any) -> str:
    """JSON safe inside <script type="application/json"> or a file a script reads: no '<',
    '>' or '&' survives, so no text can close an element or open a comment."""
    dumped = jsoncodec.compact(value, sort_keys=True)
    return (dumped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_SCALARS = {None: "null", True: "true", False: "false"}


def value(item: Any) -> str:
    """A JSON value as people read it in a list of settings: strings as they are, the rest
    as JSON (``null``, ``true``, ``0.7``)."""
    if isinstance(item, str):
        return item
    if item is None or isinstance(item, bool):
        return _SCALARS[item]
    if type(item) is int or type(item) is float:  # finite: the catalog skips any other number
        return repr(item)
    return json.dumps(item, ensure_ascii=False, sort_keys=True)


# ---------------------------------------------------------------------------------------
# Facts of a model, in words


def reasoning(info: Mapping[str, Any] | None) -> str:
    """How reasoning works for a model, with the efforts it accepts when it lists some."""
    if not info:
        return MISSING
    mode = "Always on" if info.get("mandatory") else "On by default" if info.get("default_enabled") else "Optional"
    efforts = info.get("supported_efforts")
    if isinstance(efforts, (list, dict)) and efforts:
        mode += "; efforts: " + ", ".join(value(e) for e in efforts)
    return mode


def moderated(flag: bool | None) -> str:
    if flag is None:
        return MISSING
    return "Yes, requests are moderated by the provider" if flag else "No"


def by_name(names: Iterable[str]) -> list[str]:
    """Names in the order people look them up: by name, whatever the case."""
    return sorted(names, key=lambda name: (name.lower(), name))


def settings(params: Mapping[str, Any]) -> list[str]:
    """``name=value`` for each default parameter, by name; a null one sets no default and
    is left out."""
    return [f"{name}={value(params[name])}" for name in by_name(params) if params[name] is not None]


def listed(items: Iterable[str]) -> str:
    """A list as one line, "—" when empty."""
    return ", ".join(items) or MISSING
