"""The only code that writes the site to disk.

``SiteFiles`` names every file of the site, refusing two files at one path and paths that
leave the site. With a ``Staging`` folder it writes each file there as soon as it is added
(so the site is never held in memory); without one it keeps the bytes (for tests).
``staged`` makes the folder beside the output and swaps it in at the end, so a failed build
leaves the previous site exactly as it was and removes the half-written one.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

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
        self.written: dict[str, tuple[int, int, int]] = {}  # staged path -> size, mtime, inode
        self._paths: set[str] = set()
        self._folders: set[str] = set()

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
            info = self.staging.write(path, data)
            self.written[path] = (info.st_size, info.st_mtime_ns, info.st_ino)

    def add_parts(self, path: str, parts: Iterable[str]) -> None:
        """Store a large file given in pieces, written as they come rather than joined first."""
        path = self.claim(path)
        if self.staging is None:
            self.files[path] = "".join(parts).encode("utf-8")
        else:
            info = self.staging.write_parts(path, (part.encode("utf-8") for part in parts))
            self.written[path] = (info.st_size, info.st_mtime_ns, info.st_ino)

    def __contains__(self, path: str) -> bool:
        return path in self._paths

    def __len__(self) -> int:
        return len(self._paths)

    def pages(self) -> list[str]:
        return sorted(p for p in self._paths if p.endswith(".html"))


class Staging:
    """A fresh folder beside the output that becomes the site when the build succeeds.

    A file whose bytes equal the file already published at its path is hard-linked from the
    old site instead of written again, so it keeps its inode and modification time and
    deploys and caches see only what really changed. The old site is only read, never
    modified, until the swap. Safe to share with forked processes: each writes its own files.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.previous = out if out.is_dir() and not out.is_symlink() else None
        self.mode = _new_file_mode()
        self.root = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
        # The folders as text: joining a page's path to a Path object costs more than writing it.
        self._root = str(self.root) + os.sep
        self._previous = None if self.previous is None else str(self.previous) + os.sep
        self._made: set[str] = set()
        self._scratch: str | None = None

    def scratch(self) -> str:
        """A working folder for the build beside the staged site, never published: removed
        when the site is swapped in or discarded."""
        if self._scratch is None:
            self._scratch = tempfile.mkdtemp(prefix=f".{self.out.name}-work-", dir=self.out.parent)
        return self._scratch

    def _folder_for(self, rel: str) -> None:
        folder = rel.rpartition("/")[0]
        if folder and folder not in self._made:
            try:
                os.mkdir(self._root + folder)  # a page's own folder, in one made already
            except OSError:
                os.makedirs(self._root + folder, exist_ok=True)
            self._made.add(folder)

    def write(self, rel: str, content: bytes) -> os.stat_result:
        """Put ``content`` at ``rel``; returns the staged file's status."""
        self._folder_for(rel)
        target = self._root + rel
        if self._previous is not None and _reuse(self._previous + rel, target, content, self.mode):
            return os.stat(target)
        # Plain system calls: a file object costs more than the write of a page.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view):]
            return os.fstat(fd)
        finally:
            os.close(fd)

    def write_parts(self, rel: str, parts: Iterable[bytes]) -> os.stat_result:
        """Put the concatenated ``parts`` at ``rel``, one piece at a time; when the old site
        has the same bytes there, its file takes the place of the new one."""
        self._folder_for(rel)
        target = self.root / rel
        with open(target, "wb") as handle:
            for part in parts:
                handle.write(part)
        if self.previous is not None:
            _replace_if_same(self.previous / rel, target, self.mode)
        return os.stat(target)

    def keep(self, rel: str, size: int, mtime_ns: int, inode: int) -> bool:
        """Hard-link the old site's ``rel`` unread if it is still the very file
        (inode, time, size, mode) a previous build wrote there; False if not."""
        if self.previous is None:
            return False
        old = self.previous / rel
        try:
            info = os.lstat(old)
        except OSError:
            return False
        if (not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != self.mode
                or (info.st_size, info.st_mtime_ns, info.st_ino) != (size, mtime_ns, inode)):
            return False
        self._folder_for(rel)
        try:
            os.link(old, self.root / rel, follow_symlinks=False)
        except OSError:
            return False
        return True

    def swap(self) -> None:
        self.root.chmod(0o755)
        _swap(self.root, self.out)
        self._clean()

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self._clean()

    def _clean(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


@contextmanager
def staged(out: Path) -> Iterator[Staging]:
    """A ``Staging`` folder for ``out``, swapped in when the block ends without error and
    removed if anything goes wrong."""
    out = out.resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Staging(out)
    except OSError as exc:
        raise BuildError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    try:
        yield staging
        staging.swap()
    except OSError as exc:
        staging.discard()
        raise BuildError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    except BaseException:
        staging.discard()
        raise


def publish(files: SiteFiles, out: Path) -> None:
    """Write an in-memory ``SiteFiles`` to ``out`` in one swap."""
    with staged(out) as staging:
        for rel, content in sorted(files.files.items()):
            staging.write(rel, content)


def _new_file_mode() -> int:
    """The permission bits a freshly written file gets under this process's umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _reuse(old: str, target: str, content: bytes, mode: int) -> bool:
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
            with contextlib.suppress(OSError):
                os.unlink(target)
            return False
    return True


def _replace_if_same(old: Path, target: Path, mode: int) -> None:
    """Replace the written ``target`` with a hard link to ``old`` when ``old`` is a plain
    file with the same bytes and mode (it then keeps its inode and time)."""
    try:
        info = os.lstat(old)
        if (not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != mode
                or info.st_size != os.stat(target).st_size or not filecmp.cmp(old, target, shallow=False)):
            return
        link = target.with_name(target.name + ".same")
        os.link(old, link, follow_symlinks=False)
    except OSError:
        return
    os.replace(link, target)


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


def untouched(out: Path, files: dict[str, tuple[int, int, int]]) -> bool:
    """True if ``out`` holds exactly ``files`` (path -> size, mtime, inode), each still the
    plain file with the mode a new file gets, and no other file or folder."""
    mode = _new_file_mode()
    if out.is_symlink() or not out.is_dir():
        return False
    folders = set()
    for rel in files:
        parts = rel.split("/")[:-1]
        folders.update("/".join(parts[:end]) for end in range(1, len(parts) + 1))
    seen = 0
    pending = [("", str(out))]
    while pending:
        rel_base, folder = pending.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            return False
        with entries:
            for entry in entries:
                rel = rel_base + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if rel not in folders:
                        return False
                    pending.append((rel + "/", entry.path))
                    continue
                expected = files.get(rel)  # a file, or a symlink in a folder's place: never expected
                if expected is None:
                    return False
                info = entry.stat(follow_symlinks=False)
                if (not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != mode
                        or (info.st_size, info.st_mtime_ns, info.st_ino) != tuple(expected)):
                    return False
                seen += 1
    return seen == len(files)

