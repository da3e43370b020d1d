"""Checks a downloaded catalog must pass before it may replace the stored one.

A response can be valid JSON with a valid shape and still be wrong: an API having a bad day
that lists a fraction of its models would, if accepted, mark hundreds of models as retired
and rewrite their history. Such a catalog is refused unless the operator says it is real.
"""

from __future__ import annotations

from typing import Iterable

from sitegen.catalog import Model
from sitegen.errors import CatalogError

MAX_LOST = 0.5  # refuse a catalog missing more than this share of the stored models


def check_shrink(stored: Iterable[Model], new: Iterable[Model], allow_shrink: bool = False) -> None:
    """Refuse ``new`` if more than half of the ``stored`` models are missing from it."""
    before = {m.id for m in stored}
    lost = before - {m.id for m in new}
    if before and len(lost) > len(before) * MAX_LOST and not allow_shrink:
        raise CatalogError(
            f"the new catalog lacks {len(lost)} of the {len(before)} models in the data folder; "
            "refusing to store it (pass --allow-shrink if the models really were removed)"
        )
