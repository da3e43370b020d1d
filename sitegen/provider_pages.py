"""The providers' pages: ``providers/`` lists every provider of a listed model with its model
count and median latency, throughput and uptime; ``providers/<slug>/`` has the models it
serves with its prices and quantizations, and its logged changes, also in its ``feed.xml``."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

from sitegen import feeds, formats
from sitegen.config import SITE_NAME
from sitegen.feedlist import stylesheet
from sitegen.describe import describe_provider
from sitegen.endpoints import median
from sitegen.formats import attribute as esc
from sitegen.history import Event, parse_time
from sitegen.model import Model
from sitegen.offers import Offer, Offers, slug_of, variant_of
from sitegen.providers import Layout, provider_names, provider_path
from sitegen.render import Renderer, relative_root
from sitegen.writer import Site

INDEX = "providers/"


@dataclass(frozen=True)
class Provider:
    slug: str
    name: str
    served: list[tuple[Model, Offer]]  # in catalog order
    events: list[Event]  # its logged changes, newest first

    @property
    def path(self) -> str:
        return provider_path(self.slug)

    def summary(self) -> tuple[dict[str, str], dict[str, float | str]]:
        """Its facts as the pages say them, and the medians of its endpoints' latency,
        throughput and uptime ("" where none is known)."""
        offers = [o for _, o in self.served]
        quants = Counter(o.quantization or "not stated" for o in offers)
        medians = {"latency": median(o.latency for o in offers if o.latency is not None),
                   "throughput": median(o.throughput for o in offers if o.throughput is not None),
                   "uptime": median(o.uptime for o in offers if o.uptime is not None)}
        return {
            "models": str(len({m.id for m, _ in self.served})),
            "endpoints": str(len(offers)),
            "latency": formats.latency(medians["latency"]),
            "throughput": formats.throughput(medians["throughput"]),
            "uptime": formats.share(medians["uptime"]),
            "quantizations": ", ".join(f"{q} ({n})" for q, n in sorted(quants.items(), key=lambda kv: (-kv[1], kv[0]))),
        }, {k: "" if v is None else v for k, v in medians.items()}


def settled(events: Sequence[Event]) -> list[Event]:
    """The providers' events that say something: all but the endpoints found by the first
    fetch of endpoints, which are where the log starts rather than changes."""
    first = min((e.at for e in events), default="")
    return [e for e in events if not (e.kind == "provider_added" and e.at == first)]


def change_text(event: Event) -> str:
    return describe_provider(event.kind, variant_of(event.provider or ""), event.changes)


def gather(models: Sequence[Model], offered: Mapping[str, Offers], events: Sequence[Event]) -> list[Provider]:
    """Every provider of the listed ``models``, by slug, with its logged changes (``events``:
    those that say something, in log order)."""
    names = provider_names(o for m in models if m.id in offered for o in offered[m.id].offers)
    served: dict[str, list[tuple[Model, Offer]]] = defaultdict(list)
    for m in models:
        for o in offered[m.id].offers if m.id in offered else ():
            served[o.provider].append((m, o))
    logged: dict[str, list[Event]] = defaultdict(list)
    for event in reversed(events):
        logged[slug_of(event.provider or "")].append(event)
    return [Provider(slug, names[slug], served[slug], logged[slug]) for slug in sorted(served)]


def provider_pages(site: Site, r: Renderer, models: Sequence[Model], retired: Sequence[Model],
                   offered: Mapping[str, Offers], events: Sequence[Event], size: int) -> list[tuple[str, str, int]]:
    """``providers/``, and a page and a feed per provider; ``events`` are the providers'
    changes that say something (``settled``). Gives back each provider's name, feed and
    number of endpoints, for the feeds page."""
    providers = gather(models, offered, events)
    known = {m.id: m for m in (*retired, *models)}
    summaries = [p.summary() for p in providers]
    for p, (facts, _) in zip(providers, summaries):
        root = relative_root(p.path)
        layout = Layout.of(e for _, e in p.served)
        rows = "".join(f"{_row_head(m.name, m.path, m.id, variant_of(e.key), root)}{layout.cells(e)}</tr>\n"
                       for m, e in p.served)
        said = [change_text(e) for e in p.events[:size]]  # on its page and in its feed
        site.add(p.path, r.page("provider.html", p.path, {
            "provider": p,
            "facts": facts,
            "heads": layout.sort_heads("Model"),
            "rows": rows,
            "notes": layout.notes([e for _, e in p.served]),
            "changes": "".join(_change(e, text, known, root) for e, text in zip(p.events, said)),
            "title": f"{p.name}: models and prices",
            "description": f"The {len(p.served)} endpoints {p.name} serves on OpenRouter, with prices per 1M "
            "tokens, quantization, context, latency and throughput.",
        }))
        site.add(p.path + "feed.xml", feeds.rss(feeds.FeedInfo(
            f"{p.name} on OpenRouter", f"Models {p.name} starts or stops serving, and its price changes.",
            r.base_url + p.path, r.base_url + p.path + "feed.xml", r.built_at, SITE_NAME),
            [_item(p, e, text, known, r.base_url) for e, text in zip(p.events, said)], stylesheet(p.path + "feed.xml")))
    site.add(INDEX, r.page("providers.html", INDEX, {
        "providers": [(p, *summary) for p, summary in zip(providers, summaries)],
        "uptime": any(e.uptime is not None for p in providers for _, e in p.served),
        "as_of": max((entry.fetched_at for entry in offered.values()), default=""),
        "title": "Providers",
        "description": f"The {len(providers)} providers serving models on OpenRouter, with their model counts, "
        "latency and uptime.",
    }))
    return [(p.name, p.path + "feed.xml", len(p.served)) for p in providers]


@lru_cache(maxsize=4096)  # a model on the page of each of its providers
def _row_head(name: str, path: str, model_id: str, variant: str, root: str) -> str:
    tag = f' <span class="tag">{esc(variant)}</span>' if variant else ""
    return (f'      <tr><th scope="row" data-v="{esc(name.lower())}"><a href="{root}{esc(path)}#providers">'
            f'{esc(name)}</a>{tag}<code>{esc(model_id)}</code></th>')


def _change(event: Event, said: str, known: Mapping[str, Model], root: str) -> str:
    name = esc(known[event.id].name if event.id in known else event.id)
    link = f'<a href="{root}{esc(known[event.id].path)}#providers">{name}</a>' if event.id in known else name
    return (f'    <li><time datetime="{esc(event.day)}">{esc(event.day)}</time> {link}: '
            f'{esc(said)}</li>\n')


def _item(p: Provider, event: Event, said: str, known: Mapping[str, Model], base_url: str) -> feeds.FeedItem:
    """A provider's logged change as a feed item."""
    model = known[event.id].name if event.id in known else event.id
    what = {"provider_added": "now serves", "provider_removed": "stops serving"}.get(event.kind, "changed")
    link = base_url + (known[event.id].path + "#providers" if event.id in known else p.path)
    return feeds.FeedItem(
        guid=f"{event.at} {event.kind} {event.id} {event.provider}",
        title=f"{p.name} {what} {model}",
        link=link,
        published=parse_time(event.at),
        html=f"<p>{esc(model)} (<code>{esc(event.id)}</code>): {esc(said)}</p>",
        categories=(p.slug,),
    )
