"""The models tables and what the index's finder needs: rows, filter choices, search words.

A table row is made once per model and build (``Rows``) and reused by the index, the "all
models" pages and the author pages. The index holds the newest ``INDEX_ROWS`` rows as HTML;
``static/js/index.js`` reads them back to search, filter and sort. When the catalog is
larger, the script loads every row from ``finder.json`` (``finder_data``) instead, and the
"all models" pages keep each model reachable without JavaScript. Each row carries a few
words from its description (``data-k``) so search finds "coding" or "multilingual" without
shipping whole descriptions.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import Any

from sitegen import catalog as cat
from sitegen.catalog import Model
from sitegen.charts import price_context
from sitegen.markup import plain_text
from sitegen.render import fmt_date, fmt_tokens

MAX_WORDS = 12
INDEX_ROWS = 1000  # rows the index serves as HTML; at 40,000 models it stays near 1 MB
LIST_ROWS = 500  # rows of each "all models" page
DATA_FILE = "finder.json"
SHORT_CAPS = {"tools": "Tools", "structured": "Structured", "reasoning": "Reasoning", "web": "Web search",
              "logprobs": "Logprobs"}
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


class Rows:
    """Each model's table row, made once and reused by every table that lists it.

    A row is kept in parts whose links are relative to the site root, so one set of parts
    serves pages at any depth, with or without the author column and search words."""

    def __init__(self, models: list[Model]):
        self._parts = {m.id: _parts(m) for m in models}

    def html(self, models: list[Model], root: str, show_author: bool = True, terms: dict[str, str] | None = None) -> str:
        out = []
        for m in models:
            head, author, tail = self._parts[m.id]
            words = f' data-k="{escape(terms[m.id])}"' if terms is not None else ""
            cell = f'<td><a href="{root}{author[0]}">{author[1]}</a></td>' if show_author else ""
            out.append(f'<tr{words}><th scope="row"><a href="{root}{head}</th>{cell}{tail}</tr>\n')
        return "".join(out)


def _parts(m: Model) -> tuple[str, tuple[str, str], str]:
    head = f'{escape(m.path)}">{escape(m.name)}</a><code>{escape(m.id)}</code>'
    author = (escape(cat.author_path(m.author)), escape(m.author))
    caps = m.capabilities()
    labels = " ".join(f'<span class="cap">{SHORT_CAPS[k]}</span>' for k in caps)
    tail = (
        f'<td class="num" data-v="{m.context_length or ""}">{fmt_tokens(m.context_length)}</td>'
        f"{_price_cell(m, 'prompt')}{_price_cell(m, 'completion')}"
        f'<td class="mods">{escape(" ".join(m.input_modalities))}</td>'
        f'<td class="mods">{escape(" ".join(m.output_modalities))}</td>'
        f'<td data-v="{" ".join(caps)}">{labels}</td>'
        f'<td class="date" data-v="{m.created}">{fmt_date(m.created)}</td>'
    )
    return head, author, tail


def _price_cell(m: Model, key: str) -> str:
    text = cat.format_price(key, m.prices.get(key))
    kind = " free" if text == "free" else " varies" if text == "varies" else ""
    value = cat.price_number(key, m.prices[key]) if key in m.prices else ""
    return f'<td class="num{kind}" data-v="{value}">{escape(text)}</td>'


def finder_data(models: list[Model], terms: dict[str, str]) -> dict[str, Any]:
    """Every row of the index as data, for the finder when the index holds only the newest.

    A row is ``[id, name, path, author, context, context text, input, input text, output,
    output text, reads, writes, capabilities, created, search words]``; prices are exact
    per-1M decimal strings ("" when they vary or are missing), as in the rows' data-v.
    ``authors`` maps each author to its page, ``caps`` each capability to its label."""
    rows = []
    for m in models:
        row: list[Any] = [m.id, m.name, m.path, m.author, m.context_length or 0, fmt_tokens(m.context_length)]
        for key in ("prompt", "completion"):
            row += [cat.price_number(key, m.prices[key]) if key in m.prices else "",
                    cat.format_price(key, m.prices.get(key))]
        row += [" ".join(m.input_modalities), " ".join(m.output_modalities), " ".join(m.capabilities()),
                m.created, terms[m.id]]
        rows.append(row)
    authors = {m.author: cat.author_path(m.author) for m in models}
    return {"authors": authors, "caps": SHORT_CAPS, "rows": rows}
