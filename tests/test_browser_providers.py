"""Providers in a real browser: a model's Providers table on a desktop and on a phone, the
tables sorted by a column, the provider pages without JavaScript, and the index's provider
filters. Expected rows are worked out here from data/endpoints.json with Decimal."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sitegen.catalog import loads
from sitegen.model import Model
from tests.conftest import HOSTILE_NAME, ROOT, served
from tests.test_browser_index import axe_violations, check_filter, open_index

MODEL = "z-ai/glm-5.2"  # the model with the most providers
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


@pytest.fixture(scope="module")
def endpoints() -> dict[str, list[dict[str, Any]]]:
    stored = json.loads((ROOT / "data" / "endpoints.json").read_bytes())["models"]
    return {model_id: entry["endpoints"] for model_id, entry in stored.items()}


def model_url(site_url: str, models: list[Model], model_id: str) -> str:
    return site_url + next(m.path for m in models if m.id == model_id) + "#providers"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_providers_table_fits_the_screen(browser, site_url, models, viewport):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=viewport == "phone")
    try:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(model_url(site_url, models, MODEL))
        assert tab.evaluate("document.documentElement.scrollWidth") <= width  # nothing pushed sideways
        table = "section:has(#providers) table.endpoints"
        boxes = tab.eval_on_selector_all(f"{table} tbody tr", """rows => rows.map(tr => [...tr.cells].map(c => {
            const box = c.getBoundingClientRect();
            return {top: box.top, left: box.left, right: box.right, label: c.dataset.label || "",
                    before: getComputedStyle(c, "::before").content};
        }))""")
        assert len(boxes) > 20
        region = tab.eval_on_selector(f"{table}", "t => [t.parentElement.clientWidth, t.parentElement.scrollWidth]")
        for cells in boxes:
            assert all(0 <= c["left"] and c["right"] <= width for c in cells)  # every price on screen
            if viewport == "desktop":  # a table: one line of cells under the heads
                assert len({round(c["top"]) for c in cells}) == 1
                assert region[1] <= region[0]
            else:  # a card: the provider on a line of its own, each value under its label
                assert cells[0]["top"] < min(c["top"] for c in cells[1:])
                assert all(c["before"] == json.dumps(c["label"]) for c in cells[1:])
        head = tab.eval_on_selector(f"{table} thead", "h => h.getBoundingClientRect().height")
        assert (head > 20) if viewport == "desktop" else (head <= 1)
        assert errors == []
    finally:
        context.close()


def test_sorting_the_providers_table_by_throughput_both_ways(page, site_url, models, endpoints):
    page.goto(model_url(site_url, models, MODEL))
    keys = "tbody tr", "rows => rows.map(r => r.dataset.key)"
    table = page.locator("section:has(#providers) table.endpoints")
    served_order = table.locator(keys[0]).evaluate_all(keys[1])
    speed = {}
    for record in endpoints[MODEL]:
        measured = record.get("throughput_last_30m")
        speed.setdefault(record["tag"], measured["p50"] if measured else None)
    key_speed = {k: speed[k.split("#")[0]] for k in served_order}
    known = [k for k in served_order if key_speed[k] is not None]
    unknown = [k for k in served_order if key_speed[k] is None]
    head = table.locator("thead th", has_text="Throughput")
    head.locator("button").click()
    assert head.get_attribute("aria-sort") == "ascending"
    assert table.locator(keys[0]).evaluate_all(keys[1]) == sorted(known, key=lambda k: key_speed[k]) + unknown
    head.locator("button").click()
    assert head.get_attribute("aria-sort") == "descending"
    assert table.locator(keys[0]).evaluate_all(keys[1]) == sorted(known, key=lambda k: -key_speed[k]) + unknown
    assert page.errors == []


def test_a_provider_page_is_a_plain_table_without_javascript(browser, site_url, endpoints):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site_url + "providers/")
        assert tab.locator("table.endpoints tbody tr").count() == len(
            {r["tag"].split("/")[0] for records in endpoints.values() for r in records})
        assert tab.locator("th button").count() == 0
        with tab.expect_navigation():
            tab.click('table.endpoints a[href$="/deepinfra/"]')
        served = sum(1 for records in endpoints.values() for r in records if r["tag"].split("/")[0] == "deepinfra")
        assert 0 < tab.locator("table.endpoints tbody tr").count() <= served
    finally:
        context.close()


def test_sorting_the_providers_by_model_count(page, site_url, endpoints):
    page.goto(site_url + "providers/")
    counts: dict[str, set[str]] = {}
    for model_id, records in endpoints.items():
        for r in records:
            counts.setdefault(r["tag"].split("/")[0], set()).add(model_id)
    page.locator("thead th", has_text="Models").locator("button").click()
    page.locator("thead th", has_text="Models").locator("button").click()
    slugs = page.eval_on_selector_all("table.endpoints tbody th code", "els => els.map(e => e.textContent)")
    assert [len(counts[s]) for s in slugs] == sorted((len(v) for v in counts.values()), reverse=True)
    assert axe_violations(page) == []


def test_the_index_filters_by_providers(page, site_url, models, endpoints):
    quantizations = lambda m: {r.get("quantization") or "unknown" for r in endpoints.get(m.id, [])}  # noqa: E731
    open_index(page, site_url)
    page.locator('#filters input[name="multi"]').check()
    several = [m.id for m in models if len({r["tag"].split("/")[0] for r in endpoints.get(m.id, [])}) > 1]
    check_filter(page, several, "multi", "1")
    page.locator('#filters input[name="multi"]').uncheck()
    for q in ("fp4", "int4"):
        page.locator(f'#filters input[name="noq"][value="{q}"]').check()
    check_filter(page, [m.id for m in models if quantizations(m) - {"fp4", "int4"}], "noq", "int4")
    assert page.locator("#filters-toggle").inner_text() == "Filters (2)"
    open_index(page, site_url, "?sort=cheapest")
    low = {m.id: min((Decimal(r["pricing"]["prompt"]) for r in endpoints.get(m.id, [])), default=None) for m in models}
    ids = page.eval_on_selector_all("#models tbody tr th code", "els => els.map(e => e.textContent)")
    shown = [low[i] for i in ids]
    assert [p for p in shown if p is not None] == sorted(p for p in low.values() if p is not None)[:len(ids)]
    assert page.errors == []


def test_the_uptime_filter_once_the_data_has_uptime(browser, odd_site: Path, endpoints):
    with served(odd_site) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            tab = context.new_page()
            tab.errors = []
            open_index(tab, url, "?upt=95")
            assert tab.eval_on_selector_all("#models tbody tr th code", "els => els.map(e => e.textContent)") == [
                "deepseek/deepseek-v3.2"]  # the one model given uptimes, of 90% to 96.5%
            open_index(tab, url, "?upt=99.9")
            assert tab.is_visible("#none")
            tab.goto(url + "models/deepseek/deepseek-v3.2/")
            assert tab.locator("table.endpoints a", has_text=HOSTILE_NAME).count() == 1
        finally:
            context.close()


def test_compare_shows_the_price_spread_across_providers(page, site_url, endpoints):
    pair = ["deepseek/deepseek-v3.2", MODEL]
    page.goto(site_url + "compare/?models=" + ",".join(pair))
    page.wait_for_selector("#compare-table tbody tr")
    row = page.locator("#compare-table tr", has=page.locator("th", has_text="Input across providers"))
    cells = row.locator("td").all_inner_texts()
    for model_id, shown in zip(pair, cells):
        prices = sorted(Decimal(r["pricing"]["prompt"]) * 1_000_000 for r in endpoints[model_id])
        low, high = (Decimal(part.strip().lstrip("$")) for part in shown.split("–"))
        assert abs(low - prices[0]) < Decimal("0.001") and abs(high - prices[-1]) < Decimal("0.01"), (model_id, shown)
    assert page.errors == []
