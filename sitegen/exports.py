"""Files for machines: ``models.json`` and ``models.csv`` to download the catalog, and
``sitemap.xml`` and ``robots.txt`` for search engines. No disk access.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import datetime
from typing import Iterable, Iterator, Sequence

from sitegen import formats
from sitegen.model import Model
from sitegen.writer import Site

CSV_COLUMNS = ("id", "name", "author", "created", "context_length", "max_completion_tokens",
               "input_per_1m", "output_per_1m", "cache_read_per_1m", "input_modalities",
               "output_modalities", "capabilities", "free", "url")


def models_json(site: Site, models: Sequence[Model], base_url: str) -> None:
    """``models.json``: the API's records of the current models as it sent them, each with
    the ``url`` of its page added, one record per line."""
    def parts() -> Iterator[str]:
        yield '{"data":['
        for n, m in enumerate(models):
            url = base_url + m.path
            if '"url":' in m.raw_text:  # the record has a "url" of its own: ours replaces it
                record = json.dumps(dict(m.raw, url=url), separators=(",", ":"))
            else:  # a record always has an id, so it is never "{}"
                record = m.raw_text[:-1] + ',"url":' + json.dumps(url) + "}"
            yield ("\n" if n == 0 else ",\n") + record
        yield "\n]}\n"
    site.add_parts("models.json", parts())


def csv_line(m: Model, base_url: str) -> str:
    """The line of ``m`` in ``models.csv``, prices in USD per 1M tokens."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([
        m.id, m.name, m.author, formats.day(m.created) if m.created else "",
        m.context_length or "", m.max_completion_tokens or "",
        formats.price_number("prompt", m.prompt_price), formats.price_number("completion", m.completion_price),
        formats.price_number("input_cache_read", m.prices.get("input_cache_read")),
        "+".join(m.input_modalities), "+".join(m.output_modalities), "+".join(m.capabilities()),
        "yes" if m.is_free else "no", base_url + m.path,
    ])
    return out.getvalue()


def models_csv(site: Site, lines: Iterable[str]) -> None:
    """``models.csv``: a header, then the models' ``csv_line``s in catalog order."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
    site.add_parts("models.csv", itertools.chain([out.getvalue()], lines))


def sitemap(site: Site, base_url: str, lastmod: datetime) -> None:
    """``sitemap.xml`` of every page stored so far but the 404 page, and ``robots.txt``."""
    day = lastmod.strftime("%Y-%m-%d")
    urls = []
    for path in site.pages():
        if path == "404.html":
            continue
        loc = path[: -len("index.html")] if path.endswith("index.html") else path
        urls.append(f"<url><loc>{formats.text(base_url + loc)}</loc><lastmod>{day}</lastmod></url>")
    site.add(
        "sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(urls) + "\n</urlset>\n",
    )
    site.add("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n")
