"""Settings shared by the commands, and the one clock every timestamp comes from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sitegen.errors import SitegenError

API_URL = "https://openrouter.ai/api/v1/models?output_modalities=all"
DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("_site")
DEFAULT_PORT = 8000
DEFAULT_BASE_URL = f"http://127.0.0.1:{DEFAULT_PORT}/"
FEED_SIZE = 50
SITE_NAME = "LLM Catalog"
SITE_TAGLINE = "Every model on OpenRouter: prices, context, capabilities and what changed."

# Where the bundled package finds its templates and assets: beside the package in a
# checkout, and in the same layout when installed in editable mode.
ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"


def normalize_base_url(url: str) -> str:
    """Return ``url`` with exactly one trailing slash; it must be absolute http(s)."""
    url = url.strip()
    if not (url.startswith("http://") or url.startswith("https://")):
        raise SitegenError(f"--base-url must start with http:// or https://, got {url!r}")
    return url.rstrip("/") + "/"


@dataclass(frozen=True)
class BuildSettings:
    base_url: str = DEFAULT_BASE_URL
    feed_size: int = FEED_SIZE


def clock_setting() -> str:
    """What the environment says the clock is (``SOURCE_DATE_EPOCH``, "" when unset)."""
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip()


def build_clock(fallback: int | None) -> datetime:
    """The build's single notion of "now".

    ``SOURCE_DATE_EPOCH`` wins when set; otherwise ``fallback`` (a unix time derived from the
    data, such as the newest model or change), so the same data always renders the same bytes.
    The wall clock is never read.
    """
    env = clock_setting()
    if env:
        try:
            return datetime.fromtimestamp(int(env), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise SitegenError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {env!r}")
    return datetime.fromtimestamp(fallback or 0, tz=timezone.utc)


def now() -> datetime:
    """The time a fetch happens: ``SOURCE_DATE_EPOCH`` when set, else the wall clock.

    The only place sitegen reads the wall clock; the build never calls it.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return build_clock(None)
    return datetime.now(timezone.utc)
