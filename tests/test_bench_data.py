"""The benchmark's catalogs: synthetic ones deterministic, parseable and as quirky as the real one; the
real one repeated with suffixed ids, and with every description in full Markdown."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from sitegen.catalog import loads
from sitegen.model import PLACEHOLDER_EXPIRY
from sitegen.markup import description_html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import synth  # noqa: E402

SIZE = 800


@pytest.fixture(scope="module")
def payload() -> dict:
    return synth.generate(SIZE, seed=3)


def test_same_size_and_seed_give_the_same_bytes(payload) -> None:
    assert synth.dumps(synth.generate(SIZE, seed=3)) == synth.dumps(payload)
    assert synth.dumps(synth.generate(SIZE, seed=4)) != synth.dumps(payload)


def test_every_record_parses_into_a_model_with_its_own_page(payload) -> None:
    catalog = loads(synth.dumps(payload))
    assert catalog.warnings == []
    assert len(catalog.models) == SIZE
    assert len({m.path for m in catalog.models}) == SIZE


def test_the_real_catalogs_quirks_are_all_there(payload) -> None:
    records = payload["data"]
    ids = {r["id"] for r in records}
    prices = [r["pricing"] for r in records]
    assert any(r["id"].endswith(":free") for r in records) and any(r["id"].endswith(":batch") for r in records)
    aliases = [r for r in records if r["id"].startswith("~")]
    assert aliases and all(r["alias_target"]["slug"] in ids for r in aliases)
    assert any(p["prompt"] == "-1" for p in prices)
    assert any("overrides" in p for p in prices)
    assert any(len(p["prompt"]) > 20 for p in prices)  # float noise
    assert len({k for p in prices for k in p}) >= 12
    assert sum("." in i for i in ids) > SIZE // 4
    assert {r.get("hugging_face_id", "missing") for r in records} >= {"", None, "missing"}
    assert any(r.get("expiration_date") == PLACEHOLDER_EXPIRY for r in records)
    assert any(r["description"] == "" for r in records)
    created = [r["created"] for r in records]
    assert len(set(created)) < len(created)  # variants share a timestamp
    assert any(r["architecture"]["input_modalities"][0] != "text" for r in records)


def test_literal_tags_in_descriptions_show_as_text(payload) -> None:
    description = next(r["description"] for r in payload["data"] if "<think>" in r["description"])
    html = description_html(description)
    assert "&lt;think&gt;" in html and "<think>" not in html


def test_reprice_changes_one_percent_of_input_prices(payload) -> None:
    changed = synth.reprice(payload)
    before, after = loads(synth.dumps(payload)).by_id(), loads(synth.dumps(changed)).by_id()
    moved = [i for i in before if before[i].prompt_price != after[i].prompt_price]
    assert len(moved) == SIZE // 100
    assert all(after[i].prompt_price == before[i].prompt_price * Decimal("1.1") for i in moved)
    assert synth.dumps(synth.reprice(payload)) == synth.dumps(changed)


REAL = Path(__file__).resolve().parent / "fixtures" / "openrouter-models-2026-08-08.json"


def test_repeat_gives_each_copy_its_own_models_and_pages() -> None:
    real = json.loads(REAL.read_bytes())
    payload = synth.repeat(real, 3)
    catalog = loads(synth.dumps(payload))
    assert catalog.warnings == []
    assert len(catalog.models) == 3 * len(real["data"])
    assert len({m.path for m in catalog.models}) == len(catalog.models)
    assert len({m.name for m in catalog.models}) > 2 * len({m["name"] for m in real["data"]})
    ids = {r["id"] for r in payload["data"]}
    assert "inclusionai/ling-3.0-tiny-r2:free" in ids  # a variant stays a variant
    aliases = [r for r in payload["data"] if r["id"].endswith("-r2") and "alias_target" in r]
    assert aliases and all(r["alias_target"]["slug"] in ids and r["alias_target"]["slug"].endswith("-r2")
                           for r in aliases)
    assert payload["data"][: len(real["data"])] == real["data"]


def test_full_markdown_descriptions_use_every_construct() -> None:
    payload = synth.full_markdown({"data": json.loads(REAL.read_bytes())["data"][:20]})
    assert loads(synth.dumps(payload)).warnings == []
    for record in payload["data"]:
        html = description_html(record["description"])
        assert html.count("<p>") >= 3
        for tag in ("<ul>", "<li>", "<strong>", "<em>", "<code>", "<a href="):
            assert tag in html
