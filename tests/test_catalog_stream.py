"""A large catalog read a run of records at a time by orjson (``_engine.jsonload``) gives
exactly what decoding the whole text with the standard library and parsing it gives
(``catalog.loads``), on real snapshots, the hostile corpus and any text hypothesis makes;
every other text takes the ordinary path, and faults are reported the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import catalog
from sitegen._engine import jsonload
from sitegen.errors import CatalogError
from sitegen.model import Catalog
from test_fuzz import CATALOG, RECORD

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = Path(__file__).parent / "hostile"
FILES = sorted(FIXTURES.glob("openrouter-models-*.json")) + sorted(HOSTILE.glob("*.json"))


def outcome(read, text: bytes) -> Catalog | str:
    try:
        return read(text)
    except CatalogError as exc:
        return f"error: {exc}"


def same(a: Catalog | str, b: Catalog | str) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return (a.models == b.models and a.warnings == b.warnings
            and [m.raw_text for m in a.models] == [m.raw_text for m in b.models])


def runs_taken(text: bytes) -> bool:
    """Whether the fast path applies to ``text`` (it may still give up on a fault)."""
    return not jsonload._long_integers(text) and jsonload._runs(text) is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_and_hostile_catalogs_read_run_by_run_as_a_whole(path: Path) -> None:
    text = path.read_bytes()
    assert same(outcome(jsonload.load, text), outcome(catalog.loads, text))
    if path.parent == FIXTURES:
        assert runs_taken(text), "real catalogs are read run by run"


def test_many_runs_join_to_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (FIXTURES / "openrouter-models-2026-08-08.json").read_bytes()
    monkeypatch.setattr(jsonload, "RUN_BYTES", 20_000)
    assert len(jsonload._runs(text) or []) > 20
    assert same(jsonload.load(text), catalog.loads(text))


@pytest.mark.parametrize("text", [
    b'{"data":[]}',  # empty: the ordinary path reports it
    b'{"data":[{"id":"a/b"},]}',
    b'{"data":[{"id":"a/b"}]} trailing',
    b'{"data":[{"id":"a/b","x":NaN}]}',
    b'{"data":[{"id":"a/b"}]\xc2\xa0}',  # a no-break space is not JSON whitespace
    b'\xef\xbb\xbf{"data":[{"id":"a/b"}]}',
    '{"data":[{"id":"a/b"}]}'.encode("utf-16"),
    b'{"data":[1,2]}',
    b'{"data":[{"id":"a/b"}],"data":null}',  # a second "data" wins in JSON
    b'{"meta":1,"data":[{"id":"a/b"}]}',
])
def test_other_shapes_and_faults_are_read_and_reported_as_the_ordinary_path_does(text: bytes) -> None:
    assert same(outcome(jsonload.load, text), outcome(catalog.loads, text))


@pytest.mark.parametrize("tail", [',"meta":{"total":1,"x":"]}"}', ', "links" : [1, {"a": "]"}] ', ',"n":null'])
def test_keys_after_the_data_list_keep_the_fast_path(tail: str) -> None:
    text = ('{"data":[{"id":"a/b","created":1},{"id":"c/d"}]' + tail + "}").encode()
    assert runs_taken(text)
    assert same(jsonload.load(text), catalog.loads(text))


SPACE = st.sampled_from(["", " ", "\n", "\t\r\n  "])


@given(st.lists(RECORD | st.just({"id": "a/b"}), min_size=1, max_size=5), SPACE, SPACE, st.booleans())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_records_read_run_by_run_as_a_whole(records, space, inner, indent) -> None:
    text = json.dumps({"data": records}, indent=1 if indent else None).replace("[", "[" + inner, 1)
    text = (space + text + space).encode()
    assert same(outcome(jsonload.load, text), outcome(catalog.loads, text))


@given(CATALOG)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_catalog_reads_as_the_ordinary_path_reads_it(payload) -> None:
    text = json.dumps(payload).encode()
    assert same(outcome(jsonload.load, text), outcome(catalog.loads, text))


@pytest.mark.parametrize("number", ["18446744073709551616", "-9223372036854775809", "1234567890123456789012",
                                    "1e400", "NaN"])
def test_numbers_orjson_would_read_otherwise_take_the_ordinary_path(number: str) -> None:
    text = ('{"data":[{"id":"a/b","created":1,"context_length":%s,"x":[%s]}]}' % (number, number)).encode()
    assert same(outcome(jsonload.load, text), outcome(catalog.loads, text))


def test_lone_surrogates_are_replaced_either_way() -> None:
    text = b'{"data":[{"id":"a/b","name":"x\\ud800y"}]}'
    (model,) = jsonload.load(text).models
    assert model.name == "x\ufffdy"


