"""What changed between two catalogs, as events of the append-only change log. No I/O here.

One event per line of ``data/changes.jsonl``::

    {"at": "2026-07-17T00:00:00Z", "kind": "changed", "id": "openai/gpt-4o",
     "changes": {"pricing.prompt": ["0.0000025", "0.000002"]}}

``kind`` is ``added``, ``removed`` or ``changed``; only ``changed`` carries ``changes``, a map
from a dotted field path (see ``fields``) to ``[old, new]``, where a missing value is ``null``.
A provider's endpoint for a model (``sitegen.endpoints``) has events of its own, naming it::

    {"at": "2026-08-08T00:00:00Z", "kind": "provider_changed", "id": "deepseek/deepseek-v3.2",
     "provider": "digitalocean", "changes": {"pricing.prompt": ["0.000000425", "0.00000025"]}}

``provider_added``, ``provider_removed`` or ``provider_changed`` (with ``changes`` of the
endpoint's ``terms``); a model whose endpoints are fetched for the first time has each added.
Prices are the API's own decimal strings in USD per token. The first snapshot stored into an
empty data folder logs every model as ``added``, so the log alone knows when each model was
first seen and what it cost then (by undoing the later price changes).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterable, Sequence

from sitegen.errors import HistoryError
from sitegen.model import Model
from sitegen.prices import HEADLINE_PRICES

MODEL_KINDS = ("added", "removed", "changed")
PROVIDER_KINDS = ("provider_added", "provider_removed", "provider_changed")
KINDS = MODEL_KINDS + PROVIDER_KINDS


def format_time(moment: datetime) -> str:
    """ISO-8601 in UTC with a ``Z``, to the second: the only form the log holds."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """A date (``2026-07-17``) or an ISO-8601 time; one without a zone is read as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise HistoryError(
            f"{text!r} is not an ISO-8601 date or time (e.g. 2026-07-17 or 2026-07-17T06:00:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
        raise HistoryError(f"{text!r} is an ISO-8601 time outside the years 1 to 9999 in UTC") from None


def timestamp(at: str) -> int:
    return int(parse_time(at).timestamp())


@dataclass(frozen=True)
class Event:
    at: str
    kind: str
    id: str
    changes: dict[str, list[Any]] | None = None
    provider: str | None = None  # the endpoint's key, for the provider kinds

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {"at": self.at, "kind": self.kind, "id": self.id}
        if self.provider is not None:
            value["provider"] = self.provider
        if self.changes is not None:
            value["changes"] = self.changes
        return value

    @property
    def day(self) -> str:
        return self.at[:10]

    @property
    def repriced(self) -> bool:
        """A change of the headline (input or output) price."""
        return self.kind == "changed" and any(k in (self.changes or {}) for k in HEADLINE_PRICES)


def loads(text: str, source: str = "changes.jsonl") -> list[Event]:
    """Parse a log; a malformed line is a HistoryError naming the file and line."""
    events: list[Event] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source} line {number}"
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise HistoryError(f"{where} is not JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            raise HistoryError(f"{where} is not an event with a kind of {', '.join(KINDS)}")
        at, ident, changes = data.get("at"), data.get("id"), data.get("changes")
        if not isinstance(at, str) or not isinstance(ident, str):
            raise HistoryError(f"{where} lacks a string 'at' or 'id'")
        parse_time(at)
        kind, provider = data["kind"], data.get("provider")
        if kind.endswith("changed") and not (
                isinstance(changes, dict) and all(isinstance(v, list) and len(v) == 2 for v in changes.values())):
            raise HistoryError(f"{where} is a change without a 'changes' map of [old, new] pairs")
        if (kind in PROVIDER_KINDS) != isinstance(provider, str):
            raise HistoryError(f"{where} is a {kind} event {'without' if provider is None else 'with'} a 'provider'")
        events.append(Event(at, kind, ident, changes if kind.endswith("changed") else None, provider))
    return events


def split(events: Sequence[Event]) -> tuple[list[Event], list[Event]]:
    """The events of models and those of their providers' endpoints, each in log order."""
    return ([e for e in events if e.provider is None], [e for e in events if e.provider is not None])


def listed_counts(events: Sequence[Event]) -> list[tuple[str, int]]:
    """How many models the catalog listed after each logged fetch, oldest first, as
    ``(at, count)``: the models added and not removed since, in a log that begins with the
    first fetch into an empty data folder."""
    listed: set[str] = set()
    counts: list[tuple[str, int]] = []
    for event in events:
        if event.kind == "added":
            listed.add(event.id)
        elif event.kind == "removed":
            listed.discard(event.id)
        if counts and counts[-1][0] == event.at:
            counts.pop()
        counts.append((event.at, len(listed)))
    return counts


@dataclass(frozen=True)
class Counts:
    added: int = 0
    removed: int = 0
    repriced: int = 0
    changed: int = 0
    providers: int = 0  # events of providers' endpoints

    def __str__(self) -> str:
        text = f"{self.added} added, {self.removed} removed, {self.repriced} repriced, {self.changed} changed"
        return text + (f", {self.providers} provider changes" if self.providers else "")


def count(events: Sequence[Event]) -> Counts:
    """Events by kind: a change of the input or output price is ``repriced``, any other change
    ``changed``; each event of a provider's endpoint counts in ``providers``."""
    kinds = Counter("providers" if event.provider else "repriced" if event.repriced else event.kind
                    for event in events)
    return Counts(kinds["added"], kinds["removed"], kinds["repriced"], kinds["changed"], kinds["providers"])


def fields(model: Model) -> dict[str, Any]:
    """The fields the log follows, as dotted path -> value. Tiered prices read
    ``pricing.overrides.<min_prompt_tokens>.<key>``; an optional price of zero is left out, as
    the API omits it as often as it sends ``"0"``."""
    values: dict[str, Any] = {
        "name": model.name,
        "context_length": model.context_length,
        "top_provider.context_length": model.provider_context_length,
        "top_provider.max_completion_tokens": model.max_completion_tokens,
        "top_provider.is_moderated": model.is_moderated,
        "architecture.input_modalities": list(model.input_modalities),
        "architecture.output_modalities": list(model.output_modalities),
        "architecture.tokenizer": model.tokenizer,
        "supported_parameters": sorted(model.supported_parameters),
        "expiration_date": model.expiration_date,
        "knowledge_cutoff": model.knowledge_cutoff,
    }
    for key, price in sorted(model.prices.items()):
        if price != 0 or f"pricing.{key}" in HEADLINE_PRICES:
            values[f"pricing.{key}"] = price
    for tier in model.tiers:
        for key, price in sorted(tier.prices.items()):
            values[f"pricing.overrides.{tier.min_prompt_tokens}.{key}"] = price
    return values


def _json_value(value: Any) -> Any:
    return f"{value:f}" if isinstance(value, Decimal) else value


def changes(old: Model, new: Model) -> dict[str, list[Any]]:
    """``{path: [old, new]}`` for every followed field whose value differs. A field the API
    started (or stopped) sending is schema drift, not a change of the model: only prices
    and fields both records carry are compared."""
    before, after = fields(old), fields(new)
    found: dict[str, list[Any]] = {}
    for path in sorted(before.keys() | after.keys()):
        a, b, top = before.get(path), after.get(path), path.split(".", 1)[0]
        if a != b and (top == "pricing" or top in old.raw and top in new.raw):
            found[path] = [_json_value(a), _json_value(b)]
    return found


def diff(old: Sequence[Model], new: Sequence[Model], at: str) -> list[Event]:
    """The events that turn catalog ``old`` into ``new``: added, removed, then changed,
    each by id."""
    before, after = {m.id: m for m in old}, {m.id: m for m in new}
    events = [Event(at, "added", i) for i in sorted(after.keys() - before.keys())]
    events += [Event(at, "removed", i) for i in sorted(before.keys() - after.keys())]
    for ident in sorted(before.keys() & after.keys()):
        if found := changes(before[ident], after[ident]):
            events.append(Event(at, "changed", ident, found))
    return events


def retired_records(previous: Sequence[dict[str, Any]], old: Sequence[Model],
                    new: Sequence[Model]) -> list[dict[str, Any]]:
    """The last known API record of every model no longer listed, sorted by id: the ones
    retired before, plus the ones ``new`` drops, minus the ones that came back."""
    current = {m.id for m in new}
    records = {r["id"]: r for r in previous if isinstance(r, dict) and isinstance(r.get("id"), str)}
    records.update({m.id: m.raw for m in old if m.id not in current})
    return [records[i] for i in sorted(records) if i not in current]


@dataclass(frozen=True)
class PricePoint:
    """The prices a model had from ``at`` on (dotted ``pricing.`` paths -> decimal strings)."""

    at: str
    prices: dict[str, str]


def price_history(model: Model, events: Sequence[Event]) -> list[PricePoint]:
    """Oldest first: the prices ``model`` had since it was first logged, worked out backwards
    from its current (or last known) prices by undoing each logged price change."""
    state = {k: _json_value(v) for k, v in fields(model).items() if k.startswith("pricing.")}
    points: list[PricePoint] = []
    start: str | None = None
    for event in reversed([e for e in events if e.id == model.id]):
        if event.kind == "added":
            start = event.at
            break
        moved = {k: old for k, (old, _new) in (event.changes or {}).items() if k.startswith("pricing.")}
        if moved:
            points.append(PricePoint(event.at, state))
            state = {k: v for k, v in {**state, **moved}.items() if v is not None}
    if start is not None or not points:
        points.append(PricePoint(start or "", state))
    return points[::-1]


def retirements(events: Sequence[Event], current: Iterable[str]) -> dict[str, str]:
    """id -> time of the last removal, for every removed model not listed now."""
    listed = set(current)
    since: dict[str, str] = {}
    for event in events:
        if event.kind == "removed":
            since[event.id] = event.at
        elif event.kind == "added":
            since.pop(event.id, None)
    return {i: at for i, at in since.items() if i not in listed}


@dataclass
class SiteHistory:
    """What a build knows of the past: the log and the last records of models no longer
    listed (a build from a lone catalog file has neither)."""

    events: list[Event] = field(default_factory=list)  # of models
    retired: list[Model] = field(default_factory=list)
    providers: list[Event] = field(default_factory=list)  # of providers' endpoints

    @property
    def logged(self) -> bool:
        return bool(self.events or self.retired)

    def newest(self) -> int:
        return max((timestamp(e.at) for e in self.events), default=0)
