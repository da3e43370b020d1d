"""The Changes pages: ``changes/YYYY-MM/``, a page for each month of the change log, and
``changes/``, the newest month's. A page lists its days to jump to, then each day's events
in groups: price changes first (each price that moved with ▲ or ▼ and its percentage), then
models added, models back in the catalog, models removed and other changes; an event that
only moved float noise (a price that reads the same once rounded) is folded away. A model is
named as it was named then. ``changes.js`` filters a page by kind and author and keeps them
in the address. No disk access.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Sequence

from sitegen import formats
from sitegen.describe import describe, in_order, price_label, price_text
from sitegen.history import Event, SiteHistory
from sitegen.model import Model, sort_key
from sitegen.prices import TOKEN_UNIT
from sitegen.render import Renderer
from sitegen.writer import Site

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
# The groups of a day, in the order they are shown: key -> heading, and what its items are.
GROUPS = {"repriced": "Price changes", "added": "Added", "back": "Back in the catalog", "removed": "Removed",
          "changed": "Other changes", "noise": "Float noise only"}
NOUNS = {"repriced": "price changes", "added": "models added", "back": "models back", "removed": "models removed",
         "changed": "other changes", "noise": "changes of float noise"}
ARROWS = {"up": "▲", "down": "▼"}
FOLD = 12  # items of a group shown at first; the rest wait behind "The other N"


@dataclass(frozen=True)
class Line:
    """One change of an event in words; a price that moved says which way and how far."""

    text: str
    move: str = ""  # "up", "down", or "" for anything else
    percent: str = ""

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.move, "")


@dataclass(frozen=True)
class Item:
    """An event as the Changes pages show it."""

    day: str
    id: str
    name: str  # the model's name just after the event
    path: str | None  # of the model's page
    author: str
    kind: str  # a key of GROUPS
    lines: tuple[Line, ...] = ()


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        return None


def line(path: str, old: Any, new: Any) -> Line | None:
    """``path`` going from ``old`` to ``new`` in words, a price per 1M tokens without its
    unit (the pages say it once); None for float noise: a price that reads the same once
    rounded."""
    if not path.startswith("pricing."):
        return Line(describe(path, old, new))
    label, unit = price_label(path)
    was, now = price_text(path, old), price_text(path, new)
    if was == now:
        return None
    said = f"{label} {was} → {now}" + ("" if unit == f"per {TOKEN_UNIT}" else f" {unit}")
    before, after = _decimal(old), _decimal(new)
    if before is None or after is None or min(before, after) < 0:  # a price that appears, goes or varies
        return Line(said)
    return Line(said, "down" if after < before else "up", formats.percent(before, after))


def names_then(events: Sequence[Event], models: dict[str, Model]) -> list[str]:
    """The name of each event's model just after the event: its name now (or when it left),
    with the logged renamings undone going back in time."""
    current = {ident: m.name for ident, m in models.items()}
    names = [""] * len(events)
    for n in range(len(events) - 1, -1, -1):
        event = events[n]
        names[n] = current.get(event.id, event.id)
        renamed = (event.changes or {}).get("name")
        if renamed and isinstance(renamed[0], str):
            current[event.id] = renamed[0]
    return names


def items(events: Sequence[Event], models: dict[str, Model]) -> list[Item]:
    """Every event as an item, in log order."""
    removed: set[str] = set()
    found = []
    for event, name in zip(events, names_then(events, models)):
        model = models.get(event.id)
        changes = event.changes or {}
        told = [(path, line(path, *changes[path])) for path in in_order(changes)]
        lines = tuple(said for _, said in told if said)
        kind = event.kind
        if kind == "added" and event.id in removed:
            kind = "back"
        elif kind == "removed":
            removed.add(event.id)
        elif kind == "changed":
            kind = "repriced" if any(said and path.startswith("pricing.") for path, said in told) else (
                "changed" if lines else "noise")
            lines = lines or tuple(Line(describe(path, *changes[path])) for path, _ in told)
        found.append(Item(event.day, event.id, name, model.path if model else None,
                          model.author if model else event.id.lstrip("~").split("/")[0], kind, lines))
    return found


def month_name(month: str) -> str:
    """``2026-07`` -> ``July 2026``."""
    return f"{MONTHS[int(month[5:7]) - 1]} {month[:4]}"


def change_pages(site: Site, r: Renderer, models: Sequence[Model], past: SiteHistory) -> None:
    """A page per month, newest first, and ``changes/``, the newest month's; the first
    snapshot of the log is summed up, not listed."""
    known = {m.id: m for m in list(past.retired) + list(models)}
    first_at = past.events[0].at if past.events else ""
    baseline = [e for e in past.events if e.at == first_at and e.kind == "added"]
    months: dict[str, list[Item]] = defaultdict(list)
    for event, item in zip(past.events, items(past.events, known)):
        if not (event.at == first_at and event.kind == "added"):
            months[item.day[:7]].append(item)
    if baseline:
        months.setdefault(first_at[:7], [])
    authors: dict[str, str] = {}  # key -> as the names say it, newest models first
    for m in sorted(models, key=sort_key) + sorted(past.retired, key=sort_key):
        authors.setdefault(m.author, m.author_display)
    order = sorted(months, reverse=True)
    for n, month in enumerate(order or [""]):
        values = {
            "month": month,
            "months": [(key, month_name(key), len(months[key])) for key in order],
            "newer": (order[n - 1], month_name(order[n - 1])) if n else None,
            "older": (order[n + 1], month_name(order[n + 1])) if n + 1 < len(order) else None,
            "days": _days(months.get(month, [])),
            "kinds": GROUPS,
            "nouns": NOUNS,
            "fold": FOLD,
            "authors": sorted(((key, authors.get(key, key), count) for key, count in
                               Counter(item.author for item in months.get(month, [])).items()),
                              key=lambda a: (a[1].lower(), a[0])),
            "baseline": (first_at[:10], len(baseline)) if baseline and month == first_at[:7] else None,
            "month_name": month_name(month) if month else "",
        }
        if month:
            site.add(f"changes/{month}/", r.page("changes.html", f"changes/{month}/", {
                **values, "newest": False, "title": f"Changes in {month_name(month)}",
                "description": f"What changed in the OpenRouter catalog in {month_name(month)}, day by day: models "
                "added and removed, and every price and limit change."}))
        if n == 0:
            site.add("changes/", r.page("changes.html", "changes/", {
                **values, "newest": True, "title": "Changes",
                "description": "Models added to and removed from OpenRouter, and every price and limit change, "
                "day by day, a page a month."}))


def _days(found: Sequence[Item]) -> list[tuple[str, int, list[tuple[str, list[Item]]]]]:
    """``found`` by day, newest first, each day's items in ``GROUPS`` (log order within one)."""
    days: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for item in found:
        days[item.day][item.kind].append(item)
    return [(day, sum(map(len, groups.values())), [(g, groups[g]) for g in GROUPS if g in groups])
            for day, groups in sorted(days.items(), reverse=True)]
