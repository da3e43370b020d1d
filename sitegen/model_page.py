"""What a model page shows, worked out in Python: prices, token counts and dates as text, badges,
the details list and the model's history. ``templates/model.html`` only places them in its markup.

A page is a function of its ``PageInput`` and the build's clock and base URL alone: the
model, its variants, the model its alias points to, its logged history and who serves it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from json.encoder import encode_basestring as json_string  # json.dumps of a str
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote

from sitegen import badges, benchmarks, charts, formats, providers
from sitegen.authors import author_names
from sitegen.feedlist import BADGE, CALENDAR, FOLDER_FEED
from sitegen.formats import attribute as esc
from sitegen.model import CAPABILITIES, Model
from sitegen.describe import describe_event, describe_provider, price_label, price_text
from sitegen.offers import Offer, Offers, slug_of, variant_of
from sitegen.history import Event, PricePoint, parse_time, price_history, timestamp
from sitegen.markup import description_html, plain_text
from sitegen.paths import author_path
from sitegen.prices import HEADLINE_PRICES, PRICE_KINDS, TOKEN_UNIT
from sitegen.providers import provider_names, provider_path
from sitegen.render import relative_root, safe

RAW_JSON_LIMIT = 200_000  # characters of the raw JSON block
OPENROUTER = "https://openrouter.ai/"  # a model's own page there is its id under it
EXPIRY_WARNING = timedelta(days=30)  # an expiration date this close is warned about


@dataclass(frozen=True)
class Served:
    """Who serves a model: its endpoints as last fetched, as offers in display order, and its
    providers' logged changes with the names of the providers they concern."""

    fetched_at: str
    offers: tuple[Offer, ...]
    events: tuple[Event, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # slug -> name


@dataclass(frozen=True)
class PageInput:
    """Everything a model's page is made from, besides the build's clock and base URL."""

    model: Model
    siblings: tuple[Model, ...] = ()  # its other variants
    alias: Model | None = None  # the model its alias points to, when listed
    events: tuple[Event, ...] | None = None  # its logged events; None: a build without a change log
    left: str | None = None  # None while listed; else when it was removed ("" if not logged)
    served: Served | None = None  # its providers, when their endpoints were fetched
    successor: Model | None = None  # the listed model that carries on a retired one (``families``)
    author_name: str = ""  # the author's name on every page (``authors.author_names``)


def inputs(models: Sequence[Model], log: Iterable[Event] | None, left: dict[str, str] | None = None,
           served: Mapping[str, Served] | None = None, successors: dict[str, Model] | None = None,
           names: dict[str, str] | None = None) -> list[PageInput]:
    """The ``PageInput`` of each of ``models``, whose variants and alias targets are among
    them, given the change ``log`` (None without one), when each retired model ``left``, who
    is ``served`` (``serving``), their ``successors`` and the authors' ``names``."""
    names, served = names or author_names(models), served or {}
    by_id = {m.id: m for m in models}
    variants: dict[str, list[Model]] = defaultdict(list)
    logged: dict[str, list[Event]] = defaultdict(list)
    for m in models:
        variants[m.base_id].append(m)
    for event in log or ():
        logged[event.id].append(event)
    return [PageInput(m, tuple(v for v in variants[m.base_id] if v.id != m.id),
                      by_id.get(m.alias_target) if m.alias_target else None,
                      None if log is None else tuple(logged[m.id]), None if left is None else left.get(m.id, ""),
                      served.get(m.id), (successors or {}).get(m.id), names.get(m.author, m.author))
            for m in models]


def beside(item: PageInput) -> tuple[str, ...]:
    """The files beside a model's page: its feed, its badge, and the event of its expiration
    date for a calendar when it is listed and has one."""
    return (FOLDER_FEED, BADGE, CALENDAR) if item.left is None and item.model.expiration_day else (FOLDER_FEED, BADGE)


def badge(item: PageInput) -> badges.Badge:
    return badges.badge(item.model, None if item.left is None else item.left[:10])


def serving(offered: Mapping[str, Offers], changes: Iterable[Event]) -> dict[str, Served]:
    """Who serves each model with offers (``providers.offered``), by id; ``changes`` are the
    providers' logged changes that say something (``provider_pages.settled``)."""
    names = provider_names(o for entry in offered.values() for o in entry.offers)
    logged: dict[str, list[Event]] = defaultdict(list)
    for event in changes:
        logged[event.id].append(event)
    made = {}
    for model_id, entry in offered.items():
        events = tuple(logged[model_id])
        slugs = sorted({slug_of(e.provider or "") for e in events})
        made[model_id] = Served(entry.fetched_at, entry.offers, events,
                                tuple((slug, names.get(slug, slug)) for slug in slugs))
    return made


def values(item: PageInput, built_at: datetime) -> dict[str, Any]:
    """The template values of the page of ``item.model``."""
    model = item.model
    prices = model.prices
    prompt, completion = prices.get("prompt"), prices.get("completion")
    expires = model.real_expiration
    horizon = (built_at + EXPIRY_WARNING).strftime("%Y-%m-%d")
    id_json = json_string(model.id)
    page = {
        "title": model.name,
        "description": meta_description(model),
        "author_display": item.author_name or model.author_display,
        "author_link": author_path(model.author),
        "short_name": model.short_name,
        "name": model.name,
        "model_id": model.id,
        "compare_query": quote(model.id, safe="/"),  # as Jinja's urlencode filter writes it
        "feed": FOLDER_FEED,
        "openrouter_url": OPENROUTER + quote(model.id, safe="/:~"),
        "free": model.is_free,
        "variant": model.variant,
        "is_alias": model.is_alias,
        "alias": item.alias,
        "alias_target": model.alias_target,
        "varies": model.has_varying_price,
        "capability_labels": [CAPABILITIES[key][0] for key in model.capabilities()],
        "expires": expires,
        "expires_soon": expires is not None and expires <= horizon,
        "calendar": CALENDAR if CALENDAR in beside(item) else None,
        "prompt_text": formats.price("prompt", prompt),
        "prompt_per_token": bool(prompt and prompt > 0),
        "completion_text": formats.price("completion", completion),
        "completion_per_token": bool(completion and completion > 0),
        "context_short": formats.tokens(model.context_length),
        "context_full": formats.count(model.context_length),
        "provider_context": _provider_context(model),
        "max_output_short": formats.tokens(model.max_completion_tokens),
        "max_output_full": formats.count(model.max_completion_tokens),
        "max_output_known": bool(model.max_completion_tokens),
        "added": formats.day(model.created),
        "cutoff": model.knowledge_cutoff or formats.MISSING,
        "about": safe(description_html(model.description)) if model.description else None,
        "price_heads": _price_heads(model),
        "price_rows": safe("".join(_price_row(model, key) for key in _price_keys(model))),
        "input_modalities": safe(_modalities(model.input_modalities)),
        "output_modalities": safe(_modalities(model.output_modalities)),
        "moderated": formats.moderated(model.is_moderated),
        "tokenizer": model.tokenizer or formats.MISSING,
        "instruct_type": model.instruct_type or formats.MISSING,
        "reasoning_text": formats.reasoning(model.reasoning) if model.reasoning else None,
        "voices": ", ".join(model.supported_voices),
        "slug": model.canonical_slug,
        "hugging_face": model.hugging_face_id,
        "default_parameters": safe(", ".join(f"<code>{esc(p)}</code>"
                                             for p in formats.settings(model.default_parameters))),
        "parameter_count": len(model.supported_parameters),
        "parameters": safe("".join(f"<li><code>{esc(p)}</code></li>"
                                   for p in formats.by_name(model.supported_parameters))),
        "variant_rows": safe("".join(_variant(v, relative_root(model.path)) for v in item.siblings)),
        "curl_body": safe(formats.text(_curl_body(id_json))),
        "python_id": safe(formats.text(id_json)),
        "raw_json": safe(formats.text(model.raw_text[:RAW_JSON_LIMIT])),  # laid out by site.js
        "badge": badge(item),
        "badge_file": BADGE,
        **benchmarks.page_values(model),
    }
    if item.events is not None:
        page.update(history_values(item, built_at))
    if item.served is not None:
        root = relative_root(model.path)
        page.update(providers.section(item.served.offers, item.served.fetched_at, root),
                    provider_history=safe(_provider_history(item.served, root)))
    return page


def meta_description(model: Model) -> str:
    facts = [f"{model.name}: input {formats.price('prompt', model.prompt_price)}, "
             f"output {formats.price('completion', model.completion_price)} per 1M tokens"]
    if model.context_length:
        facts.append(f"{formats.tokens(model.context_length)} context")
    summary = ", ".join(facts) + "."
    return f"{summary} {plain_text(model.description, 180)}".strip()[:300]


def _provider_context(model: Model) -> str | None:
    """The top provider's context length when it differs from the model's."""
    theirs = model.provider_context_length
    return formats.count(theirs) if theirs and theirs != model.context_length else None


def _price_keys(model: Model) -> list[str]:
    """Known price kinds in display order, then any others the API sent, by name."""
    present = set(model.prices).union(*(t.prices for t in model.tiers))
    return [k for k in PRICE_KINDS if k in present] + sorted(present.difference(PRICE_KINDS))


def _price_heads(model: Model) -> list[str]:
    """Headings of the price columns: the base price, then one per tier."""
    if not model.tiers:
        return ["Price"]
    first = f"Up to {formats.count(model.tiers[0].min_prompt_tokens)} prompt tokens"
    return [first, *(f"From {formats.count(t.min_prompt_tokens)} prompt tokens" for t in model.tiers)]


def _price_row(model: Model, key: str) -> str:
    """A row of the pricing table: the price kind (with the API's key when it has no label of
    its own), its unit, the base price and each tier's, each cell naming its column when tiered
    (a phone stacks the rows into cards). Made here rather than in the template, where each of
    a page's tens of prices and parameters would be escaped on its own."""
    label, unit = PRICE_KINDS.get(key, (key, TOKEN_UNIT))
    code = "" if key in PRICE_KINDS else f" <code>{esc(key)}</code>"
    named = [f' data-label="{esc(head)}"' for head in _price_heads(model)] if model.tiers else [""]
    cells = "".join(f'<td class="num"{name}>{esc(formats.price(key, prices.get(key)))}</td>'
                    for name, prices in zip(named, (model.prices, *(t.prices for t in model.tiers))))
    unit_name = ' data-label="Unit"' if model.tiers else ""
    return f'      <tr><th scope="row">{esc(label)}{code}</th><td{unit_name}>{esc(unit)}</td>{cells}</tr>\n'


def _modalities(names: Sequence[str]) -> str:
    if not names:
        return '<span class="muted">—</span>'
    return " ".join(f'<span class="tag tag-{esc(m)}">{esc(m)}</span>' for m in names)


def _variant(v: Model, root: str) -> str:
    return (f'<li><a href="{esc(root + v.path)}">{esc(v.name)}</a> <code>{esc(v.id)}</code> · '
            f'{esc(formats.price("prompt", v.prompt_price))} in / '
            f'{esc(formats.price("completion", v.completion_price))} out</li>')


def _curl_body(id_json: str) -> str:
    """The request body of the curl example (as ``json.dumps`` writes it), quoted for a
    single-quoted shell string."""
    body = '{"model": ' + id_json + ', "messages": [{"role": "user", "content": "Hello!"}]}'
    return body.replace("'", "'\\''")


# ---------------------------------------------------------------------------------------
# History


def history_values(item: PageInput, built_at: datetime) -> dict[str, Any]:
    """The template values for the history part of a model page."""
    events, left = item.events or (), item.left
    points = price_history(item.model, events)
    columns = _moving_prices(points)
    return {
        "retired": left is not None,
        "retired_on": left[:10] if left else None,
        "successor": item.successor,
        "history_columns": [price_label(c) for c in columns],
        "history_rows": safe("".join(_history_row(p, columns) for p in reversed(points))),
        "history_chart": charts.price_history([(timestamp(p.at) if p.at else None, p.prices) for p in points],
                                              parse_time(left) if left else built_at),
        "history_events": safe("".join(_history_event(e) for e in reversed(events))),
    }


def _moving_prices(points: Sequence[PricePoint]) -> list[str]:
    """Headline prices, then every price that differs between points, in display order."""
    keys = {k for p in points for k in p.prices}
    moving = {k for k in keys if len({p.prices.get(k) for p in points}) > 1}
    rank = {k: i for i, k in enumerate(PRICE_KINDS)}
    chosen = [k for k in keys if k in HEADLINE_PRICES or k in moving]
    return sorted(chosen, key=lambda k: (k.count("."), rank.get(k.rsplit(".", 1)[-1], 99), k))


def _history_row(point: PricePoint, columns: list[str]) -> str:
    at = esc(point.at[:10] or "before the log")
    cells = "".join(f'<td class="num">{esc(price_text(c, point.prices.get(c)))}</td>' for c in columns)
    return f'      <tr><th scope="row"><time datetime="{at}">{at}</time></th>{cells}</tr>\n'


def _history_event(event: Event) -> str:
    said = {"added": "first seen in the catalog", "removed": "removed from the catalog"}.get(event.kind)
    return (f'    <li><time datetime="{esc(event.day)}">{esc(event.day)}</time> '
            f'{esc(said or "; ".join(describe_event(event.changes)))}</li>\n')


def _provider_history(served: Served, root: str) -> str:
    """Each provider's logged changes, newest first, under its name."""
    by_slug: dict[str, list[Event]] = defaultdict(list)
    for event in reversed(served.events):
        by_slug[slug_of(event.provider or "")].append(event)
    names = {slug: dict(served.names).get(slug) or slug for slug in by_slug}
    parts = []
    for slug in sorted(by_slug, key=lambda s: (names[s].lower(), s)):
        items = "".join(f'<li><time datetime="{esc(e.day)}">{esc(e.day)}</time> '
                        f'{esc(describe_provider(e.kind, variant_of(e.provider or ""), e.changes))}</li>'
                        for e in by_slug[slug])
        parts.append(f'    <dt><a href="{root}{esc(provider_path(slug))}">{esc(names[slug])}</a></dt>'
                     f'<dd><ol>{items}</ol></dd>\n')
    return "".join(parts)
