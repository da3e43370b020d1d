"""Feeds of new models: the whole catalog's (``feed.xml``, ``atom.xml``), each author's and
each interest's (free, tool calling, image input). Documents come from ``feeds``.

In Atom, a model's entry is identified by a ``tag:`` URI (RFC 4151) made of the site's host
and the model id, stable from build to build: ``tag:HOST,2025:PATH/ID``, where ``PATH`` is
the base URL's path (so two sites on one host differ) and the id is percent-encoded where
it must be.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable, Sequence
from urllib.parse import quote, urlsplit

from sitegen import feeds, formats
from sitegen.config import SITE_NAME
from sitegen.feedlist import FOLDER_FEED, stylesheet
from sitegen.model import Model, sort_key
from sitegen.markup import description_html
from sitegen.paths import author_path
from sitegen.writer import Site

# path under feeds/ -> (title, what the models have in common, test)
INTERESTS: dict[str, tuple[str, str, Callable[[Model], bool]]] = {
    "free": ("Free models", "cost nothing to call", lambda m: m.is_free),
    "tools": ("Models with tool calling", "can call tools (function calling)", lambda m: "tools" in m.capabilities()),
    "image-input": ("Models with image input", "read images", lambda m: "image" in m.input_modalities),
}


TAG_DATE = "2025"  # the date in every tag: URI; changing it would change every entry's id
TAG_SAFE = "/:@!$&'()*+,;=~"  # what RFC 4151's specific part carries as it is, besides letters and digits


def tag_uri(base_url: str, ident: str) -> str:
    """The Atom id of the model ``ident`` on the site at ``base_url``."""
    parts = urlsplit(base_url)
    host = parts.hostname or "localhost"
    if ":" in host:  # an IPv6 address, bracketed as in URLs
        host = f"[{host}]"
    return f"tag:{host},{TAG_DATE}:{parts.path.lstrip('/')}{quote(ident, safe=TAG_SAFE)}"


def model_feed_item(model: Model, base_url: str) -> feeds.FeedItem:
    """A new model as a feed item: its prices, context and modalities, then its description."""
    facts = [
        f"<strong>Input</strong> {formats.price('prompt', model.prompt_price)}",
        f"<strong>Output</strong> {formats.price('completion', model.completion_price)} per 1M tokens",
    ]
    if model.context_length:
        facts.append(f"<strong>Context</strong> {model.context_length:,} tokens")
    facts.append(
        "<strong>Modalities</strong> "
        + formats.text(", ".join(model.input_modalities) or formats.MISSING)
        + " → "
        + formats.text(", ".join(model.output_modalities) or formats.MISSING)
    )
    return feeds.FeedItem(
        guid=model.id,
        title=model.name,
        link=base_url + model.path,
        published=datetime.fromtimestamp(model.created, tz=timezone.utc),
        html="<p>" + " · ".join(facts) + "</p>" + description_html(model.description),
        categories=(model.author,),
        atom_id=tag_uri(base_url, model.id),
        author=model.author_display,
    )


def _newest(models: Sequence[Model], size: int, base_url: str) -> list[feeds.FeedItem]:
    return [model_feed_item(m, base_url) for m in sorted(models, key=sort_key)[:size]]


def new_model_feeds(site: Site, models: Sequence[Model], base_url: str, updated: datetime, size: int) -> None:
    """``feed.xml`` (RSS) and ``atom.xml``: the newest models."""
    items = _newest(models, size, base_url)
    info = feeds.FeedInfo("New models on OpenRouter",
                          "The newest models on OpenRouter, with price, context and modalities.",
                          base_url, base_url + "feed.xml", updated, SITE_NAME)
    site.add("feed.xml", feeds.rss(info, items, stylesheet("feed.xml")))
    site.add("atom.xml", feeds.atom(replace(info, self_url=base_url + "atom.xml"), items, stylesheet("atom.xml")))


def author_feeds(site: Site, groups: dict[str, list[Model]], names: dict[str, str], base_url: str, updated: datetime,
                 size: int) -> None:
    """``authors/<author>/feed.xml``: the newest models of each author (``groups``: author ->
    models; ``names``: ``authors.author_names`` of them)."""
    for author, items in sorted(groups.items()):
        folder = author_path(author)
        name = names[author]
        info = feeds.FeedInfo(f"New {name} models on OpenRouter", f"The newest {name} models, with price and context.",
                              base_url + folder, base_url + folder + FOLDER_FEED, updated, SITE_NAME)
        path = folder + FOLDER_FEED
        site.add(path, feeds.rss(info, _newest(items, size, base_url), stylesheet(path)))


def interest_feeds(site: Site, models: Sequence[Model], base_url: str, updated: datetime, size: int) -> None:
    """``feeds/<interest>.xml``: the newest models that are free, call tools or read images."""
    for key, (title, says, test) in INTERESTS.items():
        path = f"feeds/{key}.xml"
        info = feeds.FeedInfo(f"{title} on OpenRouter", f"The newest models on OpenRouter that {says}.",
                              base_url, base_url + path, updated, SITE_NAME)
        site.add(path, feeds.rss(info, _newest([m for m in models if test(m)], size, base_url), stylesheet(path)))
