"""Model pages, the bulk of a build, rendered by worker processes on large catalogs.

The parent claims every model page's path first (so collisions are refused exactly as in
one process), then hands the models out in shares to workers that write their pages
straight into the staging folder, with the models' extracts (``extracts``), while the
parent renders the feeds.

Before that, while the build parses the catalog, one worker parses its last runs
(``Workers.submit``, ``catalog.loads``), since it would otherwise wait.

The workers are fresh processes, forked from a small server process that has only imported
sitegen (started with the ``Workers``, while the catalog is parsed), not from the build: a
process forked from the build would inherit the whole catalog and, by merely touching it,
soon hold a private copy of it. A share carries only what its pages need: its models, the
models they name as variants or alias target (so each page sees the same neighbours as in
one process) and their history rows. Whichever process starts a share first claims it:
the workers take them from the front, and the parent, once its own pages are done, takes
any still waiting from the back, so no core idles while the other works through the
queue. Each page is rendered from the same inputs by the same code in whichever process,
so the output is byte for byte that of a one-process build.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator, Protocol

from sitegen import pages
from sitegen.extracts import Extracts
from sitegen.catalog import Model
from sitegen.render import Renderer
from sitegen._engine.staging import Staging
from sitegen.writer import SiteFiles

# Below this many models starting workers costs more than it saves. Measured on a shared
# 2-core machine: at 400 models two workers took about 0.3 s more CPU and wall time than one
# process; at 4,000 they took less of both. 1,000 lies between, not finely tuned.
THRESHOLD = 1000
# Smaller shares even out the load (the last ones end sooner) and the memory a worker holds.
SHARDS_PER_WORKER = 16


class Chooser(Protocol):
    """Decides which pages still need rendering (the build cache) and says what was made."""

    def __call__(self, path: str, context: dict[str, Any]) -> bool: ...

    def settle(self, written: dict[str, str]) -> dict[str, Any]: ...

    def share(self, paths: list[str]) -> Chooser: ...


class Workers:
    """``count`` worker processes and the claims of their shares, started before the
    catalog is parsed so that they are ready when it is. Starting them waits on the server
    process as it loads sitegen: a thread does that waiting, not the build."""

    def __init__(self, count: int) -> None:
        import multiprocessing  # here: a build in one process does without it

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self.count = count
        self.claims = context.Array("b", count * SHARDS_PER_WORKER)  # 1 once a process has started that share
        self._pool: Any = None
        self._failed: BaseException | None = None
        self._lock = threading.Lock()
        self._queued: list[tuple[_Later, Callable[..., Any], tuple[Any, ...]]] = []
        self._starting = threading.Thread(target=self._start, args=(context,), daemon=True)
        self._starting.start()

    def _start(self, context: Any) -> None:
        pool, failed = None, None
        try:
            pool = context.Pool(self.count, initializer=_start_worker, initargs=(self.claims,))
        except BaseException as exc:  # raised again by ``pool``
            failed = exc
        with self._lock:
            self._pool, self._failed = pool, failed
            queued, self._queued = self._queued, []
        for later, function, args in queued:
            later.begin(pool, function, args, failed)

    def submit(self, function: Callable[..., Any], *args: Any) -> _Later:
        """Run ``function(*args)`` in a worker, once the workers are ready, without waiting
        for them; ``get()`` on what it returns gives the result or raises."""
        later = _Later()
        with self._lock:
            if self._pool is None and self._failed is None:
                self._queued.append((later, function, args))
                return later
        later.begin(self._pool, function, args, self._failed)
        return later

    @property
    def pool(self) -> Any:
        self._starting.join()
        if self._failed is not None:
            raise self._failed
        return self._pool

    def close(self) -> None:
        self._starting.join()
        with self._lock:
            pool, self._pool = self._pool, None
            self._failed = self._failed or RuntimeError("the workers were closed")
        if pool is not None:
            pool.terminate()
            pool.join()


class _Later:
    """A task handed to the workers once they are ready."""

    def __init__(self) -> None:
        self._begun = threading.Event()
        self._result: Any = None
        self._failed: BaseException | None = None

    def begin(self, pool: Any, function: Callable[..., Any], args: tuple[Any, ...], failed: BaseException | None) -> None:
        if failed is None:
            try:
                self._result = pool.apply_async(_quietly, (function, args))
            except BaseException as exc:
                failed = exc
        self._failed = failed
        self._begun.set()

    def get(self) -> Any:
        self._begun.wait()
        if self._failed is not None:
            raise self._failed
        return self._result.get()


def _quietly(function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """In a worker: ``function(*args)`` with the cycle collector off, as when the build
    parses (see ``build._parsing``)."""
    global _release_before_next
    gc.disable()
    try:
        return function(*args)
    finally:
        gc.enable()
        _release_before_next = True


def _release_memory() -> None:
    """Hand the memory the C library keeps free back to the system, where it can (glibc):
    a worker that parsed part of the catalog and sent it back holds tens of megabytes it
    no longer uses, beside the build's own peak."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # another C library
        pass


def start(models: int, jobs: int | None) -> Workers | None:
    """Workers for a catalog of about ``models`` models, if it wants them."""
    count = worker_count(models, jobs)
    return Workers(count) if count > 1 else None


def worker_count(models: int, jobs: int | None) -> int:
    """``jobs`` when given, at most one a core; else two workers for a large catalog on a
    machine with two cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if jobs is not None:
        return max(1, min(jobs, cores))
    return 2 if models >= THRESHOLD and cores >= 2 else 1


@dataclass
class _Share:
    """One worker task: the pages of ``own`` (ids), among ``models``."""

    number: int  # its place in the claims
    base_url: str
    built_at: datetime
    staging: Staging
    models: list[Model]  # in catalog order: the share's own models and their neighbours
    own: frozenset[str]
    extras: dict[str, Any]
    choose: Chooser | None
    extracts: Extracts


class Pending:
    """Model pages being rendered elsewhere; ``wait`` renders here the shares no worker has
    started yet, and returns what the chooser recorded."""

    def __init__(self, done: dict[str, Any], workers: Workers | None = None, results: list[Any] | None = None,
                 shares: list[_Share] | None = None, renderer: Renderer | None = None) -> None:
        self.done, self.workers, self.results = done, workers, results or []
        self.shares, self.renderer = shares or [], renderer

    def wait(self) -> dict[str, Any]:
        if self.workers is not None:
            try:
                for share in reversed(self.shares):
                    if self.renderer is not None and _claim(self.workers.claims, share.number):
                        self.done.update(_render(share, self.renderer))
                for result in self.results:
                    self.done.update(result.get())
            finally:
                self.cancel()
        return self.done

    def cancel(self) -> None:
        if self.workers is not None:
            self.workers.close()
            self.workers = None


def model_pages(site: SiteFiles, r: Renderer, models: list[Model], extras: dict[str, Any],
                workers: Workers | None = None, choose: Chooser | None = None) -> tuple[Pending, Extracts]:
    """Start rendering a page per model into ``site``'s staging folder, and making the
    models' extracts (complete once ``Pending.wait`` returns); in this process alone
    without ``workers``. The pages are handed to the workers, which ``Pending`` closes."""
    for model in models:
        site.claim(model.path)
    if workers is None or site.staging is None or not models:
        part = SiteFiles(site.staging)
        pages.model_pages(part, r, models, extras, stale=choose, claimed=True)
        site.files.update(part.files)
        extracts = Extracts()
        extracts.make(0, models, r.env.globals["base_url"])
        return Pending(choose.settle(part.written) if choose else {}), extracts
    size = -(-len(models) // (workers.count * SHARDS_PER_WORKER))  # models in each share
    extracts = Extracts(-(-len(models) // size), site.staging.scratch())
    shares, results = [], []
    try:
        for share in _shares(site.staging, r, models, extras, choose, extracts, size):
            shares.append(share)
            results.append(workers.pool.apply_async(_render_share, (share,)))
    except BaseException:
        workers.close()
        raise
    return Pending({}, workers, results, shares, r), extracts


def _shares(staging: Staging, r: Renderer, models: list[Model], extras: dict[str, Any],
            choose: Chooser | None, extracts: Extracts, size: int) -> Iterator[_Share]:
    """The models in runs of ``size`` of the catalog, each with what its pages need. Made one at a time, so the first worker starts while the later shares are still
    put together."""
    position = {m.id: n for n, m in enumerate(models)}
    variants: dict[str, list[int]] = defaultdict(list)
    for n, m in enumerate(models):
        variants[m.base_id].append(n)
    for number, start in enumerate(range(0, len(models), size)):
        own = models[start:start + size]
        needed = set(range(start, start + len(own)))
        for m in own:
            needed.update(variants[m.base_id])
            if m.alias_target in position:
                needed.add(position[m.alias_target])
        chosen = [models[n] for n in sorted(needed)]
        yield _Share(
            number=number,
            base_url=r.env.globals["base_url"],
            built_at=r.env.globals["built_at"],
            staging=staging,
            models=chosen,
            own=frozenset(m.id for m in own),
            extras={m.id: extras[m.id] for m in own if m.id in extras},
            choose=choose.share([m.path for m in own]) if choose is not None else None,
            extracts=extracts,
        )


def _claim(claims: Any, number: int) -> bool:
    """Claim share ``number`` for this process; False if another has it already."""
    with claims.get_lock():
        if claims[number]:
            return False
        claims[number] = 1
        return True


def _render(share: _Share, renderer: Renderer) -> dict[str, Any]:
    part = SiteFiles(share.staging)
    own = share.own
    pages.model_pages(part, renderer, share.models, share.extras, wanted=lambda m: m.id in own, stale=share.choose,
                      claimed=True)
    share.extracts.make(share.number, [m for m in share.models if m.id in own], share.base_url)
    return share.choose.settle(part.written) if share.choose else {}


# In a worker: the claims, a renderer per site, and whether the last task (``Workers.submit``)
# left memory to give back before the next.
_claims: Any = None
_renderers: dict[tuple[str, datetime], Renderer] = {}
_release_before_next = False


def _start_worker(claims: Any) -> None:
    global _claims
    _claims = claims
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to report, once


def _render_share(share: _Share) -> dict[str, Any]:
    """In a worker: render the pages of one share unless the parent took it, and return
    what the chooser recorded."""
    global _release_before_next
    if _release_before_next:
        _release_before_next = False
        _release_memory()
    if not _claim(_claims, share.number):
        return {}
    key = (share.base_url, share.built_at)
    if key not in _renderers:
        _renderers.clear()
        _renderers[key] = Renderer(share.base_url, share.built_at)
    return _render(share, _renderers[key])
