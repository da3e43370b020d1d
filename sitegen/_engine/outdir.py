"""Which folder a build may replace, and what killed builds left beside it.

    check_out(out, ...)   refuse, before anything moves, an ``--out`` that is or holds the data,
                          the catalog, the cache, a repository, the home folder or the root, or
                          that is a non-empty folder without sitegen's marker
    sweep(out)            remove the staging folders killed builds left beside ``out``: those
                          with sitegen's names and marker that no running build holds
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sitegen._engine.staging import MARKER, NEW, OLD, lock, remove
from sitegen.errors import BuildError


def check_out(out: Path, *, data: Path | None = None, catalog: Path | None = None,
              cache: Path | None = None) -> Path:
    """The folder ``out`` names, resolved through symlinks, if a build may replace it."""
    target = out.resolve()
    shown = f"{out} (a link to {target})" if out.is_symlink() else str(out)
    guarded = [(Path("/"), "the root folder"), (Path.home(), "the home folder")]
    repository = next((f for f in (Path.cwd(), *Path.cwd().parents) if (f / ".git").exists()), None)
    if repository is not None:
        guarded.append((repository, f"the repository {repository}"))
    for path, what in ((data, "the data folder"), (catalog, "the catalog"), (cache, "the cache folder")):
        if path is not None:
            guarded.append((path, f"{what} {path}"))
    for path, what in guarded:
        path = path.resolve()
        if target == path or target in path.parents:
            raise BuildError(f"refusing to build into {shown}: it {'is' if target == path else 'holds'} {what}")
    if data is not None and data.resolve() in target.parents:
        raise BuildError(f"refusing to build into {shown}: it is inside the data folder {data}")
    if target.is_dir():
        with os.scandir(target) as entries:
            empty = not any(entries)
        if not empty and not (target / MARKER).is_file():
            raise BuildError(f"refusing to replace {shown}: it is not empty and has no {MARKER} file, so it is not "
                             "a site sitegen built (empty it, remove it or choose another --out)")
    elif target.exists():
        raise BuildError(f"the output path {shown} exists and is not a folder")
    return target


def sweep(out: Path) -> None:
    """Remove the folders killed builds left beside ``out``: today's names with the marker
    and no running build's lock, and those of earlier releases, which had neither."""
    name = re.escape(out.name)
    ours = re.compile(rf"\.{name}\.(?:{NEW}|{OLD})-[a-z0-9_]{{8}}")
    earlier = re.compile(rf"\.{name}-(?:new|old|work)-[a-z0-9_]{{8}}")
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return
    for entry in entries:
        if not entry.is_dir(follow_symlinks=False):
            continue
        if earlier.fullmatch(entry.name):
            remove(entry.path)
        elif ours.fullmatch(entry.name) and os.path.isfile(os.path.join(entry.path, MARKER)):
            held = lock(entry.path)
            if held is not None:  # else a build running now
                remove(entry.path)
                os.close(held)
