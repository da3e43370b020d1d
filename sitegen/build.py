"""``sitegen build``: read and check the data, then render the site straight into a staging
folder that is swapped in at the end."""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from datetime import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from sitegen import cache, compare, finder, history, history_pages, listings, pages, parallel, store, syndication
from sitegen.catalog import Catalog, Model, loads, parse_records
from sitegen.history_pages import SiteHistory
from sitegen.config import STATIC, BuildSettings, build_clock, clock_setting
from sitegen.errors import BuildError, CatalogError
from sitegen.render import Renderer
from sitegen.cache import PageCache
from sitegen.extracts import Extracts
from sitegen._engine import staging as output
from sitegen.writer import SiteFiles


@dataclass
class BuildReport:
    models: int
    pages: int
    files: int
    seconds: float
    warnings: list[str]
    reused: int | None = None  # model pages kept from the cache (None: no cache)
    unchanged: bool = False  # nothing to do: the output already is this build's
    processes: int = 1  # that rendered pages

    def summary(self) -> str:
        cached = "" if self.reused is None else f"; {self.reused} model pages reused from the cache"
        if self.unchanged:
            cached = "; nothing changed"
        return (
            f"built {self.models} models into {self.pages} pages "
            f"({self.files} files{cached}) in {self.seconds:.2f}s using {self.processes} "
            + ("process" if self.processes == 1 else "processes")
        )


def read_catalog_text(path: Path) -> bytes:
    try:
        text = store.read(path.parent, path.name)  # the committed file, even mid-commit
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc.strerror}") from None
    if text is None:
        raise CatalogError(f"no catalog at {path} (run 'sitegen fetch' first, or pass --catalog)")
    return text


def read_history_files(data_dir: Path | None) -> tuple[bytes, bytes | None]:
    """The change log and the retired models' records as stored (both optional)."""
    if data_dir is None:
        return b"", None
    return store.read(data_dir, store.LOG) or b"", store.read(data_dir, store.RETIRED)


def parse_history(data_dir: Path, log: bytes, retired: bytes | None) -> SiteHistory:
    """The change log's events and the last records of retired models."""
    events = history.loads(log.decode("utf-8"), source=str(data_dir / store.LOG))
    records = store.parse_retired(retired, data_dir)
    return SiteHistory(events, parse_records(records).models if records else [])


def static_assets(root: Path = STATIC) -> list[tuple[str, bytes]]:
    return [
        ("static/" + p.relative_to(root).as_posix(), p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ]


def site_clock(catalog: Catalog, past: SiteHistory) -> datetime:
    return build_clock(max(max((m.created for m in catalog.models), default=0), past.newest()))


def render_site(catalog: Catalog, settings: BuildSettings, past: SiteHistory | None = None,
                site: SiteFiles | None = None, workers: parallel.Workers | None = None,
                reuse: PageCache | None = None) -> SiteFiles:
    """Every file of the site, into ``site`` (by default a new one held in memory); model
    pages by ``workers`` too when given, except those ``reuse`` keeps from the last build."""
    models = catalog.models
    past = past or SiteHistory()
    clock = site_clock(catalog, past)
    renderer = Renderer(settings.base_url, clock)
    if reuse is not None:
        reuse.depend_on(renderer.env.globals)
    site = SiteFiles() if site is None else site
    pages.static_files(site, static_assets())
    extras = history_pages.model_extras(models, past, clock)
    models_done, extracts = parallel.model_pages(site, renderer, models, extras, workers, reuse)
    try:
        _other_pages(site, renderer, settings, models, past, extras, clock)
        index = finder.index_context(models)  # while the workers still render
        made = models_done.wait()
    finally:
        models_done.cancel()
    if reuse is not None:
        reuse.record(made)
    _catalog_pages(site, renderer, models, extracts, index)
    pages.sitemap(site, settings.base_url, clock)
    return site


def _other_pages(site: SiteFiles, renderer: Renderer, settings: BuildSettings, models: list[Model],
                 past: SiteHistory, extras: dict[str, Any], clock: datetime) -> None:
    history_pages.retired_pages(site, renderer, past, extras)
    history_pages.changes_page(site, renderer, models, past)
    pages.not_found_page(site, renderer)
    pages.new_model_feeds(site, models, settings.base_url, clock, settings.feed_size)
    syndication.author_feeds(site, listings.by_author(models), settings.base_url, clock, settings.feed_size)
    syndication.interest_feeds(site, models, settings.base_url, clock, settings.feed_size)
    syndication.change_feed(site, models, past, settings.base_url, clock)
    syndication.changes_json(site, past)
    syndication.models_json(site, models, settings.base_url)
    site.add(".nojekyll", b"")


def _catalog_pages(site: SiteFiles, renderer: Renderer, models: list[Model], extracts: Extracts,
                   index: dict[str, Any]) -> None:
    """What lists the whole catalog, from the models' extracts: the index (with ``index``,
    its ``finder.index_context``), "all models" and author pages, finder.json, compare.json
    and models.csv."""
    listings.listing_pages(site, renderer, models, extracts.rows(), extracts.texts("finder"), index)
    compare.compare_page(site, renderer, models, extracts.texts("compare"))
    syndication.models_csv(site, extracts.texts("csv"))


def build(catalog_path: Path, out: Path, settings: BuildSettings, data_dir: Path | None = None,
          jobs: int | None = None, cache_dir: Path | None = None) -> BuildReport:
    """Build from ``catalog_path``; with ``data_dir``, also from its change log. ``jobs``
    processes render the model pages (by default chosen by the catalog's size); with
    ``cache_dir``, what the last build into ``out`` made from the same inputs is kept."""
    started = time.perf_counter()
    out = output.check_out(out, data=data_dir, catalog=catalog_path, cache=cache_dir)
    output.sweep(out)
    text = read_catalog_text(catalog_path)
    log, retired = read_history_files(data_dir)
    state_file = cache.cache_file(cache_dir, out) if cache_dir is not None else None
    code = cache.code_version() if state_file else ""
    # Every input as stored: the same bytes parse to the same catalog, history and clock, so
    # an unchanged build is recognised before anything is parsed.
    key = cache.digest(code, repr(settings), clock_setting(), cache.digest(text), log, retired or b"-")
    previous = cache.load(state_file, out, code) if state_file else None
    if previous is not None and previous.key == key and output.untouched(out, previous.files, output.file_mode()):
        # Nothing changed and the site is still there as the last build left it.
        pages = sum(1 for p in previous.files if p.endswith(".html"))
        return BuildReport(previous.models, pages, len(previous.files), time.perf_counter() - started,
                           previous.warnings, unchanged=True)
    # Workers start at once for what looks like a large catalog (1.4 to 2.6 KB a model in
    # real and generated ones): they get ready while this process reads it.
    workers = parallel.start(len(text) // 1500, jobs)
    try:
        with _parsing():
            catalog = loads(text, source=str(catalog_path), elsewhere=workers.submit if workers else None)
        del text  # tens of megabytes at tens of thousands of models: not kept while rendering
        past = parse_history(data_dir, log, retired) if data_dir is not None else SiteHistory()
        clock = site_clock(catalog, past)
        inputs = cache.digest(code, repr(settings), clock.isoformat())
        report = BuildReport(len(catalog.models), 0, 0, 0.0, catalog.warnings)
        report.processes = parallel.worker_count(len(catalog.models), jobs)
        if report.processes <= 1 and workers is not None:
            workers.close()
            workers = None
        elif workers is None:
            workers = parallel.start(len(catalog.models), jobs)
        with output.staged(out) as staging:  # written as rendered, swapped in at the end
            reuse = PageCache(previous, staging, inputs) if state_file else None
            site = render_site(catalog, settings, past, SiteFiles(staging), workers, reuse)
    finally:
        gc.unfreeze()
        if workers is not None:
            workers.close()
    report.pages, report.files = len(site.pages()), len(site)
    if state_file and reuse is not None:
        _save_state(state_file, out, code, key, site, reuse, report)
        report.reused = reuse.reused()
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def _parsing() -> Iterator[None]:
    """Parsing makes hundreds of thousands of objects and no reference cycle: the cycle
    collector, left on, would walk them again and again for nothing (a sixth of the parse
    at 40,000 models). They live as long as the build, so later collections leave them
    out too (``gc.freeze``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    gc.freeze()


def _save_state(path: Path, out: Path, code: str, key: str, site: SiteFiles, reuse: PageCache,
                report: BuildReport) -> None:
    files = dict(site.written)
    files.update((rel, info) for rel, (_, info) in reuse.made.items())
    state = cache.State(key, files, {rel: fingerprint for rel, (fingerprint, _) in reuse.made.items()},
                        report.models, report.warnings)
    try:
        cache.save(path, out, code, state)
    except OSError as exc:
        report.warnings.append(f"cannot save the build cache in {path.parent}: {exc.strerror or exc}")
