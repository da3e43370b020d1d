"""What a model page shows, worked out once per page in Python: prices, token counts and
dates as text, badges, the details list. ``templates/model.html`` only places
these values in its markup.

Model pages are most of a build, and every filter, attribute lookup and property a template
evaluates costs a function call per page; plain values cost a local lookup. Each value is a
pure function of the page's context (model, siblings, alias, history) and the build clock,
so the build cache's fingerprint of that context still covers the page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from json.encoder import encode_basestring as json_string  # json.dumps of a str, in C
from typing import Any, Sequence
from urllib.parse import quote

from sitegen import catalog as cat
from sitegen.catalog import Model
from sitegen.markup import description_html, plain_text
from sitegen.render import element_text, fmt_date, fmt_int, fmt_tokens, safe

RAW_JSON_LIMIT = 200_000  # characters of the raw JSON block
_prices: dict[tuple[str, Decimal], str] = {}


def price_text(key: str, price: Decimal | None) -> str:
    """``catalog.format_price``, remembered: catalogs repeat a few prices many times."""
    if price is None:
        return "—"
    text = _prices.get((key, price))
    if text is None:
        text = _prices[key, price] = cat.format_price(key, price)
    return text


def expiry_horizon(built_at: datetime) -> str:
    """Expiration dates up to this day are near enough to warn about."""
    return (built_at + timedelta(days=30)).strftime("%Y-%m-%d")


def values(model: Model, siblings: list[Model], horizon: str) -> dict[str, Any]:
    """The template values of ``model``'s page beyond its context (see ``pages.model_pages``)."""
    prices = model.prices
    prompt, completion = prices.get("prompt"), prices.get("completion")
    expires = model.real_expiration
    id_json = json_string(model.id)
    return {
        "title": model.name,
        "description": meta_description(model),
        "author_display": model.author_display,
        "author_link": cat.author_path(model.author),
        "short_name": model.short_name,
        "name": model.name,
        "model_id": model.id,
        "compare_query": quote(model.id, safe="/"),  # as Jinja's urlencode filter writes it
        "free": model.is_free,
        "variant": model.variant,
        "is_alias": model.is_alias,
        "alias_target": model.alias_target,
        "varies": model.has_varying_price,
        "capability_labels": [cat.CAPABILITIES[key][0] for key in model.capabilities()],
        "expires": expires,
        "expires_soon": expires is not None and expires <= horizon,
        "prompt_text": price_text("prompt", prompt),
        "prompt_per_token": bool(prompt and prompt > 0),
        "completion_text": price_text("completion", completion),
        "completion_per_token": bool(completion and completion > 0),
        "context_short": fmt_tokens(model.context_length),
        "context_full": fmt_int(model.context_length),
        "provider_context": _provider_context(model),
        "max_output_short": fmt_tokens(model.max_completion_tokens),
        "max_output_full": fmt_int(model.max_completion_tokens),
        "max_output_known": bool(model.max_completion_tokens),
        "added": fmt_date(model.created),
        "cutoff": model.knowledge_cutoff or "—",
        "about": safe(description_html(model.description)) if model.description else None,
        "price_heads": _price_heads(model),
        "price_rows": [_price_row(model, key) for key in _price_keys(model)],
        "modalities": (("Input", _with_last(model.input_modalities)), ("Output", _with_last(model.output_modalities))),
        "moderated": _moderated(model.is_moderated),
        "tokenizer": model.tokenizer or "—",
        "instruct_type": model.instruct_type or "—",
        "reasoning_text": _reasoning(model.reasoning) if model.reasoning else None,
        "voices": ", ".join(model.supported_voices),
        "slug": model.canonical_slug,
        "hugging_face": model.hugging_face_id,
        "default_parameters": _with_last(_default_parameters(model.default_parameters)),
        "parameters": sorted(model.supported_parameters, key=str.lower),
        "variant_rows": [(v.path, v.name, v.id, price_text("prompt", v.prompt_price),
                          price_text("completion", v.completion_price)) for v in siblings],
        "curl_body": element_text(_curl_body(id_json)),
        "python_id": element_text(id_json),
        "raw_json": element_text(model.raw_text[:RAW_JSON_LIMIT]),  # laid out by site.js
    }


def meta_description(model: Model) -> str:
    facts = [f"{model.name}: input {price_text('prompt', model.prompt_price)}, "
             f"output {price_text('completion', model.completion_price)} per 1M tokens"]
    if model.context_length:
        facts.append(f"{fmt_tokens(model.context_length)} context")
    summary = ", ".join(facts) + "."
    return f"{summary} {plain_text(model.description, 180)}".strip()[:300]


def _provider_context(model: Model) -> str | None:
    """The top provider's context length when it differs from the model's."""
    theirs = model.provider_context_length
    return fmt_int(theirs) if theirs and theirs != model.context_length else None


def _price_keys(model: Model) -> list[str]:
    """Known price kinds in display order, then any others the API sent, by name."""
    present = set(model.prices).union(*(t.prices for t in model.tiers))
    return [k for k in cat.PRICE_KINDS if k in present] + sorted(present.difference(cat.PRICE_KINDS))


def _price_heads(model: Model) -> tuple[str, list[str]]:
    """Headings of the price columns: the base price, then one per tier."""
    if not model.tiers:
        return "Price", []
    first = f"Up to {fmt_int(model.tiers[0].min_prompt_tokens)} prompt tokens"
    return first, [f"From {fmt_int(t.min_prompt_tokens)} prompt tokens" for t in model.tiers]


def _price_row(model: Model, key: str) -> tuple[str, str | None, str, str, list[str]]:
    """A row of the pricing table: label, the API's key when it has no label of its own,
    unit, and the price as shown for the base price and for each tier."""
    label, unit = cat.PRICE_KINDS.get(key, (key, cat.TOKEN_UNIT))
    code = None if key in cat.PRICE_KINDS else key
    return label, code, unit, price_text(key, model.prices.get(key)), [price_text(key, t.prices.get(key)) for t in model.tiers]


def _moderated(flag: bool | None) -> str:
    if flag is None:
        return "—"
    return "Yes, requests are moderated by the provider" if flag else "No"


def _reasoning(reasoning: dict[str, Any]) -> str:
    """How reasoning works for this model, with the efforts it accepts when listed."""
    if reasoning.get("mandatory"):
        text = "Always on"
    elif reasoning.get("default_enabled"):
        text = "On by default"
    else:
        text = "Optional"
    efforts = reasoning.get("supported_efforts")
    if isinstance(efforts, (list, dict)):  # JSON's iterables other than a string
        text += "; efforts: " + ", ".join(map(str, efforts))
    return text


def _with_last(items: Sequence[str]) -> list[tuple[str, bool]]:
    """Each item and whether it is the last (the template separates the others), which
    spares the template Jinja's loop object."""
    last = len(items) - 1
    return [(item, n == last) for n, item in enumerate(items)]


def _default_parameters(params: dict[str, Any]) -> list[str]:
    """``name=value`` for each default parameter, by name regardless of case."""
    return [f"{k}={v}" for k, v in sorted(params.items(), key=lambda item: item[0].lower())]


def _curl_body(id_json: str) -> str:
    """The request body of the curl example (as ``json.dumps`` writes it), quoted for a
    single-quoted shell string."""
    body = '{"model": ' + id_json + ', "messages": [{"role": "user", "content": "Hello!"}]}'
    return body.replace("'", "'\\''")
