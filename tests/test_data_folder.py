"""The data folder as it is committed, checked the way the scheduled run checks it before it
builds the site (`pytest -m data`). Nothing here knows which catalog data/ holds: the same
checks hold for the bundled snapshot and for whatever the hourly fetch has committed since."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from sitegen.catalog import loads
from sitegen.paths import model_path

pytestmark = pytest.mark.data

DATA = ROOT / "data"
KINDS = ("added", "removed", "changed")
PROVIDER_KINDS = ("provider_added", "provider_removed", "provider_changed")
AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def strict_json(text: str, where: str) -> Any:
    """JSON as RFC 8259 defines it: NaN and Infinity are not numbers, and no object has a key twice."""

    def constant(name: str) -> Any:
        raise ValueError(f"{where}: {name} is not JSON")

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{where}: an object has the key {next(k for k in keys if keys.count(k) > 1)!r} twice")
        return dict(pairs)

    return json.loads(text, parse_constant=constant, object_pairs_hook=unique)


def text(name: str) -> str:
    return (DATA / name).read_bytes().decode("utf-8")  # strict: a stray byte is an error


def log() -> list[dict[str, Any]]:
    return [strict_json(line, f"changes.jsonl:{n}") for n, line in enumerate(text("changes.jsonl").splitlines(), 1)]


def retired() -> list[dict[str, Any]]:
    return strict_json(text("retired.json"), "retired.json")["data"] if (DATA / "retired.json").exists() else []


def current_ids() -> list[str]:
    """The ids of the models in models.json, as sitegen reads them: a record it cannot use
    (skipped with a warning when fetched) is not a model and was never logged."""
    return [m.id for m in loads((DATA / "models.json").read_bytes(), source="data/models.json").models]


def test_every_file_in_the_data_folder_is_strict_json() -> None:
    names = sorted(path.name for path in DATA.iterdir())
    assert {"models.json", "changes.jsonl"} <= set(names), names
    for name in names:
        assert (DATA / name).is_file() and not name.startswith("."), \
            f"data/{name}: a file left by an unfinished commit, or no data file"
        if name.endswith(".jsonl"):
            content = text(name)
            assert content.endswith("\n"), f"data/{name}: the last line is cut short"
            for n, line in enumerate(content.splitlines(), 1):
                strict_json(line, f"{name}:{n}")
        elif name.endswith(".json"):
            strict_json(text(name), name)
        else:
            pytest.fail(f"data/{name} is neither JSON nor JSON lines")


def test_the_snapshot_and_the_retired_records_are_lists_of_models_by_id() -> None:
    snapshot = strict_json(text("models.json"), "models.json")
    assert isinstance(snapshot, dict) and isinstance(snapshot["data"], list) and snapshot["data"]
    records = retired()
    ids = [r["id"] for r in records]
    assert all(isinstance(i, str) for i in ids) and ids == sorted(set(ids)), "retired.json is sorted by id, once each"
    assert not set(ids) & set(current_ids()), "a model is both listed and retired"


def test_every_line_of_the_log_has_the_public_shape_and_the_log_is_in_time_order() -> None:
    events = log()
    assert events, "the log is empty"
    for n, event in enumerate(events, 1):
        where = f"changes.jsonl:{n}"
        assert event.get("kind") in KINDS + PROVIDER_KINDS, f"{where}: kind {event.get('kind')!r}"
        keys = {"at", "kind", "id"} | ({"provider"} if event["kind"] in PROVIDER_KINDS else set())
        assert set(event) == keys | ({"changes"} if event["kind"].endswith("changed") else set()), where
        assert isinstance(event["id"], str) and event["id"], where
        assert isinstance(event.get("provider", ""), str), where
        assert isinstance(event["at"], str) and AT.fullmatch(event["at"]), f"{where}: at {event['at']!r}"
        if event["kind"].endswith("changed"):
            changes = event["changes"]
            assert isinstance(changes, dict) and changes, f"{where}: no changes"
            assert all(isinstance(v, list) and len(v) == 2 and v[0] != v[1] for v in changes.values()), where
    # In time order; within one fetch, added, then removed, then changed, each sorted by id;
    # then the providers' events, by model id and provider.
    order = [(e["at"], KINDS.index(e["kind"]) if e["kind"] in KINDS else 3, e["id"], e.get("provider", ""))
             for e in events]
    unordered = [f"changes.jsonl:{n + 2}" for n, (a, b) in enumerate(zip(order, order[1:])) if b <= a]
    assert not unordered, f"out of order (or logged twice) at {unordered[:5]}"


def test_replaying_the_log_gives_the_listed_and_the_retired_models() -> None:
    listed: set[str] = set()
    gone: set[str] = set()
    for n, event in enumerate(log(), 1):
        model, kind = event["id"], event["kind"]
        if kind == "added":
            assert model not in listed, f"changes.jsonl:{n}: {model} added while listed"
            listed.add(model)
            gone.discard(model)
        else:
            assert model in listed, f"changes.jsonl:{n}: {model} {kind} while not listed"
            if kind == "removed":
                listed.remove(model)
                gone.add(model)
    assert listed == set(current_ids()), "the log and models.json disagree on the models listed"
    assert gone == {r["id"] for r in retired()}, "the log and retired.json disagree on the models retired"


def test_the_build_of_the_data_has_a_page_for_every_listed_and_retired_model(site: Path) -> None:
    """``site`` is data/ built through the command line (which must exit 0)."""
    missing = [i for i in current_ids() + [r["id"] for r in retired()]
               if not (site / model_path(i) / "index.html").is_file()]
    assert not missing, f"{len(missing)} model(s) without a page: {missing[:10]}"


@pytest.mark.parametrize("source, words", [
    ('{"data": [{"price": NaN}]}', "NaN is not JSON"),
    ('{"data": [{"price": -Infinity}]}', "-Infinity is not JSON"),
    ('{"id": "a", "id": "b"}', "'id' twice"),
])
def test_the_strict_reader_refuses_what_python_would_let_through(source: str, words: str) -> None:
    json.loads(source)  # the standard library reads all of these
    with pytest.raises(ValueError, match=re.escape(words)):
        strict_json(source, "x.json")
