"""Model pages rendered by worker processes, on a catalog large enough for that to pay.

The models are cut into shares, in catalog order, and handed to a
``concurrent.futures.ProcessPoolExecutor``. A worker writes its share's pages straight into
the staging folder and its entries (``columns.KINDS`` and the table rows) into files of the
build's scratch folder, and sends back only the digests of its files and where each row
lies, so neither the pages nor the entries of tens of thousands of models are ever held by
one process. Meanwhile the build renders the rest of the site; when it needs the entries,
it renders itself every share no worker has started yet (cancelling it in the pool), so
neither core idles while the other works through the queue, and then lets the workers go.
Each page is made by the same code from the same ``PageInput``, so the output is byte for
byte that of a build in one process.

A large catalog's workers are forked from a server process that has only imported sitegen,
started before the catalog is parsed: a process forked from the build would inherit the
whole catalog and, by merely touching it, soon hold a private copy of it. A small catalog's
one worker is forked from the build once it has parsed: it starts at once, with everything
imported, and what it copies is small.
"""

from __future__ import annotations

import os
import signal
import struct
from concurrent.futures import Future
from datetime import datetime
from typing import Callable, Iterator, Mapping, Protocol, Sequence

from sitegen import columns
from sitegen._engine.staging import StagedFiles, Staging, digest
from sitegen.columns import KINDS
from sitegen.model_page import PageInput, beside
from sitegen.render import Renderer, renderer
from sitegen.writer import Site

# From SMALL models on, other processes render pages beside the build's own, one a core; from
# LARGE on, they are started from a fork server (bench/DECISIONS.md has the figures).
SMALL, LARGE = 100, 1000


class Contribution(Protocol):
    """What ``site.contribute`` gives for a model."""

    @property
    def path(self) -> str: ...
    @property
    def page(self) -> str: ...
    @property
    def beside(self) -> dict[str, bytes]: ...
    @property
    def row(self) -> columns.RowParts: ...
    @property
    def texts(self) -> dict[str, str]: ...


Contribute = Callable[[PageInput, Renderer], Contribution]
# What the build records of each model a share made: the path and digest of its page and of
# each file beside it, and where its table row lies in the share's rows file (``_WHERE``).
Made = tuple[list[tuple[str, str]], bytes]
# A row's place: its share, its first byte and the length in UTF-8 of each of its four parts.
_WHERE = struct.Struct("<6I")
OPEN_FILES = 64  # rows files a batch keeps open, well within any limit on open files
# Smaller shares even out the load (the last ones end sooner) and the memory a worker holds.
SHARES_PER_WORKER = 32


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worker_count(models: int, jobs: int | None) -> int:
    """Workers beside the build's own process for a catalog of ``models``: ``jobs`` processes
    in all when given, else one a core from ``SMALL`` models on; never more than the cores."""
    processes = jobs if jobs is not None else cores() if models >= SMALL else 1
    return max(1, min(processes, cores())) - 1


_stopping = False  # in a worker: Ctrl-C was pressed


def _quiet() -> None:
    """In a worker: Ctrl-C reaches the whole process group, and it is the build's to report.
    A worker only notes it, and stops its share at the next page (``_render``); the build
    gets the interruption with the share's result, so nothing is printed here."""
    signal.signal(signal.SIGINT, _stop)


def _stop(signum: int, frame: object) -> None:
    global _stopping
    _stopping = True


class Workers:
    """``count`` worker processes, started at once so they are ready when the catalog is."""

    def __init__(self, count: int, forked: bool = False) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor  # with multiprocessing: only when workers start

        self.context = multiprocessing.get_context("fork" if forked else "forkserver")
        if not forked:
            self.context.set_forkserver_preload([__name__])
        self.count = count
        self.executor = ProcessPoolExecutor(count, mp_context=self.context, initializer=_quiet)
        self.executor.submit(int)  # starts the processes now, not at the first share
        self.handed: list[SharedEntries] = []

    def finish(self) -> None:
        """Wait until every page handed out is written, and let the workers go: nothing
        more is handed out once the entries are needed."""
        for entries in self.handed:
            entries.collect()
        self.executor.shutdown(wait=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        for entries in self.handed:
            entries.close()

    def model_pages(self, site: Site, items: Sequence[PageInput], r: Renderer, make: Contribute) -> SharedEntries:
        """The pages of ``items``, rendered in shares by the workers and this process."""
        assert isinstance(site, StagedFiles)
        size = max(1, -(-len(items) // (self.count * SHARES_PER_WORKER)))
        shares = [items[start:start + size] for start in range(0, len(items), size)]
        entries = SharedEntries(self, site, len(self.handed), len(shares), r, make)
        for number, share in enumerate(shares):
            task = self.executor.submit(_share, make, site.staging, entries.folder, number, share, r.base_url,
                                        r.built_at)
            entries.pending.append((number, share, task))
        self.handed.append(entries)
        # Every path claimed here, so that collisions are found as in one process; once the
        # shares are handed out, so that the workers start meanwhile (a collision ends the
        # build, and with it the staged site they write into).
        for item in items:
            site.claim(item.model.path)
            for name in beside(item):
                site.claim(item.model.path + name)
        return entries


class SharedEntries:
    """``columns.Entries`` of shares rendered elsewhere, complete once ``wait`` returns: the
    rows and the other entries read from the scratch folder, so that tens of thousands of
    rows are not held by the build."""

    def __init__(self, workers: Workers, site: StagedFiles, batch: int, shares: int, r: Renderer,
                 make: Contribute) -> None:
        self.workers, self.site, self.shares, self.renderer, self.make = workers, site, shares, r, make
        self.folder = os.path.join(site.staging.scratch(), str(batch))
        os.mkdir(self.folder)
        self.pending: list[tuple[int, Sequence[PageInput], Future[list[Made]]]] = []
        self._rows = SpooledRows(self.folder)

    @property
    def rows(self) -> Mapping[str, columns.RowParts]:
        self.wait()
        return self._rows

    def wait(self) -> None:
        self.workers.finish()

    def collect(self) -> None:
        """Render here the shares no worker has started, then record what every share made."""
        pending, self.pending = self.pending, []
        for number, share, task in reversed(pending):
            if task.cancel():
                task = Future()
                task.set_result(_render(self.make, self.site.staging, self.folder, number, share, self.renderer))
            pending[number] = (number, share, task)
        for _, share, task in pending:
            for item, (files, where) in zip(share, task.result()):
                self._rows.where[item.model.id] = where
                self.site.written.update(files)

    def close(self) -> None:
        self._rows.close()

    def texts(self, kind: str) -> Iterator[str]:
        self.wait()
        for number in range(self.shares):
            with open(_file(self.folder, number, kind), encoding="utf-8") as handle:
                yield handle.read()


class SpooledRows(Mapping[str, columns.RowParts]):
    """The table rows of a batch by model id, each read from its share's rows file when asked for."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.where: dict[str, bytes] = {}  # model id -> ``_WHERE``
        self.files: dict[int, int] = {}  # share -> its rows file, open (at most ``OPEN_FILES``)

    def __getitem__(self, model_id: str) -> columns.RowParts:
        number, start, *sizes = _WHERE.unpack(self.where[model_id])
        if number not in self.files:
            if len(self.files) >= OPEN_FILES:  # many cores make many shares: the oldest is closed
                os.close(self.files.pop(next(iter(self.files))))
            self.files[number] = os.open(_file(self.folder, number, "rows"), os.O_RDONLY)
        data = os.pread(self.files[number], sum(sizes), start)
        parts, at = [], 0
        for size in sizes:
            parts.append(data[at:at + size].decode("utf-8"))
            at += size
        return columns.RowParts(*parts)

    def __iter__(self) -> Iterator[str]:
        return iter(self.where)

    def __len__(self) -> int:
        return len(self.where)

    def close(self) -> None:
        for handle in self.files.values():
            os.close(handle)
        self.files.clear()


def _file(folder: str, number: int, kind: str) -> str:
    return os.path.join(folder, f"{number}.{kind}")


def _share(make: Contribute, stage: Staging, folder: str, number: int, share: Sequence[PageInput], base_url: str,
           built_at: datetime) -> list[Made]:
    """In a worker: render one share."""
    return _render(make, stage, folder, number, share, renderer(base_url, built_at))


def _render(make: Contribute, stage: Staging, folder: str, number: int, share: Sequence[PageInput],
            r: Renderer) -> list[Made]:
    """Write the pages of ``share`` into the staging folder and its entries into the scratch
    folder; return what the build records of each model."""
    texts: dict[str, list[str]] = {kind: [] for kind in KINDS}
    made_here: list[Made] = []
    with open(_file(folder, number, "rows"), "wb") as rows:
        for item in share:
            if _stopping:
                raise KeyboardInterrupt
            made = make(item, r)
            files = {made.path + "index.html": made.page.encode("utf-8")}
            files.update((made.path + name, made.beside[name]) for name in beside(item))  # as claimed
            for path, data in files.items():
                stage.write(path, data)
            parts = [part.encode("utf-8") for part in made.row]
            made_here.append(([(path, digest(data)) for path, data in files.items()],
                              _WHERE.pack(number, rows.tell(), *map(len, parts))))
            rows.write(b"".join(parts))
            for kind in KINDS:
                texts[kind].append(made.texts[kind])
    for kind, entries in texts.items():
        with open(_file(folder, number, kind), "w", encoding="utf-8") as handle:
            handle.write(("" if kind == "csv" else ",").join(entries))
    return made_here
