"""The site's files written to a staging folder as they come, never held in memory."""

from __future__ import annotations

from typing import Iterable

from sitegen._engine.staging import MARKER, MARKER_TEXT, Staging, digest
from sitegen.writer import SiteFiles


class StagedFiles(SiteFiles):
    """``SiteFiles`` that writes each file into ``staging`` and records a digest of its
    bytes (``written``), for the build cache."""

    def __init__(self, staging: Staging) -> None:
        super().__init__()
        self.staging = staging
        self.written: dict[str, str] = {}
        self.claim(MARKER)  # the staging folder wrote it
        self.written[MARKER] = digest(MARKER_TEXT)

    def store(self, path: str, data: bytes) -> None:
        self.staging.write(path, data)
        self.written[path] = digest(data)

    def store_parts(self, path: str, parts: Iterable[str]) -> None:
        self.written[path] = self.staging.write_parts(path, (part.encode("utf-8") for part in parts))
