"""The finder's build-time parts, read back from the built site with a parser: the index
rows the script works from, the price/context chart, and compare.json."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest

from sitegen import formats
from sitegen.catalog import loads
from sitegen.model import Model
from sitegen.paths import author_path, model_path
from sitegen.prices import PRICE_KINDS, TOKEN_UNIT
from sitegen.charts import price_context
from sitegen.columns import COLUMNS, FIELDS, search_words
from sitegen.listings import DATA_FILE, INDEX_ROWS
from tests.conftest import ROOT

MILLION = Decimal(1_000_000)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


@pytest.fixture(scope="module")
def index(site: Path):
    return lxml.html.fromstring((site / "index.html").read_bytes())


def test_the_newest_models_are_rows_with_exact_sort_values(index, models):
    rows = index.xpath('//table[@id="models"]/tbody/tr')
    assert len(models) > INDEX_ROWS
    assert [r.xpath("string(th/code)") for r in rows] == [m.id for m in models[:INDEX_ROWS]]
    for row, m in zip(rows, models):
        box = row.xpath('td[@class="pick"]/input')[0]  # shown when the finder's script runs
        assert (box.get("type"), box.get("value"), box.get("aria-label")) == ("checkbox", m.id, f"Compare {m.name}")
        cells = dict(zip((c.key for c in COLUMNS[1:]), row.xpath('td[not(@class="pick")]')))
        context, prompt, completion = (cells[key].get("data-v") for key in ("context", "input", "output"))
        assert context == (str(m.context_length) if m.context_length else "")
        for value, price in ((prompt, m.prompt_price), (completion, m.completion_price)):
            assert (Decimal(value) == price * MILLION) if value else (price is None or price < 0)
        assert cells["added"].get("data-v") == str(m.created)
        assert set(cells["caps"].get("data-v").split()) == set(m.capabilities())
        assert row.get("data-k") == search_words(m)
        assert cells["author"].xpath("a/@href") == [author_path(m.author)]


def test_rows_stay_light(site: Path, models):
    """Each row carries its cells (19 of them, 4 hidden unless chosen) and a few search
    words, never the whole description."""
    html = (site / "index.html").read_text()
    body = html[html.index("<tbody>"): html.index("</tbody>")]
    assert len(body) / body.count("<tr") < 1_250  # 1,100 before the four columns shown on request
    assert all(len(search_words(m).split()) <= 12 for m in models)


@pytest.mark.data
def test_finder_data_holds_every_model_and_the_index_links_it(site: Path, index, models):
    data = json.loads((site / DATA_FILE).read_text())
    assert data["fields"] == list(FIELDS)
    rows = [dict(zip(FIELDS, row)) for row in data["rows"]]
    assert [row["id"] for row in rows] == [m.id for m in models]
    assert [row["path"] for row in rows] == [m.path for m in models]
    assert [row["words"] for row in rows] == [search_words(m) for m in models]
    table = index.get_element_by_id("models")
    assert table.get("data-src") == DATA_FILE and table.get("data-total") == str(len(models))
    # Sorting is the script's: served disabled, so the header is the same with or without it.
    assert len(index.xpath('//table[@id="models"]/thead//button[@class="sort"][@disabled]')) == len(COLUMNS) > 9


@pytest.mark.data
def test_finder_data_carries_what_the_new_columns_and_filters_need(site: Path, index, models):
    data = json.loads((site / DATA_FILE).read_text())
    rows = [dict(zip(FIELDS, row)) for row in data["rows"]]
    assert len(set(data["params"])) == len(data["params"])
    for row, params, m in zip(rows, data["model_params"], models, strict=True):
        assert row["maxout"] == (m.max_completion_tokens or "")
        cache = m.prices.get("input_cache_read")
        assert (Decimal(row["cache"]) == cache * MILLION) if row["cache"] else (cache is None or cache < 0)
        assert row["cache_text"] == formats.price("input_cache_read", cache)
        assert (row["cutoff"], row["tokenizer"]) == (m.knowledge_cutoff or "", m.tokenizer or "")
        assert {data["params"][i] for i in params} == set(m.supported_parameters) and params == sorted(set(params))
    # Indexes into the parameters, the most common first, keep the rows short.
    counts = [sum(i in params for params in data["model_params"]) for i in range(len(data["params"]))]
    assert counts == sorted(counts, reverse=True)
    # The filters offer every parameter and tokenizer the models have, with their counts.
    offered = index.xpath('//select[@name="param"]/option[@value!=""]')
    assert {o.get("value"): o.text for o in offered} == {
        name: f"{name} ({n})" for name, n in zip(data["params"], counts)}
    tokenizers = index.xpath('//select[@name="tok"]/option[@value!=""]/@value')
    assert tokenizers == sorted({m.tokenizer for m in models if m.tokenizer})


def test_columns_not_shown_by_default_are_served_hidden(index):
    head = index.xpath('//table[@id="models"]/thead/tr/th[@data-sort]')
    assert [th.get("data-sort") for th in head] == [c.key for c in COLUMNS]
    chooser = index.xpath('//details[@class="columns"]//input[@name="cols"]')
    assert [(box.get("value"), box.get("checked") is not None) for box in chooser] == [
        (c.key, c.shown) for c in COLUMNS[1:]]
    for row in index.xpath('//table[@id="models"]/tbody/tr')[:5]:
        cells = row.xpath("th|td[not(@class='pick')]")
        for c, th, td in zip(COLUMNS, head, cells, strict=True):
            hidden = "off" in (th.get("class") or "").split()
            assert hidden == ("off" in (td.get("class") or "").split()) == (not c.shown), c.key


def test_search_words_skip_what_the_name_already_says(models):
    m = next(m for m in models if m.description)
    words = search_words(m).split()
    assert len(words) == len(set(words))
    name_words = set(f"{m.name} {m.id}".lower().replace("/", " ").replace(":", " ").split())
    assert not name_words & set(words)


def test_filter_choices_come_from_the_data(index, models):
    reads = index.xpath('//form[@id="filters"]//input[@name="in"]/@value')
    assert set(reads) == {x for m in models for x in m.input_modalities} - {"text"}
    authors = index.xpath('//select[@name="author"]/option/@value')[1:]
    assert sorted(authors) == sorted({m.author for m in models})
    assert index.xpath('//form[@id="filters"]/@hidden') == [""]  # shown by the script only


def test_chart_points_link_to_their_models_on_log_scales(site: Path, index, models):
    svg = index.xpath('//svg[contains(@class, "chart-svg")]')[0]
    assert svg.xpath("title") and svg.xpath("desc")
    assert "#all-models" in svg.xpath("ancestor::figure//figcaption//a/@href")
    assert svg.get("aria-labelledby") == "chart-title" and svg.get("aria-describedby") == "chart-desc"
    drawn = [m for m in models if m.prompt_price and m.prompt_price > 0 and m.context_length]
    links = svg.xpath('.//g[@class="points"]/a')
    assert len(links) == len(drawn)
    by_path = {m.path: m for m in drawn}
    points = []
    for a in links:
        model = by_path[a.get("href")]
        assert (site / a.get("href") / "index.html").is_file()
        assert model.name in a.xpath("string(title)")
        circle = a.xpath("circle")[0]
        points.append((model, float(circle.get("cx")), float(circle.get("cy"))))
    # Log scales: equal ratios are equal distances (up to rounding to whole units).
    (m1, x1, _), (m2, x2, _) = min(points, key=lambda p: p[1]), max(points, key=lambda p: p[1])
    per_decade = (x2 - x1) / math.log10(m2.context_length / m1.context_length)
    for model, x, _ in points:
        assert abs(x - (x1 + per_decade * math.log10(model.context_length / m1.context_length))) <= 1.5
    for (a, _, ya), (b, _, yb) in zip(points, points[1:]):
        if a.prompt_price < b.prompt_price:
            assert ya >= yb  # dearer is higher up
    assert index.xpath('//*[@style]') == []


def test_frontier_is_the_cheapest_for_each_context_and_up(models):
    chart = price_context(models)
    assert chart.frontier
    for point in chart.frontier:
        rivals = [p for p in chart.points if p.model.context_length >= point.model.context_length]
        assert point.price == min(p.price for p in rivals)
    skipped = chart.free + chart.varies + chart.no_context
    assert skipped + len(chart.points) == len(models)


@pytest.mark.data
def test_compare_json_has_exact_prices_and_every_model(site: Path, models):
    data = json.loads((site / "compare.json").read_text())
    assert [m["id"] for m in data["models"]] == [m.id for m in models]
    assert [k["key"] for k in data["price_kinds"]] == list(PRICE_KINDS)
    for record, m in zip(data["models"], models):
        assert (site / record["path"] / "index.html").is_file()
        for key, price in m.prices.items():
            exported = record["prices"][key]
            if price < 0:
                assert exported is None
            else:
                unit = PRICE_KINDS.get(key, ("", TOKEN_UNIT))[1]
                assert Decimal(exported) == (price * MILLION if unit == TOKEN_UNIT else price)
        assert [t["min"] for t in record["tiers"]] == [t.min_prompt_tokens for t in m.tiers]


def test_compare_page_works_without_a_query_and_links_its_data(site: Path):
    page = lxml.html.fromstring((site / "compare" / "index.html").read_bytes())
    app = page.get_element_by_id("app")
    assert app.get("data-src") == "../compare.json" and app.get("hidden") == ""
    assert page.get_element_by_id("needs-js").xpath("a/@href") == ["../"]
    assert page.xpath('//script/@src') == ["../static/js/has-js.js", "../static/js/cost.js",
                                                "../static/js/compare.js", "../static/js/site.js"]
    assert page.xpath('//*[@style]') == []
    example = page.get_element_by_id("example").get("href")
    ids = example.removeprefix("?models=").split(",")
    assert len(ids) == 3 and all((site / model_path(i) / "index.html").is_file() for i in ids)


def test_model_pages_link_their_author(site: Path, models):
    m = models[0]
    page = lxml.html.fromstring((site / m.path / "index.html").read_bytes())
    assert f"../../../authors/{m.author}/" in page.xpath("//a/@href")
