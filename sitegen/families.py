"""Which listed model carries on a retired one, when one clearly does: the same model under
another variant (``openai/gpt-oss-120b`` for ``openai/gpt-oss-120b:free``), or the model of
the same author whose id is the same once a date, a release stage and a version are taken
off its end (``openai/gpt-4`` for ``openai/gpt-4-0314``, ``google/gemini-2.5-flash`` for
``google/gemini-2.5-flash-preview-09-2025``). Nothing else is guessed: a retired model with
no such relative gets no suggestion. No I/O.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Sequence

from sitegen.model import Model

# What may end an id's name and be taken off, at most one of each, in this order: a date
# (2024-05-13, 20241022, 09-2025, 0314, 2411), a release stage, a version (v2, v0.1, v2.5).
_DATE = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|\d{2}-\d{4}|\d{4})$")
_STAGE = re.compile(r"-(preview|exp|beta)$")
_VERSION = re.compile(r"-v\d+(\.\d+)*$")


def family(model: Model) -> str:
    """The id of ``model`` without its variant, its alias mark and what ends it of a date,
    a stage and a version: ``openai/gpt-4`` for ``openai/gpt-4-0314``."""
    head, _, name = model.base_id.rpartition("/")
    for suffix in (_DATE, _STAGE, _VERSION):
        name = suffix.sub("", name)
    return f"{head}/{name}"


def successors(retired: Sequence[Model], listed: Sequence[Model]) -> dict[str, Model]:
    """retired id -> the listed model that carries it on, for those that have one. The same
    model under another variant comes first; then, of the family, the model named by the
    family's own id (the undated alias, ``mistralai/mistral-large``), then the newest, a
    model without a variant before one with."""
    by_base: dict[str, list[Model]] = defaultdict(list)
    by_family: dict[str, list[Model]] = defaultdict(list)
    for m in listed:
        if not m.is_alias:
            by_base[m.base_id].append(m)
            by_family[family(m)].append(m)
    found = {}
    for m in retired:
        key = family(m)
        same = [c for c in by_base.get(m.base_id, []) if c.id != m.id]
        relatives = same or by_family.get(key, [])
        if relatives:
            found[m.id] = min(relatives, key=lambda c: (c.base_id != key, c.variant is not None, -c.created, c.id))
    return found
