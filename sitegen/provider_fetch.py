"""Each listed model's endpoints: answers of the endpoints API, from a file of them (for
offline use and tests) or from the network.

An answer is the decoded body, each number JSON cannot carry read as a ``BadNumber`` (see
``sitegen.strictjson``), or None where the model has no endpoints (a 404); a model without an
answer was not fetched, and keeps what ``data/`` had (``sitegen.provider_data.merge``).

From the network, a model's endpoints are asked at its record's ``links.details``, a path
on the catalog's own origin (``/api/v1/models/{id}/endpoints`` where it has none), once per
path however many models share it, a handful at a time, through the catalog's ``Session``
rules and within the same deadline. A request that fails, or whose body is not a list of
endpoints (HTML, cut short, an error object), gives its models no answer this time; so does
the deadline, for the models it leaves unanswered.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import quote, urlsplit

from sitegen import fetch
from sitegen.catalog import decode
from sitegen.endpoints import refusal
from sitegen.errors import CatalogError, FetchError

CONCURRENCY = 5  # requests at a time: some 400 take well under two minutes, and no server notices
ATTEMPT_WAIT = 10.0  # seconds an attempt may wait on the server: an answer is a few kilobytes
MAX_ANSWER = 4 * 1024 * 1024
DEFAULT_PATH = "/api/v1/models/{}/endpoints"
NAMED = 5  # models named in the warning about those still unanswered at the deadline
_PATH = re.compile(r"/(?!/)[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,500}")

Progress = Callable[[int, int, int], None]  # requests done, of how many, how many failed so far


@dataclass
class Fetched:
    """What this fetch knows of the listed models' endpoints: ``answers`` as ``merge`` takes
    them, why each model in ``failed`` got none, the models still ``unanswered`` at the
    deadline, and warnings about the links followed."""

    answers: dict[str, Any] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    unanswered: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timeout: float = 0.0

    def late(self) -> list[str]:
        """The warning about the models still ``unanswered`` at the deadline, if any."""
        n = len(self.unanswered)
        if not n:
            return []
        named = ", ".join(self.unanswered[:NAMED]) + (f" and {n - NAMED} more" if n > NAMED else "")
        return [f"did not fetch the endpoints of {n} more models within the {self.timeout:g}s timeout; "
                f"they keep those last fetched: {named}"]

    def summary(self) -> str:
        missed = [f"{len(self.failed)} failed"]
        if self.unanswered:
            missed.append(f"{len(self.unanswered)} not answered in time")
        return f"endpoints of {len(self.answers)} models ({', '.join(missed)})"


def gather(source: str, payload: Any, listed: Iterable[str], *, endpoints_file: Path | None, network: bool,
           timeout: float, started: float, progress: Progress | None = None, **session: Any) -> Fetched | None:
    """The endpoints of the ``listed`` models of the catalog ``payload`` read from ``source``:
    from ``endpoints_file`` if given, else with ``network`` from the catalog's http(s) origin;
    None when neither applies (a local catalog, or endpoints not wanted). ``session`` goes to
    ``fetch.Session`` (tests)."""
    if not wanted(source, endpoints_file, network):
        return None
    if endpoints_file is not None:
        return Fetched(from_file(endpoints_file, listed))
    urls, warnings = endpoint_urls(source, payload.get("data", []), set(listed))
    fetched = Fetched(warnings=warnings, timeout=timeout)
    asyncio.run(_fetch_all(urls, fetched, progress, fetch.Session(
        timeout, started=started, connections=CONCURRENCY, attempt_wait=ATTEMPT_WAIT, max_bytes=MAX_ANSWER, **session)))
    return fetched


def wanted(source: str, endpoints_file: Path | None, network: bool) -> bool:
    """Whether a fetch of ``source`` brings endpoints: from a file, or from an http(s) origin."""
    return endpoints_file is not None or network and source.startswith(("http://", "https://"))


def from_file(path: Path, listed: Iterable[str]) -> dict[str, Any]:
    """The answers in a file mapping model ids to answer bodies (as in the form
    ``{"openai/gpt-4o": {"data": {"endpoints": [...]}}}``); a listed model missing from it
    stands for a 404."""
    source = str(path)
    answers = decode(fetch.fetch(source).body, source)
    if not isinstance(answers, dict):
        raise CatalogError(f"{source} is not an object mapping model ids to answers of the endpoints API")
    return {model_id: answers.get(model_id) for model_id in listed}


def endpoint_urls(source: str, records: Iterable[Any], listed: set[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Each URL to ask, in the catalog's order, with the listed models it answers for (the
    first record of an id counts, as in the catalog), and a warning for each ``links.details``
    that is not a path on the catalog's origin (the default path is asked instead)."""
    parts = urlsplit(source)
    origin = f"{parts.scheme}://{parts.netloc}"
    urls: dict[str, list[str]] = {}
    seen: set[str] = set()
    warnings = []
    for record in records if isinstance(records, list) else []:
        model_id = record.get("id") if isinstance(record, dict) else None
        if not isinstance(model_id, str) or model_id not in listed or model_id in seen:
            continue
        seen.add(model_id)
        links = record.get("links")
        details = links.get("details") if isinstance(links, dict) else None
        path = details if isinstance(details, str) and _PATH.fullmatch(details) else None
        if path is None:
            path = DEFAULT_PATH.format(quote(model_id, safe="/:"))
            if details is not None:
                warnings.append(f"the links.details of {model_id} is not a path on {origin}: asked {path} instead")
        urls.setdefault(origin + path, []).append(model_id)
    return urls, warnings


async def _fetch_all(urls: dict[str, list[str]], fetched: Fetched, progress: Progress | None,
                     session: fetch.Session) -> None:
    """Ask every URL, ``CONCURRENCY`` at a time, until done or the session's deadline (or a
    pause the server asks for that ends after it); what is not answered by then is
    ``unanswered``."""
    waiting = list(urls.items())
    pending = dict(urls)
    failures = 0

    async def worker() -> None:
        nonlocal failures
        while waiting and session.left() > session.paused():
            url, models = waiting.pop(0)
            try:
                answer = await _answer(session, url)
            except (FetchError, CatalogError) as exc:
                failures += 1
                fetched.failed.update((model_id, str(exc)) for model_id in models)
            else:
                fetched.answers.update((model_id, answer) for model_id in models)
            del pending[url]
            if progress is not None:
                progress(len(urls) - len(pending), len(urls), failures)

    async with session:
        if progress is not None:
            progress(0, len(urls), 0)
        try:
            async with asyncio.timeout(max(session.left(), 0.0)):
                await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        except TimeoutError:
            pass  # what is still unanswered stays so
    fetched.unanswered = [model_id for models in pending.values() for model_id in models]


async def _answer(session: fetch.Session, url: str) -> Any:
    """The decoded answer at ``url``, None for a 404; CatalogError when the body is not a
    list of endpoints."""
    response = await session.get(url, missing_ok=True)
    if response.missing:
        return None
    answer = decode(response.body, url)
    why = refusal(answer)
    if why is not None:
        raise CatalogError(f"{url}: {why}")
    return answer
