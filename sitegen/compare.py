"""The compare page: a static page plus ``compare.json``, the data ``compare.js`` lays out.

``compare/?models=a/b,c/d`` is answered in the browser from that one file on our own site.
Each model carries its facts already formatted as the model pages show them (so the two
never disagree; a fact left out is "—") and its prices as exact decimal strings: per 1M
tokens for token prices, per unit (request, image, search) for the others; ``null`` for a
price that varies. compare.js formats them with the rules of ``catalog.format_price``.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any, Iterable, Iterator

from sitegen import catalog as cat
from sitegen import jsoncodec
from sitegen.catalog import Model
from sitegen.markup import plain_text
from sitegen.render import Renderer, fmt_date, fmt_int
from sitegen.writer import SiteFiles

DATA_FILE = "compare.json"
PAGE = "compare/"

# (group, key, label): the rows of the comparison after the price rows, in order.
ROWS: list[tuple[str, str, str]] = [
    ("Limits", "context", "Context length"),
    ("Limits", "max_output", "Max output tokens"),
    ("Limits", "provider_context", "Context at the top provider"),
    ("Capabilities", "cap.tools", "Tools"),
    ("Capabilities", "cap.structured", "Structured outputs"),
    ("Capabilities", "cap.reasoning", "Reasoning"),
    ("Capabilities", "cap.web", "Web search"),
    ("Capabilities", "cap.logprobs", "Log probs"),
    ("Capabilities", "reasoning_mode", "Reasoning mode"),
    ("Modalities", "input_modalities", "Input"),
    ("Modalities", "output_modalities", "Output"),
    ("Details", "author", "Author"),
    ("Details", "added", "Added"),
    ("Details", "knowledge_cutoff", "Knowledge cutoff"),
    ("Details", "expiration", "Expiration"),
    ("Details", "moderated", "Moderated"),
    ("Details", "tokenizer", "Tokenizer"),
    ("Details", "instruct_type", "Instruct type"),
    ("Details", "voices", "Voices"),
    ("Details", "variant", "Variant"),
    ("Details", "alias_target", "Alias of"),
    ("Details", "canonical_slug", "Canonical slug"),
    ("Details", "hugging_face", "Hugging Face"),
    ("Details", "default_parameters", "Default parameters"),
    ("Details", "parameters", "Supported parameters"),
    ("Details", "description", "Description"),
]
# Rows where a larger number is better; everywhere else among prices, smaller is.
HIGHER_IS_BETTER = ("context", "max_output", "provider_context")


def _exact(key: str, price: Decimal) -> str | None:
    return None if cat.is_varies(price) else f"{cat.per_unit(key, price).normalize():f}"


def _prices(prices: dict[str, Decimal]) -> dict[str, str | None]:
    return {key: _exact(key, value) for key, value in prices.items()}


def reasoning_mode(model: Model) -> str:
    info = model.reasoning
    if not info:
        return "—"
    mode = "Always on" if info.get("mandatory") else "On by default" if info.get("default_enabled") else "Optional"
    efforts = info.get("supported_efforts")
    if isinstance(efforts, list) and efforts:
        mode += "; efforts: " + ", ".join(str(e) for e in efforts)
    return mode


def _moderated(model: Model) -> str:
    return {None: "—", True: "Yes", False: "No"}[model.is_moderated]


def facts(model: Model) -> dict[str, str]:
    """Every row's text for one model, formatted like its page."""
    caps = set(model.capabilities())
    row: dict[str, str] = {
        "context": f"{fmt_int(model.context_length)} tokens" if model.context_length else "—",
        "max_output": f"{fmt_int(model.max_completion_tokens)} tokens" if model.max_completion_tokens else "—",
        "provider_context": f"{fmt_int(model.provider_context_length)} tokens" if model.provider_context_length else "—",
        "reasoning_mode": reasoning_mode(model),
        "input_modalities": ", ".join(model.input_modalities) or "—",
        "output_modalities": ", ".join(model.output_modalities) or "—",
        "author": model.author_display,
        "added": fmt_date(model.created),
        "knowledge_cutoff": model.knowledge_cutoff or "—",
        "expiration": model.real_expiration or "None announced",
        "moderated": _moderated(model),
        "tokenizer": model.tokenizer or "—",
        "instruct_type": model.instruct_type or "—",
        "voices": ", ".join(model.supported_voices) or "—",
        "variant": model.variant or "—",
        "alias_target": model.alias_target or "—",
        "canonical_slug": model.canonical_slug or "—",
        "hugging_face": model.hugging_face_id or "—",
        "default_parameters": ", ".join(f"{k}={v}" for k, v in sorted(model.default_parameters.items())) or "—",
        "parameters": ", ".join(sorted(model.supported_parameters)) or "—",
        "description": plain_text(model.description, 400) or "—",
    }
    for key in cat.CAPABILITIES:
        row[f"cap.{key}"] = "Yes" if key in caps else "No"
    return row


def numbers(model: Model) -> dict[str, int]:
    """The numeric rows, for marking the best value."""
    values = {
        "context": model.context_length,
        "max_output": model.max_completion_tokens,
        "provider_context": model.provider_context_length,
    }
    return {k: v for k, v in values.items() if v}


def model_record(model: Model) -> dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "path": model.path,
        "author_path": cat.author_path(model.author),
        "prices": _prices(model.prices),
        "tiers": [
            {
                "min": tier.min_prompt_tokens,
                "prices": _prices(tier.prices),
            }
            for tier in model.tiers
        ],
        "facts": {key: text for key, text in facts(model).items() if text != "—"},
        "numbers": numbers(model),
    }


def compare_data(models: list[Model]) -> dict[str, Any]:
    kinds = [{"key": key, "label": label, "unit": unit} for key, (label, unit) in cat.PRICE_KINDS.items()]
    return {
        "price_kinds": kinds,
        "rows": [{"group": g, "key": k, "label": label} for g, k, label in ROWS],
        "higher_is_better": list(HIGHER_IS_BETTER),
        "models": [model_record(m) for m in models],
    }


def _compact(value: Any) -> str:
    return jsoncodec.compact(value, sort_keys=True)


def extract(models: Iterable[Model]) -> str:
    """The ``compare.json`` entries of ``models``, as text (for ``data_parts``)."""
    return ",".join(_compact(model_record(m)) for m in models)


def data_parts(entries: Iterable[str]) -> Iterator[str]:
    """``compare_data`` as compact JSON, given the models' entries as ``extract`` made them,
    in catalog order: the text is never whole in memory (tens of megabytes at tens of
    thousands of models)."""
    return jsoncodec.filled(_compact(compare_data([])), "models", entries)


def compare_page(site: SiteFiles, r: Renderer, models: list[Model], entries: Iterable[str]) -> None:
    """The compare page, and ``compare.json`` from the models' ``entries`` (``extract``)."""
    site.add_parts(DATA_FILE, data_parts(entries))
    site.add(
        PAGE,
        r.page(
            "compare.html",
            PAGE,
            data_file=DATA_FILE,
            count=len(models),
            example=_example(models),
            title="Compare models",
            description=f"Compare any of the {len(models)} models on OpenRouter side by side: "
            "prices per 1M tokens, context, capabilities, and the monthly cost of your own usage.",
        ),
    )


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

