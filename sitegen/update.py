"""``sitegen fetch``: download, validate and accept a new snapshot into the data folder.

The steps, in order: take the data folder (one fetch at a time), fetch the bytes, parse and
validate them as a catalog, work out what changes, write the commit message, then hand the
changes to the store. Nothing is written to ``data/`` unless every step before succeeded,
so a failed fetch leaves it exactly as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import fetch, guard, history, store
from sitegen.catalog import decode, loads, parse_payload, storable
from sitegen.model import Catalog, Model
from sitegen.commit_message import commit_message
from sitegen.config import now
from sitegen.errors import HistoryError, WriteError


@dataclass
class UpdateReport:
    source: str
    models: int
    changed: bool
    warnings: list[str] = field(default_factory=list)
    counts: history.Counts = field(default_factory=history.Counts)
    events: list[history.Event] = field(default_factory=list)
    not_modified: bool = False  # HTTP 304: nothing was downloaded

    def summary(self) -> str:
        if self.not_modified:
            return f"{self.source} is not modified since the last fetch (HTTP 304): catalog unchanged, {self.models} models"
        state = "stored a new snapshot" if self.changed else "catalog unchanged"
        return f"fetched {self.models} models from {self.source}: {self.counts}; {state}"


def update(source: str, data_dir: Path, timeout: float, at: str | None = None,
           allow_shrink: bool = False, message_file: Path | None = None) -> UpdateReport:
    """Fetch ``source`` and store it; ``at`` (ISO-8601) dates the events instead of now;
    ``message_file`` gets the commit message before anything in ``data_dir`` changes.
    ``timeout`` bounds the wait for the folder and the download together."""
    started = time.monotonic()
    with store.locked(data_dir, started, timeout):
        store.recover(data_dir)
        cached = fetch.Validators.from_json(store.read_validators(data_dir))
        response = fetch.fetch(source, timeout=timeout, validators=cached, started=started)
        if response.not_modified:  # HTTP 304: the stored snapshot is current, nothing to write
            report = UpdateReport(source=source, models=len(stored_models(data_dir)), changed=False, not_modified=True)
            write_message(message_file, report)
            return report
        payload = decode(response.body, source)  # decoded once: validated, then stored as sent
        catalog = parse_payload(payload, source)
        events, files = changes(data_dir, payload, catalog, at, allow_shrink)
        report = UpdateReport(source=source, models=len(catalog.models), changed=bool(files),
                              warnings=catalog.warnings, counts=history.count(events), events=events)
        write_message(message_file, report)
        store.commit(data_dir, files)
        store.save_validators(data_dir, response.validators.as_json() if response.validators else None)
    return report


def changes(data_dir: Path, payload: Any, catalog: Catalog, at: str | None,
            allow_shrink: bool) -> tuple[list[history.Event], dict[str, store.Staged]]:
    """The events that turn the stored catalog into ``catalog``, and the files that change
    with them (not yet written)."""
    previous = stored_models(data_dir)
    logged = history.loads(store.read_log(data_dir), source=str(data_dir / store.LOG))
    when = event_time(logged, at)
    guard.check_shrink(previous, catalog.models, allow_shrink, history.listed_counts(logged), when)
    events = history.diff(previous, catalog.models, when)
    retired = history.retired_records(store.read_retired(data_dir), previous, catalog.models)
    files = store.plan(data_dir, storable(payload), [e.to_json() for e in events], retired)
    return events, files


def stored_models(data_dir: Path) -> list[Model]:
    """The models of the accepted snapshot (none before the first fetch)."""
    content = store.read_snapshot(data_dir)
    if content is None:
        return []
    return loads(content, source=str(data_dir / store.SNAPSHOT)).models


def event_time(logged: list[history.Event], at: str | None) -> str:
    """The time of this fetch's events; the log must stay in time order."""
    when = history.format_time(history.parse_time(at) if at else now())
    if logged and history.timestamp(when) < history.timestamp(logged[-1].at):
        raise HistoryError(f"the events would be dated {when}, before the last logged event ({logged[-1].at}): "
                           "replay archived catalogs in date order")
    return when


def write_message(path: Path | None, report: UpdateReport) -> None:
    """The git commit message saying what this fetch changed, into ``path`` (if any)."""
    if path is None:
        return
    try:
        path.write_text(commit_message(report.events, report.models, report.changed), encoding="utf-8")
    except OSError as exc:
        raise WriteError(f"cannot write the commit message to {path}: {exc.strerror or exc}") from None
