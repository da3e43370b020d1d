"""Who serves a model, as the pages show it: an endpoint made an ``Offer``, which offers are
the cheapest and the fastest, and the cells of an offer's row, shared by the model pages and
the provider pages. No I/O.

A provider is known by its slug, the endpoint's tag before any ``/`` (``deepinfra`` for
``deepinfra/fp4``); what follows the slash names a variant of its service.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from sys import intern
from decimal import Decimal
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from sitegen import formats
from sitegen.endpoints import (MAX_COUNT, MAX_LATENCY, MAX_THROUGHPUT, UNKNOWN_QUANTIZATION, Endpoint, keyed, parse,
                               plain, printable, share, stats)
from sitegen.prices import parse_price
from sitegen.formats import attribute as esc
from sitegen.offers import SHOWN, UNSTATED, Offer, Offers, cheapest_input, provider_count, slug_of, variant_of
from sitegen.paths import encode_path

NO_PRICE = Decimal("Infinity")
LABELS = {"prompt": "Input /1M", "completion": "Output /1M", "input_cache_read": "Cache read /1M"}


def provider_path(slug: str) -> str:
    return f"providers/{encode_path(slug)}/"


def offered(entries: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, Offers]:
    """Each model's offers, by id, from its entry of ``endpoints.json`` (``provider_data.checked``);
    ValueError naming the model and the endpoint where ``endpoints.parse`` refuses a record."""
    made = {}
    for model_id, entry in entries:
        records = entry["endpoints"]
        try:
            tags = Counter(str(r.get("tag")) if type(r) is dict else n for n, r in enumerate(records))
            alone = [type(r) is dict and tags[str(r.get("tag"))] == 1 for r in records]
            listed = [stored_offer(r) for r, one in zip(records, alone) if one]
            listed += [offer(e) for e in keyed([r for r, one in zip(records, alone) if not one])]  # a tag listed twice
        except ValueError:
            raise ValueError(_fault(model_id, records)) from None
        made[model_id] = Offers(entry["fetched_at"], display_order(listed))
    return made


def stored_offer(record: Any) -> Offer:
    """``offer(parse(record))`` of a record a fetch stored (``parse`` took it then), checked again
    only for what an offer holds; any record not plainly such is read by ``parse``."""
    try:
        made = _plain_offer(record)
    except (LookupError, TypeError, AttributeError, ValueError):
        made = None
    return made or offer(parse(record))


def _plain_offer(r: dict[str, Any]) -> Offer | None:
    name, quantization, pricing = r["provider_name"], r.get("quantization"), r["pricing"]
    counts = list(map(r.get, ("context_length", "max_completion_tokens", "max_prompt_tokens")))
    if type(pricing) is not dict or not plain(r["tag"], name, quantization) or not all(
            c is None or type(c) is int and 0 <= c <= MAX_COUNT for c in counts):
        return None
    tiers = []
    overrides = pricing.get("overrides")
    for tier in overrides if type(overrides) is list else ():
        start = tier.get("min_prompt_tokens")
        if start is not None:
            if type(start) is not int or not 0 <= start <= MAX_COUNT:
                return None
            tiers.append((start, tuple(map(_price, map(tier.get, SHOWN)))))
    latency, throughput = stats(r.get("latency_last_30m"), MAX_LATENCY), stats(r.get("throughput_last_30m"),
                                                                               MAX_THROUGHPUT)
    return Offer(intern(r["tag"]), intern(name.strip()),
                 None if quantization in (None, UNKNOWN_QUANTIZATION) else intern(quantization), counts[0],
                 counts[1], tuple(map(_price, map(pricing.get, SHOWN))),
                 tuple(sorted((t for t in tiers if t[1] != (None,) * len(SHOWN)), key=lambda t: t[0])) if tiers else (),
                 share(r.get("uptime_last_30m")), latency.p50 if latency else None,
                 latency.p90 if latency else None, throughput.p50 if throughput else None)


@lru_cache(maxsize=4096, typed=True)  # endpoints repeat a few prices many times
def _price(value: Any) -> Decimal | None:
    """A price as ``endpoints.parse`` reads it; ValueError for one it refuses."""
    price = parse_price(value, "")
    if price is not None and price < 0:
        raise ValueError("negative")
    return price


def _fault(model_id: str, records: Sequence[Any]) -> str:
    """What is wrong with the first of the ``records`` of ``model_id`` that ``parse`` refuses."""
    for n, record in enumerate(records):
        try:
            parse(record)
        except ValueError as exc:
            tag = record.get("tag") if isinstance(record, dict) else None
            name = printable(tag) if isinstance(tag, str) else f"endpoint {n}"
            return f"the endpoint {name!r} of {printable(model_id)!r}: {exc}"
    return f"the endpoints of {printable(model_id)!r} are not what a fetch stores"


def provider_names(offers: Iterable[Offer]) -> dict[str, str]:
    """Each provider's name: the one its offers give most often (then the first by name)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for o in offers:
        counts[o.provider][o.name] += 1
    return {slug: min(c, key=lambda name: (-c[name], name)) for slug, c in sorted(counts.items())}


def offer(e: Endpoint) -> Offer:
    """What the pages show of an endpoint."""
    return Offer(e.key, e.provider_name, e.quantization, e.context_length, e.max_completion_tokens,
                 tuple(e.prices.get(k) for k in SHOWN),
                 tuple((t.min_prompt_tokens, tuple(t.prices.get(k) for k in SHOWN)) for t in e.tiers
                       if any(k in t.prices for k in SHOWN)),
                 e.uptime, e.latency.p50 if e.latency else None, e.latency.p90 if e.latency else None,
                 e.throughput.p50 if e.throughput else None)


def display_order(offers: Iterable[Offer]) -> tuple[Offer, ...]:
    """Cheapest input first, then output, then by provider."""
    def cost(o: Offer) -> tuple[Decimal, Decimal, str, str]:
        prompt, completion = o.prices[0], o.prices[1]
        return (NO_PRICE if prompt is None else prompt, NO_PRICE if completion is None else completion,
                o.name.lower(), o.key)
    return tuple(sorted(offers, key=cost))


def filter_choices(offers: Iterable[Offer]) -> dict[str, object]:
    """What the index's provider filters offer: every quantization seen (``unknown`` last)
    and whether any uptime is known."""
    listed = list(offers)
    seen = {o.quantization or UNSTATED for o in listed}
    return {"quantizations": sorted(seen, key=lambda q: (q == UNSTATED, q)),
            "uptime_known": any(o.uptime is not None for o in listed)}


def marked(offers: Sequence[Offer]) -> tuple[set[str], set[str]]:
    """The keys of the cheapest offers (the lowest input price, then output) and of the
    fastest (the highest median throughput); none where every offer is alike."""
    costs = {o.key: (o.prices[0], NO_PRICE if o.prices[1] is None else o.prices[1]) for o in offers
             if o.prices[0] is not None}
    speeds = {o.key: o.throughput for o in offers if o.throughput is not None}
    cheap = {k for k, c in costs.items() if c == min(costs.values())} if len(set(costs.values())) > 1 else set()
    quick = {k for k, s in speeds.items() if s == max(speeds.values())} if len(set(speeds.values())) > 1 else set()
    return cheap, quick


# ---------------------------------------------------------------------------------------
# An offer's row: the cells after the first (the provider, or the model), and their heads, as one
# string. Every text comes from ``formats`` but the quantization (``endpoints`` allows a short word).


class Layout(NamedTuple):
    """The optional columns a table of offers has: one no offer has a value for is left out (the notes say so)."""

    cache: bool
    uptime: bool

    @classmethod
    def of(cls, offers: Iterable[Offer]) -> Layout:
        listed = list(offers)
        return cls(any(o.prices[2] is not None for o in listed), any(o.uptime is not None for o in listed))

    def heads(self) -> list[tuple[str, str, bool]]:
        """(label, unit, whether numeric) of each cell's column."""
        heads = [("Quantization", "", False), ("Context", "", True), ("Max output", "", True),
                 ("Input", "/1M", True), ("Output", "/1M", True)]
        heads += [("Cache read", "/1M", True)] if self.cache else []
        heads += [("Latency", "p50", True), ("Throughput", "p50", True)]
        return heads + ([("Uptime", "", True)] if self.uptime else [])

    @lru_cache(maxsize=8)  # made once per layout and first column
    def sort_heads(self, first: str) -> str:
        """The head cells, ``first``'s then the offers', each a sort button served disabled."""
        num, unit_span = ' class="num" data-num', ' <span class="unit">{}</span>'
        return "".join(f'<th scope="col"{num if numeric else ""}><button type="button" class="sort" disabled>'
                       f'{esc(label)}{unit and unit_span.format(esc(unit))}<span class="sort-mark" aria-hidden="true">'
                       '</span></button></th>' for label, unit, numeric in [(first, "", False), *self.heads()])

    @lru_cache(maxsize=8192)  # an offer's row on its model's page and on its provider's
    def cells(self, o: Offer) -> str:
        p90 = f"<small>p90 {formats.latency(o.latency_p90)}</small>" if o.latency_p90 is not None else ""
        uptime = "" if o.uptime is None else o.uptime
        return (_limit_cells(o.quantization, o.context, o.max_output)
                + "".join(_price_cell(o, i) if o.tiers else _plain_price_cell(i, o.prices[i])
                          for i in range(3 if self.cache else 2))
                + f'<td class="num" data-label="Latency" data-v="{"" if o.latency is None else o.latency}">'
                f'{formats.latency(o.latency)}{p90}</td><td class="num" data-label="Throughput" '
                f'data-v="{"" if o.throughput is None else o.throughput}">{formats.throughput(o.throughput)}</td>'
                + (f'<td class="num" data-label="Uptime" data-v="{uptime}">{formats.share(o.uptime)}</td>'
                   if self.uptime else ""))

    def notes(self, offers: Sequence[Offer]) -> list[str]:
        """Why cells are empty, where the reason is known."""
        notes = ["Latency (to the first token) and throughput are medians of the last 30 minutes, which the API "
                 "reports only to requests made with an API key"
                 + ("; — where it reported none, as for a provider that served no request then."
                    if any(o.latency is None or o.throughput is None for o in offers) else ".")]
        if any(o.quantization is None for o in offers):
            notes.append("Quantization — : the provider does not say.")
        if not self.uptime:
            notes.append("Uptime: the API sent none for these endpoints.")
        return notes


@lru_cache(maxsize=4096)  # offers repeat a few limits and prices many times: their cells made once each
def _limit_cells(quantization: str | None, context: int | None, max_output: int | None) -> str:
    return (f'<td data-label="Quantization">{esc(quantization or formats.MISSING)}</td>'
            f'<td class="num" data-label="Context" data-v="{context or ""}">{formats.tokens(context)}</td>'
            f'<td class="num" data-label="Max output" data-v="{max_output or ""}">{formats.tokens(max_output)}</td>')


@lru_cache(maxsize=4096)
def _plain_price_cell(i: int, price: Decimal | None) -> str:
    key = SHOWN[i]
    return (f'<td class="num" data-label="{LABELS[key]}" data-v="{formats.price_number(key, price)}">'
            f'{formats.price(key, price)}</td>')


def _price_cell(o: Offer, i: int) -> str:
    """A price per 1M tokens, with the price of each tier that changes it below."""
    key, price = SHOWN[i], o.prices[i]
    tiers = "".join(f"<small>{formats.price(key, prices[i])} from {formats.tokens(start)}</small>"
                    for start, prices in o.tiers if prices[i] is not None)
    return (f'<td class="num" data-label="{LABELS[key]}" data-v="{formats.price_number(key, price)}">'
            f'{formats.price(key, price)}{tiers}</td>')


# ---------------------------------------------------------------------------------------
# A model page's Providers table


@lru_cache(maxsize=4096)  # the same on every page as deep as its model's
def _provider_head(key: str, name: str, root: str) -> str:
    variant = f' <span class="tag">{esc(variant_of(key))}</span>' if variant_of(key) else ""
    return (f'      <tr data-key="{esc(key)}"><th scope="row"><a href="{root}{esc(provider_path(slug_of(key)))}">'
            f'{esc(name)}</a>{variant}')


def section(offers: Sequence[Offer], fetched_at: str, root: str) -> dict[str, object]:
    """The template values of the Providers table of a model page ``root`` away from the
    site's root (``offers`` in ``display_order``, as fetched at ``fetched_at``)."""
    layout = Layout.of(offers)
    cheap, quick = marked(offers)
    low = cheapest_input(offers)
    rows = []
    for o in offers:
        marks = (' <strong class="badge badge-free">Cheapest</strong>' if o.key in cheap else "") + (
            ' <strong class="badge badge-cap">Fastest</strong>' if o.key in quick else "")
        rows.append(f'{_provider_head(o.key, o.name, root)}{marks}</th>{layout.cells(o)}</tr>\n')
    return {
        "provider_heads": layout.sort_heads("Provider"),
        "provider_rows": "".join(rows),
        "provider_count": provider_count(offers),
        "provider_from": None if low is None else formats.price("prompt", low),
        "provider_notes": layout.notes(offers),
        "provider_marks": bool(cheap or quick),
        "providers_as_of": (fetched_at, formats.moment(fetched_at)),
    }
