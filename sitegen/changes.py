"""What the change log shows besides model pages and the Changes pages (``change_pages``):
the retired models' list, the change feed, each model's own feed and ``changes.json``. No
disk access.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timezone
from typing import Sequence

from sitegen import feeds, formats
from sitegen.config import SITE_NAME
from sitegen.feedlist import FOLDER_FEED, stylesheet
from sitegen.model import Model
from sitegen.describe import describe_event, price_text
from sitegen.history import Event, SiteHistory, parse_time, price_history
from sitegen.prices import HEADLINE_PRICES
from sitegen.model_feeds import model_feed_item
from sitegen.paths import author_path
from sitegen.render import Renderer
from sitegen.writer import Site

RECENT_CHANGES = 500  # events in changes.xml and changes.json; the full log is data/changes.jsonl
KIND_TITLES = {"added": "Added", "removed": "Removed", "repriced": "Price change", "changed": "Changed"}


def retired_page(site: Site, r: Renderer, past: SiteHistory, left: dict[str, str],
                 successors: dict[str, Model]) -> None:
    """``retired/``: every model no longer listed, most recent departures first (``left``:
    when each left, "" if the log does not say), with the listed model that carries it on."""
    site.add("retired/", r.page("retired.html", "retired/", {
        "models": _retired_rows(past.retired, left, successors),
        "title": "Retired models",
        "description": f"The {len(past.retired)} models OpenRouter no longer lists, with the date they left, "
        "their last known prices and the listed model of the same family.",
    }))


def retired_author_pages(site: Site, r: Renderer, retired: Sequence[Model], listed: Sequence[Model],
                         left: dict[str, str]) -> None:
    """``authors/<author>/`` for each author whose models are all retired, listing them, so
    every retired model's page can lead to its author's (the listed authors' are
    ``listings``')."""
    gone: dict[str, list[Model]] = defaultdict(list)
    authors = {m.author for m in listed}
    for m in retired:
        if m.author not in authors:
            gone[m.author].append(m)
    for author, models in sorted(gone.items()):
        name = models[0].author_display
        site.add(author_path(author), r.page("retired.html", author_path(author), {
            "models": _retired_rows(models, left, {}),
            "author_name": name,
            "title": f"{name} models",
            "description": f"The {len(models)} {name} models OpenRouter listed once and lists no more, with the "
            "date they left and their last known prices.",
        }))


def _retired_rows(models: Sequence[Model], left: dict[str, str], successors: dict[str, Model]
                  ) -> list[tuple[Model, str | None, Model | None]]:
    """(model, when it left, its successor), most recent departures first."""
    rows = sorted(models, key=lambda m: (left.get(m.id, "")[:10], m.id), reverse=True)
    return [(m, left.get(m.id, "")[:10] or None, successors.get(m.id)) for m in rows]


def change_item(event: Event, model: Model | None, base_url: str,
                logged: Sequence[Event] = ()) -> feeds.FeedItem:
    """One event as a feed item: what changed in words, then the logged old and new values
    (``logged``: the model's events, which tell what a new model cost when it came)."""
    kind = "repriced" if event.repriced else event.kind
    name = model.name if model else event.id
    link = base_url + (model.path if model else "changes/")
    parts = [f"<p>{KIND_TITLES[kind]}: <code>{formats.text(event.id)}</code> on {event.day}.</p>"]
    if event.kind == "changed":
        parts.append("<ul>" + "".join(f"<li>{formats.text(said)}</li>" for said in describe_event(event.changes)) + "</ul>")
        rows = "".join(
            f"<tr><td><code>{formats.text(path)}</code></td><td>{formats.text(json.dumps(old))}</td>"
            f"<td>{formats.text(json.dumps(new))}</td></tr>"
            for path, (old, new) in sorted((event.changes or {}).items())
        )
        parts.append(f"<table><tr><th>Field</th><th>Old</th><th>New</th></tr>{rows}</table>")
    elif model is not None:
        parts.append(_prices_then(model, event, logged) + model_feed_item(model, base_url).html
                     if event.kind == "added" else
                     f"<p>Last known price: input {formats.price('prompt', model.prompt_price)}, "
                     f"output {formats.price('completion', model.completion_price)} per 1M tokens.</p>")
    summary = "; ".join(describe_event(event.changes)) if event.kind == "changed" else ""
    return feeds.FeedItem(
        guid=f"change:{event.at}:{event.kind}:{event.id}",
        title=f"{KIND_TITLES[kind]}: {name}" + (f" ({summary})" if summary else ""),
        link=link,
        published=parse_time(event.at),
        html="".join(parts),
        categories=(kind,),
    )


def _prices_then(model: Model, added: Event, logged: Sequence[Event]) -> str:
    """What a model cost when it was ``added``, when that is not what it costs now ("" if it is)."""
    points = price_history(model, logged)
    then, now = points[0].prices, points[-1].prices
    if points[0].at != added.at or all(then.get(k) == now.get(k) for k in HEADLINE_PRICES):
        return ""
    prompt, completion = (price_text(key, then.get(key)) for key in HEADLINE_PRICES)
    return (f"<p>Its price has changed since: when it was first seen, input {prompt} and output {completion} "
            "per 1M tokens. Its latest figures follow.</p>")


def recent(events: Sequence[Event]) -> list[Event]:
    return list(reversed(events))[:RECENT_CHANGES]


def whole_log(past: SiteHistory) -> list[Event]:
    """The log's events in its order: within one fetch, the models' before their providers'."""
    return sorted(past.events + past.providers, key=lambda e: (e.at, e.provider is not None))


def change_feed(site: Site, models: Sequence[Model], past: SiteHistory, base_url: str, updated: datetime) -> None:
    """``changes.xml``: the recent events, newest first, each with its old and new values."""
    known = {m.id: m for m in list(past.retired) + list(models)}
    logged: dict[str, list[Event]] = defaultdict(list)
    for event in past.events:
        logged[event.id].append(event)
    items = [change_item(e, known.get(e.id), base_url, logged[e.id]) for e in recent(past.events)]
    info = feeds.FeedInfo("Changes on OpenRouter", "Models added and removed, and every price and limit change.",
                          base_url + "changes/", base_url + "changes.xml", updated, SITE_NAME)
    site.add("changes.xml", feeds.rss(info, items, stylesheet("changes.xml")))


def model_feed(model: Model, events: Sequence[Event], base_url: str) -> bytes:
    """A model's own feed (``models/<path>/feed.xml``): its logged events, newest first, each
    with its old and new values. Dated by its newest event, so it changes only with them."""
    newest = events[-1].at if events else None
    info = feeds.FeedInfo(f"{model.name}: changes on OpenRouter",
                          f"Every logged change of {model.id}: prices old → new, limits, modalities, expiration "
                          "and retirement.", base_url + model.path, base_url + model.path + FOLDER_FEED,
                          parse_time(newest) if newest else datetime.fromtimestamp(model.created, tz=timezone.utc),
                          SITE_NAME)
    return feeds.rss(info, [change_item(e, model, base_url, events) for e in reversed(events)],
                     stylesheet(model.path + FOLDER_FEED))


def changes_json(site: Site, past: SiteHistory) -> None:
    """``changes.json``: the recent events, newest first, each shaped like a log line."""
    site.add("changes.json", json.dumps([e.to_json() for e in recent(whole_log(past))], ensure_ascii=False, indent=1) + "\n")
