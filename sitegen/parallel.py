"""Model pages, the bulk of a build, rendered by forked worker processes on large catalogs.

The parent claims every model page's path first (so collisions are refused exactly as in
one process), then forks workers that inherit the renderer and the catalog and write their
share straight into the staging folder, while the parent renders the index and feeds.
Each page is rendered from the same inputs by the same code in whichever process, so the
output is byte for byte that of a one-process build.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from dataclasses import dataclass
from typing import Any, Protocol

from sitegen import pages
from sitegen.catalog import Model
from sitegen.markup import description_html
from sitegen.render import Renderer
from sitegen.writer import SiteFiles, Staging

# Below this many models forking two workers costs more than it saves. Measured on a
# shared 2-core machine: at 400 models two workers took about 0.3 s more CPU and wall time
# than one process; at 4,000 they took less of both. 1,000 lies between, not finely tuned.
THRESHOLD = 1000
SHARDS_PER_WORKER = 4  # smaller shards even out the load between the workers


class Chooser(Protocol):
    """Decides which pages still need rendering (the build cache) and says what was made."""

    def __call__(self, path: str, context: dict[str, Any]) -> bool: ...

    def settle(self, written: dict[str, tuple[int, int, int]]) -> dict[str, Any]: ...


def worker_count(models: int, jobs: int | None) -> int:
    """``jobs`` when given, else two workers for a large catalog on a machine with two cores."""
    if jobs is not None:
        return max(1, jobs)
    return 2 if models >= THRESHOLD and (os.cpu_count() or 1) >= 2 else 1


@dataclass
class _Job:
    staging: Staging | None
    renderer: Renderer
    models: list[Model]
    extras: dict[str, Any]
    choose: Chooser | None
    position: dict[str, int]
    shards: int


_job: _Job | None = None  # what forked workers inherit


class Pending:
    """Model pages being rendered elsewhere; ``wait`` returns what the chooser recorded."""

    def __init__(self, done: dict[str, Any], pool: Any = None, result: Any = None) -> None:
        self.done, self.pool, self.result = done, pool, result

    def wait(self) -> dict[str, Any]:
        global _job
        if self.pool is not None:
            try:
                for part in self.result.get():
                    self.done.update(part)
                self.pool.close()
            finally:
                self.pool.terminate()
                self.pool.join()
                self.pool, _job = None, None
        return self.done

    def cancel(self) -> None:
        global _job
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool, _job = None, None


def model_pages(site: SiteFiles, r: Renderer, models: list[Model], extras: dict[str, Any],
                workers: int = 1, choose: Chooser | None = None) -> Pending:
    """Start rendering a page per model into ``site``'s staging folder."""
    global _job
    for model in models:
        site.claim(model.path)
    job = _Job(site.staging, r, models, extras, choose, {}, 1)
    if workers <= 1 or site.staging is None:
        part = _render(job, 0)
        site.files.update(part.files)
        return Pending(choose.settle(part.written) if choose else {})
    for text in {m.description for m in models}:  # once here, not again in each worker
        description_html(text)
    job.shards = workers * SHARDS_PER_WORKER
    job.position = {m.id: n for n, m in enumerate(models)}
    _job = job
    gc.freeze()  # the garbage collector in a worker would otherwise copy every inherited page
    pool = multiprocessing.get_context("fork").Pool(workers)
    gc.unfreeze()
    return Pending({}, pool, pool.map_async(_shard, range(job.shards), chunksize=1))


def _render(job: _Job, shard: int) -> SiteFiles:
    part = SiteFiles(job.staging)
    mine = job.position

    def wanted(model: Model) -> bool:
        return mine[model.id] % job.shards == shard

    pages.model_pages(part, job.renderer, job.models, job.extras, wanted if mine else None, job.choose)
    return part


def _shard(shard: int) -> dict[str, Any]:
    """In a worker: render one share of the pages, return what the chooser recorded."""
    assert _job is not None
    part = _render(_job, shard)
    return _job.choose.settle(part.written) if _job.choose else {}
