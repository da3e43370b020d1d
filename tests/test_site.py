"""End to end: each real snapshot through the real ``sitegen build``, read back with parsers.

Expected values are computed here from the raw JSON with Decimal, independently of the
code that rendered the pages.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html
import pytest

from conftest import SNAPSHOTS, run_cli
from sitegen.paths import author_path, model_path
from sitegen.listings import INDEX_ROWS
from test_validity import broken_links

BASE = "https://example.org/catalog/"
MILLION = Decimal(1_000_000)
PER_UNIT = {"request", "image", "web_search"}  # priced per unit; every other kind per token
LABELS = {"prompt": "Input", "completion": "Output"}


@dataclass
class Site:
    root: Path
    records: list[dict[str, Any]]
    _trees: dict[str, Any] = field(default_factory=dict)

    def tree(self, rel: str) -> Any:
        if rel.endswith("/") or rel == "":
            rel += "index.html"
        if rel not in self._trees:
            self._trees[rel] = lxml.html.fromstring((self.root / rel).read_bytes())
        return self._trees[rel]

    @cached_property
    def html_files(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html"))

    @cached_property
    def newest_first(self) -> list[dict[str, Any]]:
        return sorted(self.records, key=lambda r: (-r["created"], r["id"]))


_built: dict[Path, Site] = {}


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Site]:
    """Build a snapshot once per module, through the real command line."""

    def get(snapshot: Path) -> Site:
        if snapshot not in _built:
            out = tmp_path_factory.mktemp(snapshot.stem) / "_site"
            result = run_cli("build", "--catalog", str(snapshot), "--out", str(out), "--base-url", BASE)
            assert result.returncode == 0, result.stderr
            assert result.stderr == ""  # real data builds without a warning
            records = json.loads(snapshot.read_bytes())["data"]
            assert re.fullmatch(rf"built {len(records)} models into \d+ pages .*\n", result.stdout)
            _built[snapshot] = Site(out, records)
        return _built[snapshot]

    yield get
    _built.clear()


each_snapshot = pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.stem.removeprefix("openrouter-models-"))


def text(element: Any) -> str:
    return " ".join(element.text_content().split())


def expected_amount(key: str, raw: str) -> Decimal:
    price = Decimal(raw)
    return price if key in PER_UNIT else price * MILLION


def assert_shown(shown: str, key: str, raw: str, where: str) -> None:
    """A displayed price agrees with the exact value: "varies", "free" or dollars rounded
    to the cent (or to four significant digits below a dollar)."""
    exact = expected_amount(key, raw)
    if exact < 0:
        assert shown == "varies", where
        return
    if exact == 0:
        assert shown in ("free", "$0"), where
        return
    match = re.fullmatch(r"\$([0-9,]+(?:\.[0-9]+)?)(?: / 1M tokens)?", shown)
    assert match, f"{where}: {shown!r}"
    value = Decimal(match.group(1).replace(",", ""))
    tolerance = Decimal("0.005") if exact >= 1 else exact * Decimal("0.0005")
    assert abs(value - exact) <= tolerance, f"{where}: shows {shown}, exact {exact}"


# ---------------------------------------------------------------------------------------
# Model pages


@each_snapshot
def test_every_model_has_a_page_with_its_exact_prices(build: Callable[[Path], Site], snapshot: Path) -> None:
    site = build(snapshot)
    for record in site.records:
        page = site.tree(model_path(record["id"]))
        where = record["id"]
        assert text(page.get_element_by_id("model-id")) == record["id"]
        assert text(page.find(".//h1")) == " ".join(record["name"].split())
        facts = {text(div.find("dt")): text(div.find("dd")) for div in page.find_class("facts")[0]}
        for key in ("prompt", "completion"):
            assert_shown(facts[LABELS[key]], key, record["pricing"][key], f"{where} {key}")
        # The pricing table: one column per tier, one row per price kind, every price shown.
        table = page.find_class("pricing")[0]
        overrides = record["pricing"].get("overrides") or []
        assert len(table.findall("./thead/tr/th")) == 3 + len(overrides), where
        rows = table.findall("./tbody/tr")
        kinds = {k for k in record["pricing"] if k != "overrides"} | {k for t in overrides for k in t if k != "min_prompt_tokens"}
        assert len(rows) == len(kinds), where
        cells = {text(row.find("th")): [text(td) for td in row.findall("td")] for row in rows}
        for key in ("prompt", "completion"):
            row = cells[LABELS[key]]
            assert row[0] == "1M tokens"  # input and output are priced per token
            assert_shown(row[1], key, record["pricing"][key], f"{where} table {key}")
            for i, tier in enumerate(overrides):
                if key in tier:
                    assert_shown(row[2 + i], key, tier[key], f"{where} tier {i} {key}")
        for row in cells.values():
            assert not any(cell.startswith("$-") for cell in row), where


@each_snapshot
def test_per_unit_prices_are_not_multiplied(build: Callable[[Path], Site], snapshot: Path) -> None:
    site = build(snapshot)
    labels = {"request": "Per request", "image": "Input image", "web_search": "Web search"}
    checked = 0
    for record in site.records:
        for key, label in labels.items():
            if key in record["pricing"]:
                page = site.tree(model_path(record["id"]))
                row = next(r for r in page.find_class("pricing")[0].findall("./tbody/tr") if text(r.find("th")) == label)
                assert_shown(text(row.findall("td")[1]), key, record["pricing"][key], f"{record['id']} {key}")
                checked += 1
    assert checked > 20


def test_description_is_rendered_markdown_with_literal_tags_as_text(build: Callable[[Path], Site]) -> None:
    site = build(next(p for p in SNAPSHOTS if "2025-12-21" in p.name))
    hermes = site.tree(model_path("nousresearch/hermes-4-70b")).get_element_by_id("about").getparent()
    assert "explicit <think>...</think> reasoning traces" in text(hermes)
    assert hermes.find(".//think") is None
    assert [c.text for c in hermes.iter("code")] == ["reasoning", "enabled"]
    link = hermes.find(".//a")
    assert link.text == "Learn more in our docs"
    assert link.get("href") == "https://openrouter.ai/docs/use-cases/reasoning-tokens#enable-reasoning-with-default-config"
    assert "[Learn more" not in text(hermes) and "](" not in text(hermes)

    mimo = site.tree(model_path("xiaomi/mimo-v2-flash:free")).get_element_by_id("about").getparent()
    assert [s.text for s in mimo.iter("strong")] == ["turn off reasoning mode"]
    assert "**" not in text(mimo)
    assert len(mimo.findall(".//p")) == 3


def test_angle_bracket_link_destination_becomes_a_real_link(build: Callable[[Path], Site]) -> None:
    site = build(next(p for p in SNAPSHOTS if "2026-08-08" in p.name))
    about = site.tree(model_path("poolside/laguna-s-2.1")).get_element_by_id("about").getparent()
    link = about.find(".//a")
    assert (link.text, link.get("href")) == ("Poolside", "https://poolside.ai/")


def test_relative_links_in_descriptions_point_to_openrouter(build: Callable[[Path], Site]) -> None:
    # Descriptions are written for openrouter.ai; "/deepseek/deepseek-r1" means a page there.
    site = build(next(p for p in SNAPSHOTS if "2025-12-21" in p.name))
    about = site.tree(model_path("deepseek/deepseek-r1-distill-llama-70b")).get_element_by_id("about").getparent()
    hrefs = [a.get("href") for a in about.iter("a")]
    assert "https://openrouter.ai/deepseek/deepseek-r1" in hrefs
    assert all(h.startswith(("https://", "http://", "mailto:")) for h in hrefs)


# ---------------------------------------------------------------------------------------
# Index


def listed_rows(site: Site) -> list[tuple[str, Any]]:
    """Every model's table row with the page it is on: the index's rows when it serves them
    all, else those of the "all models" pages it links (it serves only the newest)."""
    index = site.tree("index.html")
    pages = index.xpath("//nav[@class='pager']//a/@href") or [""]
    return [(page, row) for page in pages for row in site.tree(page).xpath("//table[contains(@class, 'models')]/tbody/tr")]


@each_snapshot
def test_index_has_one_row_per_model_newest_first(build: Callable[[Path], Site], snapshot: Path) -> None:
    site = build(snapshot)
    served = site.tree("index.html").xpath("//table[contains(@class, 'models')]/tbody/tr/th/code/text()")
    assert served == [r["id"] for r in site.newest_first[:INDEX_ROWS]]
    rows = listed_rows(site)
    assert len(rows) == len(site.records)
    for (page, row), record in zip(rows, site.newest_first):
        link = row.find("./th/a")
        assert text(link) == " ".join(record["name"].split())
        target = urljoin(BASE + page, link.get("href"))
        assert target == BASE + model_path(record["id"])
        assert (site.root / model_path(record["id"]) / "index.html").is_file()
        cells = [c for c in row.findall("td") if "off" not in (c.get("class") or "").split()]  # those shown
        prices = [c for c in cells if "num" in (c.get("class") or "")][1:3]
        for cell, key in zip(prices, ("prompt", "completion")):
            exact = expected_amount(key, record["pricing"][key])
            # The sortable value is the exact per-1M price, not a rounded one.
            assert cell.get("data-v") == ("" if exact < 0 else format(exact.normalize(), "f")), record["id"]
            assert_shown(text(cell), key, record["pricing"][key], f"index {record['id']}")
        created = datetime.fromtimestamp(record["created"], tz=timezone.utc).strftime("%Y-%m-%d")
        assert text(cells[-1]) == created


def test_index_rows_carry_author_context_modalities_and_capabilities(build: Callable[[Path], Site]) -> None:
    site = build(SNAPSHOTS[-1])
    rows = [row for _, row in listed_rows(site)]
    tools = 0
    for row, record in zip(rows, site.newest_first):
        cells = row.findall("td")
        folder = author_path(record["id"].lstrip("~").split("/")[0])
        author = text(site.tree(folder).find(".//h1")).rsplit(" ", 2)[0]  # the name its own page gives it
        assert any(text(c) == author and c.find("a") is not None and c.find("a").get("href").endswith(folder)
                   for c in cells), record["id"]
        if record.get("context_length"):
            assert any(c.get("data-v") == str(record["context_length"]) for c in cells), record["id"]
        # Input modalities, then output modalities, each in a cell of its own.
        words = [sorted(text(c).split()) for c in cells]
        arch = record["architecture"]
        first = words.index(sorted(arch["input_modalities"]))
        assert sorted(arch["output_modalities"]) in words[first + 1:], record["id"]
        caps = " ".join(text(c) for c in cells if c.find_class("cap"))
        if "tools" in (record.get("supported_parameters") or []):
            assert "Tools" in caps, record["id"]
            tools += 1
        else:
            assert "Tools" not in caps, record["id"]
    assert tools > 100


# ---------------------------------------------------------------------------------------
# Feed, exports, sitemap


@each_snapshot
def test_feed_lists_the_newest_50_models(build: Callable[[Path], Site], snapshot: Path) -> None:
    site = build(snapshot)
    feed = feedparser.parse((site.root / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.link == BASE
    newest = site.newest_first[:50]
    assert len(feed.entries) == 50
    for entry, record in zip(feed.entries, newest):
        assert entry.id == record["id"]
        assert entry.guidislink is False
        assert entry.title == record["name"].strip()
        assert entry.link == BASE + model_path(record["id"])
        assert entry.published_parsed[:6] == datetime.fromtimestamp(record["created"], tz=timezone.utc).timetuple()[:6]
        summary = lxml.html.fromstring(f"<div>{entry.summary}</div>")
        first = text(summary.find("p"))
        assert first.startswith("Input "), first
        assert "Modalities" in first and ("Context" in first or not record.get("context_length"))
    assert len({e.id for e in feed.entries}) == 50


@each_snapshot
def test_models_json_is_the_catalog_with_urls(build: Callable[[Path], Site], snapshot: Path) -> None:
    site = build(snapshot)
    exported = json.loads((site.root / "models.json").read_bytes())
    assert list(exported) == ["data"]
    by_id = {m["id"]: m for m in exported["data"]}
    assert len(by_id) == len(exported["data"]) == len(site.records)
    for record in site.records:
        model = dict(by_id[record["id"]])
        assert model.pop("url") == BASE + model_path(record["id"])
        assert model == record


@each_snapshot
def test_sitemap_and_robots(build: Callable[[Path], Site], snapshot: Path) -> None:
    site = build(snapshot)
    tree = lxml.etree.fromstring((site.root / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = tree.xpath("//s:url/s:loc/text()", namespaces=ns)
    assert len(locs) == len(set(locs))
    expected = {BASE + re.sub(r"index\.html$", "", p) for p in site.html_files if p != "404.html"}
    assert set(locs) == expected
    assert {BASE + model_path(r["id"]) for r in site.records} <= set(locs)
    robots = (site.root / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


@each_snapshot
def test_no_broken_internal_link(build: Callable[[Path], Site], snapshot: Path) -> None:
    checked, broken = broken_links(build(snapshot).root, BASE)
    assert checked > 10_000
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken[:40])


# ---------------------------------------------------------------------------------------
# Every page


@each_snapshot
def test_every_page_has_the_common_head(build: Callable[[Path], Site], snapshot: Path) -> None:
    site = build(snapshot)
    assert "404.html" in site.html_files
    assert len(site.html_files) > len(site.records)
    for rel in site.html_files:
        page = site.tree(rel)
        assert len(page.findall(".//h1")) == 1, rel
        assert text(page.find(".//head/title")), rel
        csp = page.xpath("//head/meta[@http-equiv='Content-Security-Policy']/@content")
        assert len(csp) == 1 and "script-src 'self'" in csp[0] and "unsafe-inline" not in csp[0], rel
        canonical = page.xpath("//head/link[@rel='canonical']/@href")
        want = BASE + re.sub(r"index\.html$", "", rel)
        assert canonical == [want], rel
        feeds = page.xpath("//head/link[@rel='alternate'][@type='application/rss+xml']/@href")
        assert BASE + "feed.xml" in feeds and all(f.startswith(BASE) for f in feeds), rel
        # The CSP forbids inline style and script; nothing may rely on them.
        assert not page.xpath("//*[@style]"), rel
        for script in page.iter("script"):
            assert script.get("src") or script.get("type") == "application/json", rel
        assert not page.xpath("//style"), rel


# ---------------------------------------------------------------------------------------
# Edge cases the real data only hints at, through the same command line


def test_model_pages_for_sparse_odd_and_expiring_records(tmp_path: Path) -> None:
    clock = 1786060800  # 2026-08-07, the SOURCE_DATE_EPOCH run_cli sets
    records = [
        {"id": "bare/minimum"},
        {"id": "quote/it's \"odd\" \\ é", "name": "Quote: It's odd", "created": clock - 10,
         "pricing": {"prompt": "0.000001", "completion": "0.000002", "brand_new_kind": "0.5"}},
        {"id": "soon/gone", "name": "Soon: Gone", "created": clock - 20, "expiration_date": "2026-08-20",
         "hugging_face_id": "org/weights", "pricing": {"prompt": "0", "completion": "0"}},
        {"id": "late/gone", "name": "Late: Gone", "created": clock - 30, "expiration_date": "2027-03-01"},
        {"id": "never/gone", "name": "Never: Gone", "created": clock - 40, "expiration_date": "2098-12-31"},
    ]
    catalog = tmp_path / "edge.json"
    catalog.write_text(json.dumps({"data": records}))
    out = tmp_path / "_site"
    result = run_cli("build", "--catalog", str(catalog), "--out", str(out), "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    site = Site(out, records)

    bare = site.tree(model_path("bare/minimum"))
    facts = {text(div.find("dt")): text(div.find("dd")) for div in bare.find_class("facts")[0]}
    assert facts["Input"] == facts["Output"] == "—"
    assert text(bare.find(".//h1")) == "bare/minimum"

    odd_id = records[1]["id"]
    odd = site.tree(model_path(odd_id))
    assert text(odd.get_element_by_id("model-id")) == odd_id
    # The copy-paste examples carry the exact id, whatever quotes it holds.
    curl = shlex.split(odd.get_element_by_id("ex-curl").text_content())
    assert json.loads(curl[curl.index("-d") + 1])["model"] == odd_id
    call = next(n for n in ast.walk(ast.parse(odd.get_element_by_id("ex-python").text_content()))
                if isinstance(n, ast.Call) and any(k.arg == "model" for k in n.keywords))
    assert ast.literal_eval(next(k.value for k in call.keywords if k.arg == "model")) == odd_id
    # A price kind nobody has seen yet is still shown, per 1M tokens.
    row = next(r for r in odd.find_class("pricing")[0].findall("./tbody/tr") if "brand_new_kind" in text(r))
    assert text(row.findall("td")[1]) == "$500,000.00"

    soon = site.tree(model_path("soon/gone"))
    assert len(soon.find_class("notice-warn")) == 1
    assert "2026-08-20" in text(soon.find_class("notice-warn")[0])
    assert [a.get("href") for a in soon.iter("a") if "huggingface.co" in (a.get("href") or "")] == [
        "https://huggingface.co/org/weights"]
    late = site.tree(model_path("late/gone"))
    assert not late.find_class("notice-warn") and "2027-03-01" in text(late.find_class("notice")[0])
    never = site.tree(model_path("never/gone"))
    assert not never.find_class("notice") and "2098" not in text(never.find(".//dl[@class='details']"))
