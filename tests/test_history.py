"""The change log: replaying the real snapshots through the CLI logs exactly what an
independent diff of the files finds, the log only grows, and the data folder survives a
crash in the middle of a commit."""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli
from sitegen import store, update
from sitegen.errors import WriteError

DATES = ["2025-12-21", "2026-07-17", "2026-07-31", "2026-08-08"]
SNAPSHOT_FILES = [FIXTURES / f"openrouter-models-{d}.json" for d in DATES]
# The figures the shared catalog notes give for these snapshots: (added, removed, repriced).
PUBLISHED = {"2026-07-17": (143, 150, 74), "2026-07-31": (14, 19, 36), "2026-08-08": (64, 1, 24)}
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def raw_models(path: Path) -> dict[str, dict]:
    return {m["id"]: m for m in json.loads(path.read_bytes())["data"]}


def headline(record: dict) -> tuple[Decimal | None, Decimal | None]:
    pricing = record.get("pricing") or {}
    return tuple(Decimal(pricing[k]) if pricing.get(k) not in (None, "") else None  # type: ignore[return-value]
                 for k in ("prompt", "completion"))


def expected_step(old: Path, new: Path) -> tuple[set[str], set[str], set[str]]:
    """Added, removed and repriced ids, straight from the two files."""
    a, b = raw_models(old), raw_models(new)
    repriced = {i for i in a.keys() & b.keys() if headline(a[i]) != headline(b[i])}
    return b.keys() - a.keys(), a.keys() - b.keys(), repriced


def fetch(data: Path, source: Path, at: str | None = None, endpoints: Path | None = None, **env: str):
    args = ["fetch", "--source", str(source), "--data", str(data)] + (["--at", at] if at else [])
    return run_cli(*args, *(["--endpoints", str(endpoints)] if endpoints else []), env=env or None)


def endpoints_file(date: str) -> Path | None:
    """The real answers of the endpoints API on ``date``, where the fixtures have them."""
    path = FIXTURES / "endpoints" / f"endpoints-{date}.json"
    return path if path.exists() else None


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Replay the four snapshots in date order, with the endpoints of the days that have them;
    keep each step's output and log."""
    data = tmp_path_factory.mktemp("replay") / "data"
    steps = []
    for date, path in zip(DATES, SNAPSHOT_FILES):
        result = fetch(data, path, date, endpoints_file(date))
        assert result.returncode == 0, result.stderr
        steps.append({"date": date, "stdout": result.stdout, "log": (data / "changes.jsonl").read_bytes()})
    return {"data": data, "steps": steps}


def events_of(log: bytes) -> list[dict]:
    return [json.loads(line) for line in log.decode("utf-8").splitlines()]


def test_each_step_logs_exactly_what_the_files_differ_by(replay: dict) -> None:
    steps = replay["steps"]
    first = events_of(steps[0]["log"])
    assert {e["id"] for e in first} == set(raw_models(SNAPSHOT_FILES[0]))
    assert {e["kind"] for e in first} == {"added"}
    for i in range(1, len(steps)):
        before = len(events_of(steps[i - 1]["log"]))
        events = events_of(steps[i]["log"])[before:]
        added, removed, repriced = expected_step(SNAPSHOT_FILES[i - 1], SNAPSHOT_FILES[i])
        assert {e["id"] for e in events if e["kind"] == "added"} == added
        assert {e["id"] for e in events if e["kind"] == "removed"} == removed
        logged_repriced = {e["id"] for e in events if e["kind"] == "changed"
                           and ({"pricing.prompt", "pricing.completion"} & e["changes"].keys())}
        assert logged_repriced == repriced
        assert (len(added), len(removed), len(repriced)) == PUBLISHED[steps[i]["date"]]
        a, r, p = PUBLISHED[steps[i]["date"]]
        assert f": {a} added, {r} removed, {p} repriced, " in steps[i]["stdout"]
        assert all(e["at"] == f"{steps[i]['date']}T00:00:00Z" for e in events)


def test_logged_prices_are_the_api_values(replay: dict) -> None:
    old, new = raw_models(SNAPSHOT_FILES[1]), raw_models(SNAPSHOT_FILES[2])
    events = events_of(replay["steps"][2]["log"])[len(events_of(replay["steps"][1]["log"])):]
    checked = 0
    for e in events:
        for key, (before, after) in (e.get("changes") or {}).items():
            if key in ("pricing.prompt", "pricing.completion"):
                field = key.split(".")[1]
                assert Decimal(before) == Decimal(old[e["id"]]["pricing"][field])
                assert Decimal(after) == Decimal(new[e["id"]]["pricing"][field])
                checked += 1
    assert checked >= 36


def test_every_line_has_the_public_shape(replay: dict) -> None:
    for event in events_of(replay["steps"][-1]["log"]):
        assert TIME.match(event["at"])
        if event["kind"] == "changed":
            assert list(event) == ["at", "kind", "id", "changes"]
            assert event["changes"] and all(isinstance(v, list) and len(v) == 2 and v[0] != v[1]
                                             for v in event["changes"].values())
        elif event["kind"] == "provider_changed":
            assert list(event) == ["at", "kind", "id", "provider", "changes"] and event["changes"]
        elif event["kind"].startswith("provider_"):
            assert list(event) == ["at", "kind", "id", "provider"] and event["kind"] in ("provider_added",
                                                                                       "provider_removed")
        else:
            assert list(event) == ["at", "kind", "id"] and event["kind"] in ("added", "removed")


def answers(date: str) -> dict[str, list[dict]]:
    path = endpoints_file(date)
    assert path is not None
    return {model: body["data"]["endpoints"] for model, body in json.loads(path.read_bytes()).items()}


def test_the_providers_events_are_what_changed_between_the_two_days_of_endpoints(replay: dict) -> None:
    """Worked out here from the raw answers: on 07-31 every endpoint of every listed model
    is added; on 08-08 providers come, go and reprice. A tag the API lists twice with
    different terms is left to the unit tests."""
    before, after = answers("2026-07-31"), answers("2026-08-08")
    listed = set(raw_models(SNAPSHOT_FILES[3]))
    events = [e for e in events_of(replay["steps"][-1]["log"]) if e["kind"].startswith("provider_")]
    first = {(e["id"], e["provider"].split("#")[0]) for e in events if e["at"].startswith("2026-07-31")}
    assert first == {(m, ep["tag"]) for m, eps in before.items() for ep in eps}
    assert all(e["kind"] == "provider_added" for e in events if e["at"].startswith("2026-07-31"))
    last = [e for e in events if e["at"].startswith("2026-08-08")]
    tags = {m: {ep["tag"] for ep in eps} for m, eps in after.items() if m in listed}
    old_tags = {m: {ep["tag"] for ep in before.get(m, [])} for m in tags}
    assert {(e["id"], e["provider"]) for e in last if e["kind"] == "provider_added"} == {
        (m, t) for m in tags for t in tags[m] - old_tags[m]}
    assert {(e["id"], e["provider"]) for e in last if e["kind"] == "provider_removed"} == {
        (m, t) for m in tags for t in old_tags[m] - tags[m]}
    single = {m: {ep["tag"]: ep for ep in eps} for m, eps in after.items()
              if len({ep["tag"] for ep in eps}) == len(eps)}
    old_single = {m: {ep["tag"]: ep for ep in eps} for m, eps in before.items()
                  if len({ep["tag"] for ep in eps}) == len(eps)}
    repriced = {(e["id"], e["provider"]): e["changes"] for e in last if e["kind"] == "provider_changed"}
    checked = 0
    for model in set(single) & set(old_single) & listed:
        for tag in set(single[model]) & set(old_single[model]):
            old, new = old_single[model][tag]["pricing"], single[model][tag]["pricing"]
            for key in ("prompt", "completion"):
                moved = Decimal(old[key]) != Decimal(new[key])
                change = repriced.get((model, tag), {}).get(f"pricing.{key}")
                assert (change is not None) == moved, (model, tag, key)
                if moved:
                    assert [Decimal(v) for v in change] == [Decimal(old[key]), Decimal(new[key])]
                    checked += 1
    assert checked > 50


def test_the_log_only_grows_and_an_unchanged_fetch_appends_nothing(replay: dict, tmp_path: Path) -> None:
    logs = [s["log"] for s in replay["steps"]]
    for earlier, later in zip(logs, logs[1:]):
        assert later.startswith(earlier) and len(later) > len(earlier)
    data = tmp_path / "data"
    shutil.copytree(replay["data"], data)
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    result = fetch(data, SNAPSHOT_FILES[-1], "2026-08-09")
    assert result.returncode == 0, result.stderr
    assert "0 added, 0 removed, 0 repriced, 0 changed; catalog unchanged" in result.stdout
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_snapshot_and_retired_records(replay: dict) -> None:
    data = replay["data"]
    assert json.loads((data / "models.json").read_bytes()) == json.loads(SNAPSHOT_FILES[-1].read_bytes())
    current = raw_models(SNAPSHOT_FILES[-1])
    last_seen: dict[str, dict] = {}
    for path in SNAPSHOT_FILES:
        last_seen.update(raw_models(path))
    retired = json.loads((data / "retired.json").read_bytes())["data"]
    assert [r["id"] for r in retired] == sorted(last_seen.keys() - current.keys())
    assert all(r == last_seen[r["id"]] for r in retired)


def test_the_bundled_data_is_this_replay(replay: dict) -> None:
    for name in ("changes.jsonl", "retired.json", "endpoints.json"):
        assert (ROOT / "data" / name).read_bytes() == (replay["data"] / name).read_bytes(), name
    assert json.loads((ROOT / "data/models.json").read_bytes()) == json.loads((replay["data"] / "models.json").read_bytes())


def test_events_dated_before_the_log_are_refused(replay: dict, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(replay["data"], data)
    log = (data / "changes.jsonl").read_bytes()
    result = fetch(data, SNAPSHOT_FILES[2], "2026-01-01")
    assert result.returncode == 5
    assert "before the last logged event" in result.stderr and len(result.stderr.splitlines()) == 1
    assert (data / "changes.jsonl").read_bytes() == log


def test_without_at_the_time_comes_from_the_one_clock(tmp_path: Path) -> None:
    result = fetch(tmp_path / "data", SNAPSHOT_FILES[0], SOURCE_DATE_EPOCH="1786060800")
    assert result.returncode == 0, result.stderr
    assert {e["at"] for e in events_of((tmp_path / "data/changes.jsonl").read_bytes())} == {"2026-08-07T00:00:00Z"}


# ---------------------------------------------------------------------------------------
# Crash safety: the snapshot, the log, the retired records and the endpoints change together


def state(data: Path) -> dict[str, bytes | None]:
    return {name: store.read(data, name) for name in store.COMMITTED}


def interrupted_fetch(data: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    """Run the 2026-07-31 fetch, endpoints included, in-process with the ``fail_at``-th
    os.replace failing."""
    calls = {"n": 0}
    real = os.replace

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(store.os, "replace", flaky)
    with pytest.raises(WriteError, match="No space left on device"):
        update.update(str(SNAPSHOT_FILES[2]), data, timeout=5, at="2026-07-31",
                      endpoints_file=endpoints_file("2026-07-31"))
    monkeypatch.setattr(store.os, "replace", real)


@pytest.fixture()
def after_step_two(replay: dict, tmp_path: Path) -> tuple[Path, dict]:
    """A data folder as it was after the 2026-07-17 fetch, and the state the 07-31 fetch
    leads to when nothing goes wrong."""
    data = tmp_path / "data"
    data.mkdir()
    for path, date in zip(SNAPSHOT_FILES[:2], DATES[:2]):
        assert fetch(data, path, date).returncode == 0
    clean = tmp_path / "clean"
    shutil.copytree(data, clean)
    assert fetch(clean, SNAPSHOT_FILES[2], "2026-07-31", endpoints_file("2026-07-31")).returncode == 0
    finished = state(clean)
    assert all(finished[name] != state(data)[name] for name in store.COMMITTED)  # all four change
    return data, finished


@pytest.mark.parametrize("fail_at", [2, 4, 5])  # while staging the second or fourth file, or the journal
def test_a_crash_before_the_commit_point_changes_nothing(after_step_two, monkeypatch, fail_at) -> None:
    data, finished = after_step_two
    before = state(data)
    interrupted_fetch(data, monkeypatch, fail_at=fail_at)
    assert state(data) == before
    assert not list(data.glob(".*"))
    assert fetch(data, SNAPSHOT_FILES[2], "2026-07-31", endpoints_file("2026-07-31")).returncode == 0
    assert state(data) == finished


@pytest.mark.parametrize("fail_at", [6, 7, 8, 9])
def test_a_crash_after_the_commit_point_is_finished_by_the_next_run(after_step_two, monkeypatch, fail_at) -> None:
    data, finished = after_step_two
    interrupted_fetch(data, monkeypatch, fail_at=fail_at)  # 4 staged files + journal, then the moves
    assert (data / store.JOURNAL).exists()
    assert state(data) == finished  # readers already see the committed state
    result = fetch(data, SNAPSHOT_FILES[2], "2026-07-31", endpoints_file("2026-07-31"))
    assert result.returncode == 0, result.stderr
    assert "0 added, 0 removed, 0 repriced, 0 changed" in result.stdout  # not logged twice
    assert state(data) == finished
    assert {p.name: p.read_bytes() for p in data.iterdir()} == finished


def test_the_changes_of_each_event_turn_the_old_fields_into_the_new(replay: dict) -> None:
    """Whatever the log says changed is all that changed in the followed fields."""
    from sitegen.catalog import loads
    from sitegen.history import fields

    logged = events_of(replay["steps"][-1]["log"])
    for (old_path, new_path), date in zip(zip(SNAPSHOT_FILES, SNAPSHOT_FILES[1:]), DATES[1:]):
        old = loads(old_path.read_bytes()).by_id()
        new = loads(new_path.read_bytes()).by_id()
        changes = {e["id"]: e["changes"] for e in logged if e["kind"] == "changed" and e["at"].startswith(date)}
        for ident in old.keys() & new.keys():
            before = {k: (f"{v:f}" if hasattr(v, "is_finite") else v) for k, v in fields(old[ident]).items()}
            after = {k: (f"{v:f}" if hasattr(v, "is_finite") else v) for k, v in fields(new[ident]).items()}
            for path, (was, now) in changes.get(ident, {}).items():
                assert before.get(path) == was and after.get(path) == now, (ident, path)
                before[path] = now
            drift = {k for k in before.keys() | after.keys() if k.split(".")[0] not in old[ident].raw
                     or k.split(".")[0] not in new[ident].raw}
            assert {k: v for k, v in before.items() if k not in drift and v is not None} == \
                   {k: v for k, v in after.items() if k not in drift and v is not None}, ident


def test_a_damaged_log_stops_the_build_with_the_line_named(replay: dict, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(replay["data"], data)
    with (data / "changes.jsonl").open("a", encoding="utf-8") as log:
        log.write('{"at": "2026-08-09T00:00:00Z", "kind": "renamed", "id": "x"}\n')
    lines = len((data / "changes.jsonl").read_text(encoding="utf-8").splitlines())
    result = run_cli("build", "--data", str(data), "--out", str(tmp_path / "site"))
    assert result.returncode == 5
    assert f"changes.jsonl line {lines} " in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "site").exists()
