"""The index's finder in a real browser: search, sort, filters, the address as state,
picking models to compare, accessibility and phone width.

The index serves the newest ``INDEX_ROWS`` models as rows; the finder loads the whole
catalog from finder.json and lists a result ``INDEX_ROWS`` rows at a time ("Show … more").
Expected rows are worked out here from the snapshot with exact Decimal prices, never read
back from the page's own script.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sitegen.catalog import loads
from sitegen.model import Model
from sitegen.listings import INDEX_ROWS
from tests.conftest import ROOT

MILLION = Decimal(1_000_000)


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


def open_index(page, site_url: str, query: str = "") -> None:
    """Open the index and wait until the finder has the whole catalog and shows its view."""
    page.goto(site_url + query)
    page.wait_for_selector("#filters:not([hidden])")
    start_using(page)  # without a view in the address, the catalog loads on first use
    page.wait_for_function("() => /^(All|Showing) /.test(document.getElementById('shown').textContent)")


def start_using(page) -> None:
    """Press a key as a visitor starts to use the page, which draws the long parts below
    the fold where a page has some (site.js)."""
    page.keyboard.press("Shift")
    if page.locator('[data-draw="near"]').count():
        page.wait_for_selector('[data-draw="near"].drawn', state="attached")


def visible_ids(page) -> list[str]:
    return page.eval_on_selector_all("#models tbody tr:not([hidden]) th code", "els => els.map(e => e.textContent)")


def every_id(page) -> list[str]:
    """The whole result, listed by pressing "Show … more" until it is all there."""
    while page.is_visible("#more"):
        listed = len(visible_ids(page))
        page.click("#more")
        page.wait_for_function("n => document.querySelectorAll('#models tbody tr').length > n", arg=listed)
    return visible_ids(page)


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shown_count(page) -> int:
    text = page.inner_text("#shown")
    return int(re.search(r"(\d+)", text.replace("All ", "")).group(1))


def per_million(price: Decimal | None) -> Decimal | None:
    return None if price is None or price < 0 else price * MILLION


def test_search_narrows_rows_lands_in_the_url_and_survives_reload(page, site_url, models):
    open_index(page, site_url)
    assert shown_count(page) == len(models)
    assert visible_ids(page) == [m.id for m in models[:INDEX_ROWS]]
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
    assert len(visible_ids(page)) == INDEX_ROWS  # a chunk at a time
    assert every_id(page) == expected_order(models, value, descending=False)
    button.click()
    assert query(page)["sort"] == ["-" + column]
    assert page.get_attribute(f'th[data-sort="{column}"]', "aria-sort") == "descending"
    # Stable sorts: a descending sort keeps ties in page order too.
    order = {m.id: i for i, m in enumerate(models)}
    known = sorted((m for m in models if value(m) is not None), key=lambda m: (-value(m), order[m.id]))
    assert every_id(page) == [m.id for m in known] + [m.id for m in models if value(m) is None]
    assert page.errors == []


def test_sorting_text_columns_and_default_order(page, site_url, models):
    open_index(page, site_url, "?sort=name")
    every_id(page)
    names = page.eval_on_selector_all("#models tbody tr th a", "els => els.map(e => e.textContent.toLowerCase())")
    assert len(names) == len(models)
    initials = [n[0] for n in names if n[0].isalpha()]
    assert initials == sorted(initials)
    assert page.get_attribute('th[data-sort="name"]', "aria-sort") == "ascending"
    open_index(page, site_url, "?sort=nonsense")
    assert every_id(page) == [m.id for m in models]  # newest first, as served
    assert page.get_attribute('th[data-sort="added"]', "aria-sort") == "descending"


def check_filter(page, expected: list[str], param: str, value: str) -> None:
    assert value in query(page).get(param, []), page.url
    assert shown_count(page) == len(expected)
    assert sorted(every_id(page)) == sorted(expected)


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
    assert shown_count(page) == len(models)
    assert every_id(page) == [m.id for m in models]
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
    assert shown_count(page) == len(models)
    assert visible_ids(page) == [m.id for m in models[:INDEX_ROWS]]
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
    shown = {m.path for m in models if m.id in set(every_id(page))}
    assert lit
    assert set(lit) == {m.path for m in models if m.path in shown and m.prompt_price and m.prompt_price > 0 and m.context_length}
    shared = page.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("text=Copy link to this view")
    assert page.evaluate("navigator.clipboard.readText()") == shared
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        friend = other.new_page()
        open_index(friend, shared)
        assert visible_ids(friend)[0] == answer.id
        assert every_id(friend) == every_id(page)
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


def test_a_model_the_index_does_not_serve_is_found_once_the_catalog_loads(page, site_url, models):
    oldest = models[-1]
    assert len(models) > INDEX_ROWS
    open_index(page, site_url)
    assert oldest.id not in visible_ids(page)
    assert page.locator(f'#models tbody tr:has(code:text-is("{oldest.id}"))').count() == 0  # not served
    page.fill("#q", oldest.id)
    page.wait_for_function("id => [...document.querySelectorAll('#models tbody th code')].some(c => c.textContent === id)",
                           arg=oldest.id)
    row = page.locator(f'#models tbody tr:has(code:text-is("{oldest.id}"))')
    assert row.locator("th a").get_attribute("href") == oldest.path
    row.locator("td.pick input").check()
    assert page.locator("#compare-go").inner_text() == "Compare (1)"
    assert page.errors == []


def layout_shifts(page) -> list[float]:
    """The layout shifts the page has had so far, as the browser scores them (one within half
    a second of the reader's input is the reader's doing, and does not count; nor does one
    scored below 0.001, a part of a pixel, which a busy machine's rounding sometimes makes:
    the smallest move a reader could see, a table moved 1 px, scores about that)."""
    return page.evaluate("""() => new Promise((done) => {
        new PerformanceObserver((list) => done(list.getEntries().filter((e) => !e.hadRecentInput && e.value >= 0.001)
            .map((e) => e.value)))
            .observe({type: "layout-shift", buffered: true});
        setTimeout(() => done([]), 500);
    })""")


@pytest.mark.parametrize("size", [{"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True},
                                  {"viewport": {"width": 1350, "height": 940}}], ids=["phone", "desktop"])
@pytest.mark.parametrize("query", ["", "?cap=tools"])
def test_loading_the_finder_moves_nothing(browser, site_url, size, query):
    context = browser.new_context(**size)
    try:
        tab = context.new_page()
        tab.goto(site_url + query)
        tab.wait_for_selector("#filters:not([hidden])")
        if not query:
            tab.wait_for_timeout(500)  # the finder waits for the reader's first use
            assert layout_shifts(tab) == []
            tab.keyboard.press("Shift")
        tab.wait_for_function("() => /^(All|Showing) /.test(document.getElementById('shown').textContent)")
        assert layout_shifts(tab) == []
    finally:
        context.close()


def test_without_javascript_every_model_is_reachable(browser, site, site_url, models):
    """The index serves the newest rows and links the "all models" pages, which list every
    model, newest first."""
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site_url + "?cap=tools")
        ids = tab.eval_on_selector_all("#models tbody th code", "els => els.map(e => e.textContent)")
        assert ids == [m.id for m in models[:INDEX_ROWS]]
        assert tab.is_hidden("#filters")
        assert tab.is_visible("#models tbody tr >> nth=0")
        assert tab.is_hidden("#models tbody td.pick >> nth=0") and tab.is_hidden("#models thead th.pick")
        assert tab.locator(".chart-svg .points a").count() > 0
        listed: list[str] = []
        with tab.expect_navigation():
            tab.click("#partial a")
        while True:
            listed += tab.eval_on_selector_all("table.models tbody th code", "els => els.map(e => e.textContent)")
            older = tab.locator('nav.pager a[rel="next"]')
            if not older.count():
                break
            with tab.expect_navigation():
                older.first.click()
        assert listed == [m.id for m in models]
        with tab.expect_navigation():
            tab.locator(f'table.models tbody th a:text-is("{models[-1].name}")').click()
        assert tab.url == site_url + models[-1].path
    finally:
        context.close()


def axe_violations(page) -> list[str]:
    """What axe finds on the page, of any impact."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v.get('impact')}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in results.response["violations"]]


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
    # 58,170 bytes where the two lines of work parted; the providers' columns, filters,
    # sortable tables and phone layout, the Changes pages' filters (changes.js, loaded there
    # alone) and the styles of the badge snippets, the feeds read in a browser and the Changes
    # pages added 9,889; the cost of a workload (cost.js), ranked search, the benchmarks and
    # the table on the first screen with its sticky header and names added 8,627; site.js
    # enabling the sort buttons a page serves, 160 more: 76,778; the desktop index's tighter
    # first screen, 883 more: 77,661; a tiered price table stacked on phones and the
    # comparison's sticky model names, 429 more: 78,090; the column chooser and the filters by
    # price paid, router, parameter, tokenizer, date added and max output, 4,836 more: 82,926;
    # the table's headings kept on one line, 155 more: 83,081; a view in the address shown
    # once applied, 543 more: 83,624; the catalog loaded on first use or near the table's
    # end rather than when the browser idles, 531 more: 84,155.
    assert total < 84_200, f"CSS and JS of the site weigh {total} bytes"


def test_the_catalog_loads_on_first_use_or_near_the_tables_end(browser, site_url):
    """A reader who only reads costs the page nothing more: finder.json is fetched on the first
    use of the page, or once the end of the served rows comes near, which offers the rest."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        fetched: list[str] = []
        tab.on("request", lambda request: fetched.append(request.url))
        tab.goto(site_url)
        tab.wait_for_selector("#filters:not([hidden])")
        tab.wait_for_timeout(1000)
        assert not any(url.endswith("finder.json") for url in fetched)
        assert tab.locator("#more").is_hidden()
        tab.locator("#models tbody tr:last-child").scroll_into_view_if_needed()
        tab.wait_for_selector("#more:not([hidden])")
        assert any(url.endswith("finder.json") for url in fetched)
        assert tab.inner_text("#more") == f"Show {INDEX_ROWS} more"
    finally:
        context.close()
