"""What each model adds to the files about the whole catalog: its row of the models tables
and of ``finder.json``, its entry in ``compare.json`` and its line of ``models.csv``.

They are made where the model's page is made (by a worker process on a large catalog, see
``parallel``), share by share, as text; the build joins the shares' texts in catalog
order. Worker processes leave them in files of a working folder rather than send them
back, so the build never holds them all at once.
"""

from __future__ import annotations

import os
from typing import Iterator, Sequence

from sitegen import compare, finder, syndication
from sitegen.catalog import Model

def extract(models: Sequence[Model], base_url: str) -> dict[str, str]:
    """Each kind's text for ``models`` (in catalog order)."""
    rows, data = finder.extract(models)
    return {"rows": rows, "finder": data, "compare": compare.extract(models),
            "csv": syndication.csv_extract(models, base_url)}


class Extracts:
    """The extracts of ``shares`` runs of the catalog, numbered in catalog order: files in
    ``folder`` when given (any process may make a share's), else held in memory."""

    def __init__(self, shares: int = 1, folder: str | None = None) -> None:
        self.shares = shares
        self.folder = folder
        self._held: dict[tuple[int, str], str] = {}

    def make(self, number: int, models: Sequence[Model], base_url: str) -> None:
        for kind, text in extract(models, base_url).items():
            if self.folder is None:
                self._held[number, kind] = text
            else:
                with open(self._file(number, kind), "w", encoding="utf-8") as handle:
                    handle.write(text)

    def texts(self, kind: str) -> Iterator[str]:
        """Each share's text of ``kind``, in catalog order, read one at a time."""
        for number in range(self.shares):
            if self.folder is None:
                yield self._held[number, kind]
            else:
                with open(self._file(number, kind), encoding="utf-8") as handle:
                    yield handle.read()

    def rows(self) -> finder.Rows:
        rows = finder.Rows({})
        for text in self.texts("rows"):
            rows.add_text(text)
        return rows

    def _file(self, number: int, kind: str) -> str:
        return os.path.join(self.folder or "", f"{number}.{kind}")
