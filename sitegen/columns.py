"""The models tables' columns, defined once.

The served tables (their header in ``_macros.html`` and their rows, made here once per
model), ``finder.json`` and the index's script (``static/js/index.js``, which reads the
columns and the fields from ``finder.json``) all follow ``COLUMNS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, NamedTuple, Protocol, Sequence

from sitegen import formats, workload
from sitegen.offers import UNSTATED, Offer, cheapest_input, provider_count
from sitegen.model import CAPABILITIES, SCORES, Model
from sitegen.markup import plain_text
from sitegen.paths import author_path

# Short labels of the capabilities, as table cells show them.
SHORT_CAPS = {"tools": "Tools", "structured": "Structured", "reasoning": "Reasoning", "web": "Web search",
              "logprobs": "Logprobs"}
assert SHORT_CAPS.keys() == CAPABILITIES.keys()
DEFAULT_SORT = "added"  # newest first


@dataclass(frozen=True)
class Column:
    key: str  # the header's data-sort, and the column's field in finder.json
    label: str
    kind: str  # how its cells show: name, author, number, price, score, cost, words, text, caps, date or providers
    unit: str = ""  # shown after the label
    high_first: bool = False  # sorted highest first unless reversed (scores); else lowest first
    shown: bool = True  # shown unless the reader chooses otherwise (the index's cols=); else hidden (class "off")

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "price", "score", "cost", "date", "providers")

    @property
    def shown_apart(self) -> bool:
        """Whether the cell's text is not its value, and finder.json carries both."""
        return self.kind in ("number", "price", "score")


COLUMNS = (
    Column("name", "Model", "name"),
    Column("author", "Author", "author"),
    Column("context", "Context", "number"),
    Column("maxout", "Max output", "number", shown=False),  # tokens
    Column("input", "Input", "price", "/1M"),
    Column("output", "Output", "price", "/1M"),
    Column("cache", "Cache read", "price", "/1M", shown=False),
    Column("cost", "Cost", "cost", "/request"),  # of a request of the chosen mix (``workload``)
    Column("providers", "Providers", "providers"),
    Column("cheapest", "Cheapest input", "price", "/1M"),  # among the providers
    Column("intelligence", "Intelligence", "score", high_first=True),
    Column("coding", "Coding", "score", high_first=True),
    Column("agentic", "Agentic", "score", high_first=True),
    Column("reads", "Reads", "words"),
    Column("writes", "Writes", "words"),
    Column("caps", "Capabilities", "caps"),
    Column("added", "Added", "date"),
    Column("cutoff", "Knowledge cutoff", "text", shown=False),  # as the API writes it: 2025-03-31
    Column("tokenizer", "Tokenizer", "text", shown=False),
)
# What the index's filters read besides the columns, carried by the providers cell (as
# data-q and data-u): the quantizations of the model's endpoints and their best uptime.
FILTERS = ("quants", "uptime")
# finder.json's fields of a row: the model's id, page and search words, then each column's
# value (and text, where it differs), then ``FILTERS``.
FIELDS = ("id", "path", "words", *(name for c in COLUMNS for name in ((c.key, c.key + "_text") if c.shown_apart
                                                                       else (c.key,))), *FILTERS)


def cells(m: Model, offers: Sequence[Offer] | None = None, author_name: str = "") -> dict[str, tuple[Any, str]]:
    """Each column's value (for sorting) and text, and each of ``FILTERS``, for one model
    (``offers``: its providers', where fetched) whose author is called ``author_name``."""
    prompt, completion, cache = (m.prices.get(key) for key in ("prompt", "completion", "input_cache_read"))
    low, count = cheapest_input(offers or ()), provider_count(offers or ())
    uptimes = [o.uptime for o in offers or () if o.uptime is not None]
    return {
        "providers": (count, str(count)) if offers is not None else ("", formats.MISSING),
        "cheapest": (formats.price_number("prompt", low), formats.price("prompt", low)),
        "quants": (" ".join(sorted({o.quantization or UNSTATED for o in offers or ()})), ""),
        "uptime": (max(uptimes) if uptimes else "", ""),
        "name": (m.name, m.name),
        "author": (m.author, author_name or m.author),
        "context": (m.context_length or "", formats.tokens(m.context_length)),
        "maxout": (m.max_completion_tokens or "", formats.tokens(m.max_completion_tokens)),
        "input": (formats.price_number("prompt", prompt), formats.price("prompt", prompt)),
        "output": (formats.price_number("completion", completion), formats.price("completion", completion)),
        "cache": (formats.price_number("input_cache_read", cache), formats.price("input_cache_read", cache)),
        "cost": (workload.rates(m), cost_text(m, workload.MIXES[workload.DEFAULT_MIX])),
        **{key: (m.scores.get(key, ""), formats.score(m.scores.get(key))) for key in SCORES},
        "reads": (" ".join(m.input_modalities), " ".join(m.input_modalities)),
        "writes": (" ".join(m.output_modalities), " ".join(m.output_modalities)),
        "caps": (" ".join(m.capabilities()), " ".join(m.capabilities())),
        "added": (m.created, formats.day(m.created)),
        "cutoff": (m.knowledge_cutoff or "", m.knowledge_cutoff or formats.MISSING),
        "tokenizer": (m.tokenizer or "", m.tokenizer or formats.MISSING),
    }


def cost_text(model: Model, mix: workload.Mix) -> str:
    """A cost cell's content, as HTML: the cost of one request of ``mix`` and, below it, of
    1,000 requests; "free", "varies" or "—" alone."""
    try:
        cost = workload.request_cost(model, mix)
    except workload.Varies:
        return "varies"
    if cost is None or cost == 0:
        return formats.MISSING if cost is None else "free"
    return f'{formats.usd(cost)}<small>{formats.usd(cost * 1000)} per 1K</small>'


class RowParts(NamedTuple):
    """A model's table row in parts whose links are relative to the site's root, so one set
    serves tables at any depth, with or without the author column and search words."""

    head: str  # the name cell's link, after its opening '<a href="' and the root
    author: str  # the author cell's link, likewise
    tail: str  # the cells after the author
    words: str  # search words (``search_words``)


def row_parts(m: Model, values: dict[str, tuple[Any, str]]) -> RowParts:
    """The row of ``m`` in a models table, from its ``cells``."""
    esc = formats.attribute
    head = author = ""
    tail = []
    for column in COLUMNS:
        value, text = values[column.key]
        off = "" if column.shown else " off"
        if column.kind == "name":
            head = f'{esc(m.path)}">{esc(text)}</a><code>{esc(m.id)}</code>'
        elif column.kind == "author":
            author = f'{esc(author_path(m.author))}">{esc(text)}'
        elif column.kind == "number" or column.kind == "score" and value != "":
            tail.append(f'<td class="num{off}" data-v="{value}">{text}</td>')
        elif column.kind == "score":  # none known
            tail.append(f'<td class="num">{text}</td>')
        elif column.kind == "cost":
            kind = " free" if text == "free" else " varies" if text == "varies" else ""
            tail.append(f'<td class="num cost{kind}">{text}</td>')  # finder.json has the rates
        elif column.kind == "price":
            kind = " free" if text == "free" else " varies" if text == "varies" else ""
            tail.append(f'<td class="num{kind}{off}" data-v="{value}">{esc(text)}</td>')
        elif column.kind == "text":  # its text is its value, "—" when it has none
            tail.append(f'<td class="off">{esc(text)}</td>' if off else f'<td>{esc(text)}</td>')
        elif column.kind == "words":
            tail.append(f'<td class="mods">{esc(text)}</td>')
        elif column.kind == "providers":
            quants, uptime = values["quants"][0], values["uptime"][0]
            facts = (f' data-q="{esc(quants)}"' if quants else "") + (f' data-u="{uptime}"' if uptime != "" else "")
            tail.append(f'<td class="num" data-v="{value}"{facts}>{text}</td>')
        elif column.kind == "caps":
            labels = " ".join(f'<span class="cap">{SHORT_CAPS[k]}</span>' for k in value.split())
            tail.append(f'<td data-v="{value}">{labels}</td>')
        else:
            tail.append(f'<td class="date" data-v="{value}">{text}</td>')
    return RowParts(head, author, "".join(tail), search_words(m))


def finder_row(m: Model, values: dict[str, tuple[Any, str]], words: str) -> list[Any]:
    """The row of ``m`` in finder.json, its fields in the order of ``FIELDS``."""
    row: list[Any] = [m.id, m.path, words]
    for column in COLUMNS:
        value, text = values[column.key]
        row += (value, text) if column.shown_apart else (value,)
    return row + [values[key][0] for key in FILTERS]


def table_rows(rows: Mapping[str, RowParts], models: list[Model], root: str, show_author: bool = True,
               words: bool = False, pick: bool = False) -> str:
    """Table rows of ``models`` for a page ``root`` away from the site's root. With ``words``,
    each carries its search words; with ``pick``, each starts with a box to pick the model
    for comparison, hidden unless scripts run (the index's finder)."""
    esc = formats.attribute
    out = []
    for m in models:
        parts = rows[m.id]
        k = f' data-k="{esc(parts.words)}"' if words else ""
        box = (f'<td class="pick"><input type="checkbox" value="{esc(m.id)}" aria-label="Compare {esc(m.name)}"></td>'
               if pick else "")
        cell = f'<td><a href="{root}{parts.author}</a></td>' if show_author else ""
        out.append(f'<tr{k}>{box}<th scope="row"><a href="{root}{parts.head}</th>{cell}{parts.tail}</tr>\n')
    return "".join(out)


# ---------------------------------------------------------------------------------------
# Search words

MAX_WORDS = 12
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
    appearance, at most ``MAX_WORDS``; lower case, space-separated. Search finds "coding"
    or "multilingual" by them without shipping whole descriptions."""
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


# ---------------------------------------------------------------------------------------
# What the models add to the files that list the whole catalog

KINDS = ("finder", "compare", "csv")  # the entries kept as text, besides the table rows


class Entries(Protocol):
    """The entries of the catalog's models, in catalog order."""

    @property
    def rows(self) -> Mapping[str, RowParts]:
        """Model id -> its table row."""
        ...

    def texts(self, kind: str) -> Iterator[str]:
        """The entries of one of ``KINDS``, in pieces to be joined with "," (finder,
        compare) or "" (csv)."""
        ...


class HeldEntries:
    """``Entries`` held in memory."""

    def __init__(self) -> None:
        self.rows: dict[str, RowParts] = {}
        self._texts: dict[str, list[str]] = {kind: [] for kind in KINDS}

    def add(self, model_id: str, row: RowParts, texts: dict[str, str]) -> None:
        """One model's row and its entry of each of ``KINDS``."""
        self.rows[model_id] = row
        for kind in KINDS:
            self._texts[kind].append(texts[kind])

    def texts(self, kind: str) -> Iterator[str]:
        return iter(self._texts[kind])
