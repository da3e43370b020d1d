"""The Changes pages: a page a month with its days to jump to, each day's price changes first
with ▲/▼ and their percentage, float noise folded away, a model that returns "back in the
catalog", models named as they were then, filters by kind and author kept in the address,
and pages short enough to read. Worked out from the bundled log's own strings (and from a
small log made through the real CLI for what the bundled one lacks).
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from conftest import FIXTURES, ROOT, build_site, run_cli
from sitegen.formats import price as format_price
from sitegen.paths import model_path

ORDER = ["repriced", "added", "back", "removed", "changed", "noise"]


def log(data: Path = ROOT / "data") -> list[dict]:
    events = [json.loads(line) for line in (data / "changes.jsonl").read_text(encoding="utf-8").splitlines()]
    return [e for e in events if "provider" not in e]


def page(site: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / rel / "index.html")).getroot()


def words(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def noise(key: str, old: str | None, new: str | None) -> bool:
    """A price change that reads the same once rounded."""
    kind = key.rsplit(".", 1)[-1]
    return old is not None and new is not None and \
        format_price(kind, Decimal(old)) == format_price(kind, Decimal(new))


def percent(old: Decimal, new: Decimal) -> str:
    if old == 0:
        return "from free"
    change = (new - old) / old * 100
    text = str(abs(change).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)).removesuffix(".0")
    return ("+" if change > 0 else "−") + ("<0.1" if abs(change) < Decimal("0.1") else text) + "%"


def expected_kinds(events: list[dict]) -> list[tuple[dict, str]]:
    """Each event after the first fetch with the group it belongs in."""
    first = events[0]["at"]
    removed: set[str] = set()
    found = []
    for e in events:
        changes = e.get("changes") or {}
        if e["kind"] == "added":
            kind = "back" if e["id"] in removed else "added"
        elif e["kind"] == "removed":
            removed.add(e["id"])
            kind = "removed"
        elif any(k.startswith("pricing.") and not noise(k, *v) for k, v in changes.items()):
            kind = "repriced"
        elif any(not k.startswith("pricing.") for k in changes):
            kind = "changed"
        else:
            kind = "noise"
        if not (e["at"] == first and e["kind"] == "added"):
            found.append((e, kind))
    return found


def shown(site: Path, month: str) -> dict[tuple[str, str, str], lxml.html.HtmlElement]:
    """(day, kind, id) -> the item of a month's page."""
    doc = page(site, f"changes/{month}")
    items = {}
    for section in doc.xpath("//section[@data-day]"):
        for li in section.xpath(".//li[@data-kind]"):
            key = (section.get("data-day"), li.get("data-kind"), li.xpath("./code")[0].text)
            assert key not in items, key
            items[key] = li
    return items


def test_a_page_a_month_each_event_once_in_its_group_price_changes_first(site: Path) -> None:
    events = log()
    expected = expected_kinds(events)
    months = sorted({e["at"][:7] for e in events}, reverse=True)
    assert months == ["2026-08", "2026-07", "2025-12"]
    for month in months:
        items = shown(site, month)
        assert sorted(items) == sorted((e["at"][:10], kind, e["id"]) for e, kind in expected
                                       if e["at"].startswith(month)), month
        doc = page(site, f"changes/{month}")
        # Every month is linked, this one marked; its days listed, newest first, to jump to.
        links = doc.xpath("//nav[@class='months']//a")
        assert [a.get("href") for a in links] == [f"../../changes/{m}/" for m in months]
        assert [a.get("href") for a in links if a.get("aria-current") == "page"] == [f"../../changes/{month}/"]
        days = [a.get("href") for a in doc.xpath("//nav[@class='day-list']//a")]
        assert days == [f"#day-{d}" for d in sorted({e["at"][:10] for e, _ in expected
                                                      if e["at"].startswith(month)}, reverse=True)]
        for section in doc.xpath("//section[@data-day]"):
            lists = section.xpath(".//ul[contains(@class, 'changes-')]")
            groups = [ul.get("class").split("changes-")[1] for ul in lists]
            groups = [g for n, g in enumerate(groups) if not n or g != groups[n - 1]]  # a folded group's two lists
            assert groups == [g for g in ORDER if g in groups], section.get("data-day")
    # changes/ is the newest month, with its days.
    newest, latest = page(site, "changes"), page(site, "changes/2026-08")
    assert [words(s) for s in newest.xpath("//section[@data-day]")] == \
        [words(s) for s in latest.xpath("//section[@data-day]")]
    assert "Tracking began: 349 models were listed." in words(page(site, "changes/2025-12"))


def test_each_price_change_has_its_arrow_and_percentage_and_noise_is_folded_away(site: Path) -> None:
    checked = noisy = 0
    for event, kind in expected_kinds(log()):
        if event["kind"] != "changed":
            continue
        li = shown(site, event["at"][:7])[(event["at"][:10], kind, event["id"])]
        said = [words(part) for part in li.xpath("./ul[@class='said']/li")]
        for key, (old, new) in event["changes"].items():
            if not key.startswith("pricing."):
                continue
            if noise(key, old, new):
                noisy += 1
                continue
            if old is None or new is None or Decimal(old) < 0 or Decimal(new) < 0:
                continue
            before, after = Decimal(old), Decimal(new)
            arrow = "▼" if after < before else "▲"
            kind_of = key.rsplit(".", 1)[-1]
            line = next(s for s in said if f"{format_price(kind_of, before)} → {format_price(kind_of, after)}" in s)
            assert line.endswith(f"{arrow} {percent(before, after)}"), (event["id"], key, line)
            checked += 1
        folded = li.xpath("ancestor::details[contains(@class, 'noise')]")
        assert bool(folded) == (kind == "noise"), event["id"]
        # Noise is told only where it is all there is; anywhere else it is left out.
        assert kind == "noise" or not [s for s in said if "unchanged when rounded" in s], event["id"]
    assert checked > 300 and noisy > 15
    item = shown(site, "2026-08")[("2026-08-08", "noise", "google/gemini-2.5-flash")]
    assert "unchanged when rounded" in words(item)


def test_past_events_name_the_model_as_it_was_named_then(site: Path) -> None:
    kinds = expected_kinds(log())
    renamed = [(e, kind) for e, kind in kinds if "name" in (e.get("changes") or {})]
    assert len(renamed) >= 10
    for event, kind in renamed:
        old, new = event["changes"]["name"]
        for e, earlier in kinds:
            if e["id"] == event["id"] and e["at"] < event["at"]:
                li = shown(site, e["at"][:7])[(e["at"][:10], earlier, e["id"])]
                assert li.xpath("./a")[0].text == old, (e["id"], e["at"])
        li = shown(site, event["at"][:7])[(event["at"][:10], kind, event["id"])]
        assert li.xpath("./a")[0].text == new  # the renaming itself, under the new name
    grok = shown(site, "2026-07")
    assert grok[("2026-07-17", "added", "x-ai/grok-4.20")].xpath("./a")[0].text == "xAI: Grok 4.20"


# ---------------------------------------------------------------------------------------
# A small log made through the CLI: a model that leaves and comes back, a price rise and
# float noise.


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    records = {r["id"]: r for r in json.loads((FIXTURES / "openrouter-models-2026-08-08.json").read_bytes())["data"]}
    a, b, c, d = (copy.deepcopy(records[i]) for i in ("meta/muse-spark-1.2", "qwen/qwen3.8-max",
                                                      "thinkingmachines/inkling-small", "qwen/qwen3.7-flash"))
    steps = [("2026-05-01", [a, b, c, d]), ("2026-06-10", [a, b, c]), ("2026-06-20", [a, b, c, d])]
    a2, b2 = copy.deepcopy(a), copy.deepcopy(b)
    a2["pricing"]["prompt"] = "0.000001875"  # +50%
    b2["pricing"]["prompt"] = "0.0000020000000000001"  # float noise
    steps[1] = ("2026-06-10", [a2, b2, c])
    steps[2] = ("2026-06-20", [a2, b2, c, d])
    data = root / "data"
    for day, models in steps:
        source = root / f"{day}.json"
        source.write_text(json.dumps({"data": models}), encoding="utf-8")
        result = run_cli("fetch", "--source", str(source), "--data", str(data), "--at", day, "--allow-shrink")
        assert result.returncode == 0, result.stderr
    return build_site(root / "site", "--data", str(data))


def test_a_model_that_returns_is_back_in_the_catalog(small_site: Path) -> None:
    items = shown(small_site, "2026-06")
    assert set(items) == {("2026-06-10", "removed", "qwen/qwen3.7-flash"),
                          ("2026-06-20", "back", "qwen/qwen3.7-flash"),
                          ("2026-06-10", "repriced", "meta/muse-spark-1.2"),
                          ("2026-06-10", "noise", "qwen/qwen3.8-max")}
    back = items[("2026-06-20", "back", "qwen/qwen3.7-flash")]
    assert back.xpath("./a")[0].text == "Qwen: Qwen3.7 Flash"
    assert back.xpath("./a/@href") == ["../../" + model_path("qwen/qwen3.7-flash")]
    doc = page(small_site, "changes/2026-06")
    heads = [words(h) for h in doc.xpath("//section[@data-day='2026-06-20']//h3")]
    assert heads == ["Back in the catalog 1"]
    rise = words(items[("2026-06-10", "repriced", "meta/muse-spark-1.2")])
    assert rise.endswith("input $1.25 → $1.88 ▲ +50%")
    folded = doc.xpath("//section[@data-day='2026-06-10']//details[contains(@class, 'noise')]")
    assert len(folded) == 1 and "1 change of float noise only" in words(folded[0].xpath("./summary")[0])
    assert "Tracking began: 4 models were listed." in words(page(small_site, "changes/2026-05"))
    assert [words(a) for a in doc.xpath("//nav[@class='month-pager']/a")] == ["← May 2026"]


# ---------------------------------------------------------------------------------------
# In a browser: filters in the address, and pages short enough to read


def visible(tab) -> list[tuple[str, str]]:
    return [tuple(pair) for pair in tab.eval_on_selector_all(
        "li[data-kind]", "els => els.filter(e => e.checkVisibility()).map(e => [e.dataset.kind, e.dataset.author])")]


def test_filters_by_kind_and_author_live_in_the_address(site: Path, site_url: str, page) -> None:
    expected = Counter((kind, e["id"].lstrip("~").split("/")[0]) for e, kind in expected_kinds(log())
                       if e["at"].startswith("2026-07"))
    page.goto(site_url + "changes/2026-07/?kind=repriced&author=openai")
    page.wait_for_selector("#change-filters:not([hidden])")
    found = visible(page)
    assert found and set(found) == {("repriced", "openai")} and len(found) == expected[("repriced", "openai")]
    assert "Showing" in page.inner_text("#change-shown")
    # The other months keep the filters; a day with none of them is not offered.
    for href in page.eval_on_selector_all("a[data-month]", "els => els.map(a => a.href)"):
        assert parse_qs(urlsplit(href).query) == {"kind": ["repriced"], "author": ["openai"]}
    page.select_option("select[name='kind']", "")
    page.wait_for_function("() => !location.search.includes('kind=')")
    assert parse_qs(urlsplit(page.url).query) == {"author": ["openai"]}
    found = visible(page)
    assert len(found) == sum(n for (kind, author), n in expected.items() if author == "openai")
    page.select_option("select[name='author']", "")
    page.wait_for_function("() => location.search === ''")
    assert page.inner_text("#change-shown") == ""
    page.select_option("select[name='kind']", "back")  # none this month
    assert page.is_visible("#change-none") and visible(page) == []
    assert page.eval_on_selector_all(".day-list li", "els => els.filter(e => !e.hidden).length") == 0
    assert page.errors == []


def test_without_script_everything_is_listed(site: Path) -> None:
    doc = page(site, "changes/2026-07")
    assert doc.get_element_by_id("change-filters").get("hidden") is not None
    in_july = [e for e, _ in expected_kinds(log()) if e["at"].startswith("2026-07")]
    assert len(doc.xpath("//li[@data-kind]")) == len(in_july)


@pytest.mark.parametrize("width", [1280, 390])
def test_every_changes_page_is_short_enough_to_read(site_url: str, browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    try:
        for rel in ["changes/", "changes/2026-08/", "changes/2026-07/", "changes/2025-12/"]:
            tab.goto(site_url + rel)
            height = tab.evaluate("document.documentElement.scrollHeight")
            assert height < (7_000 if width > 1000 else 14_000), (rel, height)
            assert tab.evaluate("document.documentElement.scrollWidth") <= width, rel
    finally:
        context.close()
