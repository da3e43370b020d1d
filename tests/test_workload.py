"""The cost of a workload: the index's cost column for a mix of tokens per request (?mix=),
sorting by it and by intelligence per dollar, and the compare page's presets. Every expected
cost is worked out here with Decimal from the raw price strings of the bundled snapshot."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest

from sitegen.catalog import loads
from sitegen.formats import usd
from sitegen.model import Model
from sitegen.listings import INDEX_ROWS
from tests.conftest import ROOT
from tests.test_browser_index import every_id, expected_order, open_index, query, visible_ids

RECORDS = {r["id"]: r for r in json.loads((ROOT / "data" / "models.json").read_text(encoding="utf-8"))["data"]}
PRESETS = {"chat": (1_000, 400, 0), "rag": (12_000, 400, 0), "agent": (40_000, 1_500, 30_000),
           "summarize": (100_000, 1_000, 0)}
VARIES = "varies"


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


def raw_cost(model_id: str, mix: tuple[int, int, int]) -> Decimal | str | None:
    """One request's cost from the record's own strings: the prices of the last tier whose
    threshold the prompt reaches replace the base ones they name; cache reads at
    input_cache_read, else the input price; plus the price per request."""
    tokens_in, tokens_out, cached = mix
    pricing = RECORDS[model_id].get("pricing") or {}
    given = lambda prices: {k: v for k, v in prices.items() if k not in ("overrides", "min_prompt_tokens") and v not in (None, "")}  # noqa: E731
    prices = given(pricing)
    for tier in sorted(pricing.get("overrides") or [], key=lambda t: t["min_prompt_tokens"]):
        if tokens_in >= tier["min_prompt_tokens"]:
            prices = {**given(pricing), **given(tier)}
    if "prompt" not in prices or "completion" not in prices:
        return None
    p, o = Decimal(prices["prompt"]), Decimal(prices["completion"])
    read, request = Decimal(prices.get("input_cache_read", prices["prompt"])), Decimal(prices.get("request", "0"))
    if min(p, o, read, request) < 0:
        return VARIES
    return (tokens_in - cached) * p + cached * read + tokens_out * o + request


def cost_text(cost: Decimal | str | None) -> str:
    if cost is None or cost == VARIES:
        return "—" if cost is None else "varies"
    return "free" if cost == 0 else f"{usd(cost)}{usd(cost * 1000)} per 1K"


def sortable(model_id: str, mix: tuple[int, int, int]) -> Decimal | None:
    cost = raw_cost(model_id, mix)
    return None if cost is None or cost == VARIES else cost


def test_the_bundled_data_has_what_the_rules_are_about(models):
    chat = PRESETS["chat"]
    assert any(m.tiers for m in models) and any(raw_cost(m.id, chat) == VARIES for m in models)
    agent = PRESETS["agent"]
    assert any(raw_cost(m.id, agent) != raw_cost(m.id, (agent[0], agent[1], 0)) for m in models)
    assert any(m.tiers and raw_cost(m.id, PRESETS["summarize"]) != (100_000 * m.prices["prompt"] + 1_000 * m.prices[
        "completion"]) for m in models if "prompt" in m.prices and "completion" in m.prices)


def test_the_served_table_shows_the_cost_of_a_chat_request(site: Path, models):
    tree = lxml.html.fromstring((site / "index.html").read_bytes())
    keys = [th.get("data-sort") for th in tree.xpath('//table[@id="models"]/thead/tr/th')]
    assert "Cost" in tree.xpath('string(//table[@id="models"]/thead/tr/th[@data-sort="cost"])')
    for row, m in zip(tree.xpath('//table[@id="models"]/tbody/tr'), models):
        assert row[keys.index("cost")].text_content() == cost_text(raw_cost(m.id, PRESETS["chat"])), m.id
    assert tree.xpath('//select[@name="mix"]/option[1]/@value') == ["chat"]


def shown_costs(page) -> dict[str, str]:
    return dict(page.eval_on_selector_all(
        "#models tbody tr", "trs => trs.map(tr => [tr.querySelector('th code').textContent, tr.querySelector('td.cost').textContent])"))


@pytest.mark.parametrize("mix", [*PRESETS, "20000,800,15000"])
def test_sorting_by_the_cost_of_a_mix_puts_the_cheapest_first_and_routers_last(page, site_url, models, mix):
    tokens = PRESETS.get(mix) or tuple(int(n) for n in mix.split(","))
    open_index(page, site_url, f"?mix={mix}&sort=cost")
    assert page.get_attribute('th[data-sort="cost"]', "aria-sort") == "ascending"
    ids = every_id(page)
    assert ids == expected_order(models, lambda m: sortable(m.id, tokens), descending=False)
    shown = shown_costs(page)
    assert all(shown[i] == cost_text(raw_cost(i, tokens)) for i in ids), mix
    assert shown[ids[-1]] in ("varies", "—") and any(v == "varies" for v in shown.values())
    assert page.errors == []


def test_sorting_by_value_ranks_intelligence_per_dollar(page, site_url, models):
    tokens = PRESETS["agent"]

    def value(m: Model) -> Decimal | None:
        cost, score = sortable(m.id, tokens), m.scores.get("intelligence")
        if cost is None or score is None:
            return None
        return Decimal("Infinity") if cost == 0 else Decimal(str(score)) / cost

    open_index(page, site_url, "?mix=agent&sort=value")
    assert every_id(page) == expected_order(models, value, descending=True)
    assert page.errors == []


def test_choosing_a_mix_lands_in_the_address_and_a_custom_one_too(page, site_url, models):
    open_index(page, site_url)
    page.select_option("#mix", "rag")
    page.wait_for_function("() => location.search.includes('mix=rag')")
    first = visible_ids(page)[:INDEX_ROWS]
    shown = shown_costs(page)
    assert all(shown[i] == cost_text(raw_cost(i, PRESETS["rag"])) for i in first)
    page.select_option("#mix", "custom")
    assert page.is_visible('input[name="mix_in"]')
    assert page.input_value('input[name="mix_in"]') == "12000"  # starts from the mix shown
    page.fill('input[name="mix_in"]', "5000")
    page.fill('input[name="mix_cached"]', "4000")
    page.fill('input[name="mix_out"]', "250")
    page.wait_for_function("() => location.search.includes('mix=5000%2C250%2C4000')")
    shown = shown_costs(page)
    assert all(shown[i] == cost_text(raw_cost(i, (5_000, 250, 4_000))) for i in visible_ids(page))
    page.reload()
    page.wait_for_selector("#filters:not([hidden])")
    assert page.input_value("#mix") == "custom" and page.input_value('input[name="mix_cached"]') == "4000"
    page.select_option("#mix", "chat")  # the default leaves the address
    page.wait_for_function("() => !location.search.includes('mix')")
    assert query(page) == {} and page.is_hidden('input[name="mix_in"]')
    assert page.errors == []


def test_an_impossible_mix_falls_back_to_the_default(page, site_url, models):
    open_index(page, site_url, "?mix=100,10,500&sort=cost")  # more cached than input
    assert page.input_value("#mix") == "chat"
    assert every_id(page) == expected_order(models, lambda m: sortable(m.id, PRESETS["chat"]), descending=False)


def test_the_compare_calculator_takes_the_same_presets(page, site_url, models):
    from tests.test_browser_compare import check_costs, open_compare, plain

    trio = [next(m for m in models if plain(m) and m.tiers and "input_cache_read" in m.prices),
            next(m for m in models if plain(m) and not m.tiers and "input_cache_read" in m.prices),
            next(m for m in models if plain(m) and "input_cache_read" not in m.prices)]
    open_compare(page, site_url, "?models=" + ",".join(m.id for m in trio) + "&req=300")
    for name in ("agent", "summarize"):
        page.select_option("#c-mix", name)
        tokens_in, tokens_out, cached = PRESETS[name]
        check_costs(page, trio, (tokens_in * 300, tokens_out * 300, cached * 300, 300))
    assert any(100_000 >= t.min_prompt_tokens for t in trio[0].tiers)  # summarizing reaches a tier
    page.wait_for_function("() => location.search.includes('in=30000000')")
    assert page.errors == []
