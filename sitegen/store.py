"""The data folder and its only writer: the snapshot (``models.json``), the change log
(``changes.jsonl``), the last records of models no longer listed (``retired.json``) and the
providers' endpoints of each model (``endpoints.json``).

Each file is written beside its target and moved into place. Files that change together go
through ``commit``: each is staged as ``.<name>.new`` and read back as strict JSON, the journal
``.commit`` naming them is written (the commit point), each is moved over its target, then the
journal is deleted. ``recover`` finishes a commit whose journal is on disk and deletes what any
other crash left; ``read`` follows the journal. Only the holder of ``update.locked`` writes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from sitegen import strictjson
from sitegen.errors import BusyError, HistoryError, WriteError

SNAPSHOT = "models.json"
LOG = "changes.jsonl"
RETIRED = "retired.json"
ENDPOINTS = "endpoints.json"
JOURNAL = ".commit"
VALIDATORS = "validators.json"  # ETag / Last-Modified of the response behind the snapshot
COMMITTED = (SNAPSHOT, LOG, RETIRED, ENDPOINTS)  # the files that change together
TEMPORARY = ".sitegen-tmp"
# What a killed write leaves: a temporary file of ``atomic_write``, or one named as earlier
# versions named theirs (for the staged files, the journal and the validators).
_RANDOM = r"\.[a-z0-9_]{8}"  # as tempfile makes them
_OLD_NAMES = [f".{name}.new" for name in COMMITTED] + [JOURNAL, VALIDATORS]
_LEFTOVER = re.compile("|".join([r"\..+" + _RANDOM + re.escape(TEMPORARY)]
                                + [re.escape(f".{name}") + _RANDOM + r"\.tmp" for name in _OLD_NAMES]))
READ_TRIES = 200  # reads of the data folder before ``read_data`` gives up on a moving target


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
    """The stored form of a response: stable, diff-friendly, strict JSON. A lone surrogate
    (JSON allows "\\ud800") is written back as the same escape, as UTF-8 cannot carry it."""
    text = json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    return text.encode("utf-8", "backslashreplace")


def _log_line(event: Any) -> bytes:
    return (json.dumps(event, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Staged:
    """A data file's new content and what it must read back as: ``value``, or for the log
    (``lines``) the list of values of the lines after the ``kept`` bytes it already had."""

    content: bytes
    value: Any
    kept: int = 0
    lines: bool = False


def plan(data_dir: Path, payload: Any, events: Sequence[Any] = (), retired: list[Any] | None = None,
         endpoints: Any = None) -> dict[str, Staged]:
    """What storing ``payload`` as the snapshot, appending ``events`` (JSON values) to the log
    and replacing the retired records and (unless None) the endpoints changes, in memory for
    ``commit``; empty if nothing."""
    files: dict[str, Staged] = {}
    content = _serialized(data_dir / SNAPSHOT, snapshot_bytes, payload)
    if read(data_dir, SNAPSHOT) != content:
        files[SNAPSHOT] = Staged(content, payload)
    if events:
        log = read(data_dir, LOG) or b""
        if log and not log.endswith(b"\n"):
            raise HistoryError(f"{data_dir / LOG} does not end with a newline: its last line is cut short")
        lines = b"".join(_serialized(data_dir / LOG, _log_line, event) for event in events)
        files[LOG] = Staged(log + lines, list(events), kept=len(log), lines=True)  # old bytes kept as they were
    if retired is not None:
        content = _serialized(data_dir / RETIRED, snapshot_bytes, {"data": retired})
        current = read(data_dir, RETIRED)
        if current != content and (retired or current is not None):
            files[RETIRED] = Staged(content, {"data": retired})
    if endpoints is not None:
        content = _serialized(data_dir / ENDPOINTS, snapshot_bytes, endpoints)
        if read(data_dir, ENDPOINTS) != content:
            files[ENDPOINTS] = Staged(content, endpoints)
    return files


def _serialized(path: Path, serialize: Callable[[Any], bytes], value: Any) -> bytes:
    try:
        return serialize(value)
    except (ValueError, TypeError) as exc:
        raise WriteError(f"refusing to write {path}: it would not be JSON ({exc})") from None


def commit(data_dir: Path, files: dict[str, Staged]) -> None:
    """Replace several data files as one: all of them change, or none (see the module doc)."""
    if not files:
        return
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
    """A staged file must hold what was written and read, as strict JSON, as what was meant."""
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


def recover(data_dir: Path) -> None:
    """Finish a commit a crash interrupted, or drop one that never happened, and delete what
    killed writes left. Only for the holder of the lock: another writer's files look the same."""
    if not data_dir.is_dir():
        return
    if _journal(data_dir):
        _finish(data_dir)
    else:
        for name in COMMITTED:
            _remove(_staged(data_dir, name))
    for path in data_dir.iterdir():
        if _LEFTOVER.fullmatch(path.name) and not path.is_dir():
            _remove(path)


def _remove(path: Path) -> None:
    """Delete ``path`` if it is there (a read-only folder refuses even to delete nothing)."""
    try:
        if os.path.lexists(path):
            path.unlink(missing_ok=True)
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
    """The stored HTTP validators (decoded JSON), or None: also without a snapshot they could
    describe, or when the file is unreadable (then the next request is unconditional)."""
    if read(data_dir, SNAPSHOT) is None:
        return None
    try:
        return json.loads((data_dir / VALIDATORS).read_bytes())
    except (OSError, ValueError):
        return None


def save_validators(data_dir: Path, validators: dict[str, str] | None) -> None:
    """Keep the validators of the response just stored: after the snapshot, never before, as
    validators newer than the snapshot would make the server answer 304 to a stale copy."""
    path = data_dir / VALIDATORS
    if not validators:
        _remove(path)
        return
    content = (json.dumps(validators, sort_keys=True, indent=1) + "\n").encode("utf-8")
    try:
        current = path.read_bytes()
    except OSError:
        current = None
    if current != content:
        atomic_write(path, content)


def read(data_dir: Path, name: str) -> bytes | None:
    """The committed content of a data file (None when absent), even mid-commit."""
    try:
        if name in _journal(data_dir):
            with contextlib.suppress(FileNotFoundError):  # else already moved into place
                return _staged(data_dir, name).read_bytes()
        return (data_dir / name).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HistoryError(f"cannot read {data_dir / name}: {exc.strerror or exc}") from None


def parse_retired(content: bytes | None, data_dir: Path) -> list[Any]:
    """The records in the retired file's ``content`` (None: no such file)."""
    if content is None:
        return []
    try:
        records = json.loads(content)["data"]
    except (ValueError, KeyError, TypeError):
        records = None
    if not isinstance(records, list):
        raise HistoryError(f"{data_dir / RETIRED} is not an object with a 'data' list")
    return records


@dataclass(frozen=True)
class DataFiles:
    """The files of a data folder as committed at one moment (None: not there)."""

    snapshot: bytes | None
    log: bytes
    retired: bytes | None
    endpoints: bytes | None = None


def read_data(data_dir: Path) -> DataFiles:
    """The files as one set, even while a fetch commits, without a lock (a build never
    waits for a download): read again if any of them, staged or not, changed meanwhile."""
    for attempt in range(READ_TRIES):
        before = _stamps(data_dir)
        files = DataFiles(read(data_dir, SNAPSHOT), read(data_dir, LOG) or b"", read(data_dir, RETIRED),
                          read(data_dir, ENDPOINTS))
        if _stamps(data_dir) == before:
            return files
        time.sleep(min(0.05, 0.001 * attempt))  # a commit takes milliseconds
    raise BusyError(f"the data folder {data_dir} kept changing while it was read; try again")


def _stamps(data_dir: Path) -> list[tuple[int, int, int, int] | None]:
    stamps: list[tuple[int, int, int, int] | None] = []
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
