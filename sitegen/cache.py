"""Incremental build state: which inputs made the site now in the output folder.

One file per output folder records a key of every input of the last build (catalog, change
log, settings, clock, and the bytes of the package, templates and static files), each model
page's fingerprint (a hash of everything its template was given) and a digest of the bytes
of every file the build left in the output folder. The next build:

- skips everything when the inputs' key matches and the output folder still holds exactly
  those files, each with the recorded bytes (every file is read and hashed to know);
- otherwise keeps (hard-links) each model page whose fingerprint matches and whose old file
  still holds the recorded bytes, and renders the rest.

The file carries a format number and a SHA-256 checksum; one that is unreadable, corrupt,
of another format or version, or made for another output folder is ignored, never trusted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import sitegen
from sitegen import jsoncodec
from sitegen.catalog import Model
from sitegen.config import STATIC, TEMPLATES
from sitegen._engine.staging import Staging
from sitegen.writer import site_path

FORMAT = 3
MAGIC = b"sitegen build cache\n"
KEEP = 8  # output folders whose state one cache folder remembers
Stat = str  # a digest of a file's bytes (``staging.digest``)


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def code_version() -> str:
    """A hash of the package's code, templates and static files: any edit invalidates."""
    package = Path(sitegen.__file__).resolve().parent
    parts: list[bytes | str] = [sitegen.__version__]
    for root in (package, TEMPLATES, STATIC):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return digest(*parts)


def cache_file(folder: Path, out: Path) -> Path:
    return folder / f"build-{digest(str(out.resolve()))[:16]}.cache"


@dataclass
class State:
    key: str = ""  # every input of the build
    files: dict[str, Stat] = field(default_factory=dict)  # the output folder after the build
    pages: dict[str, str] = field(default_factory=dict)  # model page -> fingerprint
    models: int = 0  # what the build reported, to report again when nothing changed
    warnings: list[str] = field(default_factory=list)


def load(path: Path, out: Path, code: str) -> State | None:
    """The state saved at ``path`` for ``out`` by this very code, or None."""
    try:
        blob = path.read_bytes()
        if not blob.startswith(MAGIC):
            return None
        checksum, _, body = blob[len(MAGIC):].partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != checksum:
            return None
        data = jsoncodec.loads(body)
        if (data.get("format"), data.get("out"), data.get("code")) != (FORMAT, str(out.resolve()), code):
            return None
        files = {str(k): _stat(v) for k, v in data["files"].items()}
        pages = {str(k): str(v) for k, v in data["pages"].items()}
        return State(str(data["key"]), files, pages, int(data["models"]), [str(w) for w in data["warnings"]])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _stat(value: Any) -> Stat:
    if type(value) is not str:
        raise TypeError("not a digest")
    return value


def save(path: Path, out: Path, code: str, state: State) -> None:
    """Write ``state`` atomically; raises OSError."""
    body = jsoncodec.compact({"format": FORMAT, "out": str(out.resolve()), "code": code, "key": state.key,
                              "files": state.files, "pages": state.pages, "models": state.models,
                              "warnings": state.warnings}, sort_keys=True).encode("utf-8", "surrogatepass")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    try:
        with open(fd, "wb") as handle:
            handle.write(MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Keep the caches of the KEEP most recently built output folders."""
    try:
        found = sorted(folder.glob("build-*.cache"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in found[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:  # another build pruning at the same time
        pass


def _context_parts(context: dict[str, Any]) -> Iterator[bytes | str]:
    """A page's context as parts to hash: each model as its record's JSON text, from which
    parsing makes all the rest (hashing it costs a tenth of pickling the model), the other
    values pickled."""
    rest = {}
    for name, value in sorted(context.items()):
        if isinstance(value, Model):
            yield name
            yield value.raw_text
        elif isinstance(value, list) and value and all(isinstance(item, Model) for item in value):
            yield f"{name}[{len(value)}]"
            yield from (item.raw_text for item in value)
        else:
            rest[name] = value
    yield pickle.dumps(rest, protocol=5)


class PageCache:
    """The ``stale`` hook of ``pages.model_pages``: links pages whose context is unchanged."""

    def __init__(self, previous: State | None, staging: Staging | None, key: str) -> None:
        self.previous = previous or State()
        self.staging = staging
        self.key = key
        self.fingerprints: dict[str, str] = {}
        self.kept: dict[str, Stat] = {}
        self.made: dict[str, tuple[str, Stat]] = {}  # page -> fingerprint, file status

    def depend_on(self, values: dict[str, Any]) -> None:
        """Make every fingerprint cover ``values`` too (the template globals)."""
        try:
            self.key = digest(self.key, pickle.dumps(sorted(values.items()), protocol=5))
        except Exception:  # cannot fingerprint them: render every page
            self.previous = State()

    def __call__(self, path: str, context: dict[str, Any]) -> bool:
        rel = site_path(path)
        try:
            fingerprint = digest(self.key, *_context_parts(context))
        except Exception:  # something unpicklable: always render it
            fingerprint = ""
        self.fingerprints[rel] = fingerprint
        if not fingerprint:
            return True
        old = self.previous.files.get(rel)
        if (self.staging is not None and old is not None and self.previous.pages.get(rel) == fingerprint
                and self.staging.keep(rel, old)):
            self.kept[rel] = old
            return False
        return True

    def share(self, paths: list[str]) -> PageCache:
        """A chooser for ``paths`` only, holding only their part of the last build's state
        (to hand to another process)."""
        files = [site_path(p) for p in paths]
        part = PageCache(State(self.previous.key,
                               {f: self.previous.files[f] for f in files if f in self.previous.files},
                               {f: self.previous.pages[f] for f in files if f in self.previous.pages}),
                         self.staging, self.key)
        return part

    def settle(self, written: dict[str, Stat]) -> dict[str, tuple[str, Stat]]:
        """Fingerprint and status of every page this process rendered or kept."""
        found = {**written, **self.kept}
        return {rel: (self.fingerprints[rel], info) for rel, info in found.items() if rel in self.fingerprints}

    def record(self, made: dict[str, tuple[str, Stat]]) -> None:
        self.made.update(made)

    def reused(self) -> int:
        """How many recorded pages are still the file the last build left (kept, unread)."""
        old_pages, old_files = self.previous.pages, self.previous.files
        return sum(1 for rel, (fingerprint, info) in self.made.items()
                   if old_pages.get(rel) == fingerprint and old_files.get(rel) == info)
