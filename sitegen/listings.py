"""The pages that list models: the index, the "all models" pages and the author pages.

Each table row was made once per model with its page (``site.contribute``). The index serves the
newest ``INDEX_ROWS`` models as HTML; when the catalog holds more, the "all models" pages
(``all/``, ``all/2/``, …) list every model in pages of ``LIST_ROWS`` rows, and
``finder.json`` gives the index's script every row, to search, filter and sort the whole
catalog.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict
from typing import Any, Iterable, Iterator, Mapping

from sitegen import jsoncodec
from sitegen.model import CAPABILITIES, Model
from sitegen.authors import sort_key
from sitegen.charts import price_context
from sitegen.columns import COLUMNS, DEFAULT_SORT, FIELDS, SHORT_CAPS, RowParts, table_rows
from sitegen.columns import Entries
from sitegen.formats import json_for_script
from sitegen.paths import author_path
from sitegen.render import Renderer, relative_root
from sitegen.workload import mix_choices
from sitegen.writer import Site

INDEX_ROWS = 100  # rows the index serves as HTML; the script loads the rest from finder.json
LIST_ROWS = 500  # rows of each "all models" page
DATA_FILE = "finder.json"
TABLE = {"columns": COLUMNS, "default_sort": DEFAULT_SORT}  # what the models tables' macro reads
# Context thresholds offered by the "at least" filter (tokens).
CONTEXT_STEPS = (8_000, 16_000, 32_000, 64_000, 128_000, 200_000, 256_000, 400_000, 1_000_000, 2_000_000)
# Max output thresholds offered by the "min output" filter (tokens).
OUTPUT_STEPS = (4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000)
UPTIME_STEPS = (90, 95, 99, 99.9)  # percent, offered by the "min uptime" filter


def listing_pages(site: Site, r: Renderer, models: list[Model], names: dict[str, str], entries: Entries,
                  offered: dict[str, Any], index_rows: int = INDEX_ROWS, list_rows: int = LIST_ROWS) -> None:
    """The index, the "all models" pages and the author pages; ``names``: the authors'
    (``authors.author_names``); ``offered``: what the providers' filters offer
    (``providers.filter_choices``)."""
    context = index_context(models, names)  # first: while other processes may still make the entries
    pager = all_pages(site, r, models, entries.rows, index_rows, list_rows)
    index_page(site, r, models, entries, index_rows, pager, {**context, **offered}, names)
    author_pages(site, r, models, entries.rows, names)


def by_author(models: list[Model]) -> dict[str, list[Model]]:
    groups: dict[str, list[Model]] = defaultdict(list)
    for m in models:
        groups[m.author].append(m)
    return dict(sorted(groups.items()))


def list_path(number: int) -> str:
    return "all/" if number == 1 else f"all/{number}/"


def index_page(site: Site, r: Renderer, models: list[Model], entries: Entries, limit: int,
               pager: list[str], context: dict[str, Any], names: dict[str, str]) -> None:
    shown = models[:limit]
    site.add_parts(DATA_FILE, finder_data(models, entries.texts("finder"), names))  # every row, with its rates
    site.add("index.html", r.page("index.html", "", {
        **TABLE,
        **context,
        "uptime_steps": UPTIME_STEPS,
        "models": models,
        "shown": len(shown),
        "rows": table_rows(entries.rows, shown, "", words=True, pick=True),
        "pager": pager,
        "data_src": DATA_FILE,
        "stats": _stats(models),
        "title": "Compare every model on OpenRouter",
        "description": f"Prices, context lengths and capabilities of all {len(models)} models "
        "on OpenRouter, side by side, with feeds of new models and price changes.",
    }))


def finder_data(models: list[Model], rows: Iterable[str], names: dict[str, str]) -> Iterator[str]:
    """finder.json: every model's row (``columns.finder_row``, in catalog order), the columns
    and fields they follow, each author's page and name, each capability's label, and the
    parameters the models support, most common first, with each model's as indexes into them."""
    authors = {m.author: author_path(m.author) for m in models}
    params = [name for name, _ in parameter_counts(models)]
    index = {name: i for i, name in enumerate(params)}
    head = {"authors": authors, "author_names": {a: names[a] for a in authors}, "caps": SHORT_CAPS, "fields": list(FIELDS),
            "columns": [asdict(c) for c in COLUMNS], "params": params,
            "model_params": [sorted(index[p] for p in set(m.supported_parameters)) for m in models], "rows": []}
    return jsoncodec.filled(json_for_script(head), "rows", rows)


def index_context(models: list[Model], names: dict[str, str]) -> dict[str, Any]:
    """Template values for the index beyond the models themselves."""
    authors = Counter(m.author for m in models)
    return {
        "input_modalities": _modalities(m.input_modalities for m in models),
        "output_modalities": _modalities(m.output_modalities for m in models),
        "author_choices": sorted(((a, names[a], n) for a, n in authors.items()), key=lambda t: sort_key(t[1])),
        "context_steps": CONTEXT_STEPS,
        "output_steps": OUTPUT_STEPS,
        "param_choices": sorted(parameter_counts(models)),
        "tokenizer_choices": sorted(Counter(m.tokenizer for m in models if m.tokenizer).items()),
        "capability_labels": {key: label for key, (label, _) in CAPABILITIES.items()},
        "chart": price_context(models),
        "mixes": mix_choices(),
    }


def parameter_counts(models: list[Model]) -> list[tuple[str, int]]:
    """Each parameter the models support and how many do, the most common first."""
    counts = Counter(p for m in models for p in set(m.supported_parameters))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _modalities(groups: Iterable[Iterable[str]]) -> list[str]:
    """Every modality seen, most common first (text leads)."""
    counts: Counter[str] = Counter()
    for group in groups:
        counts.update(group)
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def all_pages(site: Site, r: Renderer, models: list[Model], rows: Mapping[str, RowParts], index_rows: int,
              list_rows: int) -> list[str]:
    """Every model in pages of ``list_rows``, newest first, when the index cannot hold them
    all; returns the pages' paths (none when it can)."""
    if len(models) <= index_rows:
        return []
    count = math.ceil(len(models) / list_rows)
    paths = [list_path(n) for n in range(1, count + 1)]
    for n, path in enumerate(paths, start=1):
        chunk = models[(n - 1) * list_rows: n * list_rows]
        root = relative_root(path)
        site.add(path, r.page("all.html", path, {
            **TABLE,
                "number": n,
            "pages": paths,
            "first": (n - 1) * list_rows + 1,
            "last": (n - 1) * list_rows + len(chunk),
            "total": len(models),
            "rows": table_rows(rows, chunk, root),
            "title": f"All models, page {n} of {count}",
            "description": f"Models {(n - 1) * list_rows + 1} to {(n - 1) * list_rows + len(chunk)} of the "
            f"{len(models)} on OpenRouter, newest first, with prices and context lengths.",
        }))
    return paths


def _stats(models: list[Model]) -> dict[str, int]:
    return {
        "models": len(models),
        "authors": len({m.author for m in models}),
        "free": sum(1 for m in models if m.is_free),
        "tools": sum(1 for m in models if "tools" in m.capabilities()),
        "vision": sum(1 for m in models if "image" in m.input_modalities),
    }


def author_pages(site: Site, r: Renderer, models: list[Model], rows: Mapping[str, RowParts],
                 names: dict[str, str]) -> None:
    groups = by_author(models)
    for author, items in groups.items():
        path = author_path(author)
        display = names[author]
        site.add(path, r.page("author.html", path, {
            **TABLE,
                "author": author,
            "author_name": display,
            "models": items,
            "rows": table_rows(rows, items, relative_root(path), show_author=False),
            "title": f"{display} models",
            "description": f"All {len(items)} {display} models on OpenRouter with prices and context lengths.",
        }))
    site.add("authors/", r.page("authors.html", "authors/", {
        "groups": sorted(((names[a], a, items) for a, items in groups.items()), key=lambda g: sort_key(g[0])),
        "title": "Model authors",
        "description": f"The {len(groups)} organisations whose models are on OpenRouter.",
    }))
