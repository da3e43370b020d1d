"""Benchmark results: validated where records are read, shown on the model pages with their
sources, as columns of the index (sorted best first) and as rows of the comparison. Expected
values come from the bundled snapshot's raw records, never from the site's own code."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from sitegen import catalog as cat
from sitegen.model import Model
from sitegen.paths import model_path
from tests.conftest import ROOT
from tests.test_browser_index import expected_order, every_id, open_index, query
from tests.test_catalog import good

RECORDS = json.loads((ROOT / "data" / "models.json").read_text(encoding="utf-8"))["data"]
INDICES = {"intelligence": "intelligence_index", "coding": "coding_index", "agentic": "agentic_index"}


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return cat.loads((ROOT / "data" / "models.json").read_bytes()).models


def raw_score(model_id: str, key: str) -> float | None:
    record = next(r for r in RECORDS if r["id"] == model_id)
    return ((record.get("benchmarks") or {}).get("artificial_analysis") or {}).get(INDICES[key])


def test_the_snapshot_carries_benchmarks_for_many_models(models):
    assert sum(1 for m in models if m.scores) == 154
    assert sum(1 for r in RECORDS if (r.get("benchmarks") or {}).get("design_arena")) == sum(1 for m in models if m.arena)
    for m in models:
        for key in INDICES:
            assert m.scores.get(key) == raw_score(m.id, key)


def test_absurd_benchmark_values_are_dropped_and_the_model_kept():
    arena = [
        {"arena": "models", "category": "website", "elo": 1337, "win_rate": 58, "rank": 3},
        {"arena": "models", "category": "website", "elo": 1200, "win_rate": 40, "rank": 9},  # the same again
        {"arena": "models", "category": "svg", "elo": 1e9, "win_rate": 50, "rank": 1},  # no such ELO
        {"arena": "models", "category": "logo", "elo": 1250, "win_rate": 50, "rank": 0},  # ranks start at 1
        {"arena": "models", "category": "3d", "elo": 1250, "win_rate": 500, "rank": 2.5},
        {"arena": "models", "category": "image", "elo": "1250", "rank": 4},
        {"arena": "", "category": "dataviz", "elo": 1250, "rank": 4},
        {"arena": "agents", "category": "webapps", "elo": 1190.5, "win_rate": 700, "rank": 12},  # win rate dropped
        "not an entry",
    ]
    record = good("bench/model", benchmarks={
        "artificial_analysis": {"intelligence_index": 101, "coding_index": -3, "agentic_index": True},
        "design_arena": arena})
    odd = good("bench/odd", benchmarks={"artificial_analysis": [1, 2], "design_arena": {"rank": 1}})
    fine = good("bench/fine", benchmarks={"artificial_analysis": {"intelligence_index": 0, "coding_index": 99.5}})
    parsed = cat.parse_records([record, odd, fine])
    assert parsed.warnings == []
    by_id = parsed.by_id()
    assert by_id["bench/model"].scores == {} and by_id["bench/odd"].scores == {} and by_id["bench/odd"].arena == ()
    assert by_id["bench/fine"].scores == {"intelligence": 0.0, "coding": 99.5}
    assert [(r.arena, r.category, r.elo, r.win_rate, r.rank) for r in by_id["bench/model"].arena] == [
        ("models", "website", 1337.0, 58.0, 3), ("agents", "webapps", 1190.5, None, 12)]


def model_page(site: Path, model_id: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / model_path(model_id) / "index.html").read_bytes())


def test_a_model_page_shows_its_benchmarks_and_names_their_sources(site: Path, models):
    m = next(m for m in models if m.scores and m.arena and len(m.scores) == 3)
    tree = model_page(site, m.id)
    (section,) = tree.xpath('//section[@aria-labelledby="benchmarks"]')
    scores = {dt.text_content(): dd.text_content() for dt, dd in
              zip(section.xpath(".//dl/div/dt"), section.xpath(".//dl/div/dd"))}
    assert scores == {f"{key.capitalize()} index": f"{raw_score(m.id, key):.1f} of 100" for key in INDICES}
    links = section.xpath(".//a/@href")
    assert "https://artificialanalysis.ai/" in links and "https://www.designarena.ai/" in links
    record = next(r for r in RECORDS if r["id"] == m.id)
    entries = record["benchmarks"]["design_arena"]
    rows = section.xpath(".//table//tbody/tr")
    assert len(rows) == len(entries)
    shown = sorted((r.xpath("string(td[1])"), r.xpath("string(td[2])")) for r in rows)
    assert shown == sorted((f"#{e['rank']}", str(e["elo"])) for e in entries)
    assert any(row.xpath("string(th)") == "Website" for row in rows)
    for table in section.xpath(".//table"):  # best rank first on each leaderboard
        ranks = [int(r.xpath("string(td[1])")[1:]) for r in table.xpath("tbody/tr")]
        assert ranks == sorted(ranks)
    plain = next(m for m in models if not m.scores and not m.arena)
    assert not model_page(site, plain.id).xpath('//section[@aria-labelledby="benchmarks"]')


def test_the_index_serves_the_scores_in_their_columns(site: Path, models):
    tree = lxml.html.fromstring((site / "index.html").read_bytes())
    heads = tree.xpath('//table[@id="models"]/thead/tr/th')
    keys = [th.get("data-sort") for th in heads]
    for key in INDICES:
        assert heads[keys.index(key)].get("data-high-first") == ""
    for row, m in zip(tree.xpath('//table[@id="models"]/tbody/tr'), models):
        for key in INDICES:
            cell = row[keys.index(key)]
            raw = raw_score(m.id, key)
            assert cell.get("data-v") == (None if raw is None else str(float(raw)))
            assert cell.text_content() == ("—" if raw is None else f"{raw:.1f}")


@pytest.mark.parametrize("key", list(INDICES))
def test_sorting_by_an_index_puts_the_highest_first_and_the_unscored_last(page, site_url, models, key):
    open_index(page, site_url, f"?sort={key}")
    assert page.get_attribute(f'th[data-sort="{key}"]', "aria-sort") == "descending"
    assert every_id(page) == expected_order(models, lambda m: raw_score(m.id, key), descending=True)
    page.locator(f'th[data-sort="{key}"] button').click()  # and the other way
    assert query(page)["sort"] == ["-" + key]
    assert page.get_attribute(f'th[data-sort="{key}"]', "aria-sort") == "ascending"
    assert every_id(page) == expected_order(models, lambda m: raw_score(m.id, key), descending=False)
    assert page.errors == []


def test_the_comparison_has_a_row_per_index_with_the_best_marked(page, site_url, models):
    scored = sorted((m for m in models if len(m.scores) == 3 and m.variant is None), key=lambda m: m.id)[:3]
    page.goto(site_url + "compare/?models=" + ",".join(m.id for m in scored))
    page.wait_for_selector("#compare-table thead th")
    for key in INDICES:
        row = page.locator(f'#compare-table tbody tr:has(th:text-is("{key.capitalize()} index"))')
        cells = row.locator("td").all_text_contents()
        values = [raw_score(m.id, key) for m in scored]
        assert [c.replace(" (best)", "") for c in cells] == [f"{v:.1f}" for v in values]
        best = [i for i, c in enumerate(cells) if "(best)" in c]
        assert best == ([i for i, v in enumerate(values) if v == max(values)] if len(set(values)) > 1 else [])
    assert page.errors == []
