"""The data folder: the accepted snapshot (``models.json``). Only this module writes it.

Every write goes to a temporary file in the same folder and is moved into place with
``os.replace``, so a reader sees the old file or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

SNAPSHOT = "models.json"


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
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def snapshot_path(data_dir: Path) -> Path:
    return data_dir / SNAPSHOT


def save_snapshot(data_dir: Path, payload: Any) -> bool:
    """Store ``payload`` as the current snapshot; False when it is already what is stored."""
    content = snapshot_bytes(payload)
    path = snapshot_path(data_dir)
    if path.exists() and path.read_bytes() == content:
        return False
    atomic_write(path, content)
    return True
