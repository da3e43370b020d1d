"""Search that ranks, in a real browser: the model asked for first, then every term in a name
or id, then by author, then in descriptions. The ranks expected are worked out here from the
snapshot, with the rule written out anew."""

from __future__ import annotations

import re

import pytest

from sitegen.catalog import loads
from sitegen.columns import search_words
from sitegen.model import Model
from tests.conftest import ROOT
from tests.test_browser_index import every_id, open_index


@pytest.fixture(scope="module")
def models() -> list[Model]:
    return loads((ROOT / "data" / "models.json").read_bytes()).models


@pytest.mark.parametrize(("q", "first"), [
    ("gpt-4o mini", "openai/gpt-4o-mini"),
    ("sonnet 4.5", "anthropic/claude-sonnet-4.5"),
    ("llama 3.3 70b", "meta-llama/llama-3.3-70b-instruct"),
    ("Llama 3.3 70B Instruct", "meta-llama/llama-3.3-70b-instruct"),
    ("openai/gpt-4o", "openai/gpt-4o"),
    ("Anthropic: Claude Sonnet 4.5", "anthropic/claude-sonnet-4.5"),
])
def test_the_model_asked_for_comes_first(page, site_url, models, q, first):
    assert first in {m.id for m in models}
    open_index(page, site_url, "?q=" + q.replace(" ", "+"))
    assert every_id(page)[0] == first
    assert page.errors == []


def squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def rank(m: Model, q: str) -> int | None:
    terms = [t for t in map(squash, q.split()) if t]
    whole = squash(q)
    name = squash(m.name)
    title = f"{name} {squash(m.id)}"
    if whole in (squash(m.id), name, squash(m.short_name), squash(m.id.split("/")[-1])):
        return 0
    if whole in title:
        return 1
    if all(t in title for t in terms):
        return 2
    author = squash(f"{m.author} {m.author_display}")
    if all(t in title or t in author for t in terms):
        return 3
    anywhere = squash(f"{m.name} {m.id} {m.author} {m.author_display} {search_words(m)}")
    return 4 if all(t in anywhere for t in terms) else None


@pytest.mark.parametrize("q", ["claude", "sonnet 4.5", "gemini flash", "meta llama", "coding", "qwen coder", "mistral reasoning"])
def test_results_are_ranked_and_newest_first_within_a_rank(page, site_url, models, q):
    expected = sorted((m for m in models if rank(m, q) is not None), key=lambda m: rank(m, q))  # stable: newest first
    assert expected
    open_index(page, site_url, "?q=" + q.replace(" ", "+"))
    assert every_id(page) == [m.id for m in expected]


def test_a_chosen_sort_orders_each_rank(page, site_url, models):
    q = "claude"
    open_index(page, site_url, "?q=claude&sort=input")
    ids = every_id(page)
    by_id = {m.id: m for m in models}
    ranks = [rank(by_id[i], q) for i in ids]
    assert ranks == sorted(ranks)
    for r in set(ranks):
        prices = [by_id[i].prompt_price for i in ids if rank(by_id[i], q) == r]
        known = [p for p in prices if p is not None and p >= 0]
        assert known == sorted(known)
