"""The index of a catalog larger than it serves as HTML: light, every model reachable by
plain links, and the finder working over the whole catalog in a real browser.

A synthetic catalog of 3,000 models (bench/synth.py) is built once through the real CLI.
The index serves the newest ``INDEX_ROWS`` of them; ``all/`` pages list the rest and the
finder loads ``finder.json``.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from sitegen.catalog import loads
from sitegen.model import Model
from sitegen.paths import model_path
from sitegen.charts import price_context
from sitegen.listings import DATA_FILE, INDEX_ROWS, LIST_ROWS
from conftest import ROOT, build_site, served

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

SIZE = 3_000
BUDGET = 1_500_000  # bytes of index HTML, at any catalog size


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "models.json"
    path.write_bytes(synth.dumps(synth.generate(SIZE, seed=5)))
    return path


@pytest.fixture(scope="module")
def models(catalog_file: Path) -> list[Model]:
    return loads(catalog_file.read_bytes()).models


@pytest.fixture(scope="module")
def large_site(catalog_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("large-site") / "_site", "--catalog", str(catalog_file))


@pytest.fixture(scope="module")
def large_url(large_site: Path):
    with served(large_site) as url:
        yield url


def test_index_serves_the_newest_rows_within_budget(large_site: Path, models):
    html = (large_site / "index.html").read_bytes()
    assert len(html) < BUDGET
    index = lxml.html.fromstring(html)
    table = index.get_element_by_id("models")
    assert [r.xpath("string(th/code)") for r in table.xpath("tbody/tr")] == [m.id for m in models[:INDEX_ROWS]]
    assert table.get("data-src") == DATA_FILE and table.get("data-total") == str(SIZE)
    assert len(index.xpath('//svg[contains(@class, "chart-svg")]//g[@class="points"]/a')) <= 1200
    pager = index.xpath('//nav[@class="pager"]//a/@href')
    assert pager == ["all/"] + [f"all/{n}/" for n in range(2, -(-SIZE // LIST_ROWS) + 1)]


def test_every_model_is_reachable_from_the_index_by_plain_links(large_site: Path, models):
    """Follow <a href> from the index through every page but model pages, whose own links
    are not needed: each model page must be among the pages reached."""
    base = "http://site.test/"
    seen = {""}
    queue = deque([""])
    while queue:
        path = queue.popleft()
        file = large_site / path / "index.html" if path == "" or path.endswith("/") else large_site / path
        if path.startswith("models/") or file.suffix != ".html":
            continue
        for href in lxml.html.fromstring(file.read_bytes()).xpath("//a/@href"):
            url = urlsplit(urljoin(base + path, href))
            if url.netloc != "site.test" or not url.path.endswith("/"):
                continue
            target = url.path[1:]
            if target not in seen and (large_site / target / "index.html").is_file():
                seen.add(target)
                queue.append(target)
    missing = [m.id for m in models if m.path not in seen]
    assert missing == []


def test_all_pages_list_every_model_once_in_order(large_site: Path, models):
    ids: list[str] = []
    for n in range(1, -(-SIZE // LIST_ROWS) + 1):
        page = lxml.html.fromstring((large_site / ("all" if n == 1 else f"all/{n}") / "index.html").read_bytes())
        rows = page.xpath('//table[contains(@class, "models")]/tbody/tr')
        assert len(rows) <= LIST_ROWS
        for row in rows:
            href = row.xpath("th/a/@href")[0]
            assert (large_site / ("all/" if n == 1 else f"all/{n}/") / href / "index.html").resolve().is_file()
        ids += [r.xpath("string(th/code)") for r in rows]
        assert page.xpath('//a[@aria-current="page"]/text()')[0] == str(n)
    assert ids == [m.id for m in models]


def test_finder_data_matches_the_served_rows(large_site: Path, models):
    data = json.loads((large_site / DATA_FILE).read_text())
    assert [row[0] for row in data["rows"]] == [m.id for m in models]
    index = lxml.html.fromstring((large_site / "index.html").read_bytes())
    assert [c["key"] for c in data["columns"]] == [th.get("data-sort") for th in index.xpath(
        '//table[@id="models"]/thead/tr/th[@data-sort]')]
    keys = [th.get("data-sort") for th in index.xpath('//table[@id="models"]/thead/tr/th')]
    for tr, row in zip(index.xpath('//table[@id="models"]/tbody/tr'), data["rows"]):
        f = dict(zip(data["fields"], row))
        cell = dict(zip(keys, tr))
        assert tr.xpath("th/a/@href")[0] == f["path"] == model_path(f["id"])
        assert tr.xpath("string(th/a)") == f["name"] and tr.get("data-k") == f["words"]
        author = cell["author"]
        assert author.xpath("a/@href") == [data["authors"][f["author"]]]
        assert author.text_content() == data["author_names"][f["author"]]
        assert (cell["context"].get("data-v"), cell["context"].text_content()) == (str(f["context"]), f["context_text"])
        assert (cell["input"].get("data-v"), cell["input"].text_content()) == (f["input"], f["input_text"])
        assert (cell["output"].get("data-v"), cell["output"].text_content()) == (f["output"], f["output_text"])
        assert (cell["providers"].get("data-v"), cell["cheapest"].get("data-v")) == (str(f["providers"]), f["cheapest"])
        assert (cell["reads"].text_content(), cell["writes"].text_content(), cell["caps"].get("data-v")) == (
            f["reads"], f["writes"], f["caps"])
        assert cell["added"].get("data-v") == str(f["added"])
        for key in ("intelligence", "coding", "agentic"):
            assert (cell[key].get("data-v") or "", cell[key].text_content()) == (str(f[key]), f[key + "_text"])


def test_a_thinned_chart_still_counts_every_model(models):
    full = price_context(models, limit=10**9)
    thin = price_context(models, limit=300)
    assert len(thin.points) <= max(300, len(full.frontier)) < len(full.points)
    assert thin.plotted == full.plotted == len(full.points)
    assert sum(1 + p.others for p in thin.points) == len(full.points)
    assert {p.model.id for p in full.frontier} <= {p.model.id for p in thin.points}


# ---------------------------------------------------------------------------------------
# In Chromium


def visible_ids(page) -> list[str]:
    return page.eval_on_selector_all("#models tbody tr:not([hidden]) th code", "els => els.map(e => e.textContent)")


def wait_for_the_catalog(page) -> None:
    """Wait until the finder has loaded the whole catalog and shows its view."""
    page.wait_for_selector("#filters:not([hidden])")
    page.keyboard.press("Shift")  # without a view in the address, the catalog loads on first use
    page.wait_for_function("() => /^(All|Showing) /.test(document.getElementById('shown').textContent)")


def test_finder_finds_a_model_the_index_does_not_serve(page, large_url, models):
    old = models[-1]  # the oldest: far outside the served rows
    page.goto(large_url)
    wait_for_the_catalog(page)
    assert page.inner_text("#shown").startswith(f"All {SIZE} models")
    assert len(visible_ids(page)) == INDEX_ROWS
    page.fill("#q", old.id)
    page.wait_for_function("() => location.search.includes('q=')")
    page.wait_for_function("n => document.querySelectorAll('#models tbody tr').length < n", arg=INDEX_ROWS)
    assert old.id in visible_ids(page)
    row = page.locator(f'#models tbody tr:has(code:text-is("{old.id}"))')
    assert row.locator("th a").get_attribute("href") == old.path
    assert row.locator("td").all_inner_texts()[1] == page.inner_text(  # after the pick box: its author's name
        f'select[name="author"] option[value="{old.author}"]').rsplit(" (", 1)[0]
    row.locator("td.pick input").check()
    assert page.locator("#compare-go").inner_text() == "Compare (1)"
    page.reload()
    wait_for_the_catalog(page)
    assert old.id in visible_ids(page)
    assert page.errors == []


def test_filters_and_sorting_cover_the_whole_catalog(page, large_url, models):
    per_million = {m.id: m.prompt_price * 1_000_000 for m in models if m.prompt_price is not None and m.prompt_price >= 0}
    author = models[-1].author
    expected = [m.id for m in models if m.author == author]
    page.goto(large_url + f"?author={author}&sort=input")
    wait_for_the_catalog(page)
    ids = visible_ids(page)
    assert 0 < len(expected) <= INDEX_ROWS
    assert sorted(ids) == sorted(expected)
    priced = [i for i in ids if i in per_million]
    assert [per_million[i] for i in priced] == sorted(per_million[i] for i in priced)
    assert page.inner_text("#shown").startswith(f"Showing {len(expected)} of {SIZE}")
    page.goto(large_url + "?sort=-context")
    wait_for_the_catalog(page)
    top = max((m.context_length or 0) for m in models)
    first = page.eval_on_selector("#models tbody tr td.num", "td => td.dataset.v")
    assert int(first) == top
    more = page.locator("button.more")
    assert more.is_visible()
    more.click()
    assert len(visible_ids(page)) == 2 * INDEX_ROWS
    assert page.errors == []


def test_without_javascript_the_pages_lead_to_every_model(browser, large_url, models):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(large_url)
        assert tab.locator("#models tbody tr").count() == INDEX_ROWS
        tab.locator('nav.pager a:text-is("2")').first.click()
        assert tab.url.endswith("/all/2/")
        first = models[LIST_ROWS]
        assert tab.locator("table.models tbody tr th code").first.inner_text() == first.id
        tab.locator("table.models tbody tr th a").first.click()
        assert tab.url.endswith("/" + first.path)
    finally:
        context.close()


def test_prices_in_the_data_are_exact(large_site: Path, models):
    data = json.loads((large_site / DATA_FILE).read_text())
    for row, m in zip(data["rows"], models):
        value = dict(zip(data["fields"], row))["input"]
        if value:
            assert Decimal(value) == m.prompt_price * 1_000_000
