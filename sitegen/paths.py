"""Model ids -> URL paths: readable for real ids, injective and safe for any string. No I/O."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

_KEEP = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")
_MAX_SEGMENT = 120
_MAX_PATH = 400
# An id of such segments (most real ids) encodes as itself with ":" as "_", unless a segment
# is too long or "index.html": no need to look at each character.
_READABLE = re.compile(r"[a-z0-9:-][a-z0-9.:-]{0,%d}(?:/[a-z0-9:-][a-z0-9.:-]{0,%d})*" % (_MAX_SEGMENT - 1, _MAX_SEGMENT - 1))


def _escape(char: str) -> str:
    return "".join(f"~{b:02x}" for b in char.encode("utf-8", "surrogatepass"))


def _encode_segment(segment: str) -> str:
    out = []
    for i, char in enumerate(segment):
        if char in _KEEP and not (i == 0 and char == "."):
            out.append(char)
        elif char == ":":
            out.append("_")
        else:
            out.append(_escape(char))
    encoded = "".join(out)
    if encoded == "index.html":
        encoded = "~69" + encoded[1:]
    if len(encoded) > _MAX_SEGMENT:
        digest = hashlib.sha256(segment.encode("utf-8", "surrogatepass")).hexdigest()[:20]
        # "~h" never appears in a plain encoding ("h" is not a hex digit), so a shortened
        # segment cannot equal any other id's segment.
        encoded = encoded[:80].rstrip("~0123456789abcdef") + "~h" + digest
    return encoded


@lru_cache(maxsize=None)  # a page links to many models: each id is encoded once
def encode_path(ident: str) -> str:
    """Map any string to a relative URL path made of safe segments, injectively.

    Readable for real ids (``anthropic/claude-sonnet-4`` stays as it is, ``:free`` becomes
    ``_free``); everything outside ``[a-z0-9.-]`` is written ``~xx`` (UTF-8 bytes in hex), a
    leading dot is escaped so no segment is ``.`` or ``..``, and a ``/`` is a separator only
    between two non-empty parts. The result never starts with ``/`` and never climbs out of
    the folder it is joined to.
    """
    if _READABLE.fullmatch(ident) and len(ident) <= _MAX_PATH and "index.html" not in ident:
        return ident.replace(":", "_")  # what ``encode_any`` gives for it, quicker
    return encode_any(ident)


def encode_any(ident: str) -> str:
    """``encode_path``, looking at each character."""
    parts = ident.split("/")
    segments: list[str] = []
    current = ""
    for i, part in enumerate(parts):
        if i == 0:
            current = part
            continue
        if current and part:
            segments.append(current)
            current = part
        else:
            current = current + "/" + part
    segments.append(current)
    encoded = []
    for segment in segments:
        # A segment holding a "/" only got it because a neighbour was empty.
        pieces = segment.split("/")
        encoded.append("~2f".join(_encode_segment(p) for p in pieces))
    result = "/".join(encoded)
    if len(result) > _MAX_PATH:
        digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:20]
        result = result[:80].rstrip("/~0123456789abcdef") + "~h" + digest
    return result or "~"


def model_path(model_id: str) -> str:
    """The folder of a model's page, relative to the site root, ending in '/'."""
    return f"models/{encode_path(model_id)}/"


def author_path(author: str) -> str:
    return f"authors/{encode_path(author)}/"
