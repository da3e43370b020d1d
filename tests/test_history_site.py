"""The history on the built site: pages of retired models, price history, the feeds and the
exports (the Changes pages are test_change_pages.py's), all from the bundled data/ (the
replay of the real snapshots)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.html

from conftest import ROOT, build_site
from sitegen.paths import model_path
from sitegen.formats import price as format_price

BASE = "http://127.0.0.1:8000/"
HEADLINE = {"pricing.prompt": "prompt", "pricing.completion": "completion"}
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


def log(providers: bool = False) -> list[dict]:
    """The events of the bundled log: of models, or with ``providers`` all of them."""
    events = [json.loads(line) for line in (ROOT / "data/changes.jsonl").read_text(encoding="utf-8").splitlines()]
    return [e for e in events if providers or "provider" not in e]


def page(site: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / rel / "index.html" if not rel.endswith(".html") else site / rel)).getroot()


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def history_rows(doc: lxml.html.HtmlElement) -> tuple[list[str], dict[str, list[str]]]:
    """Column headings and date -> cells of a model page's price history table."""
    table = doc.find_class("history")[0]
    heads = [text(th) for th in table.xpath("./thead/tr/th")][1:]
    rows = {text(tr.xpath("./th")[0]): [text(td) for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")}
    return heads, rows


def retired_ids() -> dict[str, str]:
    """id -> day of removal, for the models removed and not back, from the log itself."""
    since: dict[str, str] = {}
    for e in log():
        if e["kind"] == "removed":
            since[e["id"]] = e["at"][:10]
        elif e["kind"] == "added":
            since.pop(e["id"], None)
    return since


def test_every_removed_model_keeps_a_page_marked_retired(site: Path) -> None:
    gone = retired_ids()
    assert len(gone) > 150
    listed = {m["id"] for m in json.loads((site / "models.json").read_bytes())["data"]}
    assert not listed & gone.keys()
    retired_page = page(site, "retired")
    linked = {a.get("href") for a in retired_page.xpath("//main//table//a")}
    for ident, day in gone.items():
        doc = page(site, model_path(ident))
        notice = doc.find_class("notice-gone")
        assert notice and f"since {day}" in text(notice[0]), ident
        assert doc.xpath("//code[@id='model-id']")[0].text == ident
        assert "../" + model_path(ident) in linked, ident


def test_every_repriced_model_shows_old_and_new_price(site: Path) -> None:
    checked = 0
    for event in log():
        moved = {k: v for k, v in (event.get("changes") or {}).items() if k in HEADLINE}
        if not moved:
            continue
        doc = page(site, model_path(event["id"]))
        heads, rows = history_rows(doc)
        dates = list(rows)
        day = event["at"][:10]
        older = dates[dates.index(day) + 1]
        for key, (old, new) in moved.items():
            column = heads.index("Input per 1M tokens" if key == "pricing.prompt" else "Output per 1M tokens")
            assert rows[day][column] == format_price(HEADLINE[key], Decimal(new)), event["id"]
            assert rows[older][column] == format_price(HEADLINE[key], Decimal(old)), event["id"]
        assert len(doc.xpath("//svg[@class='chart']//path")) == 2, event["id"]
        checked += 1
    assert checked == 74 + 36 + 24


def test_a_model_whose_price_never_moved_has_one_price_row_and_no_chart(site: Path) -> None:
    moved = {e["id"] for e in log() if set(e.get("changes") or {}) & HEADLINE.keys()}
    moved |= {e["id"] for e in log() if any(k.startswith("pricing.") for k in e.get("changes") or {})}
    steady = next(m["id"] for m in json.loads((ROOT / "data/models.json").read_bytes())["data"] if m["id"] not in moved)
    doc = page(site, model_path(steady))
    assert not doc.xpath("//svg")
    heads, rows = history_rows(doc)  # one price, since the model was first seen
    first_seen = next(e["at"][:10] for e in log() if e["id"] == steady)
    assert list(rows) == [first_seen] and heads == ["Input per 1M tokens", "Output per 1M tokens"]
    assert doc.xpath("//section[@aria-labelledby='history']//ol[@class='timeline']/li")


def feed_files(site: Path) -> list[Path]:
    return [site / "feed.xml", site / "atom.xml", site / "changes.xml",
            *sorted((site / "feeds").glob("*.xml")), *sorted((site / "authors").glob("*/feed.xml"))]


def test_every_feed_is_valid_with_unique_guids_dates_and_absolute_links(site: Path) -> None:
    files = feed_files(site)
    assert len(files) > 3 + 3 + 40
    for path in files:
        raw = path.read_text(encoding="utf-8")
        parsed = feedparser.parse(raw)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        ids = [e.id for e in parsed.entries]
        assert ids and len(ids) == len(set(ids)), path
        for entry in parsed.entries:
            assert urlsplit(entry.link).scheme == "http" and entry.link.startswith(BASE), path
            assert entry.published_parsed, path
        if path.name != "atom.xml":
            dates = re.findall(r"<pubDate>([^<]+)</pubDate>", raw)
            assert dates and all(RFC822.match(d) for d in dates), path


def test_the_change_feed_carries_old_and_new_values(site: Path) -> None:
    parsed = feedparser.parse((site / "changes.xml").read_bytes())
    events = list(reversed(log()))[: len(parsed.entries)]
    assert len(parsed.entries) == min(500, len(log()))
    for entry, event in zip(parsed.entries, events):
        assert entry.id == f"change:{event['at']}:{event['kind']}:{event['id']}"
        for key, (old, new) in (event.get("changes") or {}).items():
            assert key in entry.description
            assert json.dumps(old) in entry.description and json.dumps(new) in entry.description


def test_every_feed_is_linked_from_a_page_head(site: Path) -> None:
    heads: set[str] = set()
    for rel in ["", "changes", "authors/anthropic"]:
        heads |= {link.get("href") for link in page(site, rel).xpath("//head/link[@rel='alternate']")}
    for path in feed_files(site):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("authors/") and not rel.startswith("authors/anthropic/"):
            assert BASE + rel in {link.get("href") for link in
                                  page(site, rel.rsplit("/", 1)[0]).xpath("//head/link[@rel='alternate']")}
        else:
            assert BASE + rel in heads, rel


def test_changes_json_is_the_recent_log_newest_first(site: Path) -> None:
    exported = json.loads((site / "changes.json").read_bytes())
    assert exported == list(reversed(log(providers=True)))[:500]
    assert any("provider" in e for e in exported) and any("provider" not in e for e in exported)


def test_models_csv_has_a_row_per_current_model(site: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((site / "models.csv").read_text(encoding="utf-8"))))
    models = json.loads((site / "models.json").read_bytes())["data"]
    assert [r["id"] for r in rows] == [m["id"] for m in models]
    by_id = {m["id"]: m for m in models}
    for row in rows:
        prompt = by_id[row["id"]]["pricing"]["prompt"]
        if Decimal(prompt) >= 0:
            assert Decimal(row["input_per_1m"]) == Decimal(prompt) * 1_000_000
        assert row["url"] == BASE + model_path(row["id"])


def test_a_build_from_a_lone_catalog_file_shows_no_history(tmp_path: Path) -> None:
    # Models with a logged history in data/, taken from an older snapshot: a few are enough.
    records = json.loads((ROOT / "tests/fixtures/openrouter-models-2026-07-31.json").read_bytes())["data"]
    chosen = [r for r in records if r["id"] == "openai/gpt-5.6-terra"] + records[:5]
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"data": chosen}), encoding="utf-8")
    out = build_site(tmp_path / "site", "--catalog", str(catalog))
    doc = page(out, model_path("openai/gpt-5.6-terra"))
    assert not doc.xpath("//*[@id='history']") and not doc.find_class("notice-gone")
    assert page(out, "changes").find_class("day") == []
    assert json.loads((out / "changes.json").read_bytes()) == []
    assert not feedparser.parse((out / "changes.xml").read_bytes()).bozo


def test_a_change_of_other_prices_shows_in_the_table_but_draws_no_chart(site: Path) -> None:
    events = log()
    headline_moved = {e["id"] for e in events if set(e.get("changes") or {}) & HEADLINE.keys()}
    current = {m["id"] for m in json.loads((site / "models.json").read_bytes())["data"]}
    ident, event = next((e["id"], e) for e in events if e["id"] in current and e["id"] not in headline_moved
                        and any(k.startswith("pricing.") for k in e.get("changes") or {}))
    doc = page(site, model_path(ident))
    heads, rows = history_rows(doc)
    assert event["at"][:10] in rows and len(rows) >= 2 and len(heads) > 2
    assert not doc.xpath("//svg")
