"""Checks a downloaded catalog must pass before it may replace the stored one.

A response can be valid JSON with a valid shape and still be wrong: an API having a bad day
that lists a fraction of its models would, if accepted, mark hundreds of models as retired
and rewrite their history. Such a catalog is refused unless the operator says it is real.

A fault can also come in steps: two catalogs in a row that each lack 49% of the one before
together lose three quarters. So the new catalog is also held against the largest the
catalog has been in the last ``WINDOW`` (from the change log), not only against the last.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Iterable, Sequence

from sitegen.model import Model
from sitegen.errors import CatalogError
from sitegen.history import timestamp

MAX_LOST = 0.5  # refuse a catalog missing more than this share of the stored models
WINDOW = timedelta(days=30)
ALLOW = "refusing to store it (pass --allow-shrink if the models really were removed)"


def check_shrink(stored: Iterable[Model], new: Iterable[Model], allow_shrink: bool = False,
                 listed: Sequence[tuple[str, int]] = (), at: str | None = None) -> None:
    """Refuse ``new`` if more than half of the ``stored`` models are missing from it, or if it
    lists fewer than half of the most models the catalog listed in the ``WINDOW`` before
    ``at``; ``listed`` is the count after each logged fetch (``history.listed_counts``)."""
    if allow_shrink:
        return
    before = {m.id for m in stored}
    after = {m.id for m in new}
    lost = before - after
    if before and len(lost) > len(before) * MAX_LOST:
        raise CatalogError(f"the new catalog lacks {len(lost)} of the {len(before)} models in the data folder; {ALLOW}")
    largest = largest_recent(listed, at) if at else None
    if largest is not None and len(after) < largest[1] * (1 - MAX_LOST):
        when, count = largest
        raise CatalogError(f"the new catalog lists {len(after)} models, fewer than half of the {count} listed "
                           f"after the fetch of {when} (the most in the last {WINDOW.days} days); {ALLOW}")


def largest_recent(listed: Sequence[tuple[str, int]], at: str) -> tuple[str, int] | None:
    """The fetch after which the catalog listed the most models during the ``WINDOW`` before
    ``at``, the one whose count was still current when the window began included."""
    start = timestamp(at) - WINDOW.total_seconds()
    recent = [entry for entry in listed if timestamp(entry[0]) >= start]
    current = [entry for entry in listed if timestamp(entry[0]) < start][-1:]
    return max(current + recent, key=lambda entry: entry[1], default=None)
