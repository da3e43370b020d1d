"""A retired model's page names the listed model of its family where one clearly exists and
always leads to its author's page; the suggestions, on the real retired models of data/, are
the sensible ones and only those.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html

from conftest import ROOT
from sitegen.paths import author_path, model_path

# Retired -> listed, as a reader would pair them: another variant of the same model, the
# undated model of a dated one, the released model of a preview, the newer version.
SENSIBLE = {
    "openai/gpt-oss-120b:free": "openai/gpt-oss-120b",
    "openai/gpt-oss-120b:exacto": "openai/gpt-oss-120b",
    "openai/gpt-4o:extended": "openai/gpt-4o",
    "openai/gpt-4-0314": "openai/gpt-4",
    "openai/gpt-5-codex": "openai/gpt-5-codex:batch",
    "google/gemini-2.5-flash-preview-09-2025": "google/gemini-2.5-flash",
    "google/gemini-2.5-flash-lite-preview-09-2025": "google/gemini-2.5-flash-lite",
    "google/gemini-2.5-flash-image-preview": "google/gemini-2.5-flash-image",
    "google/gemma-3-27b-it:free": "google/gemma-3-27b-it",
    "mistralai/mistral-large-2411": "mistralai/mistral-large",
    "mistralai/ministral-8b": "mistralai/ministral-8b-2512",
    "deepseek/deepseek-r1-0528:free": "deepseek/deepseek-r1-0528",
    "moonshotai/kimi-k2-0905:exacto": "moonshotai/kimi-k2-0905",
    "moonshotai/kimi-k2:free": "moonshotai/kimi-k2",
    "kwaipilot/kat-coder-pro:free": "kwaipilot/kat-coder-pro-v2.5",
    "nvidia/nemotron-nano-9b-v2": "nvidia/nemotron-nano-9b-v2:free",
    "tencent/hy3:free": "tencent/hy3",
    "meta-llama/llama-3.3-70b-instruct:free": "meta-llama/llama-3.3-70b-instruct",
}
# Retired models that get no suggestion: the model they would lead to is retired too, or only
# a looser match exists (GPT-4 Turbo is not GPT-4; a Grok 3 Beta is not a Grok 3 Mini).
NONE = ["openai/gpt-4-1106-preview", "x-ai/grok-3-beta", "x-ai/grok-3-mini-beta", "anthropic/claude-3.5-haiku-20241022",
        "mistralai/mistral-7b-instruct-v0.1", "mistralai/devstral-small-2505", "anthropic/claude-3.5-sonnet",
        "openai/gpt-4o-search-preview", "qwen/qwq-32b", "x-ai/grok-4"]


def records(name: str) -> list[dict]:
    return json.loads((ROOT / "data" / name).read_bytes())["data"]


def author(ident: str) -> str:
    return ident.lstrip("~").split("/")[0]


def up(ident: str) -> str:
    """The way back to the site's root from a model's page."""
    return "../" * model_path(ident).count("/")


def page(site: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / rel / "index.html")).getroot()


def suggested(site: Path, ident: str) -> str | None:
    """The listed model a retired model's page names, by the id it shows."""
    notice = page(site, model_path(ident)).find_class("notice-gone")[0]
    link = notice.xpath(".//a[@class='successor']")
    if not link:
        return None
    assert link[0].get("href") == up(ident) + model_path(link[0].getnext().text)
    return link[0].getnext().text


def test_retired_pages_name_the_listed_model_of_their_family_when_one_clearly_exists(site: Path) -> None:
    listed = {r["id"]: r for r in records("models.json")}
    found = {r["id"]: suggested(site, r["id"]) for r in records("retired.json")}
    made = {ident: to for ident, to in found.items() if to}
    assert {ident: made.get(ident) for ident in SENSIBLE} == SENSIBLE
    assert [ident for ident in NONE if made.get(ident)] == []
    # Conservative: a few in five retired models, each by the same author and listed now,
    # sharing the retired id's name up to its variant or a date, stage or version at its end.
    assert 25 <= len(made) <= 50
    for ident, to in made.items():
        assert to in listed and author(to) == author(ident), ident
        base, other = ident.split(":")[0], to.split(":")[0]
        assert other == base or other.startswith(base.rsplit("-", 1)[0]) or base.startswith(other), (ident, to)


def test_every_retired_page_leads_to_its_authors_page(site: Path) -> None:
    listed_authors = {author(r["id"]) for r in records("models.json")}
    retired = records("retired.json")
    gone = {}
    for record in retired:
        doc = page(site, model_path(record["id"]))
        href = up(record["id"]) + author_path(author(record["id"]))
        assert doc.xpath(f"//p[@class='badges']/a[@href='{href}']"), record["id"]
        assert doc.find_class("notice-gone")[0].xpath(f".//a[@href='{href}']"), record["id"]
        assert (site / author_path(author(record["id"])) / "index.html").is_file(), record["id"]
        if author(record["id"]) not in listed_authors:
            gone.setdefault(author(record["id"]), set()).add(record["id"])
    assert len(gone) >= 10  # authors with nothing listed now get a page of their retired models
    for name, idents in gone.items():
        doc = page(site, author_path(name))
        assert {code.text for code in doc.xpath("//main//table//code")} == idents, name
        assert "lists no" in doc.find_class("lede")[0].text_content()


def test_the_retired_list_names_each_successor(site: Path) -> None:
    doc = page(site, "retired")
    rows = {row.xpath(".//code")[0].text: row for row in doc.xpath("//main//table/tbody/tr")}
    assert len(rows) == len(records("retired.json"))
    for ident, to in SENSIBLE.items():
        assert rows[ident].xpath("./td[last()]/a/@href") == ["../" + model_path(to)], ident
    assert rows["openai/gpt-4-1106-preview"].xpath("./td[last()]/a") == []
