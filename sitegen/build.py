"""``sitegen build``: read and check the data, then render the site straight into a staging
folder that is swapped in at the end."""

from __future__ import annotations

import time
from datetime import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen import compare, history, history_pages, listings, pages, parallel, store, syndication
from sitegen.catalog import Catalog, Model, loads, parse_records
from sitegen.history_pages import SiteHistory
from sitegen.config import STATIC, BuildSettings, build_clock
from sitegen.errors import CatalogError
from sitegen.render import Renderer
from sitegen.writer import SiteFiles, staged


@dataclass
class BuildReport:
    models: int
    pages: int
    files: int
    seconds: float
    warnings: list[str]

    def summary(self) -> str:
        return (
            f"built {self.models} models into {self.pages} pages "
            f"({self.files} files) in {self.seconds:.2f}s"
        )


def read_catalog(path: Path) -> Catalog:
    try:
        text = store.read(path.parent, path.name)  # the committed file, even mid-commit
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc.strerror}") from None
    if text is None:
        raise CatalogError(f"no catalog at {path} (run 'sitegen fetch' first, or pass --catalog)")
    return loads(text, source=str(path))


def read_history(data_dir: Path) -> SiteHistory:
    """The change log and the last records of retired models (both optional)."""
    events = history.loads(store.read_log(data_dir), source=str(data_dir / store.LOG))
    records = store.read_retired(data_dir)
    return SiteHistory(events, parse_records(records).models if records else [])


def static_assets(root: Path = STATIC) -> list[tuple[str, bytes]]:
    return [
        ("static/" + p.relative_to(root).as_posix(), p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ]


def render_site(catalog: Catalog, settings: BuildSettings, past: SiteHistory | None = None,
                site: SiteFiles | None = None, workers: int = 1) -> SiteFiles:
    """Every file of the site, into ``site`` (by default a new one held in memory); model
    pages in ``workers`` processes."""
    models = catalog.models
    past = past or SiteHistory()
    clock = build_clock(max(max((m.created for m in models), default=0), past.newest()))
    renderer = Renderer(settings.base_url, clock)
    site = SiteFiles() if site is None else site
    pages.static_files(site, static_assets())
    extras = history_pages.model_extras(models, past, clock)
    models_done = parallel.model_pages(site, renderer, models, extras, workers)
    try:
        _other_pages(site, renderer, settings, models, past, extras, clock)
        models_done.wait()
    finally:
        models_done.cancel()
    pages.sitemap(site, settings.base_url, clock)
    return site


def _other_pages(site: SiteFiles, renderer: Renderer, settings: BuildSettings, models: list[Model],
                 past: SiteHistory, extras: dict[str, Any], clock: datetime) -> None:
    history_pages.retired_pages(site, renderer, past, extras)
    history_pages.changes_page(site, renderer, models, past)
    authors = listings.listing_pages(site, renderer, models)
    compare.compare_page(site, renderer, models)
    pages.not_found_page(site, renderer)
    pages.new_model_feeds(site, models, settings.base_url, clock, settings.feed_size)
    syndication.author_feeds(site, authors, settings.base_url, clock, settings.feed_size)
    syndication.interest_feeds(site, models, settings.base_url, clock, settings.feed_size)
    syndication.change_feed(site, models, past, settings.base_url, clock)
    syndication.changes_json(site, past)
    syndication.models_csv(site, models, settings.base_url)
    pages.models_json(site, models, settings.base_url)
    site.add(".nojekyll", b"")


def build(catalog_path: Path, out: Path, settings: BuildSettings, data_dir: Path | None = None,
          jobs: int | None = None) -> BuildReport:
    """Build from ``catalog_path``; with ``data_dir``, also from its change log. ``jobs``
    processes render the model pages (by default chosen by the catalog's size)."""
    started = time.perf_counter()
    catalog = read_catalog(catalog_path)
    past = read_history(data_dir) if data_dir is not None else None
    with staged(out) as staging:  # written as rendered, swapped in at the end
        workers = parallel.worker_count(len(catalog.models), jobs)
        site = render_site(catalog, settings, past, SiteFiles(staging), workers)
    return BuildReport(
        models=len(catalog.models),
        pages=len(site.pages()),
        files=len(site),
        seconds=time.perf_counter() - started,
        warnings=catalog.warnings,
    )
