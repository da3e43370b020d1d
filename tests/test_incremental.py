"""Publishing over an existing site rewrites only the files whose bytes changed.

Unchanged files keep their inode and modification time (they are hard-linked from the old
site), and the result is byte for byte what a cold build into an empty folder gives.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import LATEST, run_cli
from sitegen.errors import BuildError
from sitegen.writer import SiteFiles


def build(catalog: Path, out: Path) -> None:
    result = run_cli("build", "--catalog", str(catalog), "--out", str(out))
    assert result.returncode == 0, result.stderr


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Relative path -> (inode, mtime in ns, bytes) of every file under ``folder``."""
    files = {}
    for path in folder.rglob("*"):
        if path.is_file():
            info = path.stat()
            files[path.relative_to(folder).as_posix()] = (info.st_ino, info.st_mtime_ns, path.read_bytes())
    return files


def contents(files: dict[str, tuple[int, int, bytes]]) -> dict[str, bytes]:
    return {path: data for path, (_, _, data) in files.items()}


def rewritten(before: dict[str, tuple[int, int, bytes]], after: dict[str, tuple[int, int, bytes]]) -> set[str]:
    """Files of ``after`` that are new or were written again (another inode or time)."""
    return {path for path, (ino, mtime, _) in after.items() if before.get(path, (None, None))[:2] != (ino, mtime)}


def repriced_catalog(source: Path, target: Path) -> str:
    """Copy ``source`` with one model's input price doubled; return that model's id."""
    payload = json.loads(source.read_bytes())
    model = next(m for m in payload["data"] if m["id"] == "anthropic/claude-opus-5:batch")
    model["pricing"]["prompt"] = str(float(model["pricing"]["prompt"]) * 2)
    target.write_text(json.dumps(payload), encoding="utf-8")
    return model["id"]


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[int, int, bytes]]]:
    out = tmp_path_factory.mktemp("incremental") / "_site"
    build(LATEST, out)
    return out, snapshot(out)


def test_rebuild_with_nothing_changed_rewrites_no_file(first) -> None:
    out, before = first
    build(LATEST, out)
    after = snapshot(out)
    assert after.keys() == before.keys()
    assert rewritten(before, after) == set()
    assert contents(after) == contents(before)


def test_changed_catalog_rewrites_only_changed_files_and_equals_a_cold_build(first, tmp_path: Path) -> None:
    out, _ = first
    before = snapshot(out)
    catalog = tmp_path / "models.json"
    model_id = repriced_catalog(LATEST, catalog)
    build(catalog, out)
    after = snapshot(out)

    cold = tmp_path / "cold"
    build(catalog, cold)
    assert contents(after) == contents(snapshot(cold))

    changed = {path for path, (_, _, data) in after.items() if before.get(path, (0, 0, None))[2] != data}
    assert "models/anthropic/claude-opus-5_batch/index.html" in changed, model_id
    assert "index.html" in changed
    assert rewritten(before, after) == changed
    assert len(changed) < len(after) // 10, sorted(changed)


def test_a_file_planted_as_a_symlink_is_replaced_not_reused(first, tmp_path: Path) -> None:
    out, _ = first
    outside = tmp_path / "outside.txt"
    robots = out / "robots.txt"
    outside.write_bytes(robots.read_bytes())
    robots.unlink()
    os.symlink(outside, robots)
    build(LATEST, out)
    assert not robots.is_symlink()
    assert robots.read_bytes() == outside.read_bytes()
    assert robots.stat().st_ino != outside.stat().st_ino


def test_site_files_refuse_a_file_where_pages_need_a_folder() -> None:
    site = SiteFiles()
    site.add("models/a/", "page")
    for path in ("models/a", "models", "models/a/index.html/x", "models/a/index.html"):
        with pytest.raises(BuildError):
            site.add(path, "clash")
    site.add("models/b/", "another page")
    assert sorted(site.files) == ["models/a/index.html", "models/b/index.html"]


def test_workers_with_the_cache_rewrite_only_changed_files_and_equal_a_cold_build(tmp_path: Path) -> None:
    """Two worker processes rewrite only the pages whose bytes changed: the site equals a
    one-process cold build."""
    out, cache = tmp_path / "_site", tmp_path / "cache"
    workers = ("--jobs", "2", "--cache", str(cache))
    first = run_cli("build", "--catalog", str(LATEST), "--out", str(out), *workers)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    catalog = tmp_path / "models.json"
    model_id = repriced_catalog(LATEST, catalog)
    again = run_cli("build", "--catalog", str(catalog), "--out", str(out), *workers)
    assert again.returncode == 0, again.stderr
    after = snapshot(out)

    cold = tmp_path / "cold"
    one = run_cli("build", "--catalog", str(catalog), "--out", str(cold), "--jobs", "1", "--no-cache")
    assert one.returncode == 0, one.stderr
    assert contents(after) == contents(snapshot(cold))
    changed = {path for path, (_, _, data) in after.items() if before.get(path, (0, 0, None))[2] != data}
    assert "models/anthropic/claude-opus-5_batch/index.html" in changed, model_id
    assert rewritten(before, after) == changed
    rewritten_pages = sum(1 for path in changed if path.startswith("models/"))  # the model and its variants
    assert 1 < rewritten_pages < 5
    assert "using 2 processes" in again.stdout
