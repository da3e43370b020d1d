"""``jsontext.pretty`` writes exactly what ``json.dumps`` writes, for any parsed JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.jsontext import pretty

FIXTURES = Path(__file__).parent / "fixtures"

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


def reference(value: object, indent: int) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent)


@settings(max_examples=400, deadline=None)
@given(values, st.sampled_from([1, 2]))
def test_same_text_as_json_dumps(value: object, indent: int) -> None:
    assert pretty(value, indent) == reference(value, indent)


def test_real_catalog_records_unchanged() -> None:
    for path in sorted(FIXTURES.glob("openrouter-models-*.json")):
        records = json.loads(path.read_bytes())["data"]
        assert pretty({"data": records}, 1) == reference({"data": records}, 1)
        for record in records[:50]:
            assert pretty(record) == reference(record, 2)


def test_values_json_cannot_hold_go_to_json_dumps() -> None:
    assert pretty({"a": (1, 2)}) == reference({"a": (1, 2)}, 2)
    assert pretty({2: "x", 1: [True]}, 1) == reference({2: "x", 1: [True]}, 1)
    try:
        pretty({"price": Decimal("1")})
    except TypeError as exc:
        assert "Decimal" in str(exc)
    else:
        raise AssertionError("a Decimal must fail as it does in json.dumps")
