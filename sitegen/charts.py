"""Charts drawn at build time: the geometry here, the SVG in ``_chart.html`` and ``model.html``.

The index's chart plots each model's input price against its context length, both on log
scales. A log scale has no zero, so free models, routers whose price varies and models
without a context length are counted in the caption instead of drawn. A large catalog is
thinned to at most ``MAX_POINTS`` dots: models on the same small square share one dot, which
links to the newest of them and counts the others. A model's price history is a step chart
of its input and output price.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, NamedTuple, Sequence

from sitegen import formats
from sitegen.model import Model
from sitegen.prices import HEADLINE_PRICES, per_unit

WIDTH, HEIGHT = 640, 360
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
        m = self.model
        price, context = formats.price("prompt", m.prompt_price), formats.tokens(m.context_length)
        label = f"{m.name}: {price}/1M input, {context} context"
        return label + (f" (and {self.others} more models here)" if self.others else "")


class Tick(NamedTuple):
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


def _decades(values: Sequence[float]) -> tuple[int, int]:
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    return low, max(high, low + 1)


def price_context(models: list[Model], limit: int = MAX_POINTS) -> Chart:
    """Input price per 1M tokens (y) against context length (x), both on log scales."""
    chart = Chart()
    plotted: list[tuple[Model, Decimal]] = []
    for m in models:
        price = m.prompt_price
        if price is None or price < 0:
            chart.varies += 1
        elif not m.context_length:
            chart.no_context += 1
        elif price == 0:
            chart.free += 1
        else:
            plotted.append((m, per_unit("prompt", price)))
    if not plotted:
        return chart
    x_lo, x_hi = _decades([m.context_length or 1 for m, _ in plotted])
    y_lo, y_hi = _decades([float(p) for _, p in plotted])

    def sx(value: float) -> int:
        return round(chart.left + (math.log10(value) - x_lo) / (x_hi - x_lo) * (chart.right - chart.left))

    def sy(value: float) -> int:
        return round(chart.bottom - (math.log10(value) - y_lo) / (y_hi - y_lo) * (chart.bottom - chart.top))

    chart.x_ticks = [Tick(sx(10.0**e), formats.tokens(10**e)) for e in range(x_lo, x_hi + 1)]
    chart.y_ticks = [Tick(sy(10.0**e), f"${10**e:,}" if e >= 0 else f"${Decimal(10) ** e:f}")
                     for e in range(y_lo, y_hi + 1)]
    cheapest = _frontier(plotted)
    chart.plotted = len(plotted)
    chart.points = _thin(limit, [Point(sx(m.context_length or 1), sy(float(price)), m, price, m.id in cheapest)
                                 for m, price in plotted])
    # The cheapest price for "at least this much context" is a staircase through them.
    first, *rest = chart.frontier
    chart.frontier_path = f"M{first.x},{first.y}" + "".join(f" V{p.y} H{p.x}" for p in rest)
    return chart


def _frontier(plotted: list[tuple[Model, Decimal]]) -> set[str]:
    """Ids of the models no other model beats on both price and context: walking from the
    largest context down, each model cheaper than every larger-context one so far."""
    cheapest: dict[int, tuple[Decimal, str]] = {}  # context -> the lowest (price, id) with it
    for m, price in plotted:
        context = m.context_length or 0
        cheapest[context] = min(cheapest.get(context, (price, m.id)), (price, m.id))
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
        kept: dict[tuple[int, int] | str, list[Point]] = {}
        for p in points:
            kept.setdefault(p.model.id if p.frontier else (p.x // grid, p.y // grid), []).append(p)
        thinned = [replace(group[0], others=len(group) - 1) for group in kept.values()]
        if len(thinned) <= limit or grid >= WIDTH:
            return thinned
    return points


def price_history(points: Sequence[tuple[int | None, dict[str, str]]], end: datetime, width: int = 640,
                  height: int = 200) -> dict[str, Any] | None:
    """A step chart of input and output price per 1M tokens over ``points`` (when, a unix
    time or None if unknown, and the prices from then on), running on to ``end`` (the build
    date, or the day a retired model left); None when there is nothing to draw (one price,
    unknown dates, prices that vary)."""
    series: dict[str, list[tuple[int, float]]] = {}
    for path in HEADLINE_PRICES:
        if any(at is None or prices.get(path) is None or Decimal(prices[path]) < 0 for at, prices in points):
            return None
        series[path] = [(at or 0, float(per_unit(path.split(".")[1], Decimal(prices[path])))) for at, prices in points]
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

    def day(t: int) -> str:
        return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%d")

    lines = [{"cls": "chart-" + path.split(".")[1],
              "d": f"M{x(steps[0][0])},{y(steps[0][1])}" + "".join(f" H{x(t)} V{y(v)}" for t, v in steps[1:])
              + f" H{x(t1)}"} for path, steps in series.items()]
    return {"width": width, "height": height, "lines": lines, "left": left, "right": width - right,
            "bottom": height - bottom, "top": top, "peak": formats.usd(Decimal(str(peak))), "peak_y": y(peak),
            "start": day(t0), "end": day(last), "end_x": x(last)}
