"""The git commit message that records a fetch: the counts of what changed in the subject,
the models by kind in the body, with old and new headline prices. No I/O here.

The history of ``data/`` in git is the catalog's history, so ``git log -- data`` should read
like a change log::

    Catalog: 2 added, 1 removed, 1 repriced, 0 changed (401 models)

    Added:
    - mistralai/mistral-large-2512
    - qwen/qwen3-coder:free

    Removed:
    - openai/gpt-4-32k

    Repriced:
    - openai/gpt-4o: input $2.50 -> $2.00, output $10.00 -> $8.00
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Sequence

from sitegen.formats import price as format_price, price_number
from sitegen.history import Event, count
from sitegen.prices import HEADLINE_PRICES, PRICE_KINDS

LISTED = 30  # models named under each heading before "... and N more"


def commit_message(events: Sequence[Event], models: int, stored: bool = True) -> str:
    """The whole message: subject line, blank line, body (empty when nothing was logged).
    ``stored`` is whether the fetch changed ``data/`` at all."""
    sections = [
        _section("Added", [e.id for e in events if e.kind == "added"]),
        _section("Removed", [e.id for e in events if e.kind == "removed"]),
        _section("Repriced", [f"{e.id}: {_price_moves(e)}" for e in events if e.repriced]),
        _section("Changed", [f"{e.id}: {', '.join(sorted(e.changes or {}))}"
                             for e in events if e.kind == "changed" and not e.repriced]),
    ]
    body = "\n\n".join(s for s in sections if s)
    return subject(events, models, stored) + "\n" + (f"\n{body}\n" if body else "")


def subject(events: Sequence[Event], models: int, stored: bool = True) -> str:
    if not stored:
        return f"Catalog: unchanged ({models} models)"
    if not events:
        return f"Catalog: no model added, removed or changed; other details updated ({models} models)"
    return f"Catalog: {count(events)} ({models} models)"


def _section(heading: str, lines: list[str]) -> str:
    if not lines:
        return ""
    shown = [f"- {line}" for line in lines[:LISTED]]
    if len(lines) > LISTED:
        shown.append(f"- ... and {len(lines) - LISTED} more")
    return f"{heading}:\n" + "\n".join(shown)


def _price_moves(event: Event) -> str:
    """``input $3.00 -> $2.50, output ...`` for the headline prices that moved; exact
    amounts when rounding would show the same price twice."""
    moves = []
    for path in HEADLINE_PRICES:
        if path in (event.changes or {}):
            old, new = (_decimal(v) for v in (event.changes or {})[path])
            key = path.split(".", 1)[1]
            shown = [format_price(key, old), format_price(key, new)]
            if shown[0] == shown[1]:
                shown = [f"${price_number(key, v)}" if v is not None else "—" for v in (old, new)]
            moves.append(f"{PRICE_KINDS[key][0].lower()} {shown[0]} -> {shown[1]}")
    return ", ".join(moves)


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None
