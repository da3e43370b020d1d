"""The new site, written into a folder beside the output and put in its place in one step.

Publishing exchanges the two folders with ``renameat2(RENAME_EXCHANGE)`` where Linux has it,
so ``--out`` is always a whole site, old or new, even if the build is killed at that moment.
Elsewhere (another system, or a file system without the call) two renames do it, between
which ``--out`` is missing for an instant; a build killed there leaves no ``--out``, and the
next build makes it again and sweeps the old one away (``outdir.sweep``).

A file whose bytes equal the old site's file at its path is hard-linked from it instead of
written again, so it keeps its inode and modification time and deploys see only what changed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from sitegen.errors import BuildError
from sitegen.writer import SiteFiles

MARKER = ".sitegen-output"  # at the root of every site sitegen builds, and only there
MARKER_TEXT = b"This folder is a site made by 'sitegen build', which replaces it whole on every build.\n"
WORK = ".sitegen-work"  # scratch files of a build, inside its staging folder, never published
NEW, OLD = "sitegen-new", "sitegen-old"  # how staging folders are named: .<out>.<NEW>-xxxxxxxx


def digest(content: bytes) -> str:
    """What the build records of a file's bytes (``cache``)."""
    return hashlib.sha256(content).hexdigest()[:32]


class Staging:
    """A fresh folder beside ``out``, marked and locked for this build's life, that becomes
    the site when the build succeeds. The old site is only read until ``publish``. Worker
    processes write into it too, each its own files."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.mode = file_mode()
        self.root = Path(tempfile.mkdtemp(prefix=f".{out.name}.{NEW}-", dir=out.parent))
        self._lock = lock(str(self.root))
        # The folders as text: joining a page's path to a Path object costs more than writing it.
        self._root = str(self.root) + os.sep
        self._previous = str(out) + os.sep if out.is_dir() else None
        self._made: set[str] = set()
        self.write(MARKER, MARKER_TEXT)  # first, so that a sweep knows the folder for sitegen's

    def __getstate__(self) -> dict[str, object]:
        """What a worker process gets: the folders, not this process's lock."""
        return {**self.__dict__, "_lock": None}

    def scratch(self) -> str:
        """A working folder inside the staged site, removed before publishing."""
        os.makedirs(self._root + WORK, exist_ok=True)
        return self._root + WORK

    def write(self, rel: str, content: bytes) -> None:
        """Put ``content`` at ``rel``, linked from the old site when it holds the same bytes."""
        target = self._folder_for(rel)
        if self._previous is not None and self._same(self._previous + rel, len(content), (content,)):
            try:
                os.link(self._previous + rel, target, follow_symlinks=False)
                return
            except OSError:  # a file system without hard links: written below
                pass
        # Plain system calls: a file object costs more than the write of a page.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def write_parts(self, rel: str, parts: Iterable[bytes]) -> str:
        """Put the concatenated ``parts`` at ``rel``, a piece at a time (a file of tens of
        megabytes is never whole in memory); returns their ``digest``."""
        target = self._folder_for(rel)
        hashed = hashlib.sha256()
        with open(target, "wb") as handle:
            for part in parts:
                hashed.update(part)
                handle.write(part)
            size = handle.tell()
        if self._previous is not None and self._same(self._previous + rel, size, _pieces(target)):
            os.link(self._previous + rel, target + ".same", follow_symlinks=False)
            os.replace(target + ".same", target)
        return hashed.hexdigest()[:32]

    def _folder_for(self, rel: str) -> str:
        folder = rel.rpartition("/")[0]
        if folder and folder not in self._made:
            try:
                os.mkdir(self._root + folder)  # most often a page's own folder, in one made already
            except OSError:
                os.makedirs(self._root + folder, exist_ok=True)
            self._made.add(folder)
        return self._root + rel

    def _same(self, old: str, size: int, content: Iterable[bytes]) -> bool:
        """Whether ``old`` is a plain file of ``size`` bytes holding the concatenated
        ``content``, with the mode a new file gets."""
        found = open_plain(old, self.mode)
        if found is None:
            return False
        fd, found_size = found
        try:
            return found_size == size and all(os.read(fd, len(piece)) == piece for piece in content)
        finally:
            os.close(fd)

    def publish(self) -> None:
        """Make the staged folder the site, in one step, and remove the old one."""
        shutil.rmtree(self._root + WORK, ignore_errors=True)
        self.root.chmod(0o755)
        if self.out.is_dir():
            exchange(str(self.root), str(self.out))  # the staging path now holds the old site
        else:
            os.rename(self.root, self.out)
        self.discard()

    def discard(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
        remove(str(self.root))


def _pieces(path: str, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of the file ``path``, a megabyte at a time."""
    with open(path, "rb") as handle:
        while piece := handle.read(size):
            yield piece


class StagedFiles(SiteFiles):
    """``SiteFiles`` written into ``staging`` as they come, with a digest of each file's
    bytes (``written``) for the build cache."""

    def __init__(self, staging: Staging) -> None:
        super().__init__()
        self.staging = staging
        self.written = {self.claim(MARKER): digest(MARKER_TEXT)}  # the staging folder wrote it

    def store(self, path: str, data: bytes) -> None:
        self.staging.write(path, data)
        self.written[path] = digest(data)

    def store_parts(self, path: str, parts: Iterable[str]) -> None:
        self.written[path] = self.staging.write_parts(path, (part.encode("utf-8") for part in parts))


@contextmanager
def staged(out: Path) -> Iterator[Staging]:
    """A ``Staging`` folder for ``out``, published when the block ends without error and
    removed if anything goes wrong (an interruption included)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Staging(out)
    except OSError as exc:
        raise BuildError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    try:
        yield staging
        staging.publish()
    except BaseException as exc:
        staging.discard()
        if isinstance(exc, OSError):
            raise BuildError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
        raise


def exchange(new: str, out: str) -> None:
    """Swap the folders ``new`` and ``out`` in one step (``out`` must exist)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        if renameat2(-100, os.fsencode(new), -100, os.fsencode(out), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), out)
    aside = tempfile.mkdtemp(prefix=f".{os.path.basename(out)}.{OLD}-", dir=os.path.dirname(out))
    os.rename(out, aside)  # replaces the empty folder just made
    try:
        os.rename(new, out)
    except OSError:
        os.rename(aside, out)
        raise
    os.rename(aside, new)


def lock(folder: str) -> int | None:
    """An exclusive lock on ``folder`` (its open descriptor), or None if another holds it."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def remove(folder: str) -> None:
    """Remove a folder sitegen made, its marker last: one left half-removed by a kill is
    still known for sitegen's by the next sweep."""
    try:
        with os.scandir(folder) as found:
            entries = [entry for entry in found if entry.name != MARKER]
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            Path(entry.path).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def open_plain(path: str, mode: int) -> tuple[int, int] | None:
    """An open descriptor of ``path`` and its size, if it is a plain file (not a link) with
    ``mode``; else None. A FIFO does not make it hang. The caller closes the descriptor."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == mode:
        return fd, info.st_size
    os.close(fd)
    return None


def file_mode() -> int:
    """The permission bits a file written by this process gets: 0o666 less its umask, read
    from /proc where Linux says it, else from a file made to see."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            umask = next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))
    except (OSError, ValueError, StopIteration):
        with tempfile.TemporaryDirectory() as folder:
            fd = os.open(os.path.join(folder, "probe"), os.O_WRONLY | os.O_CREAT, 0o666)
            umask = 0o666 & ~stat.S_IMODE(os.fstat(fd).st_mode)
            os.close(fd)
    return 0o666 & ~umask
