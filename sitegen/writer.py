"""The site's files, by path: the one place that decides where a file may go.

``SiteFiles`` refuses two files at one path, a file where another needs a folder, and paths
that leave the site, as a site is gathered. It keeps the bytes in memory; the build's engine
(``sitegen._engine.staging``) writes them to a staging folder instead, by overriding ``store``.
"""

from __future__ import annotations

from typing import Iterable, Protocol

from sitegen.errors import BuildError


class Site(Protocol):
    """Where the site's files go."""

    def add(self, path: str, content: str | bytes) -> None:
        """Store the file at ``path`` ("a/" means "a/index.html")."""

    def add_parts(self, path: str, parts: Iterable[str]) -> None:
        """Store a large file given in pieces, never joined whole in memory."""

    def pages(self) -> list[str]:
        """The paths of every HTML page stored so far, sorted."""


def site_path(path: str) -> str:
    """``path`` as a file of the site ("a/" means "a/index.html"); refuses escapes."""
    if path.endswith("/"):
        path += "index.html"
    if any(part in ("", ".", "..") for part in path.split("/")) or "\\" in path or "\x00" in path:
        raise BuildError(f"refusing to write outside the site: {path[:120]!r}")
    return path


class SiteFiles:
    """The site's files: relative POSIX path -> bytes."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self._paths: set[str] = set()
        self._folders: set[str] = set()

    def claim(self, path: str) -> str:
        """Reserve ``path`` for a file stored now or later; returns it as a file path."""
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
        self.store(self.claim(path), content.encode("utf-8") if isinstance(content, str) else content)

    def add_parts(self, path: str, parts: Iterable[str]) -> None:
        self.store_parts(self.claim(path), parts)

    def store(self, path: str, data: bytes) -> None:
        """Keep the bytes of the file at the claimed ``path``."""
        self.files[path] = data

    def store_parts(self, path: str, parts: Iterable[str]) -> None:
        self.store(path, "".join(parts).encode("utf-8"))

    def __contains__(self, path: str) -> bool:
        return path in self._paths

    def __len__(self) -> int:
        return len(self._paths)

    def pages(self) -> list[str]:
        return sorted(p for p in self._paths if p.endswith(".html"))
