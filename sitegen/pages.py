"""What the site holds: each function turns the catalog into files for ``SiteFiles``.

Rendering goes through ``Renderer`` (templates) and ``feeds`` (RSS/Atom); nothing here
touches the disk.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from sitegen import catalog as cat
from sitegen import feeds, model_page
from sitegen.catalog import Model
from sitegen.markup import description_html
from sitegen.render import Renderer
from sitegen.writer import SiteFiles, site_path


def model_pages(site: SiteFiles, r: Renderer, models: list[Model], extra: dict[str, Any] | None = None,
                wanted: Callable[[Model], bool] | None = None,
                stale: Callable[[str, dict[str, Any]], bool] | None = None, claimed: bool = False) -> None:
    """A page per model. ``wanted(model)`` may leave some to another process;
    ``stale(path, context)`` may skip a page whose context the build cache says is unchanged;
    ``claimed``: the pages' paths are claimed already (``SiteFiles.claim``)."""
    by_id = {m.id: m for m in models}
    horizon = model_page.expiry_horizon(r.env.globals["built_at"])
    variants: dict[str, list[Model]] = defaultdict(list)
    for m in models:
        variants[m.base_id].append(m)
    for model in models:
        if wanted is not None and not wanted(model):
            continue
        siblings = [v for v in variants[model.base_id] if v.id != model.id]
        alias = by_id.get(model.alias_target) if model.alias_target else None
        context = dict(model=model, siblings=siblings, alias=alias, **(extra or {}).get(model.id, {}))
        path = model.path
        if stale is not None and not stale(path, context):
            continue  # the values below follow from the context: the cache's fingerprint covers them
        values = model_page.values(model, siblings, horizon)
        values.update(context)
        html = r.render("model.html", path, values)
        if claimed:
            site.put(site_path(path), html)
        else:
            site.add(path, html)


def escape_text(value: str) -> str:
    """Text inside an element: '&', '<' and '>' escaped."""
    return html.escape(value, quote=False)


def not_found_page(site: SiteFiles, r: Renderer) -> None:
    site.add("404.html", r.page("404.html", "404.html", absolute=True, title="Page not found",
                                description="This page does not exist."))


# ---------------------------------------------------------------------------------------
# Feeds


def model_feed_item(model: Model, base_url: str) -> feeds.FeedItem:
    facts = [
        f"<strong>Input</strong> {cat.format_price('prompt', model.prompt_price)}",
        f"<strong>Output</strong> {cat.format_price('completion', model.completion_price)} per 1M tokens",
    ]
    if model.context_length:
        facts.append(f"<strong>Context</strong> {model.context_length:,} tokens")
    facts.append(
        "<strong>Modalities</strong> "
        + escape_text(", ".join(model.input_modalities) or "—")
        + " → "
        + escape_text(", ".join(model.output_modalities) or "—")
    )
    html = "<p>" + " · ".join(facts) + "</p>" + description_html(model.description)
    return feeds.FeedItem(
        guid=model.id,
        title=model.name,
        link=base_url + model.path,
        published=datetime.fromtimestamp(model.created, tz=timezone.utc),
        html=html,
        categories=(model.author,),
    )


def new_model_feeds(site: SiteFiles, models: list[Model], base_url: str, updated: datetime, size: int) -> None:
    newest = sorted(models, key=cat.sort_key)[:size]
    items = [model_feed_item(m, base_url) for m in newest]
    info = feeds.FeedInfo(
        title="New models on OpenRouter",
        description="The newest models on OpenRouter, with price, context and modalities.",
        link=base_url,
        self_url=base_url + "feed.xml",
        updated=updated,
    )
    site.add("feed.xml", feeds.rss(info, items))
    site.add("atom.xml", feeds.atom(replace(info, self_url=base_url + "atom.xml"), items))


# ---------------------------------------------------------------------------------------
# Machine-readable files


def sitemap(site: SiteFiles, base_url: str, lastmod: datetime) -> None:
    day = lastmod.strftime("%Y-%m-%d")
    urls = []
    for path in site.pages():
        if path == "404.html":
            continue
        loc = path[: -len("index.html")] if path.endswith("index.html") else path
        urls.append(f"<url><loc>{escape_text(base_url + loc)}</loc><lastmod>{day}</lastmod></url>")
    body = "\n".join(urls)
    site.add(
        "sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "\n</urlset>\n",
    )
    site.add("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n")


def static_files(site: SiteFiles, files: Iterable[tuple[str, bytes]]) -> None:
    for rel, content in files:
        site.add(rel, content)
