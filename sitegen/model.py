"""A model of the catalog as the site uses it: its validated fields and what follows from
them. ``sitegen.records`` makes them from the API's records. No I/O here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from sitegen import jsoncodec
from sitegen.prices import Tier, is_varies

MAX_DESCRIPTION = 20_000  # characters: a hostile record must not make a page megabytes long
PLACEHOLDER_EXPIRY = "2098-12-31"  # what the API sends for "no expiration announced"

# Capabilities people filter by, read from ``supported_parameters``: key -> (label, parameters).
CAPABILITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "tools": ("Tools", ("tools", "tool_choice")),
    "structured": ("Structured outputs", ("structured_outputs", "response_format")),
    "reasoning": ("Reasoning", ("reasoning", "include_reasoning", "reasoning_effort")),
    "web": ("Web search", ("web_search_options",)),
    "logprobs": ("Log probs", ("logprobs", "top_logprobs")),
}


# Artificial Analysis' indices (0-100, higher is better): our key -> the API's key.
SCORES = {"intelligence": "intelligence_index", "coding": "coding_index", "agentic": "agentic_index"}


class ArenaResult(NamedTuple):
    """A model's standing in one category of a Design Arena leaderboard."""

    arena: str  # the leaderboard: "models" or "agents"
    category: str  # as Design Arena names it: "website", "dataviz", ...
    elo: float
    win_rate: float | None  # percent
    rank: int


@dataclass(frozen=True, slots=True)
class Model:
    id: str
    name: str
    created: int
    context_length: int | None
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    tokenizer: str | None
    instruct_type: str | None
    prices: dict[str, Decimal]
    tiers: tuple[Tier, ...]
    max_completion_tokens: int | None
    provider_context_length: int | None
    is_moderated: bool | None
    supported_parameters: tuple[str, ...]
    default_parameters: dict[str, Any]
    knowledge_cutoff: str | None
    expiration_date: str | None
    hugging_face_id: str | None
    canonical_slug: str | None
    alias_target: str | None
    reasoning: dict[str, Any] | None
    supported_voices: tuple[str, ...]
    raw_text: str = field(repr=False, compare=False)  # the record as the API sent it, as JSON
    capability_keys: tuple[str, ...] = field(default=(), repr=False, compare=False)  # of CAPABILITIES
    # The part of the id before the first '/', without the alias '~'.
    author: str = field(default="unknown", repr=False, compare=False)
    path: str = field(default="", repr=False, compare=False)  # of its page: ``paths.model_path(id)``
    # Artificial Analysis' indices by ``SCORES`` key, and its Design Arena results.
    scores: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    arena: tuple[ArenaResult, ...] = field(default=(), repr=False, compare=False)

    @property
    def description(self) -> str:
        """The description (Markdown), cut at ``MAX_DESCRIPTION`` characters, read from the
        record's text rather than held twice (a fifth of the models' memory, at 40,000)."""
        return _description(self.raw_text)

    @property
    def raw(self) -> dict[str, Any]:
        """The record as the API sent it (a fresh copy on each call)."""
        record: dict[str, Any] = json.loads(self.raw_text)
        return record

    @property
    def author_display(self) -> str:
        """The author as the name says it ("Anthropic" in "Anthropic: Claude")."""
        head, colon, _ = self.name.partition(": ")
        return head.strip() if colon else self.author

    @property
    def short_name(self) -> str:
        """The name without the author ("Claude" in "Anthropic: Claude")."""
        _, colon, tail = self.name.partition(": ")
        return (tail.strip() or self.name) if colon else self.name

    @property
    def variant(self) -> str | None:
        """The ``:suffix`` of a variant id (``free``, ``batch``, …), else None."""
        tail = self.id.rsplit("/", 1)[-1]
        return tail.split(":", 1)[1] if ":" in tail else None

    @property
    def base_id(self) -> str:
        """The id without its variant suffix or alias '~': what a model's variants share."""
        head, _, tail = self.id.lstrip("~").rpartition("/")
        return f"{head}/{tail.split(':', 1)[0]}"

    @property
    def is_alias(self) -> bool:
        return self.id.startswith("~")

    @property
    def prompt_price(self) -> Decimal | None:
        return self.prices.get("prompt")

    @property
    def completion_price(self) -> Decimal | None:
        return self.prices.get("completion")

    @property
    def is_free(self) -> bool:
        return self.prompt_price == 0 and self.completion_price == 0

    @property
    def has_varying_price(self) -> bool:
        return is_varies(self.prompt_price) or is_varies(self.completion_price)

    def capabilities(self) -> list[str]:
        """The keys of ``CAPABILITIES`` the model's parameters show (worked out once, when parsed)."""
        return list(self.capability_keys)

    @property
    def real_expiration(self) -> str | None:
        """The expiration date unless it is missing or the far-future placeholder."""
        if not self.expiration_date or self.expiration_date >= PLACEHOLDER_EXPIRY:
            return None
        return self.expiration_date

    @property
    def expiration_day(self) -> date | None:
        """The real expiration date as a date; None also when the API's text is not a date."""
        try:
            return date.fromisoformat(self.real_expiration[:10]) if self.real_expiration else None
        except ValueError:
            return None


@dataclass
class Catalog:
    models: list[Model]
    warnings: list[str]

    def by_id(self) -> dict[str, Model]:
        return {m.id: m for m in self.models}


@lru_cache(maxsize=8)  # a page, its feed and its entries read the same model's, one after another
def _description(raw_text: str) -> str:
    try:
        record = jsoncodec.loads(raw_text)
    except jsoncodec.DecodeError:  # nested deeper than orjson reads
        record = json.loads(raw_text)
    value = record.get("description")
    return value[:MAX_DESCRIPTION] if isinstance(value, str) else ""


def sort_key(model: Model) -> tuple[int, str]:
    """Newest first; models created in the same second are ordered by id."""
    return (-model.created, model.id)
