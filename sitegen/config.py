"""Settings shared by the commands, and the one clock every timestamp comes from."""

from __future__ import annotations

import ipaddress
import os
import re
import string
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sitegen.errors import SitegenError, UsageError

API_URL = "https://openrouter.ai/api/v1/models?output_modalities=all"
FETCH_TIMEOUT = 120.0  # seconds for a whole fetch: the catalog and some 400 models' endpoints
DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("_site")
DEFAULT_PORT = 8000
DEFAULT_BASE_URL = f"http://127.0.0.1:{DEFAULT_PORT}/"
FEED_SIZE = 50
SITE_NAME = "LLM Catalog"
SITE_TAGLINE = "Every model on OpenRouter: prices, context, capabilities and what changed."
# What every page may load and run: only the site's own files, never inline script or style.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'")

# Where the bundled package finds its templates and assets: beside the package in a
# checkout, and in the same layout when installed in editable mode.
ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"

# Besides letters and digits, the characters a base URL may hold: those that mean the same
# written anywhere the address goes (HTML text and attributes, XML, robots.txt), so it never
# needs escaping. Square brackets only around an IPv6 host.
_URL_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~!$()*+,;=:@/%")
_HOST_NAME = re.compile(r"(?:[A-Za-z0-9_-]+\.)*[A-Za-z0-9_-]+\.?")


def normalize_base_url(url: str) -> str:
    """The address the site is served from, with exactly one trailing slash; a UsageError
    naming ``--base-url`` and the value (shown escaped) when it cannot be used."""
    problem = _base_url_problem(url)
    if problem:
        raise UsageError(f"--base-url {problem}, got {url!r}")
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/"


def _base_url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as the base URL, or None: it must be an absolute http(s)
    URL with a host, maybe a port and a path, and nothing that would need escaping."""
    if any(c.isspace() or not c.isprintable() for c in url):
        return "must not contain spaces, line breaks or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not url.lower().startswith(parts.scheme + "://"):
        return "must be an absolute http:// or https:// URL"
    if "?" in url or "#" in url:
        return "must not have a query (?...) or a fragment (#...)"
    if "@" in parts.netloc:
        return "must not hold a user name or password"
    if not url.isascii():
        return "must be ASCII (write the host in punycode and percent-encode the path)"
    ipv6 = parts.netloc.startswith("[")
    unbracketed = url.replace("[", "", 1).replace("]", "", 1) if ipv6 else url
    unsafe = sorted({c for c in unbracketed if c not in _URL_CHARACTERS})
    if unsafe:
        return f"must not contain {' '.join(map(repr, unsafe))}, which would need escaping in the pages"
    if re.search(r"%(?![0-9A-Fa-f]{2})", url):
        return "must write % only as the start of an escape such as %20"
    host = parts.hostname or ""
    if not host:
        return "must name a host"
    if ipv6:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return "must have a valid IPv6 address between the brackets"
    elif not _HOST_NAME.fullmatch(host):
        return "must have a host that is a domain name or an IP address"
    try:
        port = parts.port
    except ValueError:  # not a number, or above 65535
        port = 0
    if port == 0 or parts.netloc.endswith(":"):
        return "must have a port from 1 to 65535 when it has one"
    return None


@dataclass(frozen=True)
class BuildSettings:
    base_url: str = DEFAULT_BASE_URL
    feed_size: int = FEED_SIZE


def clock_setting() -> str:
    """What the environment says the clock is (``SOURCE_DATE_EPOCH``, "" when unset)."""
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip()


def build_clock(fallback: int | None) -> datetime:
    """The build's one "now": ``SOURCE_DATE_EPOCH`` when set, else ``fallback`` (a unix time
    taken from the data), so the same data always renders the same bytes."""
    env = clock_setting()
    if env:
        try:
            return datetime.fromtimestamp(int(env), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise SitegenError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {env!r}")
    return datetime.fromtimestamp(fallback or 0, tz=timezone.utc)


def now() -> datetime:
    """The time a fetch happens: ``SOURCE_DATE_EPOCH`` when set, else the wall clock, which
    nothing else in sitegen reads."""
    return build_clock(None) if clock_setting() else datetime.now(timezone.utc)
