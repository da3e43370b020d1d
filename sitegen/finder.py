"""The models tables and what the index's finder needs: rows, filter choices, search words.

A table row is made once per model and build (``Rows``) and reused by the index, the "all
models" pages and the author pages. The index holds the newest ``INDEX_ROWS`` rows as HTML,
enough for the first screens while the page stays quick to draw; ``static/js/index.js``
loads every row from ``finder.json`` (``data_parts``) to search, filter and sort the whole
catalog, and the "all models" pages keep each model reachable without JavaScript. Each
row carries a few words from its description (``data-k``) so search finds "coding" or
"multilingual" without shipping whole descriptions.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import Any, Iterable, Iterator, NamedTuple

from sitegen import catalog as cat
from sitegen import jsoncodec
from sitegen.catalog import Model
from sitegen.charts import price_context
from sitegen.markup import plain_text
from sitegen.render import fmt_date, fmt_tokens, json_for_script

MAX_WORDS = 12
INDEX_ROWS = 100  # rows the index serves as HTML; the finder loads the rest from finder.json
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

    A row is kept in parts whose links are relative to the site root (``row_parts``), so
    one set of parts serves pages at any depth, with or without the author column and
    search words. The parts are made where the model's page is made (a worker process on
    a large catalog) and handed over as text (``extract``)."""

    def __init__(self, parts: dict[str, RowParts]):
        self._parts = parts

    def add_text(self, text: str) -> None:
        """Take the parts ``extract`` wrote."""
        for model_id, *parts in jsoncodec.loads(text):
            self._parts[model_id] = RowParts(*parts)

    def html(self, models: list[Model], root: str, show_author: bool = True, words: bool = False,
             pick: bool = False) -> str:
        """Table rows; with ``words``, each carries its search words; with ``pick``, each
        starts with a box to pick the model for comparison, hidden unless scripts run (the
        index's finder), so the script adds no cell to a row."""
        out = []
        for m in models:
            parts = self._parts[m.id]
            k = f' data-k="{escape(parts.words)}"' if words else ""
            box = (f'<td class="pick"><input type="checkbox" value="{escape(m.id)}" aria-label="Compare {escape(m.name)}"></td>'
                   if pick else "")
            cell = f'<td><a href="{root}{parts.author}</a></td>' if show_author else ""
            out.append(f'<tr{k}>{box}<th scope="row"><a href="{root}{parts.head}</th>{cell}{parts.tail}</tr>\n')
        return "".join(out)


class RowParts(NamedTuple):
    head: str  # the name cell's link (after its opening '<a href="' and the root)
    author: str  # the author cell's link, likewise
    tail: str  # the cells after the author
    words: str  # search words (``search_words``)


def row_parts(m: Model, facts: list[Any] | None = None) -> RowParts:
    _, name, path, author, context, context_text, prompt, prompt_text, completion, completion_text, \
        reads, writes, caps, created = facts or _facts(m)
    labels = " ".join(f'<span class="cap">{SHORT_CAPS[k]}</span>' for k in caps.split())
    tail = (
        f'<td class="num" data-v="{context or ""}">{context_text}</td>'
        f"{_price_cell(prompt, prompt_text)}{_price_cell(completion, completion_text)}"
        f'<td class="mods">{escape(reads)}</td><td class="mods">{escape(writes)}</td>'
        f'<td data-v="{caps}">{labels}</td><td class="date" data-v="{created}">{fmt_date(created)}</td>'
    )
    return RowParts(f'{escape(path)}">{escape(name)}</a><code>{escape(m.id)}</code>',
                    f'{escape(cat.author_path(author))}">{escape(author)}', tail, search_words(m))


def extract(models: Iterable[Model]) -> tuple[str, str]:
    """The table row parts (for ``Rows.add_text``) and the ``finder.json`` rows (for
    ``data_parts``) of ``models``, as text."""
    parts, rows = [], []
    for m in models:
        facts = _facts(m)
        row = row_parts(m, facts)
        parts.append([m.id, *row])
        rows.append(json_for_script(_short_path(facts) + [row.words]))
    return jsoncodec.compact(parts), ",".join(rows)


def data_parts(models: Iterable[Model], rows: Iterable[str]) -> Iterator[str]:
    """``finder.json``: every row as data, for the finder when the index holds only the
    newest rows. ``rows`` are the texts ``extract`` made, in catalog order.

    A row is ``[id, name, path, author, context, context text, input, input text,
    output, output text, reads, writes, capabilities, created, search words]``; prices
    are exact per-1M decimal strings ("" when they vary or are missing), as in the
    rows' data-v; the path is "" when it is the id under models/ with ":" as "_".
    ``authors`` maps each author to its page, ``caps`` each capability to its label."""
    authors = {m.author: cat.author_path(m.author) for m in models}
    return jsoncodec.filled(json_for_script({"authors": authors, "caps": SHORT_CAPS, "rows": []}), "rows", rows)


def _facts(m: Model) -> list[Any]:
    row: list[Any] = [m.id, m.name, m.path, m.author, m.context_length or 0, fmt_tokens(m.context_length)]
    for key in ("prompt", "completion"):
        row += [cat.price_number(key, m.prices[key]) if key in m.prices else "", cat.format_price(key, m.prices.get(key))]
    row += [" ".join(m.input_modalities), " ".join(m.output_modalities), " ".join(m.capabilities()), m.created]
    return row


def _short_path(facts: list[Any]) -> list[Any]:
    if facts[2] == f"models/{facts[0].replace(':', '_')}/":
        return [facts[0], facts[1], "", *facts[3:]]
    return facts


def _price_cell(value: str, text: str) -> str:
    kind = " free" if text == "free" else " varies" if text == "varies" else ""
    return f'<td class="num{kind}" data-v="{value}">{escape(text)}</td>'
