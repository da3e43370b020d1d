"""``sitegen fetch``: download, validate and accept a new snapshot into the data folder.

The steps: take the data folder (one fetch at a time), fetch the bytes, parse them as a
catalog, refuse one that shrank too much, work out what changes, write the commit message,
then hand the changes to the store. Nothing in ``data/`` changes unless every step before
succeeded, so a failed fetch leaves it exactly as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Sequence

from sitegen import fetch, history, provider_data, provider_fetch, store
from sitegen.catalog import decode, loads, parse_payload, storable
from sitegen.config import now
from sitegen.errors import BusyError, CatalogError, HistoryError, WriteError
from sitegen.formats import price as format_price, price_number
from sitegen.model import Catalog, Model
from sitegen.prices import HEADLINE_PRICES, PRICE_KINDS

LOCK_POLL = 0.1  # seconds between two tries at a data folder another fetch holds
MAX_LOST = 0.5  # refuse a catalog missing more than this share of the stored models
WINDOW = timedelta(days=30)  # ... or listing fewer than half of the most in this time
ALLOW = "refusing to store it (pass --allow-shrink if the models really were removed)"
LISTED = 30  # models named under each heading of the commit message before "... and N more"


@dataclass
class UpdateReport:
    source: str
    models: int
    changed: bool
    warnings: list[str] = field(default_factory=list)
    counts: history.Counts = field(default_factory=history.Counts)
    events: list[history.Event] = field(default_factory=list)
    not_modified: bool = False  # HTTP 304: nothing was downloaded
    endpoints: str | None = None  # what became of the endpoints, when they were fetched

    def summary(self) -> str:
        if self.not_modified:
            text = (f"{self.source} is not modified since the last fetch (HTTP 304): "
                    f"catalog unchanged, {self.models} models")
            if self.changed:
                text += f"; stored the endpoints ({self.counts.providers} provider changes)"
        else:
            state = "stored a new snapshot" if self.changed else "catalog unchanged"
            text = f"fetched {self.models} models from {self.source}: {self.counts}; {state}"
        return text + (f"; {self.endpoints}" if self.endpoints else "")


def update(source: str, data_dir: Path, timeout: float, at: str | None = None,
           allow_shrink: bool = False, message_file: Path | None = None,
           endpoints_file: Path | None = None, endpoints: bool = True,
           progress: provider_fetch.Progress | None = None) -> UpdateReport:
    """Fetch ``source`` and store it; ``at`` (ISO-8601) dates the events instead of now;
    ``message_file`` gets the commit message before anything in ``data_dir`` changes. Each
    model's endpoints come from ``endpoints_file`` (answers of the endpoints API), else, with
    ``endpoints``, from an http(s) source's origin (see ``provider_fetch``; ``progress`` is
    told how the requests go). ``timeout`` bounds the wait for the folder and every download
    together; the endpoints the deadline leaves unfetched keep what ``data_dir`` had."""
    started = time.monotonic()
    with locked(data_dir, started, timeout):
        store.recover(data_dir)
        cached = fetch.Validators.from_json(store.read_validators(data_dir))
        response = fetch.fetch(source, timeout=timeout, validators=cached, started=started)
        if response.not_modified and not provider_fetch.wanted(source, endpoints_file, endpoints):
            report = UpdateReport(source, len(stored_models(data_dir)), changed=False, not_modified=True)
            write_message(message_file, report)
            return report
        # Decoded once: validated, then stored as sent. A 304's endpoints go with the stored snapshot.
        body = (store.read(data_dir, store.SNAPSHOT) or b"") if response.not_modified else response.body
        payload = decode(body, source)
        catalog = parse_payload(payload, source)
        fetched = provider_fetch.gather(source, payload, [m.id for m in catalog.models], endpoints_file=endpoints_file,
                                        network=endpoints, timeout=timeout, started=started, progress=progress)
        events, files, warnings = changes(data_dir, payload, catalog, at, allow_shrink, fetched)
        report = UpdateReport(source, len(catalog.models), changed=bool(files),
                              warnings=catalog.warnings + warnings, counts=history.count(events), events=events,
                              not_modified=response.not_modified, endpoints=fetched.summary() if fetched else None)
        write_message(message_file, report)
        store.commit(data_dir, files)
        store.save_validators(data_dir, response.validators.as_json() if response.validators else None)
    return report


@contextlib.contextmanager
def locked(data_dir: Path, started: float, timeout: float) -> Iterator[None]:
    """Hold ``data_dir`` (made first) for one fetch, with an exclusive ``flock`` on the folder
    itself: no lock file is left in it, and the system releases it however the process ends.
    Another fetch's folder is tried until ``timeout`` s after ``started``, then BusyError."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot make the data folder {data_dir}: {exc.strerror or exc}") from None
    try:
        fd = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise WriteError(f"cannot open the data folder {data_dir}: {exc.strerror or exc}") from None
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                left = started + timeout - time.monotonic()
                if not left > 0:
                    raise BusyError(f"another 'sitegen fetch' is updating {data_dir}; "
                                    f"gave up waiting for it after {timeout:g}s (try again later)") from None
                time.sleep(min(LOCK_POLL, left))
            except OSError as exc:
                raise WriteError(f"cannot lock the data folder {data_dir}: {exc.strerror or exc}") from None
        yield
    finally:
        os.close(fd)  # releases the lock


def changes(data_dir: Path, payload: Any, catalog: Catalog, at: str | None, allow_shrink: bool,
            fetched: provider_fetch.Fetched | None = None
            ) -> tuple[list[history.Event], dict[str, store.Staged], list[str]]:
    """The events that turn the stored catalog (and endpoints, with ``fetched``) into
    ``catalog``, dated ``at`` or now (the log stays in time order), the files that change
    with them (not yet written) and warnings."""
    previous = stored_models(data_dir)
    logged = history.loads((store.read(data_dir, store.LOG) or b"").decode("utf-8"),
                           source=str(data_dir / store.LOG))
    when = history.format_time(history.parse_time(at) if at else now())
    if logged and history.timestamp(when) < history.timestamp(logged[-1].at):
        raise HistoryError(f"the events would be dated {when}, before the last logged event ({logged[-1].at}): "
                           "replay archived catalogs in date order")
    if not allow_shrink:
        check_shrink(previous, catalog.models, history.listed_counts(logged), when)
    events = history.diff(previous, catalog.models, when)
    retired = store.parse_retired(store.read(data_dir, store.RETIRED), data_dir)
    retired = history.retired_records(retired, previous, catalog.models)
    stored: dict[str, Any] | None = None
    warnings: list[str] = []
    if fetched is not None:
        old = stored_endpoints(data_dir)
        new, warnings = provider_data.merge(old, fetched.answers, [m.id for m in catalog.models], when, fetched.failed)
        warnings = fetched.warnings + warnings + fetched.late()
        moved = provider_data.diff(provider_data.parsed(old), provider_data.parsed(new), new)
        events += [history.Event(when, c.kind, c.id, c.changes, c.provider) for c in moved]
        stored = provider_data.stored(new)
    files = store.plan(data_dir, storable(payload), [e.to_json() for e in events], retired, stored)
    return events, files, warnings


def stored_endpoints(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The entries of the stored ``endpoints.json`` (none before the first fetch of them)."""
    try:
        return provider_data.stored_entries(store.read(data_dir, store.ENDPOINTS))
    except (ValueError, TypeError) as exc:
        raise HistoryError(f"{data_dir / store.ENDPOINTS} cannot be read: {str(exc)[:200]}") from None


def stored_models(data_dir: Path) -> list[Model]:
    """The models of the accepted snapshot (none before the first fetch)."""
    content = store.read(data_dir, store.SNAPSHOT)
    return [] if content is None else loads(content, source=str(data_dir / store.SNAPSHOT)).models


def check_shrink(stored: Sequence[Model], new: Sequence[Model], listed: Sequence[tuple[str, int]], at: str) -> None:
    """Refuse ``new`` if it lacks over half of the ``stored`` models, or lists fewer than half
    of the most the catalog listed (``listed``: the count after each logged fetch) in the
    ``WINDOW`` before ``at`` (the count current when it began included): an API's bad day
    would retire hundreds of models, and two shrinks of 49% are caught like one of 75%."""
    before = {m.id for m in stored}
    after = {m.id for m in new}
    lost = before - after
    if before and len(lost) > len(before) * MAX_LOST:
        raise CatalogError(f"the new catalog lacks {len(lost)} of the {len(before)} models in the data folder; {ALLOW}")
    start = history.timestamp(at) - WINDOW.total_seconds()
    recent = [entry for entry in listed if history.timestamp(entry[0]) >= start]
    current = [entry for entry in listed if history.timestamp(entry[0]) < start][-1:]
    largest = max(current + recent, key=lambda entry: entry[1], default=None)
    if largest is not None and len(after) < largest[1] * (1 - MAX_LOST):
        when, count = largest
        raise CatalogError(f"the new catalog lists {len(after)} models, fewer than half of the {count} listed "
                           f"after the fetch of {when} (the most in the last {WINDOW.days} days); {ALLOW}")


def write_message(path: Path | None, report: UpdateReport) -> None:
    """The git commit message saying what this fetch changed, into ``path`` (if any)."""
    if path is None:
        return
    try:
        path.write_text(commit_message(report.events, report.models, report.changed), encoding="utf-8")
    except OSError as exc:
        raise WriteError(f"cannot write the commit message to {path}: {exc.strerror or exc}") from None


def commit_message(events: Sequence[history.Event], models: int, stored: bool = True) -> str:
    """The message of a data commit, so that ``git log -- data`` reads like a change log: the
    counts in the subject, then the models by kind (``stored``: whether ``data/`` changed)::

        Catalog: 1 added, 0 removed, 1 repriced, 0 changed (401 models)

        Added:
        - qwen/qwen3-coder:free

        Repriced:
        - openai/gpt-4o: input $2.50 -> $2.00, output $10.00 -> $8.00

        Providers:
        - deepseek/deepseek-v3.2: digitalocean input $0.425 -> $0.25; added novita; removed together
    """
    if not stored:
        subject = f"Catalog: unchanged ({models} models)"
    elif not events:
        subject = f"Catalog: no model added, removed or changed; other details updated ({models} models)"
    else:
        subject = f"Catalog: {history.count(events)} ({models} models)"
    sections = [
        _section("Added", [e.id for e in events if e.kind == "added"]),
        _section("Removed", [e.id for e in events if e.kind == "removed"]),
        _section("Repriced", [f"{e.id}: {_price_moves(e)}" for e in events if e.repriced]),
        _section("Changed", [f"{e.id}: {', '.join(sorted(e.changes or {}))}"
                             for e in events if e.kind == "changed" and not e.repriced]),
        _section("Providers", _provider_lines(events)),
    ]
    body = "\n\n".join(s for s in sections if s)
    return subject + "\n" + (f"\n{body}\n" if body else "")


def _section(heading: str, lines: list[str]) -> str:
    if not lines:
        return ""
    shown = [f"- {line}" for line in lines[:LISTED]]
    if len(lines) > LISTED:
        shown.append(f"- ... and {len(lines) - LISTED} more")
    return f"{heading}:\n" + "\n".join(shown)


def _provider_lines(events: Sequence[history.Event]) -> list[str]:
    """A line per model whose providers' endpoints changed: each changed endpoint with its
    headline price moves and the names of its other changed terms, then those added and
    those removed."""
    by_model: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for e in events:
        if e.provider is None:
            continue
        changed, added, removed = by_model.setdefault(e.id, ([], [], []))
        if e.kind == "provider_added":
            added.append(e.provider)
        elif e.kind == "provider_removed":
            removed.append(e.provider)
        else:
            terms = ", ".join(sorted(k for k in e.changes or {} if k not in HEADLINE_PRICES))
            changed.append(" ".join(filter(None, [e.provider, ", ".join(filter(None, [_price_moves(e), terms]))])))
    return [f"{model}: " + "; ".join(changed + [f"{verb} {', '.join(keys)}" for verb, keys
                                                 in (("added", added), ("removed", removed)) if keys])
            for model, (changed, added, removed) in by_model.items()]


def _price_moves(event: history.Event) -> str:
    """``input $3.00 -> $2.50, output ...`` for the headline prices that moved; exact
    amounts when rounding would show the same price twice."""
    moves = []
    changes = event.changes or {}
    for path in HEADLINE_PRICES:
        if path in changes:
            key = path.split(".", 1)[1]
            old, new = (None if value is None else Decimal(value) for value in changes[path])
            shown = [format_price(key, old), format_price(key, new)]
            if shown[0] == shown[1]:
                shown = [f"${price_number(key, v)}" if v is not None else "—" for v in (old, new)]
            moves.append(f"{PRICE_KINDS[key][0].lower()} {shown[0]} -> {shown[1]}")
    return ", ".join(moves)
