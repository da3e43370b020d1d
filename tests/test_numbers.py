"""Numbers JSON cannot carry (NaN, Infinity, 1e999, an integer no double can hold): through
``sitegen fetch`` the record holding one is skipped with a warning naming the model and the
field, the rest of the catalog is stored, and every file in the data folder reads back as
strict JSON. A build reads a snapshot an older version stored with ``Infinity`` in it."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from conftest import LATEST, run_cli
from sitegen import catalog, cli, store
from sitegen.errors import WriteError

RECORDS = json.loads(LATEST.read_bytes())["data"][:20]
# Literals no IEEE double holds, as they appear in a response's text.
LITERALS = ["1e999", "-1e999", "1e400", "NaN", "Infinity", "-Infinity", "9" * 5000]
# Where the literal goes: a field the catalog reads, a price sent as a number, an unknown
# field, and one nested in lists and objects.
FIELDS = {
    "context_length": lambda r: r.update(context_length="@"),
    "pricing.prompt": lambda r: r["pricing"].update(prompt="@"),
    "top_provider.max_completion_tokens": lambda r: r["top_provider"].update(max_completion_tokens="@"),
    "benchmarks": lambda r: r.update(benchmarks="@"),
    "benchmarks.mmlu[1].score": lambda r: r.update(benchmarks={"mmlu": [{"score": 1}, {"score": "@"}]}),
    "default_parameters['odd key']": lambda r: r.update(default_parameters={"odd key": "@"}),
}


def strict(content: bytes) -> object:
    """JSON as RFC 8259 has it: no NaN, no Infinity, no number beyond a double."""
    def refuse(text: str) -> object:
        raise ValueError(f"{text} is not JSON")

    def number(text: str) -> float:
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise ValueError(f"{text} is beyond a double")
        return value

    return json.loads(content, parse_constant=refuse, parse_float=number)


def catalog_with(bad_id: str, field: str, literal: str) -> bytes:
    """The first real records and one more whose ``field`` holds ``literal`` as written."""
    record = json.loads(json.dumps(RECORDS[0]))
    record["id"] = bad_id
    FIELDS[field](record)
    text = json.dumps({"data": RECORDS[1:] + [record]}, indent=1)
    assert text.count('"@"') == 1
    return text.replace('"@"', literal).encode()


def fetch(source: Path, data: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["fetch", "--source", str(source), "--data", str(data), *extra])
    return code, out.getvalue(), err.getvalue()


def files(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.iterdir())}


@pytest.mark.parametrize("literal", LITERALS, ids=lambda s: s[:12])
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_a_record_holding_a_number_json_cannot_carry_is_skipped_and_the_rest_stored(
        tmp_path: Path, field: str, literal: str) -> None:
    source = tmp_path / "catalog.json"
    source.write_bytes(catalog_with("bad/model", field, literal))
    data = tmp_path / "data"
    code, out, err = fetch(source, data, "--at", "2026-08-08")
    assert code == 0, err
    assert err == f"warning: skipped model 'bad/model': {field} is not a finite number\n"
    assert f"fetched {len(RECORDS) - 1} models" in out
    for name, content in files(data).items():
        if name.endswith(".json"):
            strict(content)
        else:
            [strict(line) for line in content.splitlines()]
    stored = strict((data / "models.json").read_bytes())
    assert [r["id"] for r in stored["data"]] == [r["id"] for r in RECORDS[1:]]  # type: ignore[index]


@pytest.mark.parametrize("literal", LITERALS, ids=lambda s: s[:12])
def test_every_reader_of_a_catalog_skips_the_same_records(literal: str) -> None:
    text = catalog_with("bad/model", "benchmarks.mmlu[1].score", literal)
    whole = catalog.parse_payload(catalog.decode(text))
    from sitegen._engine.jsonload import load
    assert load(text).models == whole.models
    got = catalog.loads(text)
    assert got.models == whole.models and got.warnings == whole.warnings
    assert whole.warnings == ["skipped model 'bad/model': benchmarks.mmlu[1].score is not a finite number"]


def test_a_negative_context_length_is_skipped_with_the_field_named(tmp_path: Path) -> None:
    source = tmp_path / "catalog.json"
    source.write_bytes(catalog_with("bad/model", "context_length", "-5"))
    code, _, err = fetch(source, tmp_path / "data")
    assert code == 0 and err == "warning: skipped model 'bad/model': context_length is out of range: -5\n"


@pytest.mark.parametrize("literal", ["1e999", "NaN", "-Infinity", "7" * 5000], ids=lambda s: s[:12])
def test_a_number_json_cannot_carry_outside_the_records_refuses_the_catalog(tmp_path: Path, literal: str) -> None:
    data = tmp_path / "data"
    assert fetch(LATEST, data)[0] == 0
    before = files(data)
    source = tmp_path / "catalog.json"
    source.write_text('{"data": %s, "meta": {"total": [%s]}}' % (json.dumps(RECORDS), literal))
    code, out, err = fetch(source, data)
    assert code == 3 and out == ""
    assert err == f"sitegen fetch: error: {source}: the catalog's meta.total[0] is not a finite number\n"
    assert files(data) == before


def test_a_snapshot_stored_with_infinity_by_an_older_version_still_builds(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert fetch(LATEST, data, "--at", "2026-08-08")[0] == 0
    # What the old bug left: a record with Infinity where 1e999 was sent.
    snapshot = json.loads((data / "models.json").read_bytes())
    broken = snapshot["data"][3]["id"]
    snapshot["data"][3]["context_length"] = float("inf")
    (data / "models.json").write_text(json.dumps(snapshot, indent=1) + "\n")
    result = run_cli("build", "--data", str(data), "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"warning: skipped model {broken!r}: context_length is not a finite number\n"
    # The next fetch replaces it with strict JSON.
    code, _, err = fetch(LATEST, data, "--at", "2026-08-09")
    assert code == 0, err
    assert strict((data / "models.json").read_bytes()) == json.loads(LATEST.read_bytes())


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -float("inf")])
def test_the_store_refuses_to_stage_what_would_not_read_back_as_strict_json(tmp_path: Path, value: float) -> None:
    data = tmp_path / "data"
    assert fetch(LATEST, data)[0] == 0
    before = files(data)
    with pytest.raises(WriteError, match="models.json"):
        store.plan(data, {"data": [{"id": "a/b", "score": value}]}, [], [])
    with pytest.raises(WriteError, match="retired.json"):
        store.plan(data, json.loads(LATEST.read_bytes()), [], [{"id": "a/b", "score": [value]}])
    assert files(data) == before
