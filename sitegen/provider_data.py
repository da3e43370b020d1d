"""The providers' endpoints in the data folder, and how they change. No I/O here.

``data/endpoints.json`` holds one entry per listed model whose endpoints were fetched, sorted
by id, each endpoint as the API sent it once ``sitegen.endpoints`` accepted it, sorted by key::

    {"version": 1,
     "models": {"deepseek/deepseek-v3.2": {"fetched_at": "2026-08-08T00:00:00Z",
                                           "endpoints": [{"tag": "baidu", ...}, ...]}}}

An empty list: the API said the model has none (a 404). ``fetched_at`` says when the list was
last fetched: a model whose request failed keeps its last list and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from sitegen import jsoncodec
from sitegen.endpoints import ModelEndpoints, accept, keyed, refusal

STORE_VERSION = 1
SHAPE = "it is not an object with a 'models' map of {fetched_at, endpoints}"


def stored(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The value of ``endpoints.json`` holding ``entries`` (model id -> {"fetched_at", "endpoints"})."""
    return {"version": STORE_VERSION, "models": {i: entries[i] for i in sorted(entries)}}


def stored_entries(content: bytes | None) -> dict[str, dict[str, Any]]:
    """The entries of an ``endpoints.json`` (none when there is no file); ValueError when it
    is not one."""
    if content is None:
        return {}
    value = jsoncodec.loads(content)
    models = value.get("models") if isinstance(value, dict) else None
    if not isinstance(models, dict):
        raise ValueError(SHAPE)
    return dict(checked(models.items()))


def checked(entries: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``entries`` of the models map, each checked to be ``{fetched_at, endpoints}``."""
    for model_id, entry in entries:
        if not (isinstance(entry, dict) and isinstance(entry.get("fetched_at"), str)
                and isinstance(entry.get("endpoints"), list)):
            raise ValueError(SHAPE)
        yield model_id, entry


def parsed(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, ModelEndpoints]:
    return {model_id: ModelEndpoints(entry["fetched_at"], keyed(entry["endpoints"]))
            for model_id, entry in entries.items()}


def merge(old: Mapping[str, dict[str, Any]], answers: Mapping[str, Any], listed: Iterable[str],
          when: str, failed: Mapping[str, str] | None = None) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The stored entries after a fetch at ``when`` of the ``listed`` models' endpoints, and
    warnings. ``answers`` maps a model id to the decoded answer, or None where the API said
    the model has none (404); a model without an answer (its request failed: ``failed`` says
    why), or with an answer that is not a list of endpoints, keeps its ``old`` entry. Models
    no longer listed are dropped."""
    entries: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    failed = failed or {}
    for model_id in sorted(set(listed)):
        body = answers.get(model_id)
        if model_id in answers:
            why, verb = None if body is None else refusal(body), "refused"
        else:
            why, verb = failed.get(model_id), "did not fetch"
        if why is not None:
            warnings.append(f"{verb} the endpoints of {model_id} ({_kept(old, model_id)}): {why}")
        if model_id not in answers or why is not None:
            if model_id in old:
                entries[model_id] = dict(old[model_id])
            continue
        records, skipped = accept(model_id, body) if body is not None else ([], [])
        warnings += skipped
        entries[model_id] = {"fetched_at": when, "endpoints": records}
    return entries, warnings


def _kept(old: Mapping[str, Mapping[str, Any]], model_id: str) -> str:
    return f"kept its endpoints of {old[model_id]['fetched_at']}" if model_id in old else "none stored"


@dataclass(frozen=True)
class ProviderChange:
    """One provider event: ``kind`` is ``provider_added``, ``provider_removed`` or
    ``provider_changed`` (with ``changes``: path -> [old, new], a missing value null)."""

    kind: str
    id: str
    provider: str
    changes: dict[str, list[Any]] | None = None


def diff(old: Mapping[str, ModelEndpoints], new: Mapping[str, ModelEndpoints],
         listed: Iterable[str]) -> list[ProviderChange]:
    """The provider events that turn ``old`` into ``new`` for the ``listed`` models, by model
    id then key: a model fetched for the first time has all its endpoints added; a model
    without an entry in ``new`` (its request failed) changes nothing."""
    changes: list[ProviderChange] = []
    for model_id in sorted(set(listed)):
        if model_id not in new:
            continue
        before = {e.key: e for e in old[model_id].endpoints} if model_id in old else {}
        after = {e.key: e for e in new[model_id].endpoints}
        for key in sorted(before.keys() | after.keys()):
            if key not in before:
                changes.append(ProviderChange("provider_added", model_id, key))
            elif key not in after:
                changes.append(ProviderChange("provider_removed", model_id, key))
            elif moved := _moved(before[key].terms(), after[key].terms()):
                changes.append(ProviderChange("provider_changed", model_id, key, moved))
    return changes


def _moved(a: dict[str, Any], b: dict[str, Any]) -> dict[str, list[Any]]:
    return {path: [a.get(path), b.get(path)] for path in sorted(a.keys() | b.keys()) if a.get(path) != b.get(path)}
