"""What ``sitegen build --out`` may replace, and what a killed or interrupted build leaves.

A build replaces only a folder it made itself (it carries a marker file), never the data, the
cache, a repository, the home folder or the root, and never leaves the output folder missing,
even when it is killed at the moment the new site takes the old one's place.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import LATEST, ROOT, run_cli

MARKER = ".sitegen-output"


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    records = json.loads(LATEST.read_bytes())["data"][:20]
    path = tmp_path_factory.mktemp("small") / "small.json"
    path.write_text(json.dumps({"data": records}))
    return path


def digest(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (symlinks not followed) with a digest of its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel] = "dir"
    return found


def refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 4, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def a_repository(folder: Path) -> Path:
    """A folder that looks like someone's clone: a .git folder and uncommitted work."""
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "notes.txt").write_text("uncommitted work\n")
    return folder


# ---------------------------------------------------------------------------------------
# What --out may name


def test_the_data_folder_is_refused_and_keeps_its_history(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("models.json", "changes.jsonl", "retired.json"):
        (data / name).write_bytes((ROOT / "data" / name).read_bytes())
    before = digest(data)
    refused(run_cli("build", "--data", str(data), "--out", str(data)), "data folder")
    assert digest(data) == before


@pytest.mark.parametrize("where", ["inside", "parent"])
def test_a_folder_inside_or_around_the_data_folder_is_refused(tmp_path: Path, where: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models.json").write_bytes(LATEST.read_bytes())
    before = digest(tmp_path)
    out = data / "site" if where == "inside" else tmp_path
    refused(run_cli("build", "--data", str(data), "--out", str(out), "--no-cache"), "data folder")
    assert digest(tmp_path) == before


def test_another_repository_is_refused_whole(tmp_path: Path, small_catalog: Path) -> None:
    other = a_repository(tmp_path / "another-repo")
    before = digest(other)
    refused(run_cli("build", "--catalog", str(small_catalog), "--out", str(other)), str(other))
    assert digest(other) == before


def test_the_current_repository_is_refused_even_without_the_cache(tmp_path: Path, small_catalog: Path) -> None:
    repo = a_repository(tmp_path / "repo")
    (repo / "data").mkdir()
    (repo / "data" / "models.json").write_bytes(small_catalog.read_bytes())
    before = digest(repo)
    for out in (".", ".."):
        refused(run_cli("build", "--out", out, "--no-cache", cwd=repo), "repository")
    assert digest(repo) == before


def test_the_home_folder_and_the_root_are_refused(tmp_path: Path, small_catalog: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    for out in (str(home), "/"):
        refused(run_cli("build", "--catalog", str(small_catalog), "--out", out, "--no-cache",
                        cwd=tmp_path, env={"HOME": str(home)}))
    assert list(home.iterdir()) == []


def test_a_folder_holding_the_cache_or_the_catalog_is_refused(tmp_path: Path, small_catalog: Path) -> None:
    out = tmp_path / "out"
    refused(run_cli("build", "--catalog", str(small_catalog), "--out", str(out), "--cache", str(out / "cache")),
            "cache")
    catalog = out / "models.json"
    out.mkdir()
    catalog.write_bytes(small_catalog.read_bytes())
    refused(run_cli("build", "--catalog", str(catalog), "--out", str(out), "--no-cache"), "catalog")
    assert catalog.read_bytes() == small_catalog.read_bytes()


def test_a_folder_sitegen_did_not_make_is_refused(tmp_path: Path, small_catalog: Path) -> None:
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"\xff\xd8 not really")
    before = digest(out)
    line = refused(run_cli("build", "--catalog", str(small_catalog), "--out", str(out)), MARKER)
    assert "photos" in line
    assert digest(out) == before


def test_a_file_as_out_is_refused(tmp_path: Path, small_catalog: Path) -> None:
    out = tmp_path / "site.html"
    out.write_text("mine")
    refused(run_cli("build", "--catalog", str(small_catalog), "--out", str(out)), "not a folder")
    assert out.read_text() == "mine"


def test_a_symlink_to_a_foreign_folder_is_refused_and_its_target_kept(tmp_path: Path, small_catalog: Path) -> None:
    target = tmp_path / "work"
    target.mkdir()
    (target / "draft.md").write_text("keep me")
    link = tmp_path / "_site"
    link.symlink_to(target)
    before = digest(target)
    refused(run_cli("build", "--catalog", str(small_catalog), "--out", str(link)), "work")
    assert digest(target) == before
    assert link.is_symlink()


def test_an_empty_folder_a_previous_build_and_a_symlink_to_one_are_built_into(tmp_path: Path,
                                                                               small_catalog: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert run_cli("build", "--catalog", str(small_catalog), "--out", str(out)).returncode == 0
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    assert run_cli("build", "--catalog", str(small_catalog), "--out", str(out)).returncode == 0
    link = tmp_path / "link"
    link.symlink_to(out)
    result = run_cli("build", "--catalog", str(small_catalog), "--out", str(link), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and (link / "index.html").is_file()


# ---------------------------------------------------------------------------------------
# Killed and interrupted builds


def killed_at_publish(out: Path, catalog: Path, when: str) -> subprocess.CompletedProcess[str]:
    """Run a build that kills itself (SIGKILL) just ``before`` or ``after`` the new site takes
    the old one's place."""
    script = f"""
import os, signal, sys
from sitegen._engine import staging
exchange = staging.exchange
def dying(new, out):
    if {when!r} == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    exchange(new, out)
    os.kill(os.getpid(), signal.SIGKILL)
staging.exchange = dying
from sitegen.cli import main
sys.exit(main(["build", "--catalog", {str(catalog)!r}, "--out", {str(out)!r}, "--no-cache"]))
"""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1786060800")
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_build_killed_at_the_swap_leaves_a_whole_site(tmp_path: Path, small_catalog: Path, when: str) -> None:
    out = tmp_path / "_site"
    assert run_cli("build", "--catalog", str(small_catalog), "--out", str(out)).returncode == 0
    old = digest(out)
    records = json.loads(small_catalog.read_bytes())["data"][:12]
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"data": records}))
    result = killed_at_publish(out, newer, when)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert (out / "index.html").is_file()
    fresh = tmp_path / "fresh"
    assert run_cli("build", "--catalog", str(newer), "--out", str(fresh), "--no-cache").returncode == 0
    assert digest(out) == (old if when == "before" else digest(fresh))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".sitegen-" in p.name or "-new-" in p.name)


def test_the_next_build_removes_what_killed_builds_left_and_only_that(tmp_path: Path, small_catalog: Path) -> None:
    out = tmp_path / "_site"
    for when in ("before", "after", "before"):
        killed_at_publish(out, small_catalog, when)
    assert leftovers(tmp_path), "a killed build left nothing to clean up"
    foreign = tmp_path / "._site.sitegen-new-mine"  # sitegen's name, not its marker
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not sitegen's")
    result = run_cli("build", "--catalog", str(small_catalog), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert leftovers(tmp_path) == [foreign.name]
    assert (foreign / "keep.txt").read_text() == "not sitegen's"


def test_a_running_build_keeps_its_staging_folder_from_another(tmp_path: Path, small_catalog: Path) -> None:
    from sitegen._engine import staging

    out = tmp_path / "_site"
    held = staging.Staging(out)  # a build in progress in this process
    (held.root / "page.html").write_text("half written")
    assert run_cli("build", "--catalog", str(small_catalog), "--out", str(out)).returncode == 0
    assert (held.root / "page.html").read_text() == "half written"
    held.discard()
    assert not held.root.exists()


def test_ctrl_c_during_a_build_prints_one_line_and_leaves_the_old_site(tmp_path: Path) -> None:
    records = json.loads(LATEST.read_bytes())["data"]
    many = [dict(r, id=f"{r['id']}-{n}", name=f"{r['name']} {n}") for n in range(6) for r in records]
    catalog = tmp_path / "big.json"
    catalog.write_text(json.dumps({"data": many}))
    small = tmp_path / "small.json"
    small.write_text(json.dumps({"data": records[:10]}))
    out = tmp_path / "_site"
    assert run_cli("build", "--catalog", str(small), "--out", str(out)).returncode == 0
    before = digest(out)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1786060800")
    build = subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--catalog", str(catalog), "--out", str(out),
                              "--jobs", "2", "--no-cache"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.startswith("._site.sitegen-new-") for p in tmp_path.iterdir()):
        time.sleep(0.01)
    time.sleep(0.5)  # rendering, in both processes
    os.killpg(build.pid, signal.SIGINT)  # as a terminal's Ctrl-C reaches the whole group
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 130, stderr
    assert stderr.splitlines() == ["sitegen build: interrupted"], stderr
    assert digest(out) == before
    assert leftovers(tmp_path) == []


def test_jobs_beyond_the_cores_are_capped(tmp_path: Path, small_catalog: Path) -> None:
    result = run_cli("build", "--catalog", str(small_catalog), "--out", str(tmp_path / "out"), "--jobs", "48")
    assert result.returncode == 0, result.stderr
    cores = len(os.sched_getaffinity(0))
    used = int(result.stdout.split(" process")[0].rsplit(" ", 1)[-1])
    assert 1 <= used <= cores, result.stdout


# ---------------------------------------------------------------------------------------
# The cache checks what it trusts


def edit_in_place(page: Path) -> None:
    """Change a page's bytes but not its size, inode or modification time."""
    info = page.stat()
    text = page.read_bytes()
    with open(page, "r+b") as handle:
        handle.write(text[:40].upper())
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert page.read_bytes() != text


@pytest.mark.parametrize("catalog_changed", [False, True], ids=["unchanged", "other-model-repriced"])
def test_a_page_edited_in_place_with_its_time_kept_is_rebuilt(tmp_path: Path, small_catalog: Path,
                                                              catalog_changed: bool) -> None:
    out, cache = tmp_path / "_site", tmp_path / "cache"
    assert run_cli("build", "--catalog", str(small_catalog), "--out", str(out), "--cache", str(cache)).returncode == 0
    records = json.loads(small_catalog.read_bytes())["data"]
    page = out / "models" / records[0]["id"].replace(":", "_") / "index.html"
    edit_in_place(page)
    catalog = small_catalog
    if catalog_changed:  # the whole-site shortcut is out; the page cache decides
        records[-1]["pricing"]["prompt"] = "0.00000123"
        catalog = tmp_path / "changed.json"
        catalog.write_text(json.dumps({"data": records}))
    result = run_cli("build", "--catalog", str(catalog), "--out", str(out), "--cache", str(cache))
    assert result.returncode == 0, result.stderr
    fresh = tmp_path / "fresh"
    assert run_cli("build", "--catalog", str(catalog), "--out", str(fresh), "--no-cache").returncode == 0
    assert digest(out) == digest(fresh)
