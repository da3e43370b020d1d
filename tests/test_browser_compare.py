"""The compare page in a real browser: fields side by side, the cost calculator checked
against exact Decimal arithmetic done here from the snapshot, unknown ids, adding and
removing models, the address as state, accessibility and phone width."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from sitegen.catalog import loads
from sitegen.model import Model
from sitegen.formats import usd as format_usd
from tests.conftest import ROOT
from tests.test_browser_index import axe_violations, layout_shifts, open_index, start_using


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


def plain(m: Model) -> bool:
    return m.variant is None and not m.is_alias and not m.has_varying_price and not m.is_free


@pytest.fixture(scope="module")
def trio(models) -> list[Model]:
    """Three models that exercise the calculator: one with tiered prices, one with a cache
    price and no tiers, one with neither."""
    tiered = next(m for m in models if plain(m) and m.tiers and "input_cache_read" in m.prices)
    cached = next(m for m in models if plain(m) and not m.tiers and "input_cache_read" in m.prices)
    simple = next(m for m in models if plain(m) and not m.tiers and "input_cache_read" not in m.prices)
    return [tiered, cached, simple]


def monthly_cost(m: Model, tokens_in: int, tokens_out: int, cached: int, requests: int) -> Decimal:
    """The calculator's rule, in Decimal: cached tokens are part of the input and billed at
    the cache-read price when there is one; the tier is the highest one whose threshold the
    average prompt (input / requests) reaches; a tier's prices replace the base ones it names."""
    prices = dict(m.prices)
    for tier in m.tiers:
        if tokens_in >= tier.min_prompt_tokens * requests:
            prices = {**m.prices, **tier.prices}
    prompt = prices["prompt"]
    return (
        (tokens_in - cached) * prompt
        + cached * prices.get("input_cache_read", prompt)
        + tokens_out * prices["completion"]
        + requests * prices.get("request", Decimal(0))
    )


def column_ids(page) -> list[str]:
    return page.eval_on_selector_all("#compare-table thead th code", "els => els.map(e => e.textContent)")


def costs(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#compare-table tr.cost-row td",
        "tds => tds.map(td => ({exact: td.dataset.exact, text: td.firstChild.textContent, cheapest: td.classList.contains('cheapest')}))",
    )


def open_compare(page, site_url: str, query: str) -> None:
    page.goto(site_url + "compare/" + query)
    page.wait_for_selector("#compare-table thead th, #empty:not([hidden])", state="attached")
    start_using(page)


def check_costs(page, trio: list[Model], usage: tuple[int, int, int, int]) -> list[Decimal]:
    expected = [monthly_cost(m, *usage) for m in trio]
    shown = costs(page)
    assert [Decimal(c["exact"]) for c in shown] == expected
    assert [c["text"] for c in shown] == [format_usd(e) for e in expected]
    assert [c["cheapest"] for c in shown] == [e == min(expected) for e in expected]
    return expected


def test_calculator_matches_exact_decimal_arithmetic(page, site_url, trio):
    ids = ",".join(m.id for m in trio)
    usage = (10_000_000, 2_000_000, 1_500_000, 40)  # 250K-token prompts: the upper tier applies
    open_compare(page, site_url, f"?models={ids}&in={usage[0]}&out={usage[1]}&cached={usage[2]}&req={usage[3]}")
    assert column_ids(page) == [m.id for m in trio]
    assert any(usage[0] >= t.min_prompt_tokens * usage[3] for t in trio[0].tiers)
    check_costs(page, trio, usage)

    # Typing new numbers (in any of the accepted spellings) recomputes at once and lands in the URL.
    page.fill("#c-in", "123,456,789")
    page.fill("#c-out", "2.5k")
    page.fill("#c-cached", "0")
    page.fill("#c-req", "1")
    check_costs(page, trio, (123_456_789, 2_500, 0, 1))
    page.wait_for_function("() => location.search.includes('in=123456789') && location.search.includes('out=2500')")

    page.fill("#c-cached", "999999999")
    assert "cannot be more than the input" in page.inner_text("#calc-error")
    assert page.get_attribute("#c-cached", "aria-invalid") == "false"
    page.fill("#c-cached", "lots")
    assert page.get_attribute("#c-cached", "aria-invalid") == "true"
    assert page.errors == []


def test_fields_are_aligned_and_differences_highlighted(page, site_url, trio):
    open_compare(page, site_url, "?models=" + ",".join(m.id for m in trio))
    rows = page.eval_on_selector_all(
        "#compare-table tbody tr:not(.group)",
        "trs => trs.map(tr => ({label: tr.cells[0].textContent, cells: [...tr.cells].slice(1).map(c => c.textContent), differs: tr.classList.contains('differs')}))",
    )
    assert all(len(r["cells"]) == 3 for r in rows)
    by_label = {r["label"]: r for r in rows}
    assert by_label["Context length"]["cells"] == [f"{m.context_length:,} tokens" + (" (best)" if m.context_length == max(t.context_length for t in trio) else "") for m in trio]
    tokenizers = [m.tokenizer or "—" for m in trio]
    assert by_label["Tokenizer"]["cells"] == tokenizers
    assert by_label["Tokenizer"]["differs"] == (len(set(tokenizers)) > 1)
    assert by_label["Output"]["differs"] == (len({m.output_modalities for m in trio}) > 1)
    assert any(label.startswith("Input") and "per 1M tokens" in label for label in by_label)
    page.check("#only-diff")
    hidden = page.eval_on_selector_all("#compare-table tbody tr[hidden]:not(.group) th", "els => els.map(e => e.textContent)")
    assert hidden and all(not by_label[label]["differs"] for label in hidden)


def test_unknown_ids_are_named_not_dropped(page, site_url, trio):
    open_compare(page, site_url, f"?models={trio[0].id},no-such/model:free,{trio[1].id}")
    assert column_ids(page) == [trio[0].id, trio[1].id]
    warning = page.locator("#unknown")
    assert warning.is_visible()
    assert "no-such/model:free" in warning.inner_text()
    warning.locator("button").click()
    assert page.is_hidden("#unknown")
    assert parse_qs(urlsplit(page.url).query)["models"] == [f"{trio[0].id},{trio[1].id}"]
    assert page.errors == []


def test_adding_and_removing_models_with_back_and_forward(page, site_url, trio):
    open_compare(page, site_url, "")
    assert page.is_visible("#empty")
    page.fill("#add-input", trio[0].id)
    page.click("#add-form button[type=submit]")
    page.fill("#add-input", trio[1].name)  # a name works as well as an id
    page.press("#add-input", "Enter")
    assert column_ids(page) == [trio[0].id, trio[1].id]
    assert parse_qs(urlsplit(page.url).query)["models"] == [f"{trio[0].id},{trio[1].id}"]
    page.fill("#add-input", "zzzz nothing")
    page.press("#add-input", "Enter")
    assert "No model matches" in page.inner_text("#add-message")
    page.click(f'#compare-table thead th:has(code:text-is("{trio[0].id}")) button.remove')
    assert column_ids(page) == [trio[1].id]
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('#compare-table thead th').length === 2")
    assert column_ids(page) == [trio[0].id, trio[1].id]
    page.go_forward()
    page.wait_for_function("() => document.querySelectorAll('#compare-table thead th').length === 1")
    assert column_ids(page) == [trio[1].id]
    assert page.errors == []


def test_journey_cost_of_10m_input_and_2m_output_on_three_models(page, browser, site_url, trio):
    """Done-when #2: from the index, pick three models, ask for 10M in + 2M out, share it."""
    open_index(page, site_url)
    for m in trio:
        page.fill("#q", m.id)
        page.locator(f'#models tbody tr:has(code:text-is("{m.id}")) td.pick input').check()
    page.click("#compare-go")
    page.wait_for_selector("#compare-table thead th")
    assert column_ids(page) == [m.id for m in trio]
    page.fill("#c-in", "10M")
    page.fill("#c-out", "2M")
    page.fill("#c-cached", "0")
    requests = int(page.input_value("#c-req").replace(",", ""))
    expected = check_costs(page, trio, (10_000_000, 2_000_000, 0, requests))
    page.wait_for_function("() => location.search.includes('in=10000000') && location.search.includes('out=2000000')")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("text=Copy link to this comparison")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    other = browser.new_context()
    try:
        friend = other.new_page()
        friend.goto(page.url)
        friend.wait_for_selector("#compare-table tr.cost-row td")
        assert [Decimal(c["exact"]) for c in costs(friend)] == expected
        assert friend.input_value("#c-in") == "10,000,000"
    finally:
        other.close()
    assert page.errors == []


def test_without_javascript_the_page_says_what_it_needs(browser, site_url, trio):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site_url + "compare/?models=" + trio[0].id)
        notice = tab.locator("#needs-js")
        assert notice.is_visible() and "JavaScript" in notice.inner_text()
        assert notice.locator("a").get_attribute("href") == "../"
        assert tab.is_hidden("#app")
    finally:
        context.close()


@pytest.mark.parametrize("query", ["?models=MODELS", ""])
def test_filling_the_comparison_moves_nothing(browser, site_url, trio, query):
    """The page is laid out from the first paint as the script leaves it: the comparison
    (or, with no model named, the suggestions) in place before the data arrives."""
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        tab.goto(site_url + "compare/" + query.replace("MODELS", ",".join(m.id for m in trio)))
        tab.wait_for_selector("#compare-table tr.cost-row td" if query else "#empty:not([hidden])", state="attached")
        assert layout_shifts(tab) == []
    finally:
        context.close()


def test_axe_finds_nothing_on_the_compare_page(page, site_url, trio):
    open_compare(page, site_url, "?models=" + ",".join(m.id for m in trio) + ",gone/model")
    assert axe_violations(page) == []


def test_no_sideways_scrolling_on_a_phone(browser, site_url, trio):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        open_compare(tab, site_url, "?models=" + ",".join(m.id for m in trio) + ",gone/model")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_no_request_leaves_the_site(page, site_url, trio):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_index(page, site_url, "?cap=tools")
    open_compare(page, site_url, "?models=" + ",".join(m.id for m in trio))
    page.wait_for_selector("#compare-table tr.cost-row td")
    assert any(url.endswith("compare.json") for url in requests)
    assert [url for url in requests if not url.startswith(site_url)] == []
    assert page.errors == []


def test_a_model_page_starts_a_comparison(page, site_url, trio):
    page.goto(site_url + trio[1].path)
    page.click("text=Compare with others")
    page.wait_for_selector("#compare-table thead th")
    assert column_ids(page) == [trio[1].id]
    assert page.errors == []


def test_a_model_page_lays_out_its_raw_json_once_opened(page, site_url, trio):
    """The raw JSON is served on one line as the API sent it, and indented once opened."""
    model = trio[0]
    page.goto(site_url + model.path)
    code = page.locator("details.raw code")
    served = code.text_content()
    assert "\n" not in served and json.loads(served) == model.raw
    page.click("details.raw summary")
    page.wait_for_function("() => document.querySelector('details.raw code').textContent.includes('\\n')")
    laid_out = code.text_content()
    assert laid_out == json.dumps(model.raw, ensure_ascii=False, indent=2)
    assert page.errors == []
