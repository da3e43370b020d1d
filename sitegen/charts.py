"""Charts drawn at build time: the geometry here, the SVG markup in ``_chart.html`` and
``_history.html``.

A model's price history is a step chart of its input and output price per 1M tokens.

The catalog chart plots each model's input price against its context length on two log
scales. A log scale has no zero, so free models, routers whose price varies and models
without a context length are counted and named in the caption instead of drawn. A large
catalog is thinned to at most ``MAX_POINTS`` dots: models that fall on the same small square
share one dot, which links to the newest of them and counts the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Sequence

from sitegen import formats
from sitegen.model import Model
from sitegen.prices import HEADLINE_PRICES, per_unit

WIDTH = 640
HEIGHT = 360
LEFT, RIGHT, TOP, BOTTOM = 58, 16, 14, 42
MAX_POINTS = 1200


@dataclass(frozen=True)
class Point:
    x: int
    y: int
    model: Model
    price: Decimal  # input price per 1M tokens
    frontier: bool
    others: int = 0  # models drawn under this dot too, in a thinned chart

    @property
    def label(self) -> str:
        price = formats.price("prompt", self.model.prompt_price)
        label = f"{self.model.name}: {price}/1M input, {formats.tokens(self.model.context_length)} context"
        return label + (f" (and {self.others} more models here)" if self.others else "")


@dataclass(frozen=True)
class Tick:
    at: int
    label: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    points: list[Point] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    frontier_path: str = ""
    plotted: int = 0  # models drawn, some of them sharing a dot
    free: int = 0
    varies: int = 0
    no_context: int = 0

    @property
    def frontier(self) -> list[Point]:
        """The cheapest model for each context size and up, smallest context first."""
        return sorted((p for p in self.points if p.frontier), key=lambda p: p.x)


def _decades(low: float, high: float) -> tuple[int, int]:
    lo = math.floor(math.log10(low))
    hi = math.ceil(math.log10(high))
    return lo, max(hi, lo + 1)


def _tokens_label(exponent: int) -> str:
    return formats.tokens(10**exponent)


def _price_label(exponent: int) -> str:
    return f"${10**exponent:,}" if exponent >= 0 else f"${Decimal(10) ** exponent:f}"


def price_context(models: list[Model], limit: int = MAX_POINTS) -> Chart:
    """Input price per 1M tokens (y) against context length (x), both on log scales."""
    chart = Chart()
    plotted: list[tuple[Model, Decimal]] = []
    per_million: dict[Decimal, Decimal] = {}  # a catalog repeats a few prices many times
    for m in models:
        price = m.prompt_price
        if price is None or price < 0:
            chart.varies += 1
        elif not m.context_length or m.context_length <= 0:
            chart.no_context += 1
        elif price == 0:
            chart.free += 1
        else:
            shown = per_million.get(price)
            if shown is None:
                shown = per_million[price] = per_unit("prompt", price)
            plotted.append((m, shown))
    if not plotted:
        return chart
    x_lo, x_hi = _decades(min(m.context_length or 1 for m, _ in plotted), max(m.context_length or 1 for m, _ in plotted))
    y_lo, y_hi = _decades(float(min(p for _, p in plotted)), float(max(p for _, p in plotted)))

    def sx(value: float) -> float:
        return chart.left + (math.log10(value) - x_lo) / (x_hi - x_lo) * (chart.right - chart.left)

    def sy(value: float) -> float:
        return chart.bottom - (math.log10(value) - y_lo) / (y_hi - y_lo) * (chart.bottom - chart.top)

    chart.x_ticks = [Tick(round(sx(10.0**e)), _tokens_label(e)) for e in range(x_lo, x_hi + 1)]
    chart.y_ticks = [Tick(round(sy(10.0**e)), _price_label(e)) for e in range(y_lo, y_hi + 1)]
    on_frontier = _frontier(plotted)
    chart.plotted = len(plotted)
    xs = {x: round(sx(x)) for x in {m.context_length or 1 for m, _ in plotted}}
    ys = {price: round(sy(float(price))) for price in set(per_million.values())}
    chart.points = _thin(limit, [
        Point(xs[m.context_length or 1], ys[price], m, price, m.id in on_frontier) for m, price in plotted
    ])
    # The cheapest price for "at least this much context" is a staircase through them.
    first, *rest = chart.frontier
    chart.frontier_path = f"M{first.x},{first.y}" + "".join(f" V{p.y} H{p.x}" for p in rest)
    return chart


def _frontier(plotted: list[tuple[Model, Decimal]]) -> set[str]:
    """Ids of the models no other model beats on both price and context: walking from the
    largest context down, each model cheaper than every larger-context one so far."""
    cheapest: dict[int, tuple[Decimal, str]] = {}  # context -> the lowest (price, id) with it
    for m, price in plotted:
        context, known = m.context_length or 0, cheapest.get(m.context_length or 0)
        if known is None or (price, m.id) < known:
            cheapest[context] = (price, m.id)
    best: Decimal | None = None
    ids: set[str] = set()
    for context in sorted(cheapest, reverse=True):
        price, model_id = cheapest[context]
        if best is None or price < best:
            best = price
            ids.add(model_id)
    return ids


def _thin(limit: int, points: list[Point]) -> list[Point]:
    """At most ``limit`` points (more only if the frontier alone has more): on ever coarser
    squares, the first point of each square stands for the rest. Frontier points stay."""
    grid = 1
    while len(points) > limit and grid < WIDTH:
        grid += 1
        kept: dict[tuple[int, int] | str, Point] = {}
        counts: dict[tuple[int, int] | str, int] = {}
        for p in points:
            cell: tuple[int, int] | str = p.model.id if p.frontier else (p.x // grid, p.y // grid)
            counts[cell] = counts.get(cell, 0) + 1
            kept.setdefault(cell, p)
        thinned = [replace(p, others=counts[cell] - 1) for cell, p in kept.items()]
        if len(thinned) <= limit or grid >= WIDTH:
            return thinned
    return points


def price_history(points: Sequence[tuple[int | None, dict[str, str]]], end: datetime, width: int = 640,
                  height: int = 200) -> dict[str, Any] | None:
    """Coordinates of a step chart of input and output price per 1M tokens over time, from
    ``points`` (when, as a unix time or None if unknown, and the prices from then on), or
    None when there is nothing to draw (one price, unknown dates, prices that vary). The
    last step runs on to ``end``: the build date, or the day a retired model left."""
    series: dict[str, list[tuple[int, float]]] = {}
    for path in HEADLINE_PRICES:
        steps = []
        for at, prices in points:
            value = prices.get(path)
            if at is None or value is None or Decimal(value) < 0:
                return None
            steps.append((at, float(per_unit(path.split(".")[1], Decimal(value)))))
        series[path] = steps
    if len({tuple(steps[i][1] for steps in series.values()) for i in range(len(points))}) < 2:
        return None  # the headline prices never moved: a flat chart says nothing
    left, right, top, bottom = 64, 12, 12, 28
    t0 = series[HEADLINE_PRICES[0]][0][0]
    last = max(int(end.timestamp()), series[HEADLINE_PRICES[0]][-1][0])  # the chart runs up to now
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
        lines.append({"cls": "chart-" + path.split(".")[1], "d": d})
    return {
        "width": width, "height": height, "lines": lines,
        "left": left, "right": width - right, "bottom": height - bottom, "top": top,
        "peak": formats.usd(Decimal(str(peak))), "peak_y": y(peak),
        "start": datetime.fromtimestamp(t0, tz=timezone.utc).strftime("%Y-%m-%d"), "end": datetime.fromtimestamp(last, tz=timezone.utc).strftime("%Y-%m-%d"),
        "end_x": x(last),
    }
