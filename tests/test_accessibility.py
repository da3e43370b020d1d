"""The pages a reader chooses with — the index, a model page and a comparison of three
models — in a real browser at a desktop's and a phone's size: axe finds no violation of any
impact, and on a phone every price is in view without scrolling sideways, the comparison's
model names included."""

from __future__ import annotations

import pytest

from sitegen import formats
from sitegen.catalog import loads
from sitegen.model import Model
from tests.conftest import ROOT
from tests.test_browser_compare import open_compare
from tests.test_browser_index import axe_violations, open_index

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


@pytest.fixture(scope="module")
def tiered(models) -> Model:
    """The model with the most price tiers (the widest pricing table), served by providers."""
    return max(models, key=lambda m: (len(m.tiers), len(m.prices)))


@pytest.fixture(scope="module")
def trio(models, tiered) -> list[Model]:
    scored = [m for m in models if m.scores and m is not tiered]
    return [tiered, *scored[:2]]


@pytest.fixture(params=list(SIZES))
def tab(request, browser):
    context = browser.new_context(**SIZES[request.param])
    yield context.new_page()
    context.close()


def test_axe_finds_nothing_on_the_index(tab, site_url):
    open_index(tab, site_url)
    tab.locator("#models tbody td.pick input >> nth=0").check()  # the compare bar shows
    assert axe_violations(tab) == []


def test_axe_finds_nothing_on_a_model_page(tab, site_url, tiered):
    tab.goto(site_url + tiered.path)
    tab.wait_for_selector("button.copy:not([hidden])")
    assert axe_violations(tab) == []


def test_axe_finds_nothing_on_a_comparison_of_three_models(tab, site_url, trio):
    open_compare(tab, site_url, "?models=" + ",".join(m.id for m in trio))
    tab.wait_for_selector("#compare-table tr.cost-row td", state="attached")
    assert axe_violations(tab) == []


def test_every_price_of_a_tiered_model_is_in_view_on_a_phone(browser, site_url, tiered):
    assert len(tiered.tiers) >= 1
    context = browser.new_context(**SIZES["phone"])
    try:
        tab = context.new_page()
        tab.goto(site_url + tiered.path)
        table = tab.locator("table.pricing")
        table.scroll_into_view_if_needed()
        cells = tab.eval_on_selector_all(
            "table.pricing tbody td.num",
            "tds => tds.map(td => ({text: td.textContent, label: td.dataset.label, box: td.getBoundingClientRect().toJSON()}))")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        region = tab.eval_on_selector("table.pricing", "t => t.parentElement.scrollWidth - t.parentElement.clientWidth")
        assert region == 0  # the table does not scroll sideways within its box either
        kinds = set(tiered.prices).union(*(t.prices for t in tiered.tiers))
        expected = []
        for prices in (tiered.prices, *(t.prices for t in tiered.tiers)):
            expected += [formats.price(k, prices.get(k)) for k in kinds]
        assert sorted(c["text"] for c in cells) == sorted(expected)
        for c in cells:
            assert 0 <= c["box"]["left"] and c["box"]["right"] <= 390, c
            assert c["label"].startswith(("Up to ", "From ")), c
        # each card names the prompt sizes its prices apply from, as the tiers say
        froms = {c["label"] for c in cells if c["label"].startswith("From ")}
        assert froms == {f"From {formats.count(t.min_prompt_tokens)} prompt tokens" for t in tiered.tiers}
    finally:
        context.close()


def test_the_comparison_keeps_the_model_names_in_view_on_a_phone(browser, site_url, trio):
    context = browser.new_context(**SIZES["phone"])
    try:
        tab = context.new_page()
        open_compare(tab, site_url, "?models=" + ",".join(m.id for m in trio))
        tab.wait_for_selector("#compare-table tr.cost-row td", state="attached")
        scrolled = tab.evaluate("""() => {
            const box = document.querySelector('#app .table-scroll');
            box.scrollIntoView();
            box.scrollTop = 1500;
            if (box.scrollTop === 0) window.scrollBy(0, 1500);  // a box that does not scroll: the page does
            return box.scrollTop + window.scrollY;
        }""")
        assert scrolled > 1000  # read well down the comparison
        heads = tab.eval_on_selector_all(
            "#compare-table thead th", "ths => ths.map(th => [th.querySelector('a').textContent, th.getBoundingClientRect().toJSON()])")
        assert [name for name, _ in heads] == [m.name for m in trio]
        assert all(0 <= box["top"] and box["bottom"] <= 844 for _, box in heads), heads
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
