"""The index's finder in a real browser: search, sort, filters, the address as state,
picking models to compare, accessibility and phone width.

Expected rows are worked out here from the snapshot with exact Decimal prices, never read
back from the page's own script.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sitegen.catalog import Model, loads
from tests.conftest import ROOT

MILLION = Decimal(1_000_000)


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


def open_index(page, site_url: str, query: str = "") -> None:
    page.goto(site_url + query)
    page.wait_for_selector("#filters:not([hidden])")


def visible_ids(page) -> list[str]:
    return page.eval_on_selector_all("#models tbody tr:not([hidden]) th code", "els => els.map(e => e.textContent)")


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shown_count(page) -> int:
    text = page.inner_text("#shown")
    return int(re.search(r"(\d+)", text.replace("All ", "")).group(1))


def per_million(price: Decimal | None) -> Decimal | None:
    return None if price is None or price < 0 else price * MILLION


def test_search_narrows_rows_lands_in_the_url_and_survives_reload(page, site_url, models):
    open_index(page, site_url)
    assert len(visible_ids(page)) == len(models)
    page.fill("#q", "claude")
    page.wait_for_function("() => location.search.includes('q=claude')")
    ids = visible_ids(page)
    expected = [m.id for m in models if "claude" in f"{m.name} {m.id} {m.author}".lower()]
    assert set(expected) <= set(ids) and 0 < len(ids) < len(models)
    texts = page.eval_on_selector_all(
        "#models tbody tr:not([hidden])", "rows => rows.map(r => (r.cells[1].textContent + ' ' + r.dataset.k).toLowerCase())"
    )
    assert all("claude" in t for t in texts)
    assert shown_count(page) == len(ids)
    page.reload()
    page.wait_for_selector("#filters:not([hidden])")
    assert page.input_value("#q") == "claude"
    assert visible_ids(page) == ids
    assert page.errors == []


def test_several_words_must_all_match(page, site_url, models):
    open_index(page, site_url, "?q=gemini+flash")
    expected = [m.id for m in models if all(w in f"{m.name} {m.id}".lower() for w in ("gemini", "flash"))]
    assert expected and set(expected) <= set(visible_ids(page))
    texts = page.eval_on_selector_all(
        "#models tbody tr:not([hidden])", "rows => rows.map(r => (r.cells[1].textContent + ' ' + r.dataset.k).toLowerCase())"
    )
    assert all("gemini" in t and "flash" in t for t in texts)
    assert page.input_value("#q") == "gemini flash"


def test_slash_focuses_the_search_box(page, site_url):
    open_index(page, site_url)
    page.click("h1")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    assert page.input_value("#q") == ""


def expected_order(models: list[Model], value, descending: bool) -> list[str]:
    """Rows with a value sorted by it (ties keep the page's order), rows without one last."""
    order = {m.id: i for i, m in enumerate(models)}
    known = [m for m in models if value(m) is not None]
    known.sort(key=lambda m: order[m.id])
    known.sort(key=value, reverse=descending)
    return [m.id for m in known] + [m.id for m in models if value(m) is None]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("input", lambda m: per_million(m.prompt_price)),
        ("output", lambda m: per_million(m.completion_price)),
        ("context", lambda m: m.context_length),
    ],
)
def test_sorting_by_value_both_ways(page, site_url, models, column, value):
    open_index(page, site_url)
    button = page.locator(f'th[data-sort="{column}"] button')
    button.click()
    assert query(page)["sort"] == [column]
    assert page.get_attribute(f'th[data-sort="{column}"]', "aria-sort") == "ascending"
    assert page.get_attribute('th[data-sort="added"]', "aria-sort") is None
    assert visible_ids(page) == expected_order(models, value, descending=False)
    button.click()
    assert query(page)["sort"] == ["-" + column]
    assert page.get_attribute(f'th[data-sort="{column}"]', "aria-sort") == "descending"
    # Stable sorts: a descending sort keeps ties in page order too.
    order = {m.id: i for i, m in enumerate(models)}
    known = sorted((m for m in models if value(m) is not None), key=lambda m: (-value(m), order[m.id]))
    assert visible_ids(page) == [m.id for m in known] + [m.id for m in models if value(m) is None]
    assert page.errors == []


def test_sorting_text_columns_and_default_order(page, site_url, models):
    open_index(page, site_url, "?sort=name")
    names = page.eval_on_selector_all("#models tbody tr th a", "els => els.map(e => e.textContent.toLowerCase())")
    assert len(names) == len(models)
    initials = [n[0] for n in names if n[0].isalpha()]
    assert initials == sorted(initials)
    assert page.get_attribute('th[data-sort="name"]', "aria-sort") == "ascending"
    page.goto(site_url + "?sort=nonsense")
    page.wait_for_selector("#filters:not([hidden])")
    assert visible_ids(page) == [m.id for m in models]  # newest first, as served
    assert page.get_attribute('th[data-sort="added"]', "aria-sort") == "descending"


def check_filter(page, expected: list[str], param: str, value: str) -> None:
    assert value in query(page).get(param, []), page.url
    assert sorted(visible_ids(page)) == sorted(expected)
    assert shown_count(page) == len(expected)


def test_each_filter(page, site_url, models):
    open_index(page, site_url)
    chip = lambda name, value: page.locator(f'#filters input[name="{name}"][value="{value}"]')  # noqa: E731

    chip("in", "image").check()
    check_filter(page, [m.id for m in models if "image" in m.input_modalities], "in", "image")
    chip("in", "image").uncheck()

    chip("out", "image").check()
    check_filter(page, [m.id for m in models if "image" in m.output_modalities], "out", "image")
    chip("out", "image").uncheck()

    for cap in ("tools", "structured", "reasoning", "web", "logprobs"):
        chip("cap", cap).check()
        check_filter(page, [m.id for m in models if cap in m.capabilities()], "cap", cap)
        chip("cap", cap).uncheck()

    chip("free", "1").check()
    check_filter(page, [m.id for m in models if m.is_free], "free", "1")
    chip("free", "1").uncheck()

    chip("novar", "1").check()
    check_filter(page, [m.id for m in models if m.variant is None], "novar", "1")
    chip("novar", "1").uncheck()

    page.fill('input[name="maxin"]', "0.5")
    page.wait_for_function("() => location.search.includes('maxin=0.5')")
    check_filter(page, [m.id for m in models if (p := per_million(m.prompt_price)) is not None and p <= Decimal("0.5")], "maxin", "0.5")
    page.fill('input[name="maxin"]', "")
    page.wait_for_function("() => !location.search.includes('maxin')")

    page.select_option('select[name="ctx"]', "128000")
    check_filter(page, [m.id for m in models if (m.context_length or 0) >= 128_000], "ctx", "128000")
    page.select_option('select[name="ctx"]', "")

    page.select_option('select[name="author"]', "anthropic")
    check_filter(page, [m.id for m in models if m.author == "anthropic"], "author", "anthropic")

    page.click('#filters button[type="reset"]')
    page.wait_for_function("() => location.search === ''")
    assert len(visible_ids(page)) == len(models)
    assert page.errors == []


def test_filters_combine_and_an_empty_result_says_so(page, site_url, models):
    open_index(page, site_url, "?free=1&cap=web&q=zzzz-no-such-model")
    assert visible_ids(page) == []
    assert "0 of" in page.inner_text("#shown")
    assert page.is_visible("p.none")


def test_back_and_forward_walk_through_views(page, site_url, models):
    open_index(page, site_url)
    page.locator('#filters input[name="cap"][value="tools"]').check()
    tools = visible_ids(page)
    page.locator('#filters input[name="free"]').check()
    free_tools = visible_ids(page)
    assert len(free_tools) < len(tools) < len(models)
    page.go_back()
    page.wait_for_function("() => !location.search.includes('free')")
    assert visible_ids(page) == tools
    assert not page.is_checked('#filters input[name="free"]')
    page.go_back()
    page.wait_for_function("() => location.search === ''")
    assert len(visible_ids(page)) == len(models)
    page.go_forward()
    page.wait_for_function("() => location.search.includes('cap=tools') && !location.search.includes('free')")
    assert visible_ids(page) == tools
    assert page.is_checked('#filters input[name="cap"][value="tools"]')
    page.go_forward()
    page.wait_for_function("() => location.search.includes('free=1')")
    assert visible_ids(page) == free_tools
    assert page.errors == []


def cheapest_tools_image_128k(models: list[Model]) -> Model:
    fits = [
        m for m in models
        if "tools" in m.capabilities() and "image" in m.input_modalities and (m.context_length or 0) >= 128_000
        and per_million(m.prompt_price) is not None
    ]
    return min(fits, key=lambda m: per_million(m.prompt_price))  # min() keeps the first of ties


def test_journey_cheapest_with_tools_image_input_and_128k(page, browser, site_url, models):
    """Done-when #1: answered in a few clicks, and the view travels as a link."""
    open_index(page, site_url)
    page.locator('#filters input[name="in"][value="image"]').check()
    page.locator('#filters input[name="cap"][value="tools"]').check()
    page.select_option('select[name="ctx"]', "128000")
    page.locator('th[data-sort="input"] button').click()
    answer = cheapest_tools_image_128k(models)
    assert visible_ids(page)[0] == answer.id
    # The chart dims every point the filters leave out.
    lit = page.eval_on_selector_all(".chart-svg .points a:not(.off)", "els => els.map(a => a.getAttribute('href'))")
    shown = {m.path for m in models if m.id in set(visible_ids(page))}
    assert lit
    assert set(lit) == {m.path for m in models if m.path in shown and m.prompt_price and m.prompt_price > 0 and m.context_length}
    shared = page.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("text=Copy link to this view")
    assert page.evaluate("navigator.clipboard.readText()") == shared
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        friend = other.new_page()
        friend.goto(shared)
        friend.wait_for_selector("#filters:not([hidden])")
        assert visible_ids(friend)[0] == answer.id
        assert visible_ids(friend) == visible_ids(page)
        assert friend.is_checked('#filters input[name="cap"][value="tools"]')
    finally:
        other.close()
    # The ready-made link on the index gives the same view in one click.
    open_index(page, site_url)
    page.click("#quick >> text=Cheapest with tools")
    assert visible_ids(page)[0] == answer.id
    assert page.errors == []


def test_picked_models_lead_to_the_compare_page(page, site_url, models):
    open_index(page, site_url)
    assert page.is_hidden("#compare-bar")
    chosen = [models[5].id, models[1].id, models[9].id]
    for model_id in chosen:
        page.locator(f'#models tbody tr:has(code:text-is("{model_id}")) td.pick input').check()
    link = page.locator("#compare-go")
    assert link.inner_text() == "Compare (3)"
    page.locator(f'#models tbody tr:has(code:text-is("{chosen[1]}")) td.pick input').uncheck()
    assert link.inner_text() == "Compare (2)"
    link.click()
    page.wait_for_selector("#compare-table thead th")
    assert query(page)["models"] == [f"{chosen[0]},{chosen[2]}"]
    assert page.eval_on_selector_all("#compare-table thead th code", "els => els.map(e => e.textContent)") == [chosen[0], chosen[2]]
    assert page.errors == []


def test_without_javascript_the_whole_table_is_there(browser, site, site_url, models):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site_url + "?cap=tools")
        assert tab.locator("#models tbody tr").count() == len(models)
        assert tab.is_hidden("#filters")
        assert tab.is_visible("#models tbody tr >> nth=0")
        assert tab.locator(".chart-svg .points a").count() > 0
    finally:
        context.close()


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_axe_finds_nothing_serious_on_the_index_and_a_model_page(page, site_url, models):
    # A narrow view keeps the run short; hidden rows are the same markup as visible ones.
    open_index(page, site_url, "?q=claude&cap=tools")
    page.locator("#models tbody tr:not([hidden]) td.pick input >> nth=0").check()
    assert serious_violations(page) == []
    page.goto(site_url + models[0].path)
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", ["", "?cap=tools&sort=-context", "authors/", "MODEL"])
def test_no_sideways_scrolling_on_a_phone(browser, site_url, models, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        tab.goto(site_url + (models[0].path if path == "MODEL" else path))
        tab.wait_for_load_state("load")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_script_and_styles_stay_small(site: Path):
    total = sum(p.stat().st_size for p in (site / "static").rglob("*") if p.suffix in (".css", ".js"))
    assert total < 60_000, f"CSS and JS of the site weigh {total} bytes"
