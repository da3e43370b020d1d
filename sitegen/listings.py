"""The pages that list models: the index, the "all models" pages and the author pages.

They share one ``finder.Rows``, so each model's table row is made once per build. The index
serves the newest ``finder.INDEX_ROWS`` models as HTML; when the catalog holds more, the
"all models" pages (``all/``, ``all/2/``, …) list every model in pages of
``finder.LIST_ROWS`` rows, and ``finder.json`` gives the index's finder the whole catalog.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Iterable

from sitegen import catalog as cat
from sitegen import finder
from sitegen.catalog import Model
from sitegen.render import Renderer, relative_root
from sitegen.writer import SiteFiles


def listing_pages(site: SiteFiles, r: Renderer, models: list[Model], rows: finder.Rows, data: Iterable[str],
                  context: dict[str, Any], index_rows: int = finder.INDEX_ROWS, list_rows: int = finder.LIST_ROWS) -> None:
    """The index, the "all models" pages and the author pages, from each model's ``rows``
    and its ``finder.json`` row in ``data`` (texts of ``finder.extract``); ``context`` is
    the index's ``finder.index_context``."""
    pager = all_pages(site, r, models, rows, index_rows, list_rows)
    index_page(site, r, models, rows, data, context, index_rows, pager)
    author_pages(site, r, models, rows)


def by_author(models: list[Model]) -> dict[str, list[Model]]:
    groups: dict[str, list[Model]] = defaultdict(list)
    for m in models:
        groups[m.author].append(m)
    return dict(sorted(groups.items()))


def list_path(number: int) -> str:
    return "all/" if number == 1 else f"all/{number}/"


def index_page(site: SiteFiles, r: Renderer, models: list[Model], rows: finder.Rows, data: Iterable[str],
               context: dict[str, Any], limit: int, pager: list[str]) -> None:
    shown = models[:limit]
    if len(shown) < len(models):
        site.add_parts(finder.DATA_FILE, finder.data_parts(models, data))
    site.add(
        "index.html",
        r.page(
            "index.html",
            "",
            models=models,
            shown=len(shown),
            rows=rows.html(shown, "", words=True, pick=True),
            pager=pager,
            data_src=finder.DATA_FILE if len(shown) < len(models) else "",
            stats=_stats(models),
            **context,
            title="Compare every model on OpenRouter",
            description=f"Prices, context lengths and capabilities of all {len(models)} models "
            "on OpenRouter, side by side, with feeds of new models and price changes.",
        ),
    )


def all_pages(site: SiteFiles, r: Renderer, models: list[Model], rows: finder.Rows, index_rows: int,
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
        site.add(
            path,
            r.page(
                "all.html",
                path,
                number=n,
                pages=paths,
                first=(n - 1) * list_rows + 1,
                last=(n - 1) * list_rows + len(chunk),
                total=len(models),
                rows=rows.html(chunk, root),
                title=f"All models, page {n} of {count}",
                description=f"Models {(n - 1) * list_rows + 1} to {(n - 1) * list_rows + len(chunk)} of the "
                f"{len(models)} on OpenRouter, newest first, with prices and context lengths.",
            ),
        )
    return paths


def _stats(models: list[Model]) -> dict[str, int]:
    return {
        "models": len(models),
        "authors": len({m.author for m in models}),
        "free": sum(1 for m in models if m.is_free),
        "tools": sum(1 for m in models if "tools" in m.capabilities()),
        "vision": sum(1 for m in models if "image" in m.input_modalities),
    }


def author_pages(site: SiteFiles, r: Renderer, models: list[Model], rows: finder.Rows) -> None:
    groups = by_author(models)
    for author, items in groups.items():
        path = cat.author_path(author)
        display = items[0].author_display
        site.add(
            path,
            r.page(
                "author.html",
                path,
                author=author,
                author_name=display,
                models=items,
                rows=rows.html(items, relative_root(path), show_author=False),
                title=f"{display} models",
                description=f"All {len(items)} {display} models on OpenRouter with prices and context lengths.",
            ),
        )
    site.add(
        "authors/",
        r.page(
            "authors.html",
            "authors/",
            groups=list(groups.items()),
            title="Model authors",
            description=f"The {len(groups)} organisations whose models are on OpenRouter.",
        ),
    )
