"""``sitegen build``: check where the site goes, read the data, make the site
(``sitegen.site``) into a staging folder and publish it in one step.

How it is made fast and safe lives in ``sitegen._engine``: the output folder's checks and the
staging folder, the worker processes for a large catalog, and the cache that recognises an
unchanged build before anything is parsed, and before what parsing and rendering need is
imported (0.13 s of a build's 0.2 s of start-up at 400 models): in functions, when needed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import store
from sitegen._engine import cache, outdir
from sitegen.config import BuildSettings, clock_setting
from sitegen.errors import CatalogError, HistoryError

if TYPE_CHECKING:
    from sitegen.history import SiteHistory
    from sitegen.offers import Offers


@dataclass
class BuildReport:
    models: int
    pages: int
    files: int
    seconds: float
    warnings: list[str]
    unchanged: bool = False  # nothing to do: the output already is this build's
    processes: int = 1  # that rendered pages

    def summary(self) -> str:
        done = "; nothing changed" if self.unchanged else ""
        return (f"built {self.models} models into {self.pages} pages ({self.files} files{done}) "
                f"in {self.seconds:.2f}s using {self.processes} " + ("process" if self.processes == 1 else "processes"))


def read_inputs(catalog: Path, data_dir: Path | None) -> store.DataFiles:
    """The catalog and, with ``data_dir``, the change log, retired records and endpoints
    beside it, as one consistent set (even while a fetch commits)."""
    if data_dir is not None:
        files = store.read_data(data_dir)
    else:
        try:
            files = store.DataFiles(catalog.read_bytes(), b"", None)
        except FileNotFoundError:
            files = store.DataFiles(None, b"", None)
        except OSError as exc:
            raise CatalogError(f"cannot read {catalog}: {exc.strerror}") from None
    if files.snapshot is None:
        raise CatalogError(f"no catalog at {catalog} (run 'sitegen fetch' first, or pass --catalog)")
    return files


def parse_history(data_dir: Path | None, files: store.DataFiles) -> SiteHistory:
    """The change log's events and the last records of retired models."""
    from sitegen import history
    from sitegen.catalog import parse_records
    if data_dir is None:
        return history.SiteHistory()
    events, providers = history.split(history.loads(files.log.decode("utf-8"), source=str(data_dir / store.LOG)))
    records = store.parse_retired(files.retired, data_dir)
    return history.SiteHistory(events, parse_records(records).models if records else [], providers)


def parse_endpoints(data_dir: Path | None, files: store.DataFiles) -> dict[str, Offers]:
    """Each model's endpoints as last fetched, as the pages show them (none before a fetch)."""
    from sitegen import provider_data
    from sitegen._engine.jsonload import entries as load_entries
    from sitegen.providers import offered
    try:
        return offered(provider_data.checked(load_entries(files.endpoints, provider_data.stored_entries))
                       if files.endpoints is not None else ())
    except (ValueError, TypeError) as exc:
        raise HistoryError(f"{data_dir / store.ENDPOINTS if data_dir else store.ENDPOINTS} cannot be read: "
                           f"{str(exc)[:200]}") from None


def build(catalog_path: Path, out: Path, settings: BuildSettings, data_dir: Path | None = None,
          jobs: int | None = None, cache_dir: Path | None = None) -> BuildReport:
    """Build from ``catalog_path``; with ``data_dir``, also from its change log. ``jobs``
    processes render the model pages (by default chosen by the catalog's size); with
    ``cache_dir``, a build whose inputs and output did not change since the last does nothing."""
    started = time.perf_counter()
    out = outdir.check_out(out, data=data_dir, catalog=catalog_path, cache=cache_dir)
    outdir.sweep(out)
    data = read_inputs(catalog_path, data_dir)
    text, data = data.snapshot or b"", replace(data, snapshot=None)  # so ``del text`` frees it
    state_file = cache.cache_file(cache_dir, out) if cache_dir is not None else None
    key = ""
    if state_file is not None:
        key = cache.digest(cache.code_version(), repr(settings), clock_setting(), text, data.log,
                           data.retired or b"-", data.endpoints or b"-")
        previous = cache.load(state_file, out)
        if previous is not None and previous.key == key and cache.untouched(out, previous.files):
            return BuildReport(previous.models, previous.pages, len(previous.files), time.perf_counter() - started,
                               previous.warnings, unchanged=True)
    from sitegen._engine import pool, staging
    from sitegen._engine.jsonload import load as load_catalog
    from sitegen.site import SiteData, build_site

    # Workers start at once for what looks like a large catalog (1.4 to 2.6 KB a model in
    # real and generated ones), so they get ready while this process parses it.
    count = pool.worker_count(len(text) // 1500, jobs)
    large = len(text) // 1500 >= pool.LARGE
    workers = pool.Workers(count) if count and large else None  # started from a fork server now
    try:
        # The endpoints first, so that their text (140 MB at 40,000 models) is let go before
        # the catalog's records are parsed.
        past, served = parse_history(data_dir, data), parse_endpoints(data_dir, data)
        data = replace(data, endpoints=None)
        catalog = load_catalog(text, str(catalog_path))
        del text  # tens of megabytes at tens of thousands of models: not kept while rendering
        count = pool.worker_count(len(catalog.models), jobs)
        if workers is not None and (not count or len(catalog.models) < pool.LARGE):
            workers.close()
            workers = None
        if workers is None and count:  # a small catalog's: forked from this process, which parsed it
            workers = pool.Workers(count, forked=True)
        with staging.staged(out) as stage:
            files = staging.StagedFiles(stage)
            try:
                build_site(files, SiteData(catalog, past, served), settings, workers.model_pages if workers else None)
                if workers is not None:
                    workers.finish()
            finally:  # no worker may write into the staged site once it is published or removed
                if workers is not None:
                    workers.close()
    finally:
        if workers is not None:
            workers.close()
    report = BuildReport(len(catalog.models), len(files.pages()), len(files), 0.0, catalog.warnings,
                         processes=workers.count + 1 if workers else 1)
    if state_file is not None:
        state = cache.State(key, files.written, report.models, report.pages, report.warnings)
        try:
            cache.save(state_file, out, state)
        except OSError as exc:
            report.warnings.append(f"cannot save the build cache in {state_file.parent}: {exc.strerror or exc}")
    report.seconds = time.perf_counter() - started
    return report
