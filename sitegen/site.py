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

from sitegen import changes, columns, compare, exports, formats, listings, model_feeds, model_page
from sitegen.columns import Entries, HeldEntries
from sitegen.authors import author_names
from sitegen.compare import compare_page
from sitegen.config import STATIC, BuildSettings, build_clock
from sitegen.endpoints import ModelEndpoints
from sitegen.history import SiteHistory, retirements
from sitegen.model import Catalog
from sitegen.model_page import PageInput, inputs
from sitegen.render import Renderer
from sitegen.writer import Site

# What ``contribute`` is, and what makes the pages of ``items`` with one into ``site`` and
# gives back their entries.
Contribute = Callable[[PageInput, Renderer], "Contribution"]
ModelPages = Callable[[Site, Sequence[PageInput], Renderer, Contribute], Entries]


@dataclass
class SiteData:
    """What a site is made from: the catalog, what the change log knows and who serves
    each model."""

    catalog: Catalog
    past: SiteHistory
    endpoints: dict[str, ModelEndpoints] = field(default_factory=dict)  # by model id

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

    static_files(site)
    names = author_names(models)
    entries = model_pages(site, inputs(models, logged, names=names), r, contribute)  # a page per model
    model_pages(site, inputs(past.retired, logged, left, {**author_names(past.retired), **names}), r,
                contribute)  # a page per retired model
    # Then what needs no model's entries (made meanwhile, when other processes make the pages).
    changes.retired_page(site, r, past, left)  # retired/
    changes.changes_page(site, r, models, past)  # changes/
    model_feeds.new_model_feeds(site, models, base_url, clock, size)  # feed.xml, atom.xml
    model_feeds.author_feeds(site, listings.by_author(models), base_url, clock, size)  # authors/*/feed.xml
    model_feeds.interest_feeds(site, models, base_url, clock, size)  # feeds/*.xml
    changes.change_feed(site, models, past, base_url, clock)  # changes.xml
    changes.changes_json(site, past)  # changes.json
    exports.models_json(site, models, base_url)  # models.json
    site.add("404.html", r.page("404.html", "404.html", {"title": "Page not found",
                                                         "description": "This page does not exist."}, absolute=True))
    site.add(".nojekyll", b"")  # GitHub Pages: serve the site as it is
    # What lists every model, from their entries.
    listings.listing_pages(site, r, models, entries)  # index.html, finder.json, all/, authors/
    compare_page(site, r, models, entries.texts("compare"))  # compare/, compare.json
    exports.models_csv(site, entries.texts("csv"))  # models.csv
    exports.sitemap(site, base_url, clock)  # sitemap.xml, robots.txt: last, as they list every page


def static_files(site: Site, root: Path = STATIC) -> None:
    """The stylesheets, scripts and images, under ``static/``."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            site.add("static/" + path.relative_to(root).as_posix(), path.read_bytes())


# ---------------------------------------------------------------------------------------
# Everything one model adds to the site, made in one place: its page and its entries in the
# files about the whole catalog (its row of the models tables, its row of finder.json, its
# entry in compare.json and its line of models.csv). Nothing else derives them.


@dataclass(frozen=True)
class Contribution:
    path: str  # the folder of the model's page
    page: str
    row: columns.RowParts
    texts: dict[str, str]  # its entry of each of ``columns.KINDS``: finder.json and compare.json (as
    # JSON text), models.csv (a line)


def contribute(item: PageInput, r: Renderer) -> Contribution:
    """The page of ``item.model`` and its entries."""
    m = item.model
    page = r.page("model.html", m.path, model_page.values(item, r.built_at))
    cells = columns.cells(m, item.author_name)
    row = columns.row_parts(m, cells)
    return Contribution(
        path=m.path,
        page=page,
        row=row,
        texts={"finder": formats.json_for_script(columns.finder_row(m, cells, row.words)),
               "compare": compare.entry(m, item.author_name), "csv": exports.csv_line(m, r.base_url)},
    )


def one_by_one(site: Site, items: Sequence[PageInput], r: Renderer, make: Contribute) -> Entries:
    """The pages of ``items``, made in this process, one after another."""
    entries = HeldEntries()
    for item in items:
        made = make(item, r)
        site.add(made.path, made.page)
        entries.add(item.model.id, made.row, made.texts)
    return entries
