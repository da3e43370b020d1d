"""Details a visitor meets on every page: no shift when scripts add a button, landmarks
with names of their own, settings without values left out, units said once, no promise the
page cannot keep without scripts, a shared link's stale filter dropped, and each model's
page on OpenRouter linked."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from sitegen.catalog import loads
from sitegen.model import Model
from tests.conftest import ROOT
from tests.test_browser_index import every_id, layout_shifts, open_index, shown_count

RECORDS = {r["id"]: r for r in json.loads((ROOT / "data" / "models.json").read_text(encoding="utf-8"))["data"]}


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


def html(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path / "index.html").read_bytes())


def test_a_model_page_moves_nothing_when_its_scripts_run(browser, site_url, models):
    for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        context = browser.new_context(viewport=size)
        try:
            tab = context.new_page()
            tab.goto(site_url + models[0].path)
            tab.wait_for_selector("button.copy:not([hidden])")
            assert tab.evaluate("document.documentElement.classList.contains('js')")
            assert layout_shifts(tab) == []
        finally:
            context.close()


def test_no_two_landmarks_of_a_model_page_share_a_name(site: Path, models):
    tiered = next(m for m in models if m.tiers)
    for m in (tiered, models[0]):
        tree = html(site, m.path)
        names = []
        for el in tree.xpath("//section[@aria-labelledby] | //*[@role='region'] | //nav"):
            label = el.get("aria-label") or " ".join(
                tree.get_element_by_id(i).text_content() for i in (el.get("aria-labelledby") or "").split())
            names.append(label.strip())
        assert len(names) == len(set(names)), sorted(names)
        assert "Pricing" in names


def test_default_parameters_without_a_value_are_left_out(site: Path, models):
    unset = next(m for m in models if m.default_parameters and all(v is None for v in m.default_parameters.values()))
    page = html(site, unset.path)
    assert "Default parameters" not in page.xpath("string(//dl[@class='details'])")
    set_ = next(m for m in models if any(v is not None for v in m.default_parameters.values())
                and any(v is None for v in m.default_parameters.values()))
    shown = html(site, set_.path).xpath("//dl[@class='details']/dt[.='Default parameters']/following-sibling::dd[1]//code/text()")
    assert shown and all("null" not in s and "None" not in s for s in shown)
    assert len(shown) == sum(1 for v in set_.default_parameters.values() if v is not None)
    compare = {e["id"]: e for e in json.loads((site / "compare.json").read_text())["models"]}
    assert "default_parameters" not in compare[unset.id]["facts"]


def test_a_price_per_unit_says_its_unit_once(page, site_url, models):
    ids = [next(m.id for m in models if "image" in m.prices and m.prices["image"] > 0),
           next(m.id for m in models if "web_search" in m.prices)]
    page.goto(site_url + "compare/?models=" + ",".join(ids))
    page.wait_for_selector("#compare-table thead th")
    labels = page.eval_on_selector_all("#compare-table tbody tr:not(.group) th", "ths => ths.map(th => th.textContent)")
    assert "Input image per image" in labels and "Web search per search" in labels
    assert all(label.lower().count(" per ") <= 1 for label in labels)


def test_without_javascript_the_index_promises_only_what_it_does(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site_url)
        text = tab.inner_text("main")
        assert "Tick" not in text and "filter" not in text.lower() and "Search" not in text
        assert "Browse all" in text
    finally:
        context.close()


def test_a_stale_filter_in_a_shared_link_is_dropped(page, site_url, models):
    open_index(page, site_url, "?in=hologram&cap=tools&cap=telepathy")
    tools = [m.id for m in models if "tools" in m.capabilities()]
    assert shown_count(page) == len(tools) and sorted(every_id(page)) == sorted(tools)
    assert page.is_checked('#filters input[name="cap"][value="tools"]')
    assert page.inner_text("#filters-toggle") in ("Filters", "Filters (1)")
    open_index(page, site_url, "?out=hologram")
    assert page.inner_text("#shown").startswith("All ")


def test_each_model_page_links_its_page_on_openrouter(site: Path, models):
    odd = [m for m in models if m.is_alias or m.variant][:5]
    for m in [*models[::25], *odd]:
        links = html(site, m.path).xpath("//a[.='On OpenRouter']/@href")
        assert links == ["https://openrouter.ai/" + m.id]
