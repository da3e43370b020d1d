"""Synthetic OpenRouter catalogs of any size, shaped like the real one.

``generate(count, seed)`` returns a ``{"data": [...]}`` payload holding every quirk the real
``GET /api/v1/models`` response shows (see the catalog notes): pricing keys that come and go,
``overrides`` tiers, ``"-1"`` router prices, float-noise price strings, ``:free``/``:batch``
variants that share a timestamp and a description, ``~`` aliases with ``alias_target``,
dotted ids, truncated Markdown descriptions with links, ``&`` and literal ``<think>``, null
versus ``""`` empties, the placeholder expiry date and records from before the fields
drifted. The same count and seed always give the same bytes.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

NEWEST = 1786060800  # the newest model's `created`, near the real snapshot's date

KNOWN_AUTHORS = [
    ("openai", "OpenAI"), ("qwen", "Qwen"), ("google", "Google"), ("anthropic", "Anthropic"),
    ("mistralai", "Mistral"), ("z-ai", "Z.ai"), ("deepseek", "DeepSeek"), ("nvidia", "NVIDIA"),
    ("minimax", "MiniMax"), ("moonshotai", "MoonshotAI"), ("meta-llama", "Meta"),
    ("inclusionai", "inclusionAI"), ("x-ai", "xAI"), ("cohere", "Cohere"), ("amazon", "Amazon"),
    ("perplexity", "Perplexity"), ("poolside", "Poolside"), ("aion-labs", "AionLabs"),
    ("bytedance-seed", "ByteDance Seed"), ("thedrummer", "TheDrummer"),
    ("nousresearch", "Nous"), ("tencent", "Tencent"), ("ibm-granite", "IBM"),
    ("microsoft", "Microsoft"), ("arcee-ai", "Arcee AI"), ("morph", "Morph"),
]
SYLLABLES = ["ka", "lo", "mi", "ra", "zen", "vo", "tri", "neo", "sol", "lu", "tera", "qi", "dra", "xo", "pel"]
FAMILY_WORDS = [
    "nova", "atlas", "sonnet", "opus", "flash", "lite", "coder", "vision", "reason", "mini",
    "nano", "pro", "ultra", "instruct", "chat", "turbo", "haiku", "orbit", "ember", "quill",
]
SIZES = ["7b", "8b", "14b", "32b", "70b", "120b", "235b-a22b", "480b-a35b", "1.3b", "3.5b"]
TOKENIZERS = ["Other", "GPT", "Claude", "Gemini", "Mistral", "Llama2", "Llama3", "Llama4",
              "Qwen", "Qwen3", "DeepSeek", "Grok", "Nova", "Cohere", "Gemma"]
PARAMETERS = [
    "frequency_penalty", "include_reasoning", "logit_bias", "logprobs", "max_tokens", "min_p",
    "presence_penalty", "reasoning", "reasoning_effort", "repetition_penalty", "response_format",
    "seed", "stop", "structured_outputs", "temperature", "tool_choice", "tools", "top_a", "top_k",
    "top_logprobs", "top_p", "web_search_options", "verbosity",
]
# Per-1M-token prices people actually see, in dollars.
PER_MILLION = ["0.02", "0.04", "0.05", "0.075", "0.1", "0.15", "0.2", "0.25", "0.3", "0.4", "0.5",
               "0.6", "0.8", "1", "1.1", "1.25", "2", "2.5", "3", "4", "5", "8", "10", "12", "15",
               "30", "60", "75", "150"]
# Optional pricing keys and how often a model carries each (from the 400-model snapshot).
OPTIONAL_PRICES = [
    ("input_cache_read", 0.59), ("web_search", 0.38), ("input_cache_write", 0.18),
    ("input_cache_write_1h", 0.08), ("audio", 0.075), ("internal_reasoning", 0.07),
    ("image", 0.07), ("input_audio_cache", 0.06), ("image_output", 0.02), ("audio_output", 0.005),
]
WORDS = (
    "model reasoning agents coding tasks context window multilingual benchmark latency "
    "throughput instruction following tool use long documents retrieval vision audio "
    "efficient mixture experts parameters fine-tuned distilled open weights chat math "
    "structured outputs safety alignment creative writing summarization translation"
).split()
EXTRAS = [
    "It is designed for [agentic workflows](https://example.com/agents) & tool use.",
    "Reasoning traces appear between <think> and </think> tags.",
    "The prompt must follow the format <instruction>{instruction}</instruction> <code>{code}</code>.",
    "**Best for:** long-context retrieval and `json` outputs.",
    "Read the [model card](<https://huggingface.co/example/card>) for details.",
    "Trained on 36T tokens — covering 119 languages, incl. français and 日本語.",
    "Supports up to 1M tokens of context.\n\nUsage of this model is subject to its license.",
    "It’s ~4,500 tokens/sec with 98% accuracy & low cost.",
]


def _price(per_million: Decimal) -> str:
    """A per-token price string the way the API writes it."""
    return f"{(per_million / 1_000_000).normalize():f}"


class _Maker:
    def __init__(self, count: int, seed: int):
        self.rng = random.Random(f"sitegen-bench:{seed}:{count}")
        self.count = count
        extra = max(0, count // 50 - len(KNOWN_AUTHORS) + 30)
        self.authors = list(KNOWN_AUTHORS) + [
            (f"{self._word()}-{i}", f"{self._word().title()} Labs {i}") for i in range(extra)
        ]
        self.clock = NEWEST

    def _word(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3)))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def description(self, name: str) -> str:
        if self.chance(0.01):
            return ""
        rng = self.rng
        sentences = [f"{name} is a {rng.choice(WORDS)} model for {' '.join(rng.sample(WORDS, 3))}."]
        while sum(map(len, sentences)) < rng.randint(150, 520):
            if self.chance(0.3):
                sentences.append(rng.choice(EXTRAS))
            else:
                words = rng.sample(WORDS, rng.randint(6, 14))
                sentences.append(" ".join(words).capitalize() + ".")
        text = " ".join(sentences)
        if self.chance(0.87) and len(text) > 200:  # the 2026 API cuts descriptions short
            text = text[: rng.randint(200, 333)].rstrip() + "..."
        return text

    def prices(self, scale: Decimal = Decimal(1)) -> dict[str, str]:
        rng = self.rng
        prompt = Decimal(rng.choice(PER_MILLION)) * scale
        prices = {"prompt": _price(prompt), "completion": _price(prompt * rng.choice([2, 3, 4, 5, 8]))}
        if self.chance(0.03):  # float noise, kept exact by the parser
            prices["prompt"] = prices["prompt"] + "00000000000015"
        for key, p in OPTIONAL_PRICES:
            if self.chance(p):
                prices[key] = _price(prompt * Decimal(rng.choice(["0.1", "0.25", "1.25", "2", "10"])))
        if self.chance(0.05):
            prices["request"] = "0"  # zero-valued keys are usually omitted, sometimes not
        if self.chance(0.005):
            prices["video_input"] = _price(prompt * 3)  # a key nobody has seen yet
        if self.chance(0.14):
            tiers = []
            for threshold in sorted(rng.sample([128000, 200000, 256000, 272000], rng.randint(1, 2))):
                tier = {"min_prompt_tokens": threshold}
                tier.update({k: _price(Decimal(v) * 2_000_000) for k, v in prices.items() if k != "request"})
                tiers.append(tier)
            prices["overrides"] = tiers  # type: ignore[assignment]
        return prices

    def base_record(self, author: tuple[str, str], router: bool) -> dict[str, Any]:
        rng = self.rng
        slug_parts = [rng.choice(FAMILY_WORDS)]
        if self.chance(0.46):
            slug_parts.append(f"{rng.randint(1, 5)}.{rng.randint(0, 9)}")
        else:
            slug_parts.append(str(rng.randint(1, 9)))
        if self.chance(0.5):
            slug_parts.append(rng.choice(FAMILY_WORDS + SIZES))
        slug = f"{self._word()}-" + "-".join(slug_parts)
        title = " ".join(p.upper() if p in SIZES else p.title() for p in slug.split("-"))
        name = f"{author[1]}: {title}" if self.chance(0.92) else title
        if self.chance(0.03):
            name += " "
        self.clock -= rng.choice([0, 0, 7, 3600, 86400, 250000])
        inputs = ["text"] + rng.choice([[], [], ["image"], ["image", "file"], ["image", "video"],
                                        ["audio"], ["image", "file", "audio", "video"]])
        rng.shuffle(inputs)  # the API's order is not canonical
        outputs = ["text"] + (["image"] if self.chance(0.03) else []) + (["audio"] if self.chance(0.01) else [])
        context = rng.choice([8192, 32768, 131072, 163840, 200000, 262144, 400000, 1048576, 2000000])
        created_day = "2026%02d%02d" % (rng.randint(1, 12), rng.randint(1, 28))
        record: dict[str, Any] = {
            "id": f"{author[0]}/{slug}",
            "canonical_slug": f"{author[0]}/{slug}-{created_day}",
            "hugging_face_id": rng.choice(["", None, f"{author[1].replace(' ', '')}/{title.replace(' ', '-')}"]),
            "name": name,
            "created": self.clock,
            "description": self.description(title),
            "context_length": context,
            "architecture": {
                "modality": "+".join(inputs) + "->" + "+".join(outputs),
                "input_modalities": inputs,
                "output_modalities": outputs,
                "tokenizer": "Router" if router else rng.choice(TOKENIZERS),
                "instruct_type": rng.choice([None] * 12 + ["none", "chatml"]),
            },
            "pricing": {"prompt": "-1", "completion": "-1"} if router else self.prices(),
            "top_provider": {
                "context_length": rng.choice([context, context, context, None, context // 2]),
                "max_completion_tokens": None if self.chance(0.12) else rng.choice([4096, 16384, 32768, 65536, 131072]),
                "is_moderated": self.chance(0.2),
            },
            "per_request_limits": None,
            "supported_parameters": sorted(rng.sample(PARAMETERS, rng.randint(3, 18))),
            "default_parameters": rng.choice([{}, {}, {"temperature": None, "top_p": None, "top_k": None},
                                              {"temperature": 0.6, "top_p": 0.95}]),
            "supported_voices": rng.choice([None, []]) if "audio" not in outputs else ["alloy", "echo", "nova"],
            "knowledge_cutoff": None if self.chance(0.5) else f"20{rng.randint(23, 26)}-{rng.randint(1, 12):02d}-{rng.choice([28, 30, 31])}",
            "expiration_date": None,
            "links": {"details": f"/api/v1/models/{author[0]}/{slug}-{created_day}/endpoints"},
        }
        if self.chance(0.005):
            record["expiration_date"] = "2098-12-31"  # the far-future placeholder
        elif self.chance(0.007):
            record["expiration_date"] = f"2026-{rng.randint(8, 12):02d}-{rng.randint(1, 28):02d}"
        if self.chance(0.67):
            record["reasoning"] = {"mandatory": self.chance(0.1), "default_enabled": self.chance(0.7)}
            if self.chance(0.3):
                record["reasoning"]["supported_efforts"] = ["high", "medium", "low"]
        if self.chance(0.54):
            record["benchmarks"] = {"design_arena": [
                {"arena": "models", "category": c, "elo": rng.randint(1100, 1450),
                 "win_rate": round(rng.uniform(30, 70), 1), "rank": rng.randint(1, 40)}
                for c in rng.sample(["3d", "dataviz", "gamedev", "website", "uicomponent"], rng.randint(1, 4))
            ]}
        if self.chance(0.1):  # a record from before the 2026 fields appeared
            for key in ("knowledge_cutoff", "expiration_date", "supported_voices", "links",
                        "hugging_face_id", "default_parameters"):
                record.pop(key, None)
        if self.chance(0.01):
            record["new_field"] = {"added": "later", "values": [1, 2, 3]}  # drift nobody knows yet
        return record

    def variant(self, base: dict[str, Any], suffix: str) -> dict[str, Any]:
        record = json.loads(json.dumps(base))
        record["id"] = f"{base['id']}:{suffix}"
        record["name"] = f"{base['name'].rstrip()} ({suffix})"
        if suffix == "free":
            record["pricing"] = {"prompt": "0", "completion": "0"}
        elif suffix == "batch":
            record["pricing"] = {k: _price(Decimal(v) * 500_000) for k, v in base["pricing"].items()
                                 if isinstance(v, str) and Decimal(v) > 0}
        return record

    def alias(self, target: dict[str, Any]) -> dict[str, Any]:
        author, slug = target["id"].split("/", 1)
        family = slug.split("-", 1)[0]
        record = json.loads(json.dumps(target))
        record["id"] = record["canonical_slug"] = f"~{author}/{family}-latest-{len(target['id'])}"
        record["name"] = f"{family.title()} Latest"
        record["alias_target"] = {"name": target["name"], "slug": target["id"]}
        record["description"] = f"This model always redirects to the latest model in the {family.title()} family."
        record["architecture"]["tokenizer"] = "Router"
        return record

    def catalog(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        seen: set[str] = set()
        while len(records) < self.count:
            author = self.authors[min(int(self.rng.paretovariate(0.9)) - 1, len(self.authors) - 1)] \
                if self.chance(0.5) else self.rng.choice(self.authors)
            router = self.chance(0.015)
            base = self.base_record(("openrouter", "OpenRouter") if router else author, router)
            if base["id"] in seen:
                continue
            group = [base]
            if not router:
                for suffix, p in (("free", 0.12), ("batch", 0.15), ("thinking", 0.01),
                                  ("exacto", 0.01), ("extended", 0.005)):
                    if self.chance(p):
                        group.append(self.variant(base, suffix))
                if self.chance(0.03):
                    group.append(self.alias(base))
            for record in group:
                if record["id"] not in seen and len(records) < self.count:
                    seen.add(record["id"])
                    records.append(record)
        return records


def generate(count: int, seed: int = 1) -> dict[str, Any]:
    """A catalog payload of exactly ``count`` models, the same for the same arguments."""
    if count < 1:
        raise ValueError("a catalog needs at least one model")
    return {"data": _Maker(count, seed).catalog()}


def reprice(payload: dict[str, Any], fraction: float = 0.01, seed: int = 1) -> dict[str, Any]:
    """A copy of ``payload`` where ``fraction`` of the models (at least one) raised their
    input price by 10%; routers and free models are left alone."""
    copy = json.loads(json.dumps(payload))
    rng = random.Random(f"sitegen-bench-reprice:{seed}")
    priced = [m for m in copy["data"] if Decimal(m["pricing"]["prompt"]) > 0]
    for model in rng.sample(priced, max(1, round(len(copy["data"]) * fraction))):
        model["pricing"]["prompt"] = f"{(Decimal(model['pricing']['prompt']) * Decimal('1.1')).normalize():f}"
    return copy


def dumps(payload: dict[str, Any]) -> bytes:
    """The catalog as the API sends it: compact JSON, UTF-8."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def repeat(payload: dict[str, Any], times: int) -> dict[str, Any]:
    """``payload`` followed by ``times - 1`` copies of it; copy k gives each model an id, a
    canonical slug and a name ending in ``-rk`` (before a ``:free``-like variant, so that the
    variants still belong to their base model), and points each alias at its own copy."""
    records = payload["data"]
    copies = [json.loads(json.dumps(record)) for record in records]
    for k in range(1, times):
        for record in json.loads(json.dumps(records)):
            _suffix(record, f"r{k}")
            copies.append(record)
    return {**payload, "data": copies}


def _suffix(record: dict[str, Any], tag: str) -> None:
    def renamed(model_id: str) -> str:
        base, colon, variant = model_id.partition(":")
        return f"{base}-{tag}{colon}{variant}"

    record["id"] = renamed(record["id"])
    if record.get("canonical_slug"):
        record["canonical_slug"] = f"{record['canonical_slug']}-{tag}"
    record["name"] = f"{record['name'].rstrip()} {tag}"
    target = record.get("alias_target")
    if isinstance(target, dict):
        target["slug"] = renamed(target["slug"])
        target["name"] = f"{target['name'].rstrip()} {tag}"


def endpoints_for(payload: dict[str, Any], stored: dict[str, Any], per_model: int = 3) -> dict[str, Any]:
    """The value of an ``endpoints.json`` giving each model of ``payload`` (a ``repeat`` of the
    real catalog) ``per_model`` endpoints: those ``stored`` (the real file's ``models``) has for
    the model it copies, a copy k starting k places further along; where it has fewer, more
    made from the first of them (or from the first stored endpoint of any model) under the
    tags and names of other real providers, its prices those of the model where they are
    prices, each made the same way every time."""
    pool = [e for entry in stored.values() for e in entry["endpoints"]]
    names = {e["tag"]: e["provider_name"] for e in pool}
    tags = sorted(names)
    models: dict[str, Any] = {}
    for number, record in enumerate(payload["data"]):
        base, copy = (record["id"], 0) if record["id"] in stored else _unsuffixed(record["id"])
        real = stored.get(base, {}).get("endpoints", [])
        chosen = [real[(copy + i) % len(real)] for i in range(min(per_model, len(real)))]
        used = {e["tag"] for e in chosen}
        template = real[0] if real else pool[0]
        start = number * 7
        while len(chosen) < per_model:
            tag = tags[start % len(tags)]
            start += 1
            if tag in used:
                continue
            used.add(tag)
            made = json.loads(json.dumps(template))
            made.update(tag=tag, provider_name=names[tag], name=f"{names[tag]} | {record['id']}",
                        model_id=record["id"], model_name=record["name"])
            pricing = record.get("pricing") or {}
            made["pricing"] = {k: v for k, v in pricing.items()
                               if k in ("prompt", "completion", "input_cache_read") and not str(v).startswith("-")} \
                or made["pricing"]
            chosen.append(made)
        models[record["id"]] = {"fetched_at": "2026-08-08T00:00:00Z",
                                "endpoints": sorted(chosen, key=lambda e: e["tag"])}
    return {"version": 1, "models": {i: models[i] for i in sorted(models)}}


def _unsuffixed(model_id: str) -> tuple[str, int]:
    """The real id a ``repeat`` copy's id was made from, and the copy's number (0: the real one)."""
    base, colon, variant = model_id.partition(":")
    head, dash, tag = base.rpartition("-r")
    if dash and tag.isdigit():
        return f"{head}{colon}{variant}", int(tag)
    return model_id, 0


def full_markdown(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``payload`` where every description is Markdown using what Python-Markdown
    works hardest on: several paragraphs, a bulleted list, bold, italics, inline code and links."""
    copy: dict[str, Any] = json.loads(json.dumps(payload))
    for record in copy["data"]:
        record["description"] = _markdown_description(record)
    return copy


def _markdown_description(record: dict[str, Any]) -> str:
    name = record["name"].strip()
    architecture = record.get("architecture") or {}
    inputs = ", ".join(architecture.get("input_modalities") or ["text"])
    outputs = ", ".join(architecture.get("output_modalities") or ["text"])
    parameters = record.get("supported_parameters") or ["max_tokens", "temperature"]
    summary = record.get("description") or f"{name} is one of the models served through OpenRouter."
    return "\n\n".join([
        f"**{name}** at a glance. {summary}",
        f"It reads *{inputs}* and writes *{outputs}*, with a context window of "
        f"{record.get('context_length') or 0:,} tokens. Requests name it `{record['id']}`; the "
        "[API reference](https://openrouter.ai/docs/api-reference/overview) shows the request "
        "format, and the [quick start](https://openrouter.ai/docs/quickstart) a first call.",
        "What a request may set:",
        "\n".join(f"- **{p.replace('_', ' ')}**: sent as `{p}`, see [its documentation]"
                  f"(https://openrouter.ai/docs/api-reference/parameters#{p.replace('_', '-')})"
                  for p in parameters[:8]),
        "Prices and limits change without notice: check the *pricing* table below before relying on "
        "them, and read the provider's terms, since **each provider's own policies apply** to the "
        "prompts it receives.",
    ])
