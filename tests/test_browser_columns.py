"""The index's chosen columns and its filters by price paid, router, parameter, tokenizer,
date added and output, in a real browser at a desktop's and a phone's size.

Expected rows are worked out here from the snapshot's models (exact Decimal prices), never
read back from the page's own script.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from sitegen.columns import COLUMNS
from sitegen.model import Model
from tests.test_browser_index import every_id, expected_order, models, open_index, per_million, query, shown_count
from tests.test_browser_layout import DESKTOP, PHONE

__all__ = ["models"]  # the fixture, shared
DEFAULT = [c.key for c in COLUMNS if c.shown]
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=sorted(SIZES))
def tab(request, browser):
    """A fresh page at a desktop's or a phone's size, recording errors in ``tab.errors``."""
    context = browser.new_context(**SIZES[request.param])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()


def open_filters(page) -> None:
    """On a phone the filters fold away behind a button."""
    if page.is_visible("#filters-toggle"):
        page.click("#filters-toggle")


def day(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


def check(page, param: str, value: str, expected: list[str]) -> None:
    page.wait_for_function("([p, v]) => new URLSearchParams(location.search).get(p) === v", arg=[param, value])
    assert query(page)[param] == [value]
    assert shown_count(page) == len(expected)
    assert sorted(every_id(page)) == sorted(expected)
    assert page.inner_text("#filters-toggle") == "Filters (1)"


def test_each_new_filter_narrows_the_rows_to_the_models_the_data_says(tab, site_url, models):
    open_index(tab, site_url)
    open_filters(tab)
    form = "#filters "
    expected = {
        "paid": [m.id for m in models if not m.is_free],
        "norouter": [m.id for m in models if not m.has_varying_price],
    }
    for name, ids in expected.items():
        assert 0 < len(ids) < len(models)
        tab.check(f'{form}input[name="{name}"]')
        check(tab, name, "1", ids)
        tab.uncheck(f'{form}input[name="{name}"]')
        tab.wait_for_function("() => location.search === ''")

    selects = {
        "param": ("seed", [m.id for m in models if "seed" in m.supported_parameters]),
        "tok": ("Claude", [m.id for m in models if m.tokenizer == "Claude"]),
        "minout": ("64000", [m.id for m in models if (m.max_completion_tokens or 0) >= 64_000]),
    }
    for name, (value, ids) in selects.items():
        assert 0 < len(ids) < len(models)
        tab.select_option(f'{form}select[name="{name}"]', value)
        check(tab, name, value, ids)
        tab.select_option(f'{form}select[name="{name}"]', "")
        tab.wait_for_function("() => location.search === ''")

    since = "2026-01-01"
    tab.fill(f'{form}input[name="after"]', since)
    check(tab, "after", since, [m.id for m in models if m.created >= day(since)])
    tab.fill(f'{form}input[name="after"]', "")
    tab.wait_for_function("() => location.search === ''")

    for limit in ("2", "0.4"):
        tab.fill(f'{form}input[name="maxoutprice"]', limit)
        check(tab, "maxoutprice", limit,
              [m.id for m in models if (p := per_million(m.completion_price)) is not None and p <= Decimal(limit)])
    tab.click(f'{form}button[type="reset"]')
    tab.wait_for_function("() => location.search === ''")
    assert shown_count(tab) == len(models)
    assert tab.errors == []


def test_a_stale_value_in_the_address_shows_as_active_and_reset_clears_it(tab, site_url, models):
    open_index(tab, site_url, "?param=nosuch&tok=Gone")
    assert tab.input_value('select[name="param"]') == "nosuch"
    assert tab.input_value('select[name="tok"]') == "Gone"
    assert shown_count(tab) == 0 and tab.is_visible("#none")
    assert tab.inner_text("#filters-toggle") == "Filters (2)"
    open_filters(tab)
    tab.click('#filters button[type="reset"]')
    tab.wait_for_function("() => location.search === ''")
    assert tab.input_value('select[name="param"]') == tab.input_value('select[name="tok"]') == ""
    assert shown_count(tab) == len(models)
    assert tab.errors == []


def shown_columns(page) -> dict[str, list[bool]]:
    """Whether each column is drawn: its header first, then its cell in every row listed."""
    return page.evaluate("""() => {
        const heads = [...document.querySelectorAll('#models thead th[data-sort]')];
        const out = {};
        heads.forEach((th) => {
            const i = th.cellIndex;
            out[th.dataset.sort] = [th, ...[...document.querySelectorAll('#models tbody tr')].map((tr) => tr.cells[i])]
                .map((el) => el.checkVisibility());
        });
        return out;
    }""")


def assert_columns(page, keys: list[str]) -> None:
    drawn = shown_columns(page)
    assert list(drawn) == [c.key for c in COLUMNS]
    for key, seen in drawn.items():
        assert len(seen) > 1 and all(seen) == (key in keys) and any(seen) == (key in keys), key


def test_cols_shows_exactly_those_columns_in_served_rows_and_rows_from_the_catalog(tab, site_url, models):
    chosen = ["maxout", "input", "cache", "cutoff", "tokenizer"]  # the author stays out: a phone never shows it
    open_index(tab, site_url, "?cols=" + ",".join(chosen))
    assert_columns(tab, ["name", *chosen])
    served = tab.eval_on_selector_all("#models tbody th code", "els => els.map(e => e.textContent)")
    assert served == [m.id for m in models[:len(served)]]
    tab.fill("#q", models[-1].id)  # a row the page did not serve, made from finder.json
    tab.wait_for_function("id => document.querySelector('#models tbody th code')?.textContent === id", arg=models[-1].id)
    assert_columns(tab, ["name", *chosen])
    cells = tab.eval_on_selector_all("#models tbody tr:first-child > *", "els => els.map(e => e.textContent)")
    keys = [c.key for c in COLUMNS]
    last = models[-1]
    assert cells[1 + keys.index("tokenizer")] == (last.tokenizer or "—")
    assert cells[1 + keys.index("cutoff")] == (last.knowledge_cutoff or "—")
    assert tab.errors == []


def test_the_default_columns_show_with_and_without_javascript(browser, site_url):
    for scripts in (True, False):
        context = browser.new_context(java_script_enabled=scripts, **DESKTOP)
        try:
            page = context.new_page()
            page.goto(site_url)
            if scripts:
                page.wait_for_selector("#filters:not([hidden])")
                assert_columns(page, DEFAULT)  # as served, and once the catalog is loaded
                page.keyboard.press("Shift")
                page.wait_for_function("() => /^All /.test(document.getElementById('shown').textContent)")
            assert_columns(page, DEFAULT)
        finally:
            context.close()


def test_the_column_chooser_writes_the_address_and_a_reload_restores_it(page, site_url, models):
    open_index(page, site_url)
    summary = page.locator("details.columns summary")
    summary.focus()
    page.keyboard.press("Enter")  # a keyboard opens it
    assert page.is_visible('input[name="cols"][value="tokenizer"]')
    page.get_by_label("Tokenizer", exact=True).check()
    page.get_by_label("Cost", exact=True).uncheck()
    chosen = [key for key in DEFAULT if key != "cost"] + ["tokenizer"]
    page.wait_for_function("() => location.search.includes('cols=')")
    assert query(page)["cols"] == [",".join(chosen[1:])]  # the name shows always
    assert_columns(page, chosen)
    page.reload()
    page.wait_for_function("() => /^All /.test(document.getElementById('shown').textContent)")
    assert_columns(page, chosen)
    assert page.is_checked('input[name="cols"][value="tokenizer"]')
    assert not page.is_checked('input[name="cols"][value="cost"]')
    page.click("details.columns summary")
    page.keyboard.press("Escape")  # closes it again
    assert not page.is_visible('input[name="cols"][value="tokenizer"]')
    page.click('#filters button[type="reset"]')
    page.wait_for_function("() => location.search === ''")
    assert_columns(page, DEFAULT)
    assert page.errors == []


def cache_price(m: Model) -> Decimal | None:
    return per_million(m.prices.get("input_cache_read"))


@pytest.mark.parametrize(("column", "value"), [
    ("maxout", lambda m: m.max_completion_tokens),
    ("cache", cache_price),
    ("cutoff", lambda m: m.knowledge_cutoff),
    ("tokenizer", lambda m: m.tokenizer.lower() if m.tokenizer else None),
])
def test_sorting_by_a_hidden_column_orders_by_the_raw_values(page, site_url, models, column, value):
    for descending in (False, True):
        open_index(page, site_url, f"?sort={'-' if descending else ''}{column}")
        assert page.get_attribute(f'th[data-sort="{column}"]', "aria-sort") == ("descending" if descending else "ascending")
        assert every_id(page) == expected_order(models, value, descending)
    assert page.errors == []
