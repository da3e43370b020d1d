"""The compare page: a static page plus ``compare.json``, the data ``compare.js`` lays out.

``compare/?models=a/b,c/d`` is answered in the browser from that one file on our own site.
Each model carries its facts already formatted as the model pages show them (so the two
never disagree; a fact left out is "—") and its prices as exact decimal strings: per 1M
tokens for token prices, per unit (request, image, search) for the others; ``null`` for a
price that varies. compare.js formats them with the rules of ``catalog.format_price``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Iterator, Sequence

from sitegen import formats, jsoncodec
from sitegen.benchmarks import arena_summary
from sitegen.model import CAPABILITIES, SCORES, Model
from sitegen.markup import plain_text
from sitegen.paths import author_path
from sitegen.prices import PRICE_KINDS, exact_prices
from sitegen.offers import Offer, provider_count, spread
from sitegen.render import Renderer
from sitegen.workload import mix_choices
from sitegen.writer import Site

DATA_FILE = "compare.json"
PAGE = "compare/"

# The rows of the comparison after the price rows, by group, in order: key, label.
ROWS = {
    "Providers": [("providers", "Providers"), ("provider_input", "Input across providers"),
                  ("provider_output", "Output across providers")],
    "Limits": [("context", "Context length"), ("max_output", "Max output tokens"),
               ("provider_context", "Context at the top provider")],
    "Benchmarks": [("intelligence", "Intelligence index"), ("coding", "Coding index"), ("agentic", "Agentic index"),
                   ("design_arena", "Design Arena")],
    "Capabilities": [("cap.tools", "Tools"), ("cap.structured", "Structured outputs"), ("cap.reasoning", "Reasoning"),
                     ("cap.web", "Web search"), ("cap.logprobs", "Log probs"), ("reasoning_mode", "Reasoning mode")],
    "Modalities": [("input_modalities", "Input"), ("output_modalities", "Output")],
    "Details": [("author", "Author"), ("added", "Added"), ("knowledge_cutoff", "Knowledge cutoff"),
                ("expiration", "Expiration"), ("moderated", "Moderated"), ("tokenizer", "Tokenizer"),
                ("instruct_type", "Instruct type"), ("voices", "Voices"), ("variant", "Variant"),
                ("alias_target", "Alias of"), ("canonical_slug", "Canonical slug"), ("hugging_face", "Hugging Face"),
                ("default_parameters", "Default parameters"), ("parameters", "Supported parameters"),
                ("description", "Description")],
}
# Rows where a larger number is better; everywhere else among prices, smaller is.
HIGHER_IS_BETTER = ("context", "max_output", "provider_context", *SCORES)


def facts(model: Model, offers: Sequence[Offer] | None = None, author_name: str = "") -> dict[str, str]:
    """Every row's text for one model, in the words of its page."""
    caps = set(model.capabilities())
    row: dict[str, str] = {
        "providers": _count(offers),
        "provider_input": _spread(offers, "prompt"),
        "provider_output": _spread(offers, "completion"),
        "context": f"{formats.count(model.context_length)} tokens" if model.context_length else formats.MISSING,
        "max_output": (f"{formats.count(model.max_completion_tokens)} tokens" if model.max_completion_tokens
                       else formats.MISSING),
        "provider_context": (f"{formats.count(model.provider_context_length)} tokens"
                             if model.provider_context_length else formats.MISSING),
        "reasoning_mode": formats.reasoning(model.reasoning),
        "input_modalities": formats.listed(model.input_modalities),
        "output_modalities": formats.listed(model.output_modalities),
        "author": author_name or model.author_display,
        "added": formats.day(model.created),
        "knowledge_cutoff": model.knowledge_cutoff or formats.MISSING,
        "expiration": model.real_expiration or "None announced",
        "moderated": formats.moderated(model.is_moderated),
        "tokenizer": model.tokenizer or formats.MISSING,
        "instruct_type": model.instruct_type or formats.MISSING,
        "voices": formats.listed(model.supported_voices),
        "variant": model.variant or formats.MISSING,
        "alias_target": model.alias_target or formats.MISSING,
        "canonical_slug": model.canonical_slug or formats.MISSING,
        "hugging_face": model.hugging_face_id or formats.MISSING,
        "default_parameters": formats.listed(formats.settings(model.default_parameters)),
        "parameters": formats.listed(formats.by_name(model.supported_parameters)),
        "description": plain_text(model.description, 400) or formats.MISSING,
        "design_arena": arena_summary(model),
        **{key: formats.score(model.scores.get(key)) for key in SCORES},
    }
    for key in CAPABILITIES:
        row[f"cap.{key}"] = "Yes" if key in caps else "No"
    return row


def _count(offers: Sequence[Offer] | None) -> str:
    if offers is None:
        return formats.MISSING
    count = provider_count(offers)
    return str(count) + (f" ({len(offers)} endpoints)" if len(offers) != count else "")


def _spread(offers: Sequence[Offer] | None, key: str) -> str:
    """The lowest and highest price among the providers, per 1M tokens."""
    bounds = spread(offers or (), key)
    if bounds is None:
        return formats.MISSING
    low, high = (formats.price(key, price) for price in bounds)
    return low if low == high else f"{low} – {high}"


def numbers(model: Model) -> dict[str, float]:
    """The numeric rows, for marking the best value."""
    values = zip(HIGHER_IS_BETTER, (model.context_length, model.max_completion_tokens, model.provider_context_length))
    return {**{k: v for k, v in values if v}, **model.scores}


def entry(model: Model, offers: Sequence[Offer] | None = None, author_name: str = "") -> str:
    """The model's entry in compare.json, as JSON text."""
    return _compact({
        "id": model.id,
        "name": model.name,
        "path": model.path,
        "author_path": author_path(model.author),
        "prices": exact_prices(model.prices),
        "tiers": [{"min": tier.min_prompt_tokens, "prices": exact_prices(tier.prices)} for tier in model.tiers],
        "facts": {key: text for key, text in facts(model, offers, author_name).items() if text != formats.MISSING},
        "numbers": numbers(model),
    })


def _compact(value: Any) -> str:
    return jsoncodec.compact(value, sort_keys=True)


def data_parts(entries: Iterable[str]) -> Iterator[str]:
    """compare.json, given the models' ``entry`` texts in catalog order, piece by piece (tens
    of megabytes at tens of thousands of models)."""
    kinds = [{"key": key, "label": label, "unit": unit} for key, (label, unit) in PRICE_KINDS.items()]
    rows = [{"group": group, "key": key, "label": label} for group, keys in ROWS.items() for key, label in keys]
    head = {"price_kinds": kinds, "rows": rows,
            "higher_is_better": list(HIGHER_IS_BETTER), "models": []}
    return jsoncodec.filled(_compact(head), "models", entries)


def compare_page(site: Site, r: Renderer, models: list[Model], entries: Iterable[str]) -> None:
    """The compare page, and compare.json from the models' ``entries``."""
    site.add_parts(DATA_FILE, data_parts(entries))
    site.add(PAGE, r.page("compare.html", PAGE, {
        "data_file": DATA_FILE,
        "count": len(models),
        "example": _example(models),
        "mixes": mix_choices(),
        "title": "Compare models",
        "description": f"Compare any of the {len(models)} models on OpenRouter side by side: "
        "prices per 1M tokens, context, capabilities, and the monthly cost of your own usage.",
    }))


def _example(models: list[Model]) -> list[Model]:
    """Three models to suggest on an empty comparison: the newest of the three authors
    with the most models, skipping variants."""
    counts = Counter(m.author for m in models)
    seen: dict[str, Model] = {}
    for m in models:
        if m.author not in seen and m.variant is None and not m.is_alias and not m.has_varying_price:
            seen[m.author] = m
    top = sorted(seen, key=lambda a: (-counts[a], a))[:3]
    return [seen[a] for a in top]
