"""Model ids -> URL paths: readable for real ids, injective and safe for any string. No I/O."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

_MAX_SEGMENT = 120
_MAX_PATH = 400
# What a segment's character-by-character encoding escapes: a leading dot, and anything
# outside [a-z0-9.-] but ":" (written "_").
_ESCAPED = re.compile(r"^\.|[^a-z0-9.:-]")
# A "/" between two non-empty parts; any other "/" belongs to a segment.
_SEPARATOR = re.compile(r"(?<=.)/(?=[^/])", re.DOTALL)
# An id of such segments (most real ids), none too long or "index.html", is itself, ":" as "_".
_READABLE = re.compile(r"[a-z0-9:-][a-z0-9.:-]{0,%d}(?:/[a-z0-9:-][a-z0-9.:-]{0,%d})*"
                       % (_MAX_SEGMENT - 1, _MAX_SEGMENT - 1))


@lru_cache(maxsize=4096)  # pages link to many models and authors: each is encoded once
def encode_path(ident: str) -> str:
    """Map any string to a relative URL path made of safe segments, injectively. Readable for
    real ids (``anthropic/claude-sonnet-4`` stays as it is, ``:free`` becomes ``_free``);
    everything outside ``[a-z0-9.-]`` is written ``~xx`` (UTF-8 bytes in hex), a leading dot
    is escaped so no segment is ``.`` or ``..``, and a ``/`` is a separator only between two
    non-empty parts. The result never starts with ``/`` nor climbs out of the folder it is
    joined to."""
    if _READABLE.fullmatch(ident) and len(ident) <= _MAX_PATH and "index.html" not in ident:
        return ident.replace(":", "_")  # what ``encode_any`` gives for it, quicker
    return encode_any(ident)


def encode_any(ident: str) -> str:
    """``encode_path``, looking at each character."""
    segments = _SEPARATOR.split(ident)
    result = "/".join("~2f".join(_encode_segment(piece) for piece in s.split("/")) for s in segments)
    return _shortened(result, ident, _MAX_PATH, "/~0123456789abcdef") or "~"


def _encode_segment(segment: str) -> str:
    encoded = _ESCAPED.sub(lambda m: _escape(m.group()), segment).replace(":", "_")
    if encoded == "index.html":
        encoded = "~69" + encoded[1:]
    return _shortened(encoded, segment, _MAX_SEGMENT, "~0123456789abcdef")


def _escape(char: str) -> str:
    return "".join(f"~{b:02x}" for b in char.encode("utf-8", "surrogatepass"))


def _shortened(encoded: str, original: str, limit: int, strip: str) -> str:
    """``encoded`` if it fits in ``limit``, else its start and a digest of ``original``. "~h"
    never appears in a plain encoding ("h" is not a hex digit), so a shortened name cannot
    equal any other id's."""
    if len(encoded) <= limit:
        return encoded
    digest = hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return encoded[:80].rstrip(strip) + "~h" + digest


def model_path(model_id: str) -> str:
    """The folder of a model's page, relative to the site root, ending in '/'."""
    return f"models/{encode_path(model_id)}/"


def author_path(author: str) -> str:
    return f"authors/{encode_path(author)}/"
