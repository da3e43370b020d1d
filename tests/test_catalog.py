"""The catalog boundary: real snapshots in, typed models with exact prices out."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import FIXTURES, SNAPSHOTS
from sitegen import catalog as cat
from sitegen import model, prices, records
from sitegen.errors import CatalogError
from sitegen.formats import price as format_price, price_number

EXPECTED_COUNTS = {
    "openrouter-models-2025-12-21.json": 349,
    "openrouter-models-2026-07-17.json": 342,
    "openrouter-models-2026-07-31.json": 337,
    "openrouter-models-2026-08-08.json": 400,
}


def load(name: str) -> model.Catalog:
    return cat.loads((FIXTURES / name).read_bytes(), source=name)


@pytest.fixture(scope="module")
def latest() -> dict[str, model.Model]:
    return load("openrouter-models-2026-08-08.json").by_id()


def test_all_four_snapshots_are_present() -> None:
    assert sorted(p.name for p in SNAPSHOTS) == sorted(EXPECTED_COUNTS)


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.stem)
def test_real_snapshot_parses_completely_without_warnings(snapshot: Path) -> None:
    raw = json.loads(snapshot.read_bytes())["data"]
    parsed = cat.loads(snapshot.read_bytes(), source=snapshot.name)
    assert parsed.warnings == []
    assert len(parsed.models) == EXPECTED_COUNTS[snapshot.name] == len(raw)
    assert {m.id for m in parsed.models} == {r["id"] for r in raw}
    # Newest first, ties broken by id.
    keys = [(-m.created, m.id) for m in parsed.models]
    assert keys == sorted(keys)
    # Every price the API sent is kept exactly, as a Decimal equal to its string.
    by_id = parsed.by_id()
    for record in raw:
        model = by_id[record["id"]]
        for key, value in record["pricing"].items():
            if key != "overrides":
                assert model.prices[key] == Decimal(value), (record["id"], key)
        assert len(model.tiers) == len(record["pricing"].get("overrides") or [])


def test_claude_opus_4_prices_per_million() -> None:
    opus = load("openrouter-models-2025-12-21.json").by_id()["anthropic/claude-opus-4"]
    assert opus.prompt_price == Decimal("0.000015")
    assert opus.completion_price == Decimal("0.000075")
    assert format_price("prompt", opus.prompt_price) == "$15.00"
    assert format_price("completion", opus.completion_price) == "$75.00"
    assert format_price("input_cache_read", opus.prices["input_cache_read"]) == "$1.50"
    assert format_price("input_cache_write", opus.prices["input_cache_write"]) == "$18.75"
    # Per-unit kinds are not multiplied by a million.
    assert format_price("image", opus.prices["image"]) == "$0.024"
    assert format_price("request", opus.prices["request"]) == "free"
    assert price_number("prompt", opus.prompt_price) == "15"


def test_float_noise_is_kept_exactly_and_rounded_only_for_display(latest: dict[str, model.Model]) -> None:
    flash = latest["google/gemini-3.6-flash"]
    assert flash.prices["input_cache_write"] == Decimal("0.0000000833333333333333")
    assert prices.per_unit("input_cache_write", flash.prices["input_cache_write"]) == Decimal("0.0833333333333333")
    assert format_price("input_cache_write", flash.prices["input_cache_write"]) == "$0.08333"
    assert format_price("prompt", flash.prompt_price) == "$1.50"

    noisy = load("openrouter-models-2026-07-31.json").by_id()["openai/gpt-5.6-luna-pro"]
    assert noisy.completion_price == Decimal("0.0000006000000000000001")
    assert format_price("completion", noisy.completion_price) == "$0.60"

    gemma = load("openrouter-models-2025-12-21.json").by_id()["google/gemma-3-4b-it"]
    assert format_price("prompt", gemma.prompt_price) == "$0.01703"
    assert format_price("completion", gemma.completion_price) == "$0.06815"


@pytest.mark.parametrize("model_id", ["openrouter/auto", "openrouter/fusion", "openrouter/bodybuilder"])
def test_minus_one_means_the_price_varies(latest: dict[str, model.Model], model_id: str) -> None:
    router = latest[model_id]
    assert router.prompt_price == Decimal(-1)
    assert router.has_varying_price and not router.is_free
    for key in ("prompt", "completion"):
        assert format_price(key, router.prices[key]) == "varies"
        assert price_number(key, router.prices[key]) == ""


@pytest.mark.parametrize("model_id", ["poolside/laguna-s-2.1:free", "google/lyria-3-pro-preview", "openrouter/free"])
def test_free_models(latest: dict[str, model.Model], model_id: str) -> None:
    model = latest[model_id]
    assert model.is_free
    assert format_price("prompt", model.prompt_price) == "free"
    assert format_price("completion", model.completion_price) == "free"


def test_pricing_override_tiers(latest: dict[str, model.Model]) -> None:
    qwen = latest["qwen/qwen3.7-flash"]
    assert [t.min_prompt_tokens for t in qwen.tiers] == [32000, 256000]
    assert "overrides" not in qwen.prices
    assert format_price("prompt", qwen.prompt_price) == "$0.03"
    assert format_price("prompt", qwen.tiers[0].prices["prompt"]) == "$0.10"
    assert format_price("completion", qwen.tiers[1].prices["completion"]) == "$0.80"
    assert qwen.tiers[1].prices["input_cache_write"] == Decimal("0.00000025")

    luna = latest["openai/gpt-5.6-luna-pro"]
    assert [t.min_prompt_tokens for t in luna.tiers] == [272000]
    assert format_price("completion", luna.tiers[0].prices["completion"]) == "$0.90"


@pytest.mark.parametrize(
    ("key", "raw", "shown"),
    [
        ("prompt", "0.000003", "$3.00"),
        ("prompt", "0.0000012345", "$1.23"),
        ("prompt", "0.00000000075", "$0.00075"),
        ("completion", "0.00125", "$1,250.00"),
        ("web_search", "0.005", "$0.005"),
        ("request", "0.02", "$0.02"),
        ("prompt", "0", "free"),
        ("prompt", "-1", "varies"),
        ("prompt", None, "—"),
    ],
)
def test_display_formats(key: str, raw: str | None, shown: str) -> None:
    assert format_price(key, prices.parse_price(raw, key)) == shown


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", [], {}, True])
def test_price_that_is_not_a_finite_number_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="pricing.prompt"):
        prices.parse_price(bad, "pricing.prompt")


# ---------------------------------------------------------------------------------------
# Records that cannot be used


def good(model_id: str, **extra: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": model_id,
        "name": f"Test: {model_id}",
        "created": 1_700_000_000,
        "pricing": {"prompt": "0.000001", "completion": "0.000002"},
    }
    record.update(extra)
    return record


def test_unusable_records_are_skipped_with_a_warning_naming_them() -> None:
    records = [
        good("ok/first"),
        "not an object",
        {"name": "no id at all"},
        {"id": 42},
        good("bad/pricing-type", pricing="cheap"),
        good("bad/price-value", pricing={"prompt": "twelve", "completion": "0"}),
        good("bad/context", context_length="very long"),
        good("bad/created", created="yesterday"),
        good("ok/second"),
    ]
    parsed = cat.parse_records(records)
    assert [m.id for m in parsed.models] == ["ok/first", "ok/second"]
    assert len(parsed.warnings) == 7
    expected_names = ["#1", "#2", "#3", "'bad/pricing-type'", "'bad/price-value'", "'bad/context'", "'bad/created'"]
    for warning, name in zip(parsed.warnings, expected_names):
        assert name in warning, warning
        assert warning.startswith("skipped model")
    assert "pricing.prompt" in parsed.warnings[4]
    assert "context_length" in parsed.warnings[5]


def test_duplicate_id_keeps_the_first_record_with_a_warning() -> None:
    parsed = cat.parse_records([good("a/b", name="First"), good("a/b", name="Second"), good("c/d")])
    assert [m.name for m in parsed.models if m.id == "a/b"] == ["First"]
    assert len(parsed.models) == 2
    assert len(parsed.warnings) == 1
    assert "'a/b'" in parsed.warnings[0] and "duplicate" in parsed.warnings[0]


def test_unknown_fields_are_ignored_and_carried_along() -> None:
    record = good(
        "new/model",
        benchmarks={"mmlu": 0.9},
        future_field=[1, 2, 3],
        architecture={"input_modalities": ["text"], "output_modalities": ["text"], "new_arch_key": "x"},
        pricing={"prompt": "0.000001", "completion": "0.000002", "brand_new_price": "0.5"},
    )
    parsed = cat.parse_records([record])
    assert parsed.warnings == []
    model = parsed.models[0]
    assert model.raw["future_field"] == [1, 2, 3]
    assert model.prices["brand_new_price"] == Decimal("0.5")


def test_null_and_missing_optional_fields() -> None:
    minimal = {"id": "tiny/model"}
    nulls = {
        "id": "null/model", "name": None, "created": None, "description": None,
        "context_length": None, "architecture": None, "top_provider": None, "pricing": None,
        "supported_parameters": None, "hugging_face_id": "", "knowledge_cutoff": None,
        "expiration_date": None, "default_parameters": None, "reasoning": None,
        "alias_target": None, "canonical_slug": None, "per_request_limits": None,
    }
    partial_pricing = good("partial/pricing", pricing={"prompt": "0.000001", "completion": None, "image": ""})
    parsed = cat.parse_records([minimal, nulls, partial_pricing])
    assert parsed.warnings == []
    by_id = parsed.by_id()
    for model_id in ("tiny/model", "null/model"):
        model = by_id[model_id]
        assert model.name == model_id
        assert model.created == 0
        assert model.description == ""
        assert model.context_length is None and model.max_completion_tokens is None
        assert model.prices == {} and model.tiers == ()
        assert model.input_modalities == () and model.supported_parameters == ()
        assert model.hugging_face_id is None and model.real_expiration is None
        assert format_price("prompt", model.prompt_price) == "—"
    assert by_id["partial/pricing"].prices == {"prompt": Decimal("0.000001")}


def test_placeholder_expiration_is_ignored_and_a_real_one_kept() -> None:
    parsed = cat.parse_records([
        good("far/future", expiration_date="2098-12-31"),
        good("soon/gone", expiration_date="2026-09-01"),
    ]).by_id()
    assert parsed["far/future"].real_expiration is None
    assert parsed["soon/gone"].real_expiration == "2026-09-01"


def test_instruct_type_none_string_and_unsorted_modalities() -> None:
    model = records.parse_model(good("x/y", architecture={
        "instruct_type": "none", "input_modalities": ["text", "image", "file"], "output_modalities": ["text"],
    }))
    assert model.instruct_type is None
    assert model.input_modalities == ("file", "image", "text")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "not an object"),
        ({}, "no 'data' list"),
        ({"data": {}}, "not a list"),
        ({"data": []}, "empty"),
        ({"error": {"message": "rate limited"}}, "rate limited"),
        ({"data": [1, 2]}, "no usable model"),
    ],
)
def test_unusable_catalog_as_a_whole_is_an_error(payload: object, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        cat.parse_payload(payload)


def test_html_error_page_is_named_as_such() -> None:
    with pytest.raises(CatalogError, match="HTML"):
        cat.loads(b"<!DOCTYPE html><html>502 Bad Gateway</html>", source="the API")
