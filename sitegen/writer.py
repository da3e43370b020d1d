"""The only code that writes the site to disk.

``SiteFiles`` names every file of the site, refusing two files at one path and paths that
leave the site. With a ``Staging`` folder (``sitegen._engine.staging``) it writes each file
there as soon as it is added (so the site is never held in memory) and records a digest of
its bytes; without one it keeps the bytes (for tests).
"""

from __future__ import annotations

from typing import Iterable

from sitegen._engine.staging import MARKER, MARKER_TEXT, Staging, digest
from sitegen.errors import BuildError


def site_path(path: str) -> str:
    """``path`` as a file of the site ("a/" means "a/index.html"); refuses escapes."""
    if path.endswith("/"):
        path += "index.html"
    if any(part in ("", ".", "..") for part in path.split("/")) or "\\" in path or "\x00" in path:
        raise BuildError(f"refusing to write outside the site: {path[:120]!r}")
    return path


class SiteFiles:
    """The site's files: relative POSIX path -> bytes, written through to ``staging``."""

    def __init__(self, staging: Staging | None = None) -> None:
        self.files: dict[str, bytes] = {}  # only without staging
        self.staging = staging
        self.written: dict[str, str] = {}  # staged path -> digest of its bytes
        self._paths: set[str] = set()
        self._folders: set[str] = set()
        if staging is not None:  # written by the staging folder itself
            self._paths.add(MARKER)
            self.written[MARKER] = digest(MARKER_TEXT)

    def claim(self, path: str) -> str:
        """Reserve ``path`` for a file written later (by another process); returns it as
        a file path."""
        path = site_path(path)
        if path in self._paths:
            raise BuildError(f"two pages map to the same path {path!r}")
        if path in self._folders:
            raise BuildError(f"{path!r} is already a folder holding other pages")
        parts = path.split("/")
        parents = ["/".join(parts[:end]) for end in range(1, len(parts))]
        for parent in parents:
            if parent in self._paths:
                raise BuildError(f"{path!r} would need the file {parent!r} to be a folder")
        self._folders.update(parents)
        self._paths.add(path)
        return path

    def add(self, path: str, content: str | bytes) -> None:
        self.put(self.claim(path), content)

    def put(self, path: str, content: str | bytes) -> None:
        """Store the file at an already claimed ``path``."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        if self.staging is None:
            self.files[path] = data
        else:
            self.staging.write(path, data)
            self.written[path] = digest(data)

    def add_parts(self, path: str, parts: Iterable[str]) -> None:
        """Store a large file given in pieces, written as they come rather than joined first."""
        path = self.claim(path)
        if self.staging is None:
            self.files[path] = "".join(parts).encode("utf-8")
        else:
            self.written[path] = self.staging.write_parts(path, (part.encode("utf-8") for part in parts))

    def __contains__(self, path: str) -> bool:
        return path in self._paths

    def __len__(self) -> int:
        return len(self._paths)

    def pages(self) -> list[str]:
        return sorted(p for p in self._paths if p.endswith(".html"))
