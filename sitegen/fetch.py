"""Downloading the catalog and each model's endpoints. The only home of httpx.

Every request of one ``sitegen fetch`` goes through one ``Session`` and the same rules. One
``timeout`` bounds them all: the attempts, the waits between them, and a body that trickles
in, as each wait on the server (connecting, each read) gets at most what remains and the
deadline is checked between the pieces of a body. (Only the name lookup, which httpx leaves to
the system, is not bounded.)

    connection error, timeout, 429, 5xx   retried with exponential backoff and jitter
                                          (429/503 wait what Retry-After says, capped)
    other 4xx, too many redirects         not retried: the answer will not change
    304 Not Modified                      the stored snapshot is current: nothing downloaded

A request is conditional on the ``Validators`` (ETag, Last-Modified) of the last accepted
response, which the caller keeps (``store``) and passes back in.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import httpx

from sitegen import __version__
from sitegen.config import FETCH_TIMEOUT
from sitegen.errors import FetchError

USER_AGENT = f"sitegen/{__version__} (+https://github.com/sitegen; static catalog of OpenRouter models)"
DEFAULT_TIMEOUT = FETCH_TIMEOUT
ATTEMPTS = 4  # the first try and three retries
BACKOFF = 0.5  # seconds before the first retry; doubles each time, with jitter
MAX_BACKOFF = 10.0
MAX_RETRY_AFTER = 30.0  # a longer Retry-After is more than one run should wait
MAX_REDIRECTS = 5
MAX_BYTES = 64 * 1024 * 1024  # the real catalog is about 1 MB


@dataclass(frozen=True)
class Validators:
    """What the server said identifies the response we accepted from ``url``."""

    url: str
    etag: str | None = None
    last_modified: str | None = None

    def as_json(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value}

    @classmethod
    def from_json(cls, value: Any) -> Validators | None:
        if not isinstance(value, dict) or not isinstance(value.get("url"), str):
            return None
        text = {k: v for k, v in value.items() if isinstance(v, str) and v.isprintable() and len(v) < 1000}
        if not (text.get("etag") or text.get("last_modified")):
            return None
        return cls(value["url"], text.get("etag"), text.get("last_modified"))


@dataclass
class Response:
    body: bytes
    not_modified: bool = False
    validators: Validators | None = None
    attempts: int = 1
    missing: bool = False  # HTTP 404, to a request that allowed it


class _Retry(Exception):
    """An attempt failed in a way that another attempt may fix."""

    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.wait = wait  # what the server asked for (Retry-After), if anything


def fetch(source: str, timeout: float = DEFAULT_TIMEOUT, *, validators: Validators | None = None,
          transport: httpx.AsyncBaseTransport | None = None, sleep: Callable[[float], object] | None = None,
          max_bytes: int = MAX_BYTES, started: float | None = None) -> Response:
    """The catalog's raw bytes from an http(s) URL or a local file; FetchError on any failure.
    ``validators`` of the same URL make the request conditional (a 304 gives ``not_modified``
    and no body); ``started`` is when ``timeout`` began (``time.monotonic()``)."""
    if not source.startswith(("http://", "https://")):
        return _read_file(source, max_bytes)

    async def one() -> Response:
        async with Session(timeout, started=started, transport=transport, sleep=sleep, max_bytes=max_bytes) as session:
            return await session.get(source, validators)
    return asyncio.run(one())


class Session:
    """The client of one ``sitegen fetch``: every request it makes (the catalog, each model's
    endpoints) follows the rules above under one deadline, ``timeout`` seconds after
    ``started``, with at most ``connections`` open at a time. A wait that the server asks of
    one request (Retry-After) holds back every request of the session: it is the client that
    is asked to slow down. ``attempt_wait`` caps each wait on the server of one attempt (by
    default a third of ``timeout``, so a stuck connection leaves time to retry). ``sleep``
    replaces the waits between attempts (tests)."""

    def __init__(self, timeout: float, *, started: float | None = None, connections: int = 1,
                 attempt_wait: float | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 sleep: Callable[[float], object] | None = None, max_bytes: int = MAX_BYTES) -> None:
        self.timeout = timeout
        self.deadline = (time.monotonic() if started is None else started) + timeout
        self.attempt_wait = min(timeout / 3, attempt_wait or timeout)
        self.max_bytes = max_bytes
        self._sleep = sleep
        self._held_until = 0.0
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip"}
        key = os.environ.get("OPENROUTER_API_KEY", "").strip()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._client = httpx.AsyncClient(transport=transport, follow_redirects=True, max_redirects=MAX_REDIRECTS,
                                         headers=headers, limits=httpx.Limits(max_connections=connections))

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    def left(self) -> float:
        """Seconds until the deadline."""
        return self.deadline - time.monotonic()

    def paused(self) -> float:
        """Seconds until a request may start, as the server asked (Retry-After)."""
        return max(0.0, self._held_until - time.monotonic())

    async def get(self, url: str, validators: Validators | None = None, *, missing_ok: bool = False) -> Response:
        """``url``'s answer, retried as the rules say; FetchError on any failure. ``validators``
        of the same URL make it conditional; with ``missing_ok`` a 404 is an answer
        (``missing``), not a failure."""
        conditional = validators is not None and validators.url == url
        headers: dict[str, str] = {}
        if validators is not None and conditional:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        problem, wait = "no complete answer", 0.0
        for attempt in range(1, ATTEMPTS + 1):
            wait = max(wait, self.paused())
            if wait > max(0.0, self.left()):
                done = f"after {_attempts(attempt - 1)}, as the next" if attempt > 1 else "as the first attempt"
                raise FetchError(f"gave up on {url} {done} could not start within the {self.timeout:g}s timeout: "
                                 + (problem if attempt > 1 else "the server asked for a pause (Retry-After)"))
            if wait > 0 and self._sleep is not None:
                self._sleep(wait)
            elif wait > 0:
                await asyncio.sleep(wait)
            try:
                response = await self._attempt(url, headers, missing_ok)
            except _Retry as retry:
                problem = str(retry)
                wait = backoff(attempt) if retry.wait is None else retry.wait
                if retry.wait is not None:
                    self._held_until = max(self._held_until, time.monotonic() + retry.wait)
            except TimeoutError:
                raise FetchError(f"gave up on {url} after {self.timeout:g}s ({_attempts(attempt)}): {problem}") from None
            else:
                if response.not_modified and not conditional:
                    raise FetchError(f"{url} answered 304 Not Modified to a request that was not conditional")
                response.attempts = attempt
                return response
        raise FetchError(f"gave up on {url} after {_attempts(ATTEMPTS)}: {problem}")

    async def _attempt(self, url: str, headers: dict[str, str], missing_ok: bool) -> Response:
        host = urlsplit(url).netloc or url
        wait = max(min(self.left(), self.attempt_wait), 0.001)
        try:
            async with self._client.stream("GET", url, headers=headers, timeout=httpx.Timeout(wait)) as response:
                if missing_ok and response.status_code == 404:
                    return Response(b"", missing=True)
                return await _accept(response, url, self.deadline, self.max_bytes)
        except httpx.TimeoutException:
            raise _Retry(f"{host} did not answer in time") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times") from None
        except httpx.DecodingError as exc:
            raise FetchError(f"the response from {host} cannot be decoded ({exc})") from None
        except httpx.RemoteProtocolError as exc:
            raise _Retry(f"the response from {host} broke off ({exc})") from None
        except httpx.TransportError as exc:
            raise _Retry(f"cannot reach {host} ({exc or type(exc).__name__})") from None
        except httpx.HTTPError as exc:  # invalid URL, unsupported protocol
            raise FetchError(f"cannot fetch {url}: {exc}") from None


def _attempts(n: int) -> str:
    return "1 attempt" if n == 1 else f"{n} attempts"


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt``: exponential, with jitter so
    many clients that failed together do not come back together."""
    ceiling = min(MAX_BACKOFF, BACKOFF * 2.0 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delay-seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _read_file(source: str, max_bytes: int) -> Response:
    path = Path(source)
    try:
        if path.stat().st_size > max_bytes:
            raise FetchError(f"{source} is larger than {max_bytes // 2**20} MB: not a catalog")
        return Response(path.read_bytes())
    except OSError as exc:
        raise FetchError(f"cannot read {source}: {exc.strerror or exc}") from None


async def _accept(response: httpx.Response, url: str, deadline: float, max_bytes: int) -> Response:
    status = response.status_code
    where = str(response.url)
    validators = Validators.from_json({"url": url, "etag": response.headers.get("ETag"),
                                       "last_modified": response.headers.get("Last-Modified")})
    if status == 304:
        return Response(b"", not_modified=True, validators=validators)
    if status == 429 or status >= 500:
        header = response.headers.get("Retry-After")
        problem = f"{where} answered HTTP {status} {response.reason_phrase}".rstrip()
        raise _Retry(problem + (f" (Retry-After: {header[:40]})" if header else ""), retry_after(header))
    if status != 200:
        raise FetchError(f"{where} answered HTTP {status} {response.reason_phrase}".rstrip())
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"{where} sent {int(length):,} bytes, more than an answer can be ({max_bytes:,})")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():  # each piece as it arrives, so the deadline is checked between them
        size += len(chunk)
        if size > max_bytes:  # counted after decompression: a gzip bomb stops here too
            raise FetchError(f"{where} sent more than {max_bytes:,} bytes: too large to be an answer")
        chunks.append(chunk)
        if time.monotonic() >= deadline:
            raise TimeoutError
    return Response(b"".join(chunks), validators=validators)
