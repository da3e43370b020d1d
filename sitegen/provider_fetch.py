"""Each listed model's endpoints: answers of the endpoints API, from a file of them (for
offline use and tests) or from the network.

An answer is the decoded body, each number JSON cannot carry read as a ``BadNumber`` (see
``sitegen.strictjson``), or None where the model has no endpoints (a 404); a model without an
answer was not fetched, and keeps what ``data/`` had (``sitegen.endpoints.merge``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from sitegen import fetch
from sitegen.catalog import decode
from sitegen.errors import CatalogError


def from_file(path: Path, listed: Iterable[str]) -> dict[str, Any]:
    """The answers in a file mapping model ids to answer bodies (as in the form
    ``{"openai/gpt-4o": {"data": {"endpoints": [...]}}}``); a listed model missing from it
    stands for a 404."""
    source = str(path)
    answers = decode(fetch.fetch(source).body, source)
    if not isinstance(answers, dict):
        raise CatalogError(f"{source} is not an object mapping model ids to answers of the endpoints API")
    return {model_id: answers.get(model_id) for model_id in listed}
