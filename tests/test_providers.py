"""Who serves each model, as the built site shows it: the Providers section of the model
pages, a page and a feed per provider, the index's provider columns and compare.json.

Expected values are worked out here with Decimal from the raw answers of the endpoints API
(tests/fixtures/endpoints/endpoints-2026-08-08.json, the answers behind the bundled
data/endpoints.json) and from data/changes.jsonl, never read back from sitegen.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import feedparser
import lxml.html

from conftest import FIXTURES, HOSTILE_NAME, ROOT
from sitegen.paths import encode_path, model_path
from test_site import assert_shown

RAW = FIXTURES / "endpoints" / "endpoints-2026-08-08.json"
MILLION = Decimal(1_000_000)
BASE = "http://127.0.0.1:8000/"
PRICE_CELLS = {"prompt": "Input /1M", "completion": "Output /1M", "input_cache_read": "Cache read /1M"}


@cache
def raw() -> dict[str, list[dict[str, Any]]]:
    """Model id -> the endpoint records the API sent."""
    return {model: body["data"]["endpoints"] for model, body in json.loads(RAW.read_bytes()).items()}


@cache
def listed() -> dict[str, str]:
    """The catalog's models: id -> name."""
    return {m["id"]: m["name"] for m in json.loads((ROOT / "data" / "models.json").read_bytes())["data"]}


def slug(tag: str) -> str:
    return tag.split("/")[0]


def terms(record: dict[str, Any]) -> str:
    """What makes two records of one tag two endpoints: their terms, not their measurements."""
    pricing = {k: v for k, v in record["pricing"].items() if k != "discount"}
    kept = ("quantization", "context_length", "max_completion_tokens", "max_prompt_tokens")
    return json.dumps([record["tag"], pricing, *(record.get(k) for k in kept)], sort_keys=True)


def distinct(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The endpoints a page shows: a tag listed twice on the same terms (two regions of one
    provider) is one endpoint, the first listed."""
    seen: dict[str, dict[str, Any]] = {}
    for record in records:
        seen.setdefault(terms(record), record)
    return list(seen.values())


def rows(site: Path, model_id: str) -> list[Any]:
    page = lxml.html.fromstring((site / model_path(model_id) / "index.html").read_bytes())
    return page.xpath('//section[h2[@id="providers"]]//table[contains(@class, "endpoints")]/tbody/tr')


def cell(row: Any, label: str) -> Any:
    found = row.xpath(f'td[@data-label="{label}"]')
    return found[0] if found else None


def text(element: Any) -> str:
    return " ".join(element.text_content().split())


def per_million(raw_price: str) -> str:
    return format((Decimal(raw_price) * MILLION).normalize(), "f")


def test_every_endpoint_has_its_row_with_its_exact_prices(site: Path) -> None:
    checked = 0
    for model_id, records in raw().items():
        if model_id not in listed():
            continue
        shown = rows(site, model_id)
        assert len(shown) == len(distinct(records)), model_id
        heads = [text(th) for th in shown[0].getparent().getparent().xpath("thead/tr/th")][1:]
        for row in shown:  # each cell under the head of its column
            labels = [td.get("data-label") for td in row.findall("td")]
            assert len(labels) == len(heads) and all(h.startswith(label) for h, label in zip(heads, labels))
        by_tag = defaultdict(list)
        for row in shown:
            by_tag[row.get("data-key").split("#")[0]].append(row)
        for record in records:
            candidates = by_tag[record["tag"]]
            assert candidates, (model_id, record["tag"])
            row = next((r for r in candidates if cell(r, "Input /1M").get("data-v") == per_million(
                record["pricing"]["prompt"])), None)
            assert row is not None, (model_id, record["tag"], record["pricing"])
            assert text(row.find("th/a")) == record["provider_name"]
            assert row.find("th/a").get("href").endswith(f"providers/{slug(record['tag'])}/")
            for key, label in PRICE_CELLS.items():
                price, shown_cell = record["pricing"].get(key), cell(row, label)
                if shown_cell is None:  # no endpoint of the model has this price
                    assert all(key not in r["pricing"] for r in records), (model_id, key)
                    continue
                if price is None:
                    assert text(shown_cell) == "—" and shown_cell.get("data-v") == ""
                    continue
                assert shown_cell.get("data-v") == per_million(price), (model_id, record["tag"], key)
                assert_shown(shown_cell.text.strip(), key, price, f"{model_id} {record['tag']} {key}")
                # Each tier that prices this kind shows below, with where it starts.
                tiers = [t for t in record["pricing"].get("overrides") or [] if key in t]
                small = shown_cell.findall("small")
                assert len(small) == len(tiers), (model_id, record["tag"], key)
                for note, tier in zip(small, tiers):
                    amount, start = re.fullmatch(r"(\S+) from (\S+)", text(note)).groups()
                    assert_shown(amount, key, tier[key], f"{model_id} tier {key}")
                    assert start == f"{tier['min_prompt_tokens'] // 1000}K"
                checked += 1
            quantization = record.get("quantization")
            assert text(cell(row, "Quantization")) == (quantization if quantization not in (None, "unknown") else "—")
            assert cell(row, "Context").get("data-v") == str(record.get("context_length") or "")
    assert checked > 2_000


def test_the_marked_cheapest_and_fastest_are_right(site: Path) -> None:
    """Cheapest: the lowest input price, then output; fastest: the highest median throughput;
    none where every endpoint is alike, so a lone provider is never marked."""
    marked = 0
    for model_id, records in raw().items():
        if model_id not in listed():
            continue
        records = distinct(records)
        costs = [(r["tag"], (Decimal(r["pricing"]["prompt"]), Decimal(r["pricing"]["completion"]))) for r in records]
        speeds = [(r["tag"], r["throughput_last_30m"]["p50"]) for r in records if r.get("throughput_last_30m")]
        low, top = min((c for _, c in costs)), max((s for _, s in speeds), default=None)
        want_cheap = {t for t, c in costs if c == low} if len({c for _, c in costs}) > 1 else set()
        want_fast = {t for t, s in speeds if s == top} if len({s for _, s in speeds}) > 1 else set()
        got: dict[str, set[str]] = {"Cheapest": set(), "Fastest": set()}
        for row in rows(site, model_id):
            for badge in row.xpath("th/strong"):
                got[text(badge)].add(row.get("data-key").split("#")[0])
        assert got == {"Cheapest": want_cheap, "Fastest": want_fast}, model_id
        marked += bool(want_cheap) + bool(want_fast)
    assert marked > 200


def test_the_section_says_when_and_why_cells_are_empty(site: Path) -> None:
    page = lxml.html.fromstring((site / model_path("anthropic/claude-sonnet-4") / "index.html").read_bytes())
    section = page.xpath('//section[h2[@id="providers"]]')[0]
    hints = " ".join(text(p) for p in section.xpath('p[@class="hint"]'))
    assert "As of 2026-08-08 00:00 UTC" in hints
    assert "only to requests made with an API key; — where it reported none" in hints
    assert "Uptime: the API sent none" in hints and "Quantization — : the provider does not say" in hints
    # A model the API says no provider serves, and a retired model (no endpoints are kept).
    auto = lxml.html.fromstring((site / model_path("openrouter/auto") / "index.html").read_bytes())
    assert "The API listed no provider for this model" in text(auto.xpath('//section[h2[@id="providers"]]')[0])
    retired = json.loads((ROOT / "data" / "retired.json").read_bytes())["data"][0]["id"]
    assert not lxml.html.fromstring((site / model_path(retired) / "index.html").read_bytes()).xpath('//*[@id="providers"]')


def provider_events() -> list[dict[str, Any]]:
    """The logged provider events that say something: all but the first fetch's additions."""
    events = [json.loads(line) for line in (ROOT / "data" / "changes.jsonl").read_text().splitlines()]
    events = [e for e in events if "provider" in e]
    first = min(e["at"] for e in events)
    return [e for e in events if not (e["kind"] == "provider_added" and e["at"] == first)]


def test_each_providers_changes_are_listed_on_the_model_page(site: Path) -> None:
    page = lxml.html.fromstring((site / model_path("deepseek/deepseek-v3.2") / "index.html").read_bytes())
    history = {text(dt): text(dd) for dt, dd in zip(page.xpath('//dl[@class="provider-history"]/dt'),
                                                    page.xpath('//dl[@class="provider-history"]/dd'))}
    mine = [e for e in provider_events() if e["id"] == "deepseek/deepseek-v3.2"]
    assert len(history) == len({slug(e["provider"]) for e in mine}) > 0
    assert "2026-08-08 input $0.425 → $0.25 per 1M tokens" in history["DigitalOcean"]
    assert "output $1.36 → $0.80 per 1M tokens" in history["DigitalOcean"]


def test_a_page_and_a_feed_for_every_provider_and_nothing_else(site: Path) -> None:
    served: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for model_id, records in raw().items():
        for record in records:
            if model_id in listed():
                served[slug(record["tag"])].append((model_id, record))
    files = {p.relative_to(site).as_posix() for p in (site / "providers").rglob("*") if p.is_file()}
    assert files == {"providers/index.html"} | {f"providers/{s}/{f}" for s in served for f in ("index.html", "feed.xml")}
    index = lxml.html.fromstring((site / "providers" / "index.html").read_bytes())
    listing = {row.xpath("string(th/code)"): row for row in index.xpath("//table/tbody/tr")}
    assert set(listing) == set(served)
    events = provider_events()
    for name, endpoints in served.items():
        models = {m for m, _ in endpoints}
        assert text(listing[name].xpath('td[@data-label="Models"]')[0]) == str(len(models))
        page = lxml.html.fromstring((site / "providers" / name / "index.html").read_bytes())
        table = page.xpath('//table[contains(@class, "endpoints")]/tbody/tr')
        assert len(table) == len({(m, terms(r)) for m, r in endpoints}), name
        for row in table:
            target = (site / "providers" / name / row.xpath("th/a/@href")[0].split("#")[0]).resolve()
            assert target.relative_to(site.resolve()).as_posix() + "/" in {model_path(m) for m in models}
        feed = feedparser.parse((site / "providers" / name / "feed.xml").read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert feed.feed.link == f"{BASE}providers/{name}/"
        mine = [e for e in reversed(events) if slug(e["provider"]) == name]
        assert [entry.id for entry in feed.entries] == [f"{e['at']} {e['kind']} {e['id']} {e['provider']}" for e in mine]
        for entry, event in zip(feed.entries, mine):
            assert entry.link.startswith(BASE + model_path(event["id"]))
            assert " ".join(listed().get(event["id"], event["id"]).split()) in entry.title


def test_index_columns_and_filter_facts_come_from_the_providers(site: Path) -> None:
    data = json.loads((site / "finder.json").read_text())
    finder = {row[0]: dict(zip(data["fields"], row)) for row in data["rows"]}
    stored = json.loads((ROOT / "data" / "endpoints.json").read_bytes())["models"]
    for model_id, row in finder.items():
        records = stored[model_id]["endpoints"]
        assert row["providers"] == len({slug(r["tag"]) for r in records})
        prompts = [Decimal(r["pricing"]["prompt"]) for r in records]
        assert row["cheapest"] == (format((min(prompts) * MILLION).normalize(), "f") if prompts else "")
        assert row["quants"].split() == sorted({r.get("quantization") or "unknown" for r in records})
        assert row["uptime"] == ""  # the data has none
    index = lxml.html.fromstring((site / "index.html").read_bytes())
    heads = [th.get("data-sort") for th in index.xpath('//table[@id="models"]/thead/tr/th[@data-sort]')]
    for tr in index.xpath('//table[@id="models"]/tbody/tr'):
        f = finder[tr.xpath("string(th/code)")]
        cells = dict(zip(heads[1:], tr.xpath('td[not(@class="pick")]')))
        assert (cells["providers"].get("data-v"), cells["providers"].get("data-q", "")) == (str(f["providers"]), f["quants"])
        assert (cells["cheapest"].get("data-v"), text(cells["cheapest"])) == (f["cheapest"], f["cheapest_text"])


def test_compare_shows_each_models_price_spread_across_providers(site: Path) -> None:
    data = json.loads((site / "compare.json").read_text())
    assert [r["key"] for r in data["rows"] if r["group"] == "Providers"] == ["providers", "provider_input",
                                                                           "provider_output"]
    for entry in data["models"]:
        records = raw().get(entry["id"], [])
        for key, fact in (("prompt", "provider_input"), ("completion", "provider_output")):
            prices = [r["pricing"][key] for r in records]
            if not prices:
                assert fact not in entry["facts"]
                continue
            low, high = min(prices, key=Decimal), max(prices, key=Decimal)
            shown = entry["facts"][fact].split(" – ")
            assert len(shown) == (1 if Decimal(low) == Decimal(high) else 2), entry["id"]
            for amount, exact in zip(shown, (low, high)):
                assert_shown(amount, key, exact, f"{entry['id']} {key}")


def test_hostile_provider_names_are_text_and_uptime_shows_where_known(odd_site: Path) -> None:
    page = (odd_site / model_path("deepseek/deepseek-v3.2") / "index.html").read_text()
    assert "Smith & O" not in page and "Smith &amp; O" in page
    tree = lxml.html.fromstring(page)
    row = tree.xpath('//tr[@data-key="deepinfra"]')[0]
    assert text(row.find("th/a")) == HOSTILE_NAME
    assert cell(row, "Uptime") is not None and "Uptime: the API sent none" not in page
    other = lxml.html.fromstring((odd_site / model_path("z-ai/glm-5.2") / "index.html").read_bytes())
    assert not other.xpath('//td[@data-label="Uptime"]')  # no uptime known for it: no column
    provider = (odd_site / "providers" / encode_path("deepinfra") / "index.html").read_text()
    listing = (odd_site / "providers" / "index.html").read_text()
    assert "Smith & O" not in provider + listing
    index = lxml.html.fromstring((odd_site / "index.html").read_bytes())
    assert index.xpath('//select[@name="upt"]')  # offered once some uptime is known
