"""The output folder: which one a build may replace, the new site staged beside it, and the
one step that publishes it.

    check_out(out, ...)   refuse, before anything moves, an ``--out`` that is or holds the data,
                          the catalog, the cache, a repository, the home folder or the root, or
                          that is a non-empty folder without sitegen's ``MARKER``
    sweep(out)            remove what killed builds left beside ``out``: folders with sitegen's
                          names and marker that no running build holds, nothing else
    Staging(out)          a new folder beside ``out``, marked and locked for this build's life
    Staging.publish()     put it in ``out``'s place in one step

Publishing exchanges the two folders with ``renameat2(RENAME_EXCHANGE)`` where Linux has it,
so ``out`` is always a whole site, old or new, even if the build is killed at that moment.
Elsewhere (another system, or a file system without the call) it falls back to two renames,
between which ``out`` is missing for an instant; a build killed there leaves no ``out``, and
the next build makes it again and sweeps the old one away.

A file whose bytes equal the old site's file at its path is hard-linked from it instead of
written again, so it keeps its inode and modification time and deploys see only what changed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import re
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sitegen.errors import BuildError

MARKER = ".sitegen-output"
MARKER_TEXT = b"This folder is a site made by 'sitegen build', which replaces it whole on every build.\n"
WORK = ".sitegen-work"  # scratch files of a build, inside its staging folder, never published
_NEW, _OLD = "sitegen-new", "sitegen-old"


def check_out(out: Path, *, data: Path | None = None, catalog: Path | None = None,
              cache: Path | None = None) -> Path:
    """The folder ``out`` names, resolved through symlinks, if a build may replace it."""
    target = out.resolve()
    shown = f"{out} (a link to {target})" if out.is_symlink() else str(out)
    guarded = [(Path("/"), "the root folder"), (Path.home(), "the home folder")]
    repository = _repository(Path.cwd())
    if repository is not None:
        guarded.append((repository, f"the repository {repository}"))
    if data is not None:
        guarded.append((data, f"the data folder {data}"))
    if catalog is not None:
        guarded.append((catalog, f"the catalog {catalog}"))
    if cache is not None:
        guarded.append((cache, f"the cache folder {cache}"))
    for path, what in guarded:
        path = path.resolve()
        if target == path or target in path.parents:
            raise BuildError(f"refusing to build into {shown}: it {'is' if target == path else 'holds'} {what}")
    if data is not None and data.resolve() in target.parents:
        raise BuildError(f"refusing to build into {shown}: it is inside the data folder {data}")
    if target.is_dir():
        with os.scandir(target) as entries:
            names = {entry.name for entry in entries}
        if names and MARKER not in names:
            raise BuildError(f"refusing to replace {shown}: it is not empty and has no {MARKER} file, so it is not "
                             "a site sitegen built (empty it, remove it or choose another --out)")
    elif target.exists():
        raise BuildError(f"the output path {shown} exists and is not a folder")
    return target


def _repository(start: Path) -> Path | None:
    """The root of the git work tree holding ``start``, if any."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / ".git").exists():
            return folder
    return None


def _leftover_names(out: Path) -> re.Pattern[str]:
    name = re.escape(out.name)
    # Today's names, then those of earlier releases (which made neither marker nor lock).
    return re.compile(rf"\.{name}\.(?:{_NEW}|{_OLD})-[a-z0-9_]{{8}}|\.{name}-(?:new|old|work)-[a-z0-9_]{{8}}")


def sweep(out: Path) -> int:
    """Remove the folders killed builds left beside ``out``; how many went."""
    names = _leftover_names(out)
    removed = 0
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return 0
    for entry in entries:
        if not names.fullmatch(entry.name) or not entry.is_dir(follow_symlinks=False):
            continue
        current = ".sitegen-" in entry.name
        if current and not os.path.isfile(os.path.join(entry.path, MARKER)):
            continue  # sitegen's name, but not a folder sitegen made
        lock = _lock(entry.path) if current else None
        if current and lock is None:
            continue  # a build running now
        try:
            _remove(entry.path)
            removed += 1
        finally:
            if lock is not None:
                os.close(lock)
    return removed


def _lock(folder: str) -> int | None:
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


def exchange(new: str, out: str) -> None:
    """Swap the folders ``new`` and ``out`` in one step (``out`` must exist)."""
    call = _renameat2()
    if call is not None:
        if call(-100, os.fsencode(new), -100, os.fsencode(out), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), out)
    aside = tempfile.mkdtemp(prefix=f".{os.path.basename(out)}.{_OLD}-", dir=os.path.dirname(out))
    os.rename(out, aside)  # replaces the empty folder just made
    try:
        os.rename(new, out)
    except OSError:
        os.rename(aside, out)
        raise
    os.rename(aside, new)


def _renameat2() -> Callable[..., int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None


def digest(content: bytes) -> str:
    """What the cache records of a file's bytes."""
    return hashlib.sha256(content).hexdigest()[:32]


def file_digest(path: str) -> str | None:
    """``digest`` of the plain file at ``path``, or None when it is not one."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return digest(handle.read())


class Staging:
    """A fresh folder beside the output that becomes the site when the build succeeds.

    The old site is only read, never modified, until ``publish``. Safe to share with worker
    processes: each writes its own files."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.previous = out if out.is_dir() else None
        self.mode = file_mode()
        self.root = Path(tempfile.mkdtemp(prefix=f".{out.name}.{_NEW}-", dir=out.parent))
        self._lock = _lock(str(self.root))
        # The folders as text: joining a page's path to a Path object costs more than writing it.
        self._root = str(self.root) + os.sep
        self._previous = None if self.previous is None else str(self.previous) + os.sep
        self._made: set[str] = set()
        self.write(MARKER, MARKER_TEXT)  # first, so that a sweep knows the folder for sitegen's

    def __getstate__(self) -> dict[str, object]:
        """What a worker process gets: the folders, not this process's lock."""
        return {**self.__dict__, "_lock": None}

    def scratch(self) -> str:
        """A working folder for the build inside the staged site, removed before publishing."""
        folder = self._root + WORK
        os.makedirs(folder, exist_ok=True)
        return folder

    def _folder_for(self, rel: str) -> None:
        folder = rel.rpartition("/")[0]
        if folder and folder not in self._made:
            try:
                os.mkdir(self._root + folder)  # a page's own folder, in one made already
            except OSError:
                os.makedirs(self._root + folder, exist_ok=True)
            self._made.add(folder)

    def write(self, rel: str, content: bytes) -> None:
        """Put ``content`` at ``rel``, linked from the old site when it holds the same bytes."""
        self._folder_for(rel)
        target = self._root + rel
        if self._previous is not None and _reuse(self._previous + rel, target, content, self.mode):
            return
        # Plain system calls: a file object costs more than the write of a page.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def write_parts(self, rel: str, parts: Iterable[bytes]) -> str:
        """Put the concatenated ``parts`` at ``rel``, one piece at a time; returns their
        ``digest``. When the old site has the same bytes there, its file takes the new one's place."""
        self._folder_for(rel)
        target = self.root / rel
        hashed = hashlib.sha256()
        with open(target, "wb") as handle:
            for part in parts:
                hashed.update(part)
                handle.write(part)
        if self.previous is not None:
            _replace_if_same(self.previous / rel, target, self.mode)
        return hashed.hexdigest()[:32]

    def keep(self, rel: str, expected: str) -> bool:
        """Hard-link the old site's ``rel`` if it still holds the bytes whose ``digest`` a
        previous build recorded (and the mode a new file gets); False if not."""
        if self._previous is None:
            return False
        old = self._previous + rel
        try:
            info = os.lstat(old)
        except OSError:
            return False
        if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != self.mode or file_digest(old) != expected:
            return False
        self._folder_for(rel)
        try:
            os.link(old, self._root + rel, follow_symlinks=False)
        except OSError:
            return False
        return True

    def publish(self) -> None:
        """Make the staged folder the site, in one step, and remove the old one."""
        shutil.rmtree(self._root + WORK, ignore_errors=True)
        self.root.chmod(0o755)
        out = str(self.out)
        if self.out.is_dir():
            exchange(str(self.root), out)  # the staging path now holds the old site
        else:
            os.rename(self.root, out)
        self._release()
        _remove(str(self.root))

    def discard(self) -> None:
        self._release()
        _remove(str(self.root))

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


def file_mode() -> int:
    """The permission bits a file written by this process gets."""
    return 0o666 & ~_current_umask()


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
    except OSError as exc:
        staging.discard()
        raise BuildError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    except BaseException:
        staging.discard()
        raise


def _remove(folder: str) -> None:
    """Remove a folder sitegen made, its marker last: one left half-removed by a kill is
    still known for sitegen's by the next ``sweep``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
    shutil.rmtree(folder, ignore_errors=True)


def _current_umask() -> int:
    """This process's umask, read without changing it (from /proc where it says)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    folder = tempfile.mkdtemp()  # else: a file made with mode 0o666 shows what the umask takes away
    try:
        fd = os.open(os.path.join(folder, "probe"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            return 0o666 & ~stat.S_IMODE(os.fstat(fd).st_mode)
        finally:
            os.close(fd)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _reuse(old: str, target: str, content: bytes, mode: int) -> bool:
    """Hard-link ``old`` as ``target`` if it is a plain file holding exactly ``content``
    with the mode a new file would get; False (nothing done) otherwise."""
    try:
        fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)  # no hang on a FIFO
    except OSError:
        return False
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_size != len(content)
                or stat.S_IMODE(info.st_mode) != mode or handle.read() != content):
            return False
    try:
        os.link(old, target, follow_symlinks=False)
    except OSError:  # a file system without hard links: copy, keeping the time
        try:
            shutil.copy2(old, target, follow_symlinks=False)
        except OSError:
            try:
                os.unlink(target)
            except OSError:
                pass
            return False
    return True


def _replace_if_same(old: Path, target: Path, mode: int) -> None:
    """Replace the written ``target`` with a hard link to ``old`` when ``old`` is a plain
    file with the same bytes and mode (it then keeps its inode and time)."""
    try:
        info = os.lstat(old)
        if (not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != mode
                or info.st_size != os.stat(target).st_size or old.read_bytes() != target.read_bytes()):
            return
        link = target.with_name(target.name + ".same")
        os.link(old, link, follow_symlinks=False)
    except OSError:
        return
    os.replace(link, target)


def untouched(out: Path, files: dict[str, str], mode: int) -> bool:
    """True if ``out`` holds exactly ``files`` (path -> ``digest`` of its bytes), each a plain
    file with the mode a new file gets, and no other file or folder."""
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
                        or file_digest(entry.path) != expected):
                    return False
                seen += 1
    return seen == len(files)
