"""The site, file by file: every page, feed and export ``sitegen build`` makes.

Read this first. ``build_site`` lists each output as one plain call, in the order they are
made; the modules it calls turn the catalog and its history into files. It reads no disk and
knows nothing of how the build is made fast: the model pages are made by ``model_pages``
with ``contribute``, by default one after another in this process (``one_by_one``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from sitegen import (badges, change_pages, changes, columns, compare, exports, families, following, formats, ical,
                     listings, model_feeds, model_page, price_moves, provider_pages)
from sitegen.columns import Entries, HeldEntries
from sitegen.authors import author_names
from sitegen.compare import compare_page
from sitegen.config import STATIC, BuildSettings, build_clock
from sitegen.feedlist import BADGE, CALENDAR, FOLDER_FEED
from sitegen.history import SiteHistory, retirements
from sitegen.model import Catalog, sort_key
from sitegen.model_page import PageInput, inputs, serving
from sitegen.provider_pages import settled
from sitegen.offers import Offers
from sitegen.providers import filter_choices
from sitegen.render import Renderer
from sitegen.writer import Site

# ``contribute``, and what makes the pages of ``items`` with it into ``site``, giving their entries.
Contribute = Callable[[PageInput, Renderer], "Contribution"]
ModelPages = Callable[[Site, Sequence[PageInput], Renderer, Contribute], Entries]


@dataclass
class SiteData:
    """What a site is made from: the catalog, what the change log knows and who serves
    each model."""

    catalog: Catalog
    past: SiteHistory
    offers: dict[str, Offers] = field(default_factory=dict)  # by model id (``providers.offered``)

    @property
    def clock(self) -> datetime:
        """The build's "now": ``SOURCE_DATE_EPOCH``, else the time of the newest data."""
        newest = max((m.created for m in self.catalog.models), default=0)
        return build_clock(max(newest, self.past.newest()))


def build_site(site: Site, data: SiteData, settings: BuildSettings, model_pages: ModelPages | None = None) -> None:
    """Every file of the site, into ``site``."""
    model_pages = model_pages or one_by_one
    models, past, base_url, size = data.catalog.models, data.past, settings.base_url, settings.feed_size
    clock = data.clock
    r = Renderer(base_url, clock)
    logged = past.events if past.logged else None
    left = retirements(past.events, [m.id for m in models])
    offers, provider_changes = data.offers, settled(past.providers)
    served = serving(offers, provider_changes)
    carried_on = families.successors(past.retired, models)  # the listed model that carries each retired one on

    static_files(site)
    names = author_names(models)
    entries = model_pages(site, inputs(models, logged, served=served, names=names), r,
                          contribute)  # a page per model
    model_pages(site, inputs(past.retired, logged, left, served, carried_on, {**author_names(past.retired), **names}),
                r, contribute)  # a page per retired model
    # Then what needs no model's entries (made meanwhile, when other processes make the pages).
    changes.retired_page(site, r, past, left, carried_on)  # retired/
    changes.retired_author_pages(site, r, past.retired, models, left)  # authors/*/ of authors no longer listed
    change_pages.change_pages(site, r, models, past)  # changes/, changes/YYYY-MM/
    following.expiring(site, r, models, past.retired, left)  # expiring/, expiring.ics
    model_feeds.new_model_feeds(site, models, base_url, clock, size)  # feed.xml, atom.xml
    groups = listings.by_author(models)
    model_feeds.author_feeds(site, groups, names, base_url, clock, size)  # authors/*/feed.xml
    model_feeds.interest_feeds(site, models, base_url, clock, size)  # feeds/*.xml
    changes.change_feed(site, models, past, base_url, clock)  # changes.xml
    price_moves.price_move_feeds(site, models, past, base_url, clock)  # feeds/price-drops.xml, price-rises.xml
    changes.changes_json(site, past)  # changes.json
    served_by = provider_pages.provider_pages(site, r, models, past.retired, offers, provider_changes, size)
    # ^ providers/, providers/*/ and their feeds
    following.feeds_page(site, r, groups, min(models, key=sort_key, default=None), served_by)  # feeds/
    following.feed_stylesheet(site, r)  # feed.xsl: each feed in a browser, as a page
    exports.models_json(site, models, base_url)  # models.json
    site.add("404.html", r.page("404.html", "404.html", {"title": "Page not found",
                                                         "description": "This page does not exist."}, absolute=True))
    site.add(".nojekyll", b"")  # GitHub Pages: serve the site as it is
    # What lists every model, from their entries.
    choices = filter_choices(o for m in models if m.id in offers for o in offers[m.id].offers)
    listings.listing_pages(site, r, models, names, entries, choices)  # index.html, finder.json, all/, authors/
    compare_page(site, r, models, entries.texts("compare"))  # compare/, compare.json
    exports.models_csv(site, entries.texts("csv"))  # models.csv
    exports.sitemap(site, base_url, clock)  # sitemap.xml, robots.txt: last, as they list every page


def static_files(site: Site, root: Path = STATIC) -> None:
    """The stylesheets, scripts and images, under ``static/``."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            site.add("static/" + path.relative_to(root).as_posix(), path.read_bytes())


# ---------------------------------------------------------------------------------------
# Everything one model adds to the site, made here alone: its page, the files beside it (its
# feed, badge and calendar event) and its entries in the files about the whole catalog (its row
# of the models tables and of finder.json, its compare.json entry, its models.csv line).


@dataclass(frozen=True)
class Contribution:
    path: str  # the folder of the model's page
    page: str
    beside: dict[str, bytes]  # the files beside the page, by name (``model_page.beside``)
    row: columns.RowParts
    texts: dict[str, str]  # its entry of each of ``columns.KINDS``: finder.json and compare.json (as
    # JSON text), models.csv (a line)


def contribute(item: PageInput, r: Renderer) -> Contribution:
    """The page of ``item.model`` and its entries."""
    m = item.model
    page = r.page("model.html", m.path, model_page.values(item, r.built_at))
    served = item.served.offers if item.served else None
    cells = columns.cells(m, served, item.author_name)
    row = columns.row_parts(m, cells)
    return Contribution(
        path=m.path,
        page=page,
        beside={name: make(item, r) for name, make in BESIDE.items() if name in model_page.beside(item)},
        row=row,
        texts={"finder": formats.json_for_script(columns.finder_row(m, cells, row.words)),
               "compare": compare.entry(m, served, item.author_name), "csv": exports.csv_line(m, r.base_url)},
    )


# How each file beside a model's page is made (``model_page.beside`` says which it has).
BESIDE: dict[str, Callable[[PageInput, Renderer], bytes]] = {
    FOLDER_FEED: lambda item, r: changes.model_feed(item.model, item.events or (), r.base_url),
    BADGE: lambda item, r: badges.svg(model_page.badge(item)),
    CALENDAR: lambda item, r: ical.calendar([item.model], r.base_url, r.built_at,
                                                       f"{item.model.name} on OpenRouter"),
}


def one_by_one(site: Site, items: Sequence[PageInput], r: Renderer, make: Contribute) -> Entries:
    """The pages of ``items``, made in this process, one after another."""
    entries = HeldEntries()
    for item in items:
        made = make(item, r)
        site.add(made.path, made.page)
        for name, data in made.beside.items():
            site.add(made.path + name, data)
        entries.add(item.model.id, made.row, made.texts)
    return entries
