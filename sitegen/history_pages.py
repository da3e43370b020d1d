"""The site's memory: price history on model pages, pages for retired models, the Changes
page. Reads the change log (``history``) and adds files to ``SiteFiles``; no disk access.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Sequence

from sitegen import catalog as cat
from sitegen import pages
from sitegen.catalog import Model
from sitegen.history import Event, PricePoint, parse_time, price_history, retirements, timestamp
from sitegen.render import Renderer, fmt_tokens
from sitegen.writer import SiteFiles

HEADLINE = ("pricing.prompt", "pricing.completion")
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
}
TOKEN_FIELDS = ("context_length", "top_provider.context_length", "top_provider.max_completion_tokens")


@dataclass
class SiteHistory:
    """What the build knows about the past: the log and the models no longer listed."""

    events: list[Event] = field(default_factory=list)
    retired: list[Model] = field(default_factory=list)

    def newest(self) -> int:
        return max((timestamp(e.at) for e in self.events), default=0)


# ---------------------------------------------------------------------------------------
# Saying what changed


def price_label(path: str) -> tuple[str, str]:
    """``pricing.prompt`` -> ("input", "per 1M tokens"); tiers say where they start."""
    parts = path.split(".")
    key = parts[-1]
    label, unit = cat.PRICE_KINDS.get(key, (key, cat.TOKEN_UNIT))
    label = label[0].lower() + label[1:]
    if len(parts) == 4 and parts[1] == "overrides":
        label += f" from {fmt_tokens(int(parts[2]))} prompt tokens" if parts[2].isdigit() else f" ({parts[2]})"
    return label, f"per {unit}"


def _price_text(path: str, value: Any) -> str:
    if value is None:
        return "none"
    return cat.format_price(path.rsplit(".", 1)[-1], Decimal(str(value)))


def _value_text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def describe(path: str, old: Any, new: Any) -> str:
    """One change in words: ``input $3.00 → $2.50 per 1M tokens``."""
    if path.startswith("pricing."):
        label, unit = price_label(path)
        before, after = _price_text(path, old), _price_text(path, new)
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


def describe_event(event: Event) -> list[str]:
    """Every change of ``event`` in words, headline prices first."""
    changes = event.changes or {}
    order = sorted(changes, key=lambda p: (HEADLINE.index(p) if p in HEADLINE else 2, not p.startswith("pricing."), p))
    return [describe(p, *changes[p]) for p in order]


# ---------------------------------------------------------------------------------------
# Price history on model pages


def _columns(points: Sequence[PricePoint]) -> list[str]:
    """Headline prices, then every price that differs between points, in display order."""
    keys = {k for p in points for k in p.prices}
    moving = {k for k in keys if len({p.prices.get(k) for p in points}) > 1}
    rank = {k: i for i, k in enumerate(cat.PRICE_KINDS)}
    chosen = [k for k in keys if k in HEADLINE or k in moving]
    return sorted(chosen, key=lambda k: (k.count("."), rank.get(k.rsplit(".", 1)[-1], 99), k))


def chart(points: Sequence[PricePoint], end: datetime, width: int = 640, height: int = 200) -> dict[str, Any] | None:
    """Coordinates of a step chart of input and output price per 1M tokens over time, or
    None when there is nothing to draw (one price, unknown dates, prices that vary). The
    last step runs on to ``end``: the build date, or the day a retired model left."""
    series: dict[str, list[tuple[int, float]]] = {}
    for path in HEADLINE:
        steps = []
        for point in points:
            value = point.prices.get(path)
            if not point.at or value is None or Decimal(value) < 0:
                return None
            steps.append((timestamp(point.at), float(cat.per_unit(path.split(".")[1], Decimal(value)))))
        series[path] = steps
    if len({tuple(steps[i][1] for steps in series.values()) for i in range(len(points))}) < 2:
        return None  # the headline prices never moved: a flat chart says nothing
    left, right, top, bottom = 64, 12, 12, 28
    t0 = timestamp(points[0].at)
    last = max(int(end.timestamp()), timestamp(points[-1].at))  # the chart runs up to now
    t1 = last + max((last - t0) // 25, 3600)  # a little room after the last step
    peak = max(v for steps in series.values() for _, v in steps) or 1.0

    def x(t: int) -> float:
        return round(left + (t - t0) / (t1 - t0) * (width - left - right), 1)

    def y(v: float) -> float:
        return round(top + (1 - v / (peak * 1.1)) * (height - top - bottom), 1)

    lines = []
    for path, steps in series.items():
        d = f"M{x(steps[0][0])},{y(steps[0][1])}"
        for (t, v) in steps[1:]:
            d += f" H{x(t)} V{y(v)}"
        d += f" H{x(t1)}"
        lines.append({"cls": "chart-" + path.split(".")[1], "d": d, "label": price_label(path)[0]})
    return {
        "width": width, "height": height, "lines": lines,
        "left": left, "right": width - right, "bottom": height - bottom, "top": top,
        "peak": cat.format_usd(Decimal(str(peak))), "peak_y": y(peak),
        "start": points[0].at[:10], "end": datetime.fromtimestamp(last, tz=timezone.utc).strftime("%Y-%m-%d"), "end_x": x(last),
    }


def model_history(model: Model, events: Sequence[Event], since: str | None, end: datetime) -> dict[str, Any]:
    """The template values for the history parts of one model page."""
    points = price_history(model, events)
    columns = _columns(points)
    rows = [
        {"at": p.at[:10] or "before the log", "cells": [_price_text(c, p.prices.get(c)) for c in columns]}
        for p in reversed(points)
    ]
    return {
        "retired": since is not None,
        "retired_on": since[:10] if since else None,
        "history_columns": [price_label(c) for c in columns],
        "history_rows": rows,
        "history_chart": chart(points, parse_time(since) if since else end),
        "history_events": [(e.day, e.kind, describe_event(e)) for e in reversed(events)],
    }


def model_extras(models: Sequence[Model], past: SiteHistory, end: datetime) -> dict[str, dict[str, Any]]:
    """id -> extra template values for the page of every current and retired model; none
    when there is no log (a build from a lone catalog file has no history to show)."""
    if not past.events and not past.retired:
        return {}
    by_id: dict[str, list[Event]] = defaultdict(list)
    for event in past.events:
        by_id[event.id].append(event)
    since = retirements(past.events, [m.id for m in models])
    extras = {m.id: model_history(m, by_id.get(m.id, []), None, end) for m in models}
    for m in past.retired:
        extras[m.id] = model_history(m, by_id.get(m.id, []), since.get(m.id, ""), end)
    return extras


# ---------------------------------------------------------------------------------------
# Pages


def retired_pages(site: SiteFiles, r: Renderer, past: SiteHistory, extra: dict[str, dict[str, Any]]) -> None:
    """A page for every model no longer listed, at the URL it always had."""
    pages.model_pages(site, r, past.retired, extra)
    rows = sorted(past.retired, key=lambda m: (extra[m.id]["retired_on"] or "", m.id), reverse=True)
    site.add(
        "retired/",
        r.page(
            "retired.html",
            "retired/",
            models=[(m, extra[m.id]["retired_on"]) for m in rows],
            title="Retired models",
            description=f"The {len(rows)} models OpenRouter no longer lists, with the date they left "
            "and their last known prices.",
        ),
    )


def changes_page(site: SiteFiles, r: Renderer, models: Sequence[Model], past: SiteHistory) -> None:
    """Every logged event, newest day first; the first snapshot is summed up, not listed."""
    names = {m.id: m for m in list(past.retired) + list(models)}
    first_at = past.events[0].at if past.events else ""
    baseline = [e for e in past.events if e.at == first_at and e.kind == "added"]
    days: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for event in past.events:  # log order within a day: by kind, then id
        if event.at == first_at and event.kind == "added":
            continue
        group = "repriced" if event.repriced else event.kind
        model = names.get(event.id)
        days[event.day][group].append({
            "id": event.id,
            "name": model.name if model else event.id,
            "path": model.path if model else None,
            "changes": describe_event(event),
        })
    site.add(
        "changes/",
        r.page(
            "changes.html",
            "changes/",
            days=[(day, [(g, groups[g]) for g in ("added", "removed", "repriced", "changed") if g in groups])
                  for day, groups in sorted(days.items(), reverse=True)],
            baseline=(first_at[:10], len(baseline)) if baseline else None,
            title="Changes",
            description="Models added to and removed from OpenRouter, and every price and limit change, "
            "day by day.",
        ),
    )
