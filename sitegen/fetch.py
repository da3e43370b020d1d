"""Downloading the catalog. The only home of httpx.

One ``fetch`` call is bounded in time as a whole: attempts, the waits between them and a body
that arrives one byte at a time all count against the same deadline (``timeout``), and a
server that accepts the connection and then says nothing cannot hold the command past it:
every wait on the server (connecting, each read) is bounded by what remains of the deadline,
and the deadline is checked between the pieces of a body. (Looking up the server's name is
the system's, which httpx does not bound.)

    connection error, timeout, 429, 5xx   retried with exponential backoff and jitter
                                          (429/503 wait what Retry-After says, capped)
    other 4xx, too many redirects         not retried: the answer will not change
    304 Not Modified                      the stored snapshot is current: nothing downloaded

Conditional requests use the validators (ETag, Last-Modified) of the last accepted
response; the caller keeps them (``store``) and passes them back in.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import httpx

from sitegen import __version__
from sitegen.errors import FetchError

USER_AGENT = f"sitegen/{__version__} (+https://github.com/sitegen; static catalog of OpenRouter models)"
DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 86_400.0
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

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def as_json(self) -> dict[str, str]:
        return {k: v for k, v in (("url", self.url), ("etag", self.etag), ("last_modified", self.last_modified)) if v}

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
    source: str
    not_modified: bool = False
    validators: Validators | None = None
    attempts: int = 1


def is_url(source: str) -> bool:
    return source.startswith("http://") or source.startswith("https://")


def request_headers() -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip"}
    key = os.environ.get("OPENROUTER_API_KEY", "").strip()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


class _Retry(Exception):
    """An attempt failed in a way that another attempt may fix."""

    def __init__(self, problem: str, wait: float | None = None):
        super().__init__(problem)
        self.problem = problem
        self.wait = wait


class _Deadline:
    def __init__(self, seconds: float, started: float | None = None):
        self.seconds = seconds
        self.end = (time.monotonic() if started is None else started) + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())


def fetch(
    source: str,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    validators: Validators | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int = ATTEMPTS,
    max_bytes: int = MAX_BYTES,
    started: float | None = None,
) -> Response:
    """The catalog's raw bytes from a URL or a local file.

    ``validators`` from the last accepted response make the request conditional: a 304 gives
    ``Response(not_modified=True)`` with an empty body. ``started`` (``time.monotonic()``)
    is when the ``timeout`` began, when time spent before the call counts against it.
    ``transport`` and ``sleep`` exist for tests; raises FetchError with a one-line message
    on every failure.
    """
    if not is_url(source):
        return _read_file(source, max_bytes)
    if not 0 < timeout <= MAX_TIMEOUT:
        raise FetchError(f"the timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, got {timeout:g}")
    deadline = _Deadline(timeout, started)
    headers = request_headers()
    conditional = validators is not None and validators.url == source
    if validators is not None and conditional:
        headers.update(validators.headers())
    client = httpx.Client(transport=transport, follow_redirects=True, max_redirects=MAX_REDIRECTS)
    problem = "no complete answer"
    try:
        for attempt in range(1, attempts + 1):
            try:
                response = _attempt(client, source, headers, deadline, max_bytes)
            except _Retry as retry:
                problem, wait = retry.problem, retry.wait
            except TimeoutError:
                raise FetchError(f"gave up on {source} after {timeout:g}s ({_attempts(attempt)}): {problem}") from None
            else:
                if response.not_modified and not conditional:
                    raise FetchError(f"{source} answered 304 Not Modified to a request that was not conditional")
                response.attempts = attempt
                return response
            if attempt == attempts:
                raise FetchError(f"gave up on {source} after {_attempts(attempt)}: {problem}")
            wait = backoff(attempt) if wait is None else wait
            if wait > deadline.remaining():
                raise FetchError(f"gave up on {source} after {_attempts(attempt)}, as the next could not start "
                                 f"within the {timeout:g}s timeout: {problem}")
            sleep(wait)
        raise AssertionError("unreachable")
    finally:
        client.close()


def _attempts(n: int) -> str:
    return "1 attempt" if n == 1 else f"{n} attempts"


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt``: exponential, with jitter so
    many clients that failed together do not come back together."""
    ceiling = min(MAX_BACKOFF, BACKOFF * 2 ** (attempt - 1))
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
        return Response(path.read_bytes(), source)
    except OSError as exc:
        raise FetchError(f"cannot read {source}: {exc.strerror or exc}") from None


def _attempt(client: httpx.Client, url: str, headers: dict[str, str], deadline: _Deadline,
             max_bytes: int) -> Response:
    host = urlsplit(url).netloc or url
    # A third of the whole budget per read, so a stuck connection leaves time to retry.
    wait = max(min(deadline.remaining(), deadline.seconds / 3), 0.001)
    try:
        with client.stream("GET", url, headers=headers, timeout=httpx.Timeout(wait)) as response:
            return _accept(response, url, deadline, max_bytes)
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


def _accept(response: httpx.Response, url: str, deadline: _Deadline, max_bytes: int) -> Response:
    status = response.status_code
    where = str(response.url)
    if status == 304:
        return Response(b"", url, not_modified=True, validators=_validators(response, url))
    if status == 429 or status >= 500:
        header = response.headers.get("Retry-After")
        problem = f"{where} answered HTTP {status} {response.reason_phrase}".rstrip()
        raise _Retry(problem + (f" (Retry-After: {header[:40]})" if header else ""), retry_after(header))
    if status != 200:
        raise FetchError(f"{where} answered HTTP {status} {response.reason_phrase}".rstrip())
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"{where} sent {int(length):,} bytes, more than a catalog can be ({max_bytes:,})")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():  # each piece as it arrives, so the deadline is checked between them
        size += len(chunk)
        if size > max_bytes:  # counted after decompression: a gzip bomb stops here too
            raise FetchError(f"{where} sent more than {max_bytes:,} bytes: not a catalog")
        chunks.append(chunk)
        if not deadline.remaining():
            raise TimeoutError
    return Response(b"".join(chunks), url, validators=_validators(response, url))


def _validators(response: httpx.Response, url: str) -> Validators | None:
    return Validators.from_json({
        "url": url,
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
    })
