"""``sitegen fetch``: download, validate and accept a new snapshot into the data folder.

The steps, in order: fetch the bytes, parse and validate them as a catalog, then hand the
accepted payload to the store. Nothing is written unless every step before succeeded, so a
failed fetch leaves ``data/`` exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sitegen import fetch, guard, history, store
from sitegen.catalog import Model, decode, loads, parse_payload
from sitegen.config import now
from sitegen.errors import HistoryError


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
           allow_shrink: bool = False) -> UpdateReport:
    """Fetch ``source`` and store it; ``at`` (ISO-8601) dates the events instead of now."""
    cached = fetch.Validators.from_json(store.read_validators(data_dir))
    response = fetch.fetch(source, timeout=timeout, validators=cached)
    if response.not_modified:  # HTTP 304: the stored snapshot is current, nothing to write
        return UpdateReport(source=source, models=len(stored_models(data_dir)), changed=False, not_modified=True)
    payload = decode(response.body, source)  # decoded once: validated, then stored as sent
    catalog = parse_payload(payload, source)
    store.recover(data_dir)
    previous = stored_models(data_dir)
    guard.check_shrink(previous, catalog.models, allow_shrink)
    events = history.diff(previous, catalog.models, event_time(data_dir, at))
    retired = history.retired_records(store.read_retired(data_dir), previous, catalog.models)
    changed = store.save_snapshot(data_dir, payload, history.dumps(events), retired)
    store.save_validators(data_dir, response.validators.as_json() if response.validators else None)
    return UpdateReport(source=source, models=len(catalog.models), changed=changed, warnings=catalog.warnings,
                        counts=history.count(events), events=events)


def stored_models(data_dir: Path) -> list[Model]:
    """The models of the accepted snapshot (none before the first fetch)."""
    content = store.read(data_dir, store.SNAPSHOT)
    if content is None:
        return []
    return loads(content, source=str(data_dir / store.SNAPSHOT)).models


def event_time(data_dir: Path, at: str | None) -> str:
    """The time of this fetch's events; the log must stay in time order."""
    when = history.format_time(history.parse_time(at) if at else now())
    logged = history.loads(store.read_log(data_dir), source=str(data_dir / store.LOG))
    if logged and history.timestamp(when) < history.timestamp(logged[-1].at):
        raise HistoryError(f"the events would be dated {when}, before the last logged event ({logged[-1].at}): "
                           "replay archived catalogs in date order")
    return when
