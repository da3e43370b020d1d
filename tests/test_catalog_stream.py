"""Reading a catalog record by record (``catalog.loads`` on the usual ``{"data": [...]}``
shape), or decoded whole by orjson, gives exactly what decoding the whole text with the
standard library and parsing it gives, on real snapshots, the hostile corpus and any text
hypothesis makes; anything else takes the ordinary path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import catalog
from sitegen.errors import CatalogError
from test_fuzz import CATALOG, RECORD

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = Path(__file__).parent / "hostile"
FILES = sorted(FIXTURES.glob("openrouter-models-*.json")) + sorted(HOSTILE.glob("*.json"))


def whole(text: str | bytes) -> catalog.Catalog | str:
    """The ordinary path: decode everything, then parse (or the error it reports)."""
    try:
        return catalog.parse_payload(catalog.decode(text), clean=catalog._may_hold_surrogates(text))
    except CatalogError as exc:
        return f"error: {exc}"


def streamed(text: str | bytes) -> catalog.Catalog | None:
    return catalog._parse_streamed(text, catalog._may_hold_surrogates(text))


def fast(text: str | bytes) -> catalog.Catalog | None:
    return catalog._parse_fast(text)


def agrees(got: catalog.Catalog | None, expected: catalog.Catalog | str) -> bool:
    """A faster path declined (None) or gave what the ordinary path gives."""
    return got is None or (not isinstance(expected, str) and same(got, expected))


def same(a: catalog.Catalog, b: catalog.Catalog) -> bool:
    return (a.models == b.models and a.warnings == b.warnings
            and [m.raw_text for m in a.models] == [m.raw_text for m in b.models])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_and_hostile_catalogs_read_record_by_record_as_a_whole(path: Path) -> None:
    text = path.read_bytes()
    expected = whole(text)
    assert agrees(fast(text), expected)
    if path.parent == FIXTURES:
        assert fast(text) is not None, "real catalogs are decoded whole by orjson"
    got = streamed(text)
    if isinstance(expected, str):
        assert got is None
    else:
        assert got is not None, "the usual shape should be read record by record"
        assert same(got, expected)


@pytest.mark.parametrize("text", [
    b'{"data":[]}',  # empty: the ordinary path reports it
    b'{"data":[{"id":"a/b"}],"data":null}',  # a second "data" wins in JSON
    b'{"data":[{"id":"a/b"}],"more":1}',
    b'{"data":[{"id":"a/b"},]}',
    b'{"data":[{"id":"a/b"}]} trailing',
    b'{"data":[{"id":"a/b","x":NaN}]}',
    b'{"data":[{"id":"a/b"}]\xc2\xa0}',  # a no-break space is not JSON whitespace
    b'\xef\xbb\xbf{"data":[{"id":"a/b"}]}',
    '{"data":[{"id":"a/b"}]}'.encode("utf-16"),
    b'{"data":[1,2]}',
])
def test_other_shapes_take_the_ordinary_path(text: bytes) -> None:
    assert streamed(text) is None


def test_catalog_errors_name_the_source_either_way() -> None:
    with pytest.raises(CatalogError, match="^x.json: .*no usable model"):
        catalog.loads(b'{"data":[1,2]}', source="x.json")


SPACE = st.sampled_from(["", " ", "\n", "\t\r\n  "])


@given(st.lists(RECORD | st.just({"id": "a/b"}), min_size=1, max_size=5), SPACE, SPACE, st.booleans())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_records_read_record_by_record_as_a_whole(records, space, inner, indent) -> None:
    text = json.dumps({"data": records}, indent=1 if indent else None).replace("[", "[" + inner, 1)
    text = space + text + space
    expected, got = whole(text), streamed(text)
    assert agrees(fast(text), expected) and agrees(fast(text.encode()), expected)
    if isinstance(expected, str):
        assert got is None
    else:
        assert got is not None and same(got, expected)


@given(CATALOG)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_loads_agrees_with_the_ordinary_path(payload) -> None:
    text = json.dumps(payload).encode()
    expected = whole(text)
    try:
        got: catalog.Catalog | str = catalog.loads(text)
    except CatalogError as exc:
        got = f"error: {exc}"
    if isinstance(expected, str):
        assert got == expected
    else:
        assert not isinstance(got, str) and same(got, expected)


@pytest.mark.parametrize("number", ["18446744073709551616", "-9223372036854775809", "1234567890123456789012",
                                    "1e400", "NaN"])
def test_numbers_orjson_would_read_otherwise_take_another_path(number: str) -> None:
    text = ('{"data":[{"id":"a/b","created":1,"context_length":%s,"x":[%s]}]}' % (number, number)).encode()
    assert fast(text) is None
    expected = whole(text)
    if not isinstance(expected, str):
        assert same(catalog.loads(text), expected)


def test_lone_surrogates_take_another_path() -> None:
    text = b'{"data":[{"id":"a/b","name":"x\\ud800y"}]}'
    assert fast(text) is None
    (model,) = catalog.loads(text).models
    assert model.name == "x\ufffdy"


@pytest.fixture(scope="module")
def workers():
    from sitegen import parallel

    pool = parallel.Workers(1)
    yield pool
    pool.close()


def split_catalog(records: list, indent: int | None = None) -> bytes:
    return json.dumps({"data": records}, indent=indent).encode()


SPLIT_RECORDS = [
    {"id": "a/one", "created": 5},
    {"id": "b/two", "created": 7, "pricing": {"prompt": "0.000001"}},
    [1, 2],  # not an object: skipped, labelled by its place
    {"id": "a/one", "created": 9},  # a duplicate: the first record is kept
    {"name": "no id"},
    {"id": "c/three", "created": 7, "pricing": "free"},  # bad pricing: skipped, named
    {"id": "b/two", "created": 1},  # a duplicate of a record parsed in the other part
    {"id": "d/four", "created": 2},
]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("openrouter-models-*.json"))[:2] + [None], ids=str)
def test_a_catalog_parsed_partly_in_another_process_is_the_same(path, workers, monkeypatch) -> None:
    text = path.read_bytes() if path else split_catalog(SPLIT_RECORDS * 3, indent=1)
    monkeypatch.setattr(catalog, "RUN_BYTES", len(text) // 12)  # a dozen runs: the last few go elsewhere
    runs = catalog._runs(text)
    assert runs and catalog._last_runs(runs, catalog.PARSED_ELSEWHERE * len(text)), "the test needs a split"
    expected = whole(text)
    assert not isinstance(expected, str)
    got = catalog.loads(text, elsewhere=workers.submit)
    assert same(got, expected)
    if path is None:
        assert any("#" in w for w in got.warnings) and any("duplicate" in w for w in got.warnings)


def test_the_catalog_is_parsed_here_when_the_other_process_cannot(monkeypatch) -> None:
    from sitegen import parallel

    text = split_catalog(SPLIT_RECORDS * 4)
    monkeypatch.setattr(catalog, "RUN_BYTES", len(text) // 10)
    closed = parallel.Workers(1)
    closed.close()
    assert same(catalog.loads(text, elsewhere=closed.submit), whole(text))
