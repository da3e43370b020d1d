"""The command line as people use it: help, exit codes, one-line errors, reproducible and
atomic builds, and the preview server."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import select
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import lxml.html
import pytest

from conftest import LATEST, ROOT, SNAPSHOTS, run_cli
from sitegen.paths import model_path
from sitegen.cli import parser


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 30 newest real models: quick to build."""
    records = json.loads(LATEST.read_bytes())["data"][:30]
    path = tmp_path_factory.mktemp("small") / "small.json"
    path.write_text(json.dumps({"data": records}))
    return path


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with a digest of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# ---------------------------------------------------------------------------------------
# Help


def subcommands() -> dict[str, argparse.ArgumentParser]:
    top = parser()
    action = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_option_has_help_text() -> None:
    commands = subcommands()
    assert {"fetch", "build", "serve"} <= set(commands)
    top = parser()
    action = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in action._choices_actions}
    for name, sub in commands.items():
        assert helps.get(name), f"'{name}' has no help line"
        assert sub.description, f"'{name}' has no description"
        for option in sub._actions:
            if option.option_strings and option.dest != "help":
                assert option.help, f"{name} {option.option_strings} has no help"


@pytest.mark.parametrize("command", [[], ["fetch"], ["build"], ["serve"]], ids=lambda c: " ".join(c) or "top")
def test_help_runs_through_python_m_sitegen(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: sitegen")
    for name in {"": ["fetch", "build", "serve"], "fetch": ["--source", "--data"],
                 "build": ["--data", "--catalog", "--out", "--base-url"],
                 "serve": ["--out", "--port"]}["".join(command)]:
        assert name in result.stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("sitegen ")


def test_console_script_is_declared() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'sitegen = "sitegen.cli:main"' in pyproject


# ---------------------------------------------------------------------------------------
# Failures: one line, non-zero, no traceback


def test_missing_catalog(tmp_path: Path) -> None:
    result = run_cli("build", "--catalog", str(tmp_path / "nope.json"), "--out", str(tmp_path / "out"))
    line = one_line_error(result)
    assert "nope.json" in line
    assert not (tmp_path / "out").exists()


def test_missing_data_folder_says_what_to_do(tmp_path: Path) -> None:
    line = one_line_error(run_cli("build", "--data", str(tmp_path / "empty"), "--out", str(tmp_path / "out")))
    assert "sitegen fetch" in line


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b"<html><body>Bad Gateway</body></html>", "HTML"),
        (b'{"data": "nope"}', "not a list"),
        (b'{"data": []}', "empty"),
        (b"", "empty"),
    ],
    ids=["broken", "html", "wrong-shape", "empty-list", "empty-file"],
)
def test_broken_catalog_file(tmp_path: Path, content: bytes, words: str) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(content)
    line = one_line_error(run_cli("build", "--catalog", str(broken), "--out", str(tmp_path / "out")))
    assert words in line


@pytest.mark.parametrize("url", ["ftp://example.org/", "example.org/catalog", "/catalog/"])
def test_bad_base_url(tmp_path: Path, url: str) -> None:
    line = one_line_error(run_cli("build", "--catalog", str(LATEST), "--out", str(tmp_path / "out"), "--base-url", url))
    assert "--base-url" in line


def test_bad_source_date_epoch(tmp_path: Path) -> None:
    result = run_cli("build", "--catalog", str(LATEST), "--out", str(tmp_path / "out"),
                     env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert "SOURCE_DATE_EPOCH" in one_line_error(result)


def test_fetch_from_a_missing_file(tmp_path: Path) -> None:
    result = run_cli("fetch", "--source", str(tmp_path / "gone.json"), "--data", str(tmp_path / "data"))
    assert "gone.json" in one_line_error(result)
    assert not (tmp_path / "data" / "models.json").exists()


def test_serve_without_a_site(tmp_path: Path) -> None:
    line = one_line_error(run_cli("serve", "--out", str(tmp_path / "nothing"), "--port", "1"))
    assert "sitegen build" in line


def test_warnings_for_skipped_records_go_to_stderr_and_the_build_goes_on(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    catalog.write_text('{"data": [{"id": "a/ok", "name": "A: OK", "created": 1}, 7, {"id": "a/ok"}]}')
    result = run_cli("build", "--catalog", str(catalog), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2 and all(w.startswith("warning: skipped model") for w in warnings)
    assert "#1" in warnings[0] and "'a/ok'" in warnings[1]
    assert (tmp_path / "out" / model_path("a/ok") / "index.html").is_file()


# ---------------------------------------------------------------------------------------
# Fetch from a local file (the network side is tested elsewhere)


def test_fetch_a_local_file_then_build_from_the_data_folder(tmp_path: Path, small_catalog: Path) -> None:
    data = tmp_path / "data"
    result = run_cli("fetch", "--source", str(small_catalog), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "fetched 30 models" in result.stdout
    result = run_cli("build", "--data", str(data), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built 30 models into ")


# ---------------------------------------------------------------------------------------
# Reproducible and atomic output


def test_same_data_gives_byte_identical_output_dated_by_the_data(tmp_path: Path) -> None:
    # The bundled data/ (catalog, change log and retired models), with no SOURCE_DATE_EPOCH.
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        result = run_cli("build", "--out", str(out), env={"SOURCE_DATE_EPOCH": ""})
        assert result.returncode == 0, result.stderr
    one, two = tree_digest(first), tree_digest(second)
    assert len(one) > 400
    assert one == two
    assert footer_date(first) == "2026-08-08"  # the newest logged event, not the wall clock


def footer_date(site: Path) -> str:
    page = lxml.html.fromstring((site / "index.html").read_bytes())
    footer = " ".join(page.find(".//footer").text_content().split())
    return footer.split("as of ", 1)[1][:10]


def test_source_date_epoch_sets_the_clock(tmp_path: Path, small_catalog: Path) -> None:
    dates = {}
    for epoch in ("1786060800", "1800000000", ""):
        out = tmp_path / f"site-{epoch or 'data'}"
        result = run_cli("build", "--catalog", str(small_catalog), "--out", str(out), env={"SOURCE_DATE_EPOCH": epoch})
        assert result.returncode == 0, result.stderr
        dates[epoch] = footer_date(out)
        assert f"<lastmod>{dates[epoch]}</lastmod>" in (out / "sitemap.xml").read_text()
    assert dates["1786060800"] == "2026-08-07"
    assert dates["1800000000"] == "2027-01-15"
    # Unset: the newest model's date, never the wall clock.
    newest = max(r["created"] for r in json.loads(small_catalog.read_bytes())["data"])
    assert dates[""] == datetime.fromtimestamp(newest, tz=timezone.utc).strftime("%Y-%m-%d")


def test_failed_build_leaves_the_previous_site_untouched(tmp_path: Path, small_catalog: Path) -> None:
    out = tmp_path / "_site"
    assert run_cli("build", "--catalog", str(small_catalog), "--out", str(out)).returncode == 0
    before = tree_digest(out)
    stats = {p: os.stat(out / p).st_mtime_ns for p in ("index.html", "feed.xml", "models.json")}
    broken = tmp_path / "broken.json"
    broken.write_text('{"data": [')
    for args in (["--catalog", str(broken)], ["--catalog", str(tmp_path / "missing.json")],
                 ["--catalog", str(small_catalog), "--base-url", "nope"]):
        result = run_cli("build", *args, "--out", str(out))
        one_line_error(result)
        assert tree_digest(out) == before
        assert {p: os.stat(out / p).st_mtime_ns for p in stats} == stats
    # No half-written folder is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "broken.json"]


def test_a_new_build_replaces_the_old_site_completely(tmp_path: Path, small_catalog: Path) -> None:
    out = tmp_path / "_site"
    old_catalog = tmp_path / "old.json"
    old_catalog.write_text(json.dumps({"data": json.loads(SNAPSHOTS[0].read_bytes())["data"][:5]}))
    assert run_cli("build", "--catalog", str(old_catalog), "--out", str(out)).returncode == 0
    (out / "stray.txt").write_text("left over")
    assert run_cli("build", "--catalog", str(small_catalog), "--out", str(out)).returncode == 0
    assert not (out / "stray.txt").exists()
    # Exactly what a build into an empty folder gives, and nothing left beside it.
    fresh = tmp_path / "elsewhere" / "_site"
    assert run_cli("build", "--catalog", str(small_catalog), "--out", str(fresh)).returncode == 0
    assert tree_digest(out) == tree_digest(fresh)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "elsewhere", "old.json"]


# ---------------------------------------------------------------------------------------
# sitegen serve


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serve_previews_the_built_site(site: Path) -> None:
    # Port 0: the server binds a free port and says which, so no other process can take it
    # between our choosing and its binding.
    server = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--out", str(site), "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None
        ready, _, _ = select.select([server.stdout], [], [], 60)
        assert ready, "sitegen serve said nothing for a minute"
        line = server.stdout.readline()
        match = re.fullmatch(rf"serving {re.escape(str(site))} at (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)\n", line)
        assert match and match[2] != "0", line or server.stderr.read()  # nothing printed: it died
        base = match[1]
        status, body = get(base)
        assert status == 200
        assert lxml.html.fromstring(body).find(".//h1") is not None
        status, body = get(base + model_path("anthropic/claude-opus-4.1"))
        assert status == 200
        assert lxml.html.fromstring(body).get_element_by_id("model-id").text == "anthropic/claude-opus-4.1"
        status, body = get(base + "models/no/such-model/")
        assert status == 404
        assert body == (site / "404.html").read_bytes()
    finally:
        server.terminate()
        server.communicate(timeout=10)


# ---------------------------------------------------------------------------------------
# The README's command-line reference stays complete


def test_readme_documents_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, sub in subcommands().items():
        assert f"### `sitegen {name}`" in readme
        for option in sub._actions:
            for flag in option.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert f"`{flag}" in readme, f"README lacks sitegen {name} {flag}"
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        assert (ROOT / image).is_file(), image
