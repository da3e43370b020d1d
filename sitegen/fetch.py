"""Downloading the catalog. The only home of httpx."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx

from sitegen import __version__
from sitegen.errors import FetchError

USER_AGENT = f"sitegen/{__version__} (+https://github.com/sitegen; static catalog of OpenRouter models)"
DEFAULT_TIMEOUT = 60.0


@dataclass
class Response:
    body: bytes
    source: str


def is_url(source: str) -> bool:
    return source.startswith("http://") or source.startswith("https://")


def request_headers() -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    key = os.environ.get("OPENROUTER_API_KEY", "").strip()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


def fetch(source: str, timeout: float = DEFAULT_TIMEOUT, client: httpx.Client | None = None) -> Response:
    """The catalog's raw bytes from a URL or a local file."""
    if not is_url(source):
        try:
            return Response(Path(source).read_bytes(), source)
        except OSError as exc:
            raise FetchError(f"cannot read {source}: {exc.strerror or exc}") from None
    own = client is None
    client = client or httpx.Client(timeout=timeout, follow_redirects=True)
    try:
        response = client.get(source, headers=request_headers())
    except httpx.TimeoutException:
        raise FetchError(f"{source} did not answer within {timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot reach {source}: {exc}") from None
    finally:
        if own:
            client.close()
    if response.status_code != 200:
        raise FetchError(f"{source} answered HTTP {response.status_code}")
    return Response(response.content, source)
