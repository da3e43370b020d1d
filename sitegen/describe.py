"""Logged changes in words (``input $3.00 → $2.50 per 1M tokens``), as model pages, the
Changes page and the change feed say them. No I/O.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sitegen import formats
from sitegen.prices import HEADLINE_PRICES, PRICE_KINDS, TOKEN_UNIT

LABELS = {
    "name": "name",
    "context_length": "context",
    "top_provider.context_length": "context at the top provider",
    "top_provider.max_completion_tokens": "max output",
    "top_provider.is_moderated": "moderated",
    "architecture.input_modalities": "input modalities",
    "architecture.output_modalities": "output modalities",
    "architecture.tokenizer": "tokenizer",
    "supported_parameters": "supported parameters",
    "expiration_date": "expiration date",
    "knowledge_cutoff": "knowledge cutoff",
    "max_completion_tokens": "max output",  # of a provider's endpoint
    "max_prompt_tokens": "max prompt",
}
TOKEN_FIELDS = ("context_length", "top_provider.context_length", "top_provider.max_completion_tokens",
                "max_completion_tokens", "max_prompt_tokens")


def describe_event(changes: dict[str, list[Any]] | None) -> list[str]:
    """Every change of a logged event (its ``changes``) in words, headline prices first."""
    changes = changes or {}
    return [describe(p, *changes[p]) for p in in_order(changes)]


def in_order(changes: dict[str, list[Any]]) -> list[str]:
    """The paths of ``changes`` in the order they are told: the input and output price, the
    other prices, then the rest, each by path."""
    return sorted(changes, key=lambda p: (HEADLINE_PRICES.index(p) if p in HEADLINE_PRICES else 2,
                                          not p.startswith("pricing."), p))


def describe_provider(kind: str, variant: str, changes: dict[str, list[Any]] | None) -> str:
    """A provider's event for a model in words, with the variant of its service it concerns."""
    said = {"provider_added": "started serving it", "provider_removed": "stopped serving it"}.get(kind)
    return (f"{variant}: " if variant else "") + (said or "; ".join(describe_event(changes)))


def describe(path: str, old: Any, new: Any) -> str:
    """One change in words."""
    if path.startswith("pricing."):
        label, unit = price_label(path)
        before, after = price_text(path, old), price_text(path, new)
        if before == after:  # float noise the API added or dropped: say so, with the digits
            return f"{label} {before} {unit} (unchanged when rounded; the API's exact value went {old} → {new})"
        return f"{label} {before} → {after} {unit}"
    label = LABELS.get(path, path)
    if path in TOKEN_FIELDS:
        old_text = f"{old:,}" if isinstance(old, int) else "none"
        new_text = f"{new:,}" if isinstance(new, int) else "none"
        return f"{label} {old_text} → {new_text} tokens"
    if isinstance(old, list) and isinstance(new, list) and path == "supported_parameters":
        gained = [v for v in new if v not in old]
        lost = [v for v in old if v not in new]
        said = ([f"added {', '.join(map(str, gained))}"] if gained else []) + (
            [f"removed {', '.join(map(str, lost))}"] if lost else [])
        return f"{label}: {'; '.join(said)}"
    return f"{label} {_value_text(old)} → {_value_text(new)}"


def price_label(path: str) -> tuple[str, str]:
    """``pricing.prompt`` -> ("input", "per 1M tokens"); tiers say where they start."""
    parts = path.split(".")
    label, unit = PRICE_KINDS.get(parts[-1], (parts[-1], TOKEN_UNIT))
    label = label[0].lower() + label[1:]
    if len(parts) == 4 and parts[1] == "overrides":
        label += f" from {formats.tokens(int(parts[2]))} prompt tokens" if parts[2].isdigit() else f" ({parts[2]})"
    return label, f"per {unit}"


def price_text(path: str, value: Any) -> str:
    """A logged price (the API's decimal string, or None) as tables show it."""
    return "none" if value is None else formats.price(path.rsplit(".", 1)[-1], Decimal(str(value)))


def _value_text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)
