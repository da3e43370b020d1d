"""The only code that writes the site to disk.

Pages are gathered in memory first (``SiteFiles``), which refuses two files at one path;
``publish`` then writes them into a fresh folder beside the target and swaps it in, so a
failed build leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from sitegen.errors import BuildError


class SiteFiles:
    """Relative POSIX path -> bytes, refusing collisions and paths that leave the site."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, path: str, content: str | bytes) -> None:
        if path.endswith("/"):
            path += "index.html"
        pure = PurePosixPath(path)
        if pure.is_absolute() or any(part in ("", ".", "..") for part in path.split("/")) or "\\" in path or "\x00" in path:
            raise BuildError(f"refusing to write outside the site: {path[:120]!r}")
        if path in self.files:
            raise BuildError(f"two pages map to the same path {path!r}")
        for parent in pure.parents:
            if str(parent) in self.files:
                raise BuildError(f"{path!r} would need the file {str(parent)!r} to be a folder")
        self.files[path] = content.encode("utf-8") if isinstance(content, str) else content

    def __contains__(self, path: str) -> bool:
        return path in self.files

    def __len__(self) -> int:
        return len(self.files)

    def pages(self) -> list[str]:
        return sorted(p for p in self.files if p.endswith(".html"))


def publish(files: SiteFiles, out: Path) -> None:
    """Write every file into a new folder next to ``out`` and swap it into place."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        made: set[Path] = set()
        for rel, content in sorted(files.files.items()):
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(content)
        staging.chmod(0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    if not out.is_dir():
        raise BuildError(f"the output path {out} exists and is not a folder")
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    os.rmdir(old)
    os.replace(out, old)
    try:
        os.replace(staging, out)
    except OSError:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
