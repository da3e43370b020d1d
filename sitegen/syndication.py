"""Feeds to follow the catalog and files to download it: the change feed, a feed per author
and per interest, ``changes.json`` and ``models.csv``. Documents come from ``feeds``; no disk
access here.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import datetime
from typing import Callable, Iterable, Iterator, Sequence

from sitegen import catalog as cat
from sitegen import feeds
from sitegen.catalog import Model
from sitegen.history import Event, parse_time
from sitegen.history_pages import SiteHistory, describe_event
from sitegen.pages import escape_text, model_feed_item
from sitegen.render import fmt_date
from sitegen.writer import SiteFiles

RECENT_CHANGES = 500  # events in changes.xml and changes.json; the full log is data/changes.jsonl
KIND_TITLES = {"added": "Added", "removed": "Removed", "repriced": "Price change", "changed": "Changed"}

# path under feeds/ -> (title, what the models have in common, test)
INTERESTS: dict[str, tuple[str, str, Callable[[Model], bool]]] = {
    "free": ("Free models", "cost nothing to call", lambda m: m.is_free),
    "tools": ("Models with tool calling", "can call tools (function calling)", lambda m: "tools" in m.capabilities()),
    "image-input": ("Models with image input", "read images", lambda m: "image" in m.input_modalities),
}


def _info(title: str, description: str, link: str, self_url: str, updated: datetime) -> feeds.FeedInfo:
    return feeds.FeedInfo(title=title, description=description, link=link, self_url=self_url, updated=updated)


def _newest(models: Sequence[Model], size: int, base_url: str) -> list[feeds.FeedItem]:
    return [model_feed_item(m, base_url) for m in sorted(models, key=cat.sort_key)[:size]]


def author_feeds(site: SiteFiles, groups: dict[str, list[Model]], base_url: str, updated: datetime, size: int) -> None:
    """``authors/<author>/feed.xml``: the newest models of each author (``groups``: author ->
    models, as ``listings.by_author`` groups them)."""
    for author, items in sorted(groups.items()):
        folder = cat.author_path(author)
        name = items[0].author_display
        info = _info(f"New {name} models on OpenRouter", f"The newest {name} models, with price and context.",
                     base_url + folder, base_url + folder + "feed.xml", updated)
        site.add(folder + "feed.xml", feeds.rss(info, _newest(items, size, base_url)))


def interest_feeds(site: SiteFiles, models: Sequence[Model], base_url: str, updated: datetime, size: int) -> None:
    """``feeds/<interest>.xml``: the newest models that are free, call tools or read images."""
    for key, (title, says, test) in INTERESTS.items():
        path = f"feeds/{key}.xml"
        info = _info(f"{title} on OpenRouter", f"The newest models on OpenRouter that {says}.",
                     base_url, base_url + path, updated)
        site.add(path, feeds.rss(info, _newest([m for m in models if test(m)], size, base_url)))


def change_item(event: Event, model: Model | None, base_url: str) -> feeds.FeedItem:
    """One event as a feed item: what changed in words, then the logged old and new values."""
    kind = "repriced" if event.repriced else event.kind
    name = model.name if model else event.id
    link = base_url + (model.path if model else "changes/")
    parts = [f"<p>{KIND_TITLES[kind]}: <code>{escape_text(event.id)}</code> on {event.day}.</p>"]
    if event.kind == "changed":
        parts.append("<ul>" + "".join(f"<li>{escape_text(text)}</li>" for text in describe_event(event)) + "</ul>")
        rows = "".join(
            f"<tr><td><code>{escape_text(path)}</code></td><td>{escape_text(json.dumps(old))}</td>"
            f"<td>{escape_text(json.dumps(new))}</td></tr>"
            for path, (old, new) in sorted((event.changes or {}).items())
        )
        parts.append(f"<table><tr><th>Field</th><th>Old</th><th>New</th></tr>{rows}</table>")
    elif model is not None:
        parts.append(model_feed_item(model, base_url).html if event.kind == "added" else
                     f"<p>Last known price: input {cat.format_price('prompt', model.prompt_price)}, "
                     f"output {cat.format_price('completion', model.completion_price)} per 1M tokens.</p>")
    summary = "; ".join(describe_event(event)) if event.kind == "changed" else ""
    return feeds.FeedItem(
        guid=f"change:{event.at}:{event.kind}:{event.id}",
        title=f"{KIND_TITLES[kind]}: {name}" + (f" ({summary})" if summary else ""),
        link=link,
        published=parse_time(event.at),
        html="".join(parts),
        categories=(kind,),
    )


def recent(past: SiteHistory) -> list[Event]:
    return list(reversed(past.events))[:RECENT_CHANGES]


def change_feed(site: SiteFiles, models: Sequence[Model], past: SiteHistory, base_url: str, updated: datetime) -> None:
    """``changes.xml``: the recent events, newest first, each with its old and new values."""
    known = {m.id: m for m in list(past.retired) + list(models)}
    items = [change_item(e, known.get(e.id), base_url) for e in recent(past)]
    info = _info("Changes on OpenRouter", "Models added and removed, and every price and limit change.",
                 base_url + "changes/", base_url + "changes.xml", updated)
    site.add("changes.xml", feeds.rss(info, items))


def changes_json(site: SiteFiles, past: SiteHistory) -> None:
    """``changes.json``: the recent events, newest first, each shaped like a log line."""
    site.add("changes.json", json.dumps([e.to_json() for e in recent(past)], ensure_ascii=False, indent=1) + "\n")


CSV_COLUMNS = ("id", "name", "author", "created", "context_length", "max_completion_tokens",
               "input_per_1m", "output_per_1m", "cache_read_per_1m", "input_modalities",
               "output_modalities", "capabilities", "free", "url")


def models_json(site: SiteFiles, models: Sequence[Model], base_url: str) -> None:
    """``models.json``: the API's records of the current models as it sent them, each with
    the ``url`` of its page added, one record per line."""
    def parts() -> Iterator[str]:
        yield '{"data":['
        for n, m in enumerate(models):
            url = base_url + m.path
            if '"url":' in m.raw_text:  # the record has a "url" of its own: ours replaces it
                record = json.dumps(dict(m.raw, url=url), separators=(",", ":"))
            else:  # a record always has an id, so it is never "{}"
                record = m.raw_text[:-1] + ',"url":' + json.dumps(url) + "}"
            yield ("\n" if n == 0 else ",\n") + record
        yield "\n]}\n"
    site.add_parts("models.json", parts())


def csv_extract(models: Iterable[Model], base_url: str) -> str:
    """The ``models.csv`` lines of ``models``, as text (for ``models_csv``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for m in models:
        writer.writerow([
            m.id, m.name, m.author, fmt_date(m.created) if m.created else "",
            m.context_length or "", m.max_completion_tokens or "",
            cat.price_number("prompt", m.prompt_price), cat.price_number("completion", m.completion_price),
            cat.price_number("input_cache_read", m.prices.get("input_cache_read")),
            "+".join(m.input_modalities), "+".join(m.output_modalities), "+".join(m.capabilities()),
            "yes" if m.is_free else "no", base_url + m.path,
        ])
    return out.getvalue()


def models_csv(site: SiteFiles, lines: Iterable[str]) -> None:
    """``models.csv``: one row per current model, prices in USD per 1M tokens; ``lines``
    are the models' rows as ``csv_extract`` wrote them, in catalog order."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
    site.add_parts("models.csv", itertools.chain([out.getvalue()], lines))
