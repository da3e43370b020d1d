"""Each model's badge (``models/<path>/badge.svg``): valid SVG with an accessible title, the
model's prices and context as the raw strings of data/ give them, sized to its text, and
the snippets on its page that show it elsewhere; hostile names stay text.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import lxml.etree
import lxml.html

from conftest import PROJECT_BASE, ROOT, run_cli
from sitegen.paths import model_path

BASE = "http://127.0.0.1:8000/"
SVG = "{http://www.w3.org/2000/svg}"
MILLION = Decimal(1_000_000)
DRAWN = {"svg", "title", "clipPath", "rect", "g", "text"}  # every element a badge may hold


def records(name: str) -> list[dict]:
    return json.loads((ROOT / "data" / name).read_bytes())["data"]


def parse(path: Path) -> lxml.etree._Element:
    root = lxml.etree.fromstring(path.read_bytes(), lxml.etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == SVG + "svg", path
    return root


def texts(svg: lxml.etree._Element) -> list[str]:
    return [t.text for t in svg.iter(SVG + "text")]


def amount(shown: str, raw: str) -> bool:
    """Whether ``shown`` ("$0.075", "$15.00", "free") is the per-1M price of the API's
    ``raw`` per-token string: to the cent from a dollar up, else to four significant digits."""
    exact = Decimal(raw) * MILLION
    if exact == 0:
        return shown == "free"
    match = re.fullmatch(r"\$([0-9,]+\.[0-9]+)", shown)
    if not match:
        return False
    value = Decimal(match.group(1).replace(",", ""))
    return abs(value - exact) <= (Decimal("0.005") if exact >= 1 else exact * Decimal("0.0005"))


def context_matches(shown: str, tokens: int) -> bool:
    number = Decimal(shown[:-1])
    scale = {"K": 1_000, "M": 1_000_000}[shown[-1]]
    return abs(number * scale - tokens) <= scale // (1 if scale == 1_000 else 100) // 2 + 1


def test_every_badge_gives_the_models_prices_and_context(site: Path) -> None:
    checked = 0
    for record in records("models.json"):
        svg = parse(site / model_path(record["id"]) / "badge.svg")
        name, facts = texts(svg)
        assert name == " ".join(record["name"].split()), record["id"]  # on one line
        prompt, completion = record["pricing"]["prompt"], record["pricing"]["completion"]
        context = re.search(r" · ([0-9.]+[KM]) context$", facts)
        assert context and context_matches(context.group(1), record["context_length"]), (record["id"], facts)
        prices = facts[:context.start()]
        if Decimal(prompt) < 0 or Decimal(completion) < 0:
            assert prices == "price varies", record["id"]
        elif Decimal(prompt) == Decimal(completion) == 0:
            assert prices == "free", record["id"]
        else:
            match = re.fullmatch(r"(\S+) in · (\S+) out per 1M", prices)
            assert match, (record["id"], facts)
            assert amount(match.group(1), prompt) and amount(match.group(2), completion), (record["id"], facts)
            checked += 1
        title = svg.findtext(SVG + "title")
        assert title.startswith(name + " on OpenRouter: ") and title.endswith(" context"), record["id"]
    assert checked > 300


def test_a_badge_is_sized_to_its_text(site: Path) -> None:
    widths = {}
    for record in records("models.json")[:60]:
        svg = parse(site / model_path(record["id"]) / "badge.svg")
        assert {element.tag.removeprefix(SVG) for element in svg.iter()} <= DRAWN
        boxes = svg.xpath("./svg:g/svg:rect", namespaces={"svg": SVG[1:-1]})
        width = int(svg.get("width"))
        assert svg.get("height") == "20" and width == sum(int(r.get("width")) for r in boxes)
        lengths = [int(t.get("textLength")) for t in svg.iter(SVG + "text")]
        assert [int(r.get("width")) - 12 for r in boxes] == lengths  # 6 pixels each side
        name, facts = texts(svg)
        # About 6 pixels a character at 11px: no text is squeezed or stretched by much.
        assert 4.5 < lengths[0] / len(name) < 8.5 and 4.5 < lengths[1] / len(facts) < 8.5, record["id"]
        widths[record["name"]] = lengths[0]
    short, long = min(widths, key=len), max(widths, key=len)
    assert widths[short] < widths[long]


def test_a_retired_models_badge_says_so(site: Path) -> None:
    retired = records("retired.json")
    assert len(retired) > 100
    for record in retired[:20]:
        svg = parse(site / model_path(record["id"]) / "badge.svg")
        assert texts(svg)[1].startswith("retired · was "), record["id"]
        assert "no longer listed on OpenRouter since 20" in svg.findtext(SVG + "title"), record["id"]


def test_a_model_page_shows_its_badge_and_the_snippets_to_show_it_elsewhere(site: Path, project_site: Path) -> None:
    for root, base in ((site, BASE), (project_site, PROJECT_BASE)):
        for record in records("models.json")[:30] + records("retired.json")[:10]:
            folder = model_path(record["id"])
            svg = parse(root / folder / "badge.svg")
            doc = lxml.html.parse(str(root / folder / "index.html")).getroot()
            shown = doc.xpath("//main//img[@src='badge.svg']")
            assert len(shown) == 1 and shown[0].get("alt") == svg.findtext(SVG + "title")
            assert shown[0].get("width") == svg.get("width")
            markdown = doc.get_element_by_id("badge-markdown").text_content()
            match = re.fullmatch(r"\[!\[((?:\\.|[^\\\]])*)\]\((\S+)\)\]\((\S+)\)", markdown)
            assert match, markdown
            assert re.sub(r"\\(.)", r"\1", match.group(1)) == svg.findtext(SVG + "title")
            assert match.groups()[1:] == (base + folder + "badge.svg", base + folder)
            snippet = lxml.html.fragment_fromstring(doc.get_element_by_id("badge-html").text_content())
            assert snippet.tag == "a" and snippet.get("href") == base + folder
            img = snippet.find("img")
            assert img.get("src") == base + folder + "badge.svg" and img.get("alt") == svg.findtext(SVG + "title")
            assert (img.get("width"), img.get("height")) == (svg.get("width"), "20")


def test_hostile_names_stay_text_in_badges_and_snippets(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("build", "--catalog", str(ROOT / "tests/hostile/escapes.json"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    found = json.loads((out / "models.json").read_bytes())["data"]
    assert len(found) > 10
    for record in found:
        svg = parse(out / model_path(record["id"]) / "badge.svg")
        assert {element.tag.removeprefix(SVG) for element in svg.iter()} <= DRAWN, record["id"]
        assert not [a for e in svg.iter() for a in e.attrib if a.startswith("on") or "href" in a], record["id"]
        name = texts(svg)[0]
        expected = " ".join(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "",
                                   record["name"]).split())
        assert name == (expected if len(expected) <= 64 else expected[:63].rstrip() + "…"), record["id"]
    # A name that closes a Markdown image's text keeps it open in the snippet.
    closing = next(r for r in found if "]" in r["name"])
    doc = lxml.html.parse(str(out / model_path(closing["id"]) / "index.html")).getroot()
    markdown = doc.get_element_by_id("badge-markdown").text_content()
    alt = re.fullmatch(r"\[!\[((?:\\.|[^\\\]])*)\]\(\S+\)\]\(\S+\)", markdown)
    assert alt and "\\]" in alt.group(1)
