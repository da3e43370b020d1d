"""The only code that writes the site to disk.

Pages are gathered in memory first (``SiteFiles``), which refuses two files at one path;
``publish`` then writes them into a fresh folder beside the target and swaps it in, so a
failed build leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from sitegen.errors import BuildError


class SiteFiles:
    """Relative POSIX path -> bytes, refusing collisions and paths that leave the site."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self._folders: set[str] = set()

    def add(self, path: str, content: str | bytes) -> None:
        if path.endswith("/"):
            path += "index.html"
        parts = path.split("/")
        if any(part in ("", ".", "..") for part in parts) or "\\" in path or "\x00" in path:
            raise BuildError(f"refusing to write outside the site: {path[:120]!r}")
        if path in self.files:
            raise BuildError(f"two pages map to the same path {path!r}")
        if path in self._folders:
            raise BuildError(f"{path!r} is already a folder holding other pages")
        parents = ["/".join(parts[:end]) for end in range(1, len(parts))]
        for parent in parents:
            if parent in self.files:
                raise BuildError(f"{path!r} would need the file {parent!r} to be a folder")
        self._folders.update(parents)
        self.files[path] = content.encode("utf-8") if isinstance(content, str) else content

    def __contains__(self, path: str) -> bool:
        return path in self.files

    def __len__(self) -> int:
        return len(self.files)

    def pages(self) -> list[str]:
        return sorted(p for p in self.files if p.endswith(".html"))


def publish(files: SiteFiles, out: Path) -> None:
    """Write every file into a new folder next to ``out`` and swap it into place.

    A file whose bytes equal the file already published at its path is hard-linked from the
    old site instead of written again, so it keeps its inode and modification time and
    deploys and caches see only what really changed. The old site is only read, never
    modified, until the swap.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = out if out.is_dir() and not out.is_symlink() else None
    mode = _new_file_mode()
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        made: set[Path] = set()
        for rel, content in sorted(files.files.items()):
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if previous is None or not _reuse(previous / rel, target, content, mode):
                target.write_bytes(content)
        staging.chmod(0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _new_file_mode() -> int:
    """The permission bits a freshly written file gets under this process's umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _reuse(old: Path, target: Path, content: bytes, mode: int) -> bool:
    """Hard-link ``old`` as ``target`` if it is a plain file holding exactly ``content``
    with the mode a new file would get; False (nothing done) otherwise."""
    try:
        fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # no hang on a FIFO
    except OSError:
        return False
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_size != len(content)
            or stat.S_IMODE(info.st_mode) != mode
            or handle.read() != content
        ):
            return False
    try:
        os.link(old, target, follow_symlinks=False)
    except OSError:  # a file system without hard links: copy, keeping the time
        try:
            shutil.copy2(old, target, follow_symlinks=False)
        except OSError:
            target.unlink(missing_ok=True)
            return False
    return True


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
