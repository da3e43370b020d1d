"""One name per author, the same on every page that names it and sorted by it: read back
from the built site with a parser, and from the index's own rows in a real browser."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from sitegen.authors import author_names
from sitegen.catalog import loads
from sitegen.model import Model
from sitegen.paths import author_path
from tests.conftest import ROOT
from tests.test_browser_index import every_id, open_index


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


@pytest.fixture(scope="module")
def names(models) -> dict[str, str]:
    return author_names(models)


def html(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path / "index.html" if not path.endswith(".html") else site / path).read_bytes())


def test_each_author_has_one_name_and_no_two_share_one(names):
    assert names["meta"] == "Meta" and names["meta-llama"] == "Meta (meta-llama)"
    assert names["cognitivecomputations"] == "Venice" and names["inclusionai"] == "inclusionAI"
    assert names["anthropic"] == "Anthropic" and names["openrouter"] == "OpenRouter"
    assert names["gryphe"] == "Gryphe"  # no model's name says more than the slug
    assert len({n.casefold() for n in names.values()}) == len(names)
    assert all(n[:1] == n[:1].upper() or n[:1].isdigit() or n.startswith("inclusion") for n in names.values())


def test_every_page_says_the_same_name(site: Path, models, names):
    index = html(site, "index.html")
    for row in index.xpath('//table[@id="models"]/tbody/tr'):
        slug = row.xpath("string(th/code)").lstrip("~").split("/")[0]
        assert row.xpath("string(td[2]/a)") == names[slug]
    for m in models[::9]:
        page = html(site, m.path)
        assert page.xpath("string(//nav[@class='crumbs']/a[2])") == names[m.author]
        assert page.xpath("string(//p[@class='badges']/a[1])") == f"by {names[m.author]}"
    for slug, name in names.items():
        assert html(site, author_path(slug)).xpath("string(//h1/text())").strip() == name
        feed = (site / author_path(slug) / "feed.xml").read_text()
        assert f"<title>New {name} models on OpenRouter</title>" in feed.replace("&amp;", "&")
    compare = json.loads((site / "compare.json").read_text())
    assert all(entry["facts"]["author"] == names[entry["id"].lstrip("~").split("/")[0]] for entry in compare["models"])


def test_lists_of_authors_are_sorted_by_their_names(site: Path, names):
    shown = [s.text_content() for s in html(site, "authors/").xpath("//ul[@class='author-grid']//strong")]
    assert shown == sorted(names.values(), key=str.casefold)
    options = html(site, "index.html").xpath('//select[@name="author"]/option[position() > 1]/text()')
    assert [o.rsplit(" (", 1)[0] for o in options] == sorted(names.values(), key=str.casefold)
    assert shown.index("Venice") > shown.index("Upstage")


def test_the_index_sorts_and_shows_authors_by_name(page, site_url, models, names):
    open_index(page, site_url, "?sort=author")
    ids = every_id(page)
    shown = page.eval_on_selector_all("#models tbody tr td:nth-child(3)", "tds => tds.map(td => td.textContent)")
    by_id = {m.id: m for m in models}
    assert shown == [names[by_id[i].author] for i in ids]
    assert [s.casefold() for s in shown] == sorted(s.casefold() for s in shown)
    assert page.errors == []
