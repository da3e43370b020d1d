"""The data folder: the accepted snapshot (``models.json``), the append-only change log
(``changes.jsonl``) and the last records of models no longer listed (``retired.json``).
Only this module writes it.

Every write goes to a temporary file in the same folder (``.<name>.<8 random
characters>.sitegen-tmp``) and is moved into place with ``os.replace``, so a reader sees the
old file or the new one, never half of either.

Files that must change together go through ``commit``, a small journal:

1. each new file is written and flushed to ``.<name>.new``, then read back: it must hold the
   bytes written and read, with a strict JSON parser (no NaN, no Infinity), as the value
   meant to be stored;
2. the journal ``.commit`` (the list of those names) is written atomically: this is the
   moment the commit happens;
3. each ``.<name>.new`` is moved over ``<name>``, then the journal is deleted.

Recovery rule: a journal on disk means the commit happened, so ``recover`` finishes step 3
(moving whatever staged files are still there); staged files without a journal are the
leftovers of a commit that never happened and are deleted, as are the temporary files of
writes a killed process left. Readers (``read``) see the committed state either way: while a
journal exists they read the staged files it names.

One writer at a time: ``sitegen fetch`` holds the folder's lock (``locked``) from before its
first read until after its last write, and nothing here writes or deletes but for the holder.
Readers take no lock: ``read_data`` reads the three files as one set, again if a commit moved
any of them meanwhile.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from sitegen import strictjson
from sitegen.errors import BusyError, HistoryError, WriteError

SNAPSHOT = "models.json"
LOG = "changes.jsonl"
RETIRED = "retired.json"
JOURNAL = ".commit"
VALIDATORS = "validators.json"  # ETag / Last-Modified of the response behind the snapshot
COMMITTED = (SNAPSHOT, LOG, RETIRED)  # the files that change together
TEMPORARY = ".sitegen-tmp"
# What a killed write leaves: a temporary file as ``atomic_write`` names them, or as earlier
# versions did, ".<name>.<8 random characters>.tmp", for the files they wrote (staged files,
# the journal and the validators).
_RANDOM = r"\.[a-z0-9_]{8}"  # as tempfile makes them
_LEFTOVER = re.compile("|".join(
    [r"\..+" + _RANDOM + re.escape(TEMPORARY)]
    + [re.escape(f".{name}") + _RANDOM + r"\.tmp" for name in [f".{n}.new" for n in COMMITTED] + [JOURNAL, VALIDATORS]]))
LOCK_POLL = 0.1  # seconds between two tries at a data folder another fetch holds
READ_TRIES = 200  # reads of the data folder before ``read_data`` gives up on a moving target


# ---------------------------------------------------------------------------------------
# One writer at a time


@contextlib.contextmanager
def locked(data_dir: Path, started: float, timeout: float) -> Iterator[None]:
    """Hold ``data_dir`` for one fetch (making the folder first): an exclusive ``flock`` on
    the folder itself, so no lock file is left in it, released by the system however the
    process ends. A folder another fetch holds is asked for again until ``timeout`` seconds
    after ``started`` (``time.monotonic()``), then BusyError."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot make the data folder {data_dir}: {exc.strerror or exc}") from None
    try:
        fd = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise WriteError(f"cannot open the data folder {data_dir}: {exc.strerror or exc}") from None
    try:
        while not _locked(fd, data_dir):
            left = started + timeout - time.monotonic()
            if not left > 0:
                raise BusyError(f"another 'sitegen fetch' is updating {data_dir}; "
                                f"gave up waiting for it after {timeout:g}s (try again later)")
            time.sleep(min(LOCK_POLL, left))
        yield
    finally:
        os.close(fd)  # releases the lock


def _locked(fd: int, data_dir: Path) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        raise WriteError(f"cannot lock the data folder {data_dir}: {exc.strerror or exc}") from None
    return True


# ---------------------------------------------------------------------------------------
# Writing


def atomic_write(path: Path, content: bytes) -> None:
    """``content`` as the file ``path``, whole or not at all; WriteError naming it."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY, dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def snapshot_bytes(payload: Any) -> bytes:
    """The stored form of a response: stable, diff-friendly, strict JSON (a ValueError for
    NaN or Infinity, which JSON cannot carry)."""
    # A lone surrogate (JSON allows "\\ud800") cannot be UTF-8: it is written back as the
    # same JSON escape, so the stored file reads back exactly as the response did.
    return (json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode(
        "utf-8", "backslashreplace")


def log_line(event: Any) -> bytes:
    """One line of the change log: an event's JSON value, compact, on one line."""
    return (json.dumps(event, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Staged:
    """A data file's new content and what it must read back as: ``value``, or for the log
    (``lines``) the list of values of the lines after the ``kept`` bytes it already had."""

    content: bytes
    value: Any
    kept: int = 0
    lines: bool = False


def plan(data_dir: Path, payload: Any, events: Sequence[Any] = (), retired: list[Any] | None = None
         ) -> dict[str, Staged]:
    """What storing ``payload`` as the snapshot, appending ``events`` (JSON values, one a
    line) to the log and replacing the retired records changes, made in memory and not yet
    written (``commit`` writes it); empty when nothing differs."""
    files: dict[str, Staged] = {}
    content = _serialized(data_dir / SNAPSHOT, snapshot_bytes, payload)
    if _committed(data_dir, SNAPSHOT) != content:
        files[SNAPSHOT] = Staged(content, payload)
    if events:
        log = _committed(data_dir, LOG) or b""
        if log and not log.endswith(b"\n"):
            raise HistoryError(f"{data_dir / LOG} does not end with a newline: its last line is cut short")
        lines = b"".join(_serialized(data_dir / LOG, log_line, event) for event in events)
        files[LOG] = Staged(log + lines, list(events), kept=len(log), lines=True)  # old bytes kept as they were
    if retired is not None:
        content = _serialized(data_dir / RETIRED, snapshot_bytes, {"data": retired})
        current = _committed(data_dir, RETIRED)
        if current != content and (retired or current is not None):
            files[RETIRED] = Staged(content, {"data": retired})
    return files


def _serialized(path: Path, serialize: Callable[[Any], bytes], value: Any) -> bytes:
    """``serialize(value)``, or a WriteError naming ``path`` for a value JSON cannot carry."""
    try:
        return serialize(value)
    except (ValueError, TypeError) as exc:
        raise WriteError(f"refusing to write {path}: it would not be JSON ({exc})") from None


def commit(data_dir: Path, files: dict[str, Staged]) -> None:
    """Replace several data files as one: all of them change, or none (see the module doc)."""
    if not files:
        return
    recover(data_dir)
    try:
        for name, staged in files.items():
            atomic_write(_staged(data_dir, name), staged.content)
            _prove(_staged(data_dir, name), staged)
        atomic_write(data_dir / JOURNAL, json.dumps(sorted(files)).encode("utf-8"))
    except BaseException:
        for name in files:
            with contextlib.suppress(OSError):
                _staged(data_dir, name).unlink(missing_ok=True)
        raise
    _finish(data_dir)


def _prove(path: Path, staged: Staged) -> None:
    """Read a staged file back: it must hold what was written and read, with a strict JSON
    parser, as the value meant to be stored."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise WriteError(f"cannot read back {path}: {exc.strerror or exc}") from None
    tail = content[staged.kept:]
    try:
        value = [strictjson.loads(line) for line in tail.splitlines()] if staged.lines else strictjson.loads(tail)
    except ValueError as exc:
        raise WriteError(f"refusing to store {path}: it does not read back as strict JSON ({exc})") from None
    if content != staged.content or value != staged.value:
        raise WriteError(f"refusing to store {path}: it does not read back as what was meant to be stored")


def recover(data_dir: Path) -> bool:
    """Finish a commit a crash interrupted, or drop one that never happened, and delete the
    temporary files of writes a killed process left; True if a journal was found and
    finished. Only for the holder of the lock: another writer's files look the same."""
    if not data_dir.is_dir():
        return False
    found = bool(_journal(data_dir))
    if found:
        _finish(data_dir)
    else:
        for name in COMMITTED:
            _remove(_staged(data_dir, name))
    for path in data_dir.iterdir():
        if _LEFTOVER.fullmatch(path.name) and not path.is_dir():
            _remove(path)
    return found


def _remove(path: Path) -> None:
    """Delete ``path`` if it is there (a read-only folder refuses even to delete nothing)."""
    try:
        if os.path.lexists(path):
            path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise WriteError(f"cannot remove {path}: {exc.strerror or exc}") from None


def _staged(data_dir: Path, name: str) -> Path:
    return data_dir / f".{name}.new"


def _journal(data_dir: Path) -> list[str]:
    try:
        names = json.loads((data_dir / JOURNAL).read_bytes())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise HistoryError(f"cannot read the commit journal {data_dir / JOURNAL}: {exc}") from None
    if not isinstance(names, list) or not all(isinstance(n, str) and "/" not in n for n in names):
        raise HistoryError(f"the commit journal {data_dir / JOURNAL} is not a list of file names")
    return names


def _finish(data_dir: Path) -> None:
    for name in _journal(data_dir):
        staged = _staged(data_dir, name)
        if staged.exists():
            try:
                os.replace(staged, data_dir / name)
            except OSError as exc:
                raise WriteError(f"cannot write {data_dir / name}: {exc.strerror or exc}") from None
    try:
        fd = os.open(data_dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise WriteError(f"cannot write {data_dir}: {exc.strerror or exc}") from None
    _remove(data_dir / JOURNAL)


def read_validators(data_dir: Path) -> Any:
    """The stored HTTP validators (decoded JSON), or None: also when there is no snapshot
    they could describe, or the file is unreadable (then the next request is unconditional)."""
    if _committed(data_dir, SNAPSHOT) is None:
        return None
    try:
        return json.loads((data_dir / VALIDATORS).read_bytes())
    except (OSError, ValueError):
        return None


def save_validators(data_dir: Path, validators: dict[str, str] | None) -> None:
    """Keep the validators of the response just stored (after the snapshot, never before:
    validators newer than the snapshot would make the server answer 304 to a stale copy).
    Writes nothing when the file already says the same."""
    path = data_dir / VALIDATORS
    if not validators:
        if os.path.lexists(path):
            _remove(path)
        return
    content = (json.dumps(validators, sort_keys=True, indent=1) + "\n").encode("utf-8")
    try:
        current = path.read_bytes()
    except OSError:
        current = None
    if current != content:
        atomic_write(path, content)


# ---------------------------------------------------------------------------------------
# Reading


def read(data_dir: Path, name: str) -> bytes | None:
    """The committed content of a data file (None when absent), even mid-commit."""
    staged = _staged(data_dir, name)
    if name in _journal(data_dir):
        try:
            return staged.read_bytes()
        except FileNotFoundError:
            pass  # already moved into place
    try:
        return (data_dir / name).read_bytes()
    except FileNotFoundError:
        return None


def _committed(data_dir: Path, name: str) -> bytes | None:
    """``read``, with a file that cannot be read named in a HistoryError."""
    try:
        return read(data_dir, name)
    except OSError as exc:
        raise HistoryError(f"cannot read {data_dir / name}: {exc.strerror or exc}") from None


def read_snapshot(data_dir: Path) -> bytes | None:
    """The accepted snapshot as stored (None before the first fetch)."""
    return _committed(data_dir, SNAPSHOT)


def read_log(data_dir: Path) -> str:
    """The change log's text ("" before the first fetch)."""
    return (_committed(data_dir, LOG) or b"").decode("utf-8")


def read_retired(data_dir: Path) -> list[Any]:
    """The last known API records of models no longer listed."""
    return parse_retired(_committed(data_dir, RETIRED), data_dir)


def parse_retired(content: bytes | None, data_dir: Path) -> list[Any]:
    """The records in the retired file's ``content`` (None: no such file)."""
    if content is None:
        return []
    try:
        records = json.loads(content)["data"]
    except (ValueError, KeyError, TypeError):
        raise HistoryError(f"{data_dir / RETIRED} is not an object with a 'data' list") from None
    if not isinstance(records, list):
        raise HistoryError(f"{data_dir / RETIRED} is not an object with a 'data' list")
    return records


@dataclass(frozen=True)
class DataFiles:
    """The three files of a data folder as committed at one moment (None: not there)."""

    snapshot: bytes | None
    log: bytes
    retired: bytes | None


def read_data(data_dir: Path) -> DataFiles:
    """The snapshot, the change log and the retired records as one set, even while a fetch
    commits. The three files, the journal and the staged files a reader may be sent to are
    looked at before and after reading: a write replaces a file, so it shows as another
    inode or change time, and then all three are read again. Takes no lock, so a build never
    waits for a fetch's download."""
    for attempt in range(READ_TRIES):
        before = _stamps(data_dir)
        files = DataFiles(_committed(data_dir, SNAPSHOT), _committed(data_dir, LOG) or b"",
                          _committed(data_dir, RETIRED))
        if _stamps(data_dir) == before:
            return files
        time.sleep(min(0.05, 0.001 * attempt))  # a commit takes milliseconds
    raise BusyError(f"the data folder {data_dir} kept changing while it was read; try again")


def _stamps(data_dir: Path) -> list[tuple[int, int, int, int] | None]:
    stamps = []
    for path in [data_dir / JOURNAL] + [p for n in COMMITTED for p in (data_dir / n, _staged(data_dir, n))]:
        try:
            info = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            stamps.append(None)
        except OSError as exc:
            raise HistoryError(f"cannot read {path}: {exc.strerror or exc}") from None
        else:
            stamps.append((info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return stamps
