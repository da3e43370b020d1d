"""``sitegen fetch``: download, validate and accept a new snapshot into the data folder.

The steps, in order: fetch the bytes, parse and validate them as a catalog, then hand the
accepted payload to the store. Nothing is written unless every step before succeeded, so a
failed fetch leaves ``data/`` exactly as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import fetch, store
from sitegen.catalog import loads


@dataclass
class UpdateReport:
    source: str
    models: int
    changed: bool
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        state = "stored a new snapshot" if self.changed else "catalog unchanged"
        return f"fetched {self.models} models from {self.source}: {state}"


def update(source: str, data_dir: Path, timeout: float) -> UpdateReport:
    response = fetch.fetch(source, timeout=timeout)
    catalog = loads(response.body, source=source)
    payload = json.loads(response.body)
    changed = store.save_snapshot(data_dir, payload)
    return UpdateReport(source=source, models=len(catalog.models), changed=changed, warnings=catalog.warnings)
