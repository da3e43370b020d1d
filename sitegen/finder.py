"""What the index's model finder needs besides the models: filter choices and search words.

The index table is complete HTML; ``static/js/index.js`` reads the rows back to search,
filter and sort them. Each row carries a few words from its description (``data-k``) so
search finds "coding" or "multilingual" without shipping whole descriptions.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sitegen import catalog as cat
from sitegen.catalog import Model
from sitegen.charts import price_context
from sitegen.markup import plain_text

MAX_WORDS = 12
# Context thresholds offered by the "at least" filter (tokens).
CONTEXT_STEPS = (8_000, 16_000, 32_000, 64_000, 128_000, 200_000, 256_000, 400_000, 1_000_000, 2_000_000)
_WORD = re.compile(r"[a-z0-9][a-z0-9.+#-]*[a-z0-9+#]", re.IGNORECASE)
_STOP = frozenset(
    """
    about after also among an and any are as at available based be been being best both but
    by can com could does each for from has have high how http https into its is it it's
    larger less like made make makes many may model models more most much new not of offers
    on one or other our over per same such than that the their them then there these they
    this those through to under up use used uses using version very via was way well were
    what when where which while who will with within without would you your
    """.split()
)


def search_words(model: Model) -> str:
    """Distinct description words not already in the name, id or author, in order of
    appearance, at most ``MAX_WORDS``; lower case, space-separated."""
    known = set(_WORD.findall(f"{model.name} {model.id} {model.author}".lower()))
    words: list[str] = []
    for word in _WORD.findall(plain_text(model.description, 400).lower()):
        if len(word) < 4 or word in _STOP or word in known or word.replace(".", "").isdigit():
            continue
        known.add(word)
        words.append(word)
        if len(words) == MAX_WORDS:
            break
    return " ".join(words)


def index_context(models: list[Model]) -> dict[str, Any]:
    """Template values for the index beyond the models themselves."""
    authors = Counter(m.author for m in models)
    display = {m.author: m.author_display for m in reversed(models)}
    return {
        "terms": {m.id: search_words(m) for m in models},
        "input_modalities": _modalities(m.input_modalities for m in models),
        "output_modalities": _modalities(m.output_modalities for m in models),
        "author_choices": sorted(((a, display[a], n) for a, n in authors.items()), key=lambda t: t[1].lower()),
        "context_steps": CONTEXT_STEPS,
        "capability_labels": {key: label for key, (label, _) in cat.CAPABILITIES.items()},
        "chart": price_context(models),
    }


def _modalities(groups: Any) -> list[str]:
    """Every modality seen, most common first (text leads)."""
    counts: Counter[str] = Counter()
    for group in groups:
        counts.update(group)
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
