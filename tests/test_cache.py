"""``sitegen build --cache DIR``: a rebuild with nothing changed does nothing, and the output
is always byte for byte a cold build's, whatever state the cache is in."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import LATEST, ROOT, run_cli
from test_incremental import contents, repriced_catalog, rewritten, snapshot


def build(catalog: Path, out: Path, *extra: str, cwd: Path | None = None) -> str:
    result = run_cli("build", "--catalog", str(catalog), "--out", str(out), *extra, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("cold") / "site"
    build(LATEST, out, "--no-cache")
    return contents(snapshot(out))


@pytest.fixture()
def cached(tmp_path: Path) -> tuple[Path, Path]:
    """A site built with a fresh cache: (output folder, cache folder)."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(LATEST, out, "--cache", str(cache))
    return out, cache


def cache_file(cache: Path) -> Path:
    (found,) = cache.iterdir()
    return found


def test_a_rebuild_from_the_cache_rewrites_nothing_and_equals_a_cold_build(cached, cold) -> None:
    out, cache = cached
    assert contents(snapshot(out)) == cold
    before = snapshot(out)
    assert "; nothing changed)" in build(LATEST, out, "--cache", str(cache))
    after = snapshot(out)
    assert rewritten(before, after) == set()
    assert contents(after) == cold


def test_a_changed_price_rewrites_only_the_files_it_changes(cached, tmp_path: Path) -> None:
    out, cache = cached
    before = snapshot(out)
    catalog = tmp_path / "repriced.json"
    repriced_catalog(LATEST, catalog)
    assert "nothing changed" not in build(catalog, out, "--cache", str(cache))
    after = snapshot(out)
    reference = tmp_path / "reference"
    build(catalog, reference, "--no-cache")
    assert contents(after) == contents(snapshot(reference))
    changed = rewritten(before, after)
    assert "models/anthropic/claude-opus-5_batch/index.html" in changed
    assert "index.html" in changed
    assert len(changed) < len(after) // 10, sorted(changed)


PAGE = "models/anthropic/claude-opus-5_batch/index.html"


def deface(out: Path) -> None:
    (out / PAGE).write_text("defaced", encoding="utf-8")


def add_a_stray_file(out: Path) -> None:
    (out / "stray.txt").write_text("not ours", encoding="utf-8")


def add_an_empty_folder(out: Path) -> None:
    (out / "models" / "stray").mkdir()


def remove_a_page(out: Path) -> None:
    (out / PAGE).unlink()


def link_a_page_to_its_copy(out: Path) -> None:
    copy = out.parent / "copy.html"
    (out / PAGE).rename(copy)
    (out / PAGE).symlink_to(copy)


def change_a_page_mode(out: Path) -> None:
    (out / PAGE).chmod(0o600)


def put_a_pipe_in_place_of_a_page(out: Path) -> None:
    (out / PAGE).unlink()
    os.mkfifo(out / PAGE)


@pytest.mark.parametrize("alter", [deface, add_a_stray_file, add_an_empty_folder, remove_a_page,
                                   link_a_page_to_its_copy, change_a_page_mode, put_a_pipe_in_place_of_a_page])
def test_an_output_folder_altered_since_the_last_build_is_built_again(cached, cold, alter) -> None:
    out, cache = cached
    alter(out)
    assert "nothing changed" not in build(LATEST, out, "--cache", str(cache))
    assert contents(snapshot(out)) == cold
    assert "nothing changed" in build(LATEST, out, "--cache", str(cache))


def corrupt_truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def corrupt_garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xff garbage " * 100)


def corrupt_entry_without_checksum(path: Path) -> None:
    """Point every page at fingerprints of the current inputs but files it never wrote."""
    blob = path.read_bytes()
    corrupted = blob.replace(b'"files":{', b'"files":{"models/x/index.html":"0123",', 1)
    assert corrupted != blob
    path.write_bytes(corrupted)


def corrupt_entry_with_checksum(path: Path) -> None:
    """A well-formed cache that lies: every file's recorded digest is wrong."""
    import hashlib

    head, _, body = path.read_bytes().partition(b"\n")
    _, _, body = body.partition(b"\n")
    data = json.loads(body)
    data["files"] = {rel: "f" * len(recorded) for rel, recorded in data["files"].items()}
    data["key"] = "0" * 64
    body = json.dumps(data).encode()
    path.write_bytes(head + b"\n" + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def corrupt_format(path: Path) -> None:
    head, _, rest = path.read_bytes().partition(b"\n")
    path.write_bytes(b"sitegen build cache v0\n" + rest)


@pytest.mark.parametrize("corrupt", [corrupt_truncated, corrupt_garbage, corrupt_entry_without_checksum,
                                     corrupt_entry_with_checksum, corrupt_format])
def test_a_corrupt_cache_is_ignored(cached, cold, tmp_path: Path, corrupt) -> None:
    out, cache = cached
    catalog = tmp_path / "repriced.json"
    repriced_catalog(LATEST, catalog)
    build(catalog, out, "--no-cache")  # the output no longer matches what the cache says
    corrupt(cache_file(cache))
    assert "nothing changed" not in build(LATEST, out, "--cache", str(cache))
    assert contents(snapshot(out)) == cold


def test_a_template_change_invalidates_the_cache(tmp_path: Path) -> None:
    source = tmp_path / "src"
    for part in ("sitegen", "templates", "static"):
        shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(LATEST, out, "--cache", str(cache), cwd=source)
    template = source / "templates" / "base.html"  # the page skeleton every page extends
    template.write_text(template.read_text(encoding="utf-8") + "<!-- edited -->\n", encoding="utf-8")
    assert "nothing changed" not in build(LATEST, out, "--cache", str(cache), cwd=source)
    reference = tmp_path / "reference"
    build(LATEST, reference, "--no-cache", cwd=source)
    assert contents(snapshot(out)) == contents(snapshot(reference))
    assert (out / "models" / "anthropic" / "claude-opus-5_batch" / "index.html").read_text(
        encoding="utf-8").endswith("<!-- edited -->\n")


def test_the_cache_cannot_live_in_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("build", "--catalog", str(LATEST), "--out", str(out), "--cache", str(out / "cache"))
    assert result.returncode == 4
    assert "it holds the cache folder" in result.stderr
    assert not out.exists()
