"""The data folder: the accepted snapshot (``models.json``), the append-only change log
(``changes.jsonl``) and the last records of models no longer listed (``retired.json``).
Only this module writes it.

Every write goes to a temporary file in the same folder and is moved into place with
``os.replace``, so a reader sees the old file or the new one, never half of either.

Files that must change together go through ``commit``, a small journal:

1. each new file is written and flushed to ``.<name>.new``;
2. the journal ``.commit`` (the list of those names) is written atomically: this is the
   moment the commit happens;
3. each ``.<name>.new`` is moved over ``<name>``, then the journal is deleted.

Recovery rule: a journal on disk means the commit happened, so ``recover`` finishes step 3
(moving whatever staged files are still there); staged files without a journal are the
leftovers of a commit that never happened and are deleted. Readers (``read``) see the
committed state either way: while a journal exists they read the staged files it names.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sitegen.errors import HistoryError

SNAPSHOT = "models.json"
LOG = "changes.jsonl"
RETIRED = "retired.json"
JOURNAL = ".commit"
VALIDATORS = "validators.json"  # ETag / Last-Modified of the response behind the snapshot


def atomic_write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def snapshot_bytes(payload: Any) -> bytes:
    """The stored form of a response: stable, diff-friendly JSON."""
    # A lone surrogate (JSON allows "\\ud800") cannot be UTF-8: it is written back as the
    # same JSON escape, so the stored file reads back exactly as the response did.
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8", "backslashreplace")


def snapshot_path(data_dir: Path) -> Path:
    return data_dir / SNAPSHOT


def read_validators(data_dir: Path) -> Any:
    """The stored HTTP validators (decoded JSON), or None: also when there is no snapshot
    they could describe, or the file is unreadable (then the next request is unconditional)."""
    if read(data_dir, SNAPSHOT) is None:
        return None
    try:
        return json.loads((data_dir / VALIDATORS).read_bytes())
    except (OSError, ValueError):
        return None


def save_validators(data_dir: Path, validators: dict[str, str] | None) -> None:
    """Keep the validators of the response just stored (after the snapshot, never before:
    validators newer than the snapshot would make the server answer 304 to a stale copy)."""
    path = data_dir / VALIDATORS
    if not validators:
        path.unlink(missing_ok=True)
        return
    content = (json.dumps(validators, sort_keys=True, indent=1) + "\n").encode("utf-8")
    if read(data_dir, VALIDATORS) != content:
        atomic_write(path, content)


def save_snapshot(data_dir: Path, payload: Any, log_lines: str = "", retired: list[Any] | None = None) -> bool:
    """Store ``payload`` as the current snapshot, append ``log_lines`` to the change log and
    replace the retired records, all in one commit; False when nothing differs."""
    files: dict[str, bytes] = {}
    content = snapshot_bytes(payload)
    if read(data_dir, SNAPSHOT) != content:
        files[SNAPSHOT] = content
    if log_lines:
        log = read(data_dir, LOG) or b""
        if log and not log.endswith(b"\n"):
            raise HistoryError(f"{data_dir / LOG} does not end with a newline: its last line is cut short")
        files[LOG] = log + log_lines.encode("utf-8")  # the old bytes stay exactly as they were
    if retired is not None:
        content = snapshot_bytes({"data": retired})
        if read(data_dir, RETIRED) != content and (retired or (data_dir / RETIRED).exists()):
            files[RETIRED] = content
    if files:
        commit(data_dir, files)
    return bool(files)


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


def read_log(data_dir: Path) -> str:
    """The change log's text ("" before the first fetch)."""
    return (read(data_dir, LOG) or b"").decode("utf-8")


def read_retired(data_dir: Path) -> list[Any]:
    """The last known API records of models no longer listed."""
    return parse_retired(read(data_dir, RETIRED), data_dir)


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


def commit(data_dir: Path, files: dict[str, bytes]) -> None:
    """Replace several data files as one: all of them change, or none (see the module doc)."""
    recover(data_dir)
    try:
        for name, content in files.items():
            atomic_write(_staged(data_dir, name), content)
        atomic_write(data_dir / JOURNAL, json.dumps(sorted(files)).encode("utf-8"))
    except BaseException:
        for name in files:
            _staged(data_dir, name).unlink(missing_ok=True)
        raise
    _finish(data_dir)


def recover(data_dir: Path) -> bool:
    """Finish a commit a crash interrupted, or drop one that never happened; True if a
    journal was found and finished."""
    if _journal(data_dir):
        _finish(data_dir)
        return True
    if data_dir.is_dir():
        for stray in data_dir.glob(".*.new"):
            stray.unlink(missing_ok=True)
    return False


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
            os.replace(staged, data_dir / name)
    fd = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    (data_dir / JOURNAL).unlink()
