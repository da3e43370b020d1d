"""Options the command line refuses: exit 64 and one line naming the option, before anything
is read or written; and the base URL, the one option whose value ends up inside every page."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import LATEST, run_cli
from sitegen import cli
from sitegen.config import normalize_base_url
from sitegen.errors import UsageError


def usage_error(result: subprocess.CompletedProcess[str], command: str) -> str:
    """The one line of a refused command line, checked."""
    assert result.returncode == 64, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"sitegen{' ' + command if command else ''}: error: "), lines[0]
    assert result.stdout == ""
    return lines[0]


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("usage") / "small.json"
    path.write_text(json.dumps({"data": json.loads(LATEST.read_bytes())["data"][:10]}))
    return path


# ---------------------------------------------------------------------------------------
# --base-url


REFUSED_BASE_URLS = {
    "newline": "https://x.example/\nDisallow: /\nSitemap: https://evil.example/sitemap.xml",
    "space": "https://x.example/my site/",
    "leading-space": " https://x.example/",
    "tab": "https://x.example\t/",
    "no-host": "http:///",
    "nothing-after-scheme": "https://",
    "query": "https://x.example/?q",
    "fragment": "https://x.example/#frag",
    "query-and-fragment": "https://x.example/?q#frag",
    "user-info": "https://user:secret@x.example/",
    "port-too-large": "https://x.example:99999/",
    "port-zero": "https://x.example:0/",
    "port-not-a-number": "https://x.example:web/",
    "quote": 'https://x.example/"onload="x',
    "apostrophe": "https://x.example/it's/",
    "angle-brackets": "https://x.example/<b>/",
    "ampersand": "https://x.example/a&b/",
    "backslash": "https://x.example\\evil.example/",
    "bad-percent": "https://x.example/%zz/",
    "control": "https://x.example/\x1b[31m/",
    "ftp": "ftp://x.example/",
    "relative": "x.example/catalog",
    "path-only": "/catalog/",
    "bad-ipv6": "https://[::1/",
    "bad-host": "https://x!.example/",
}


@pytest.mark.parametrize("url", REFUSED_BASE_URLS.values(), ids=REFUSED_BASE_URLS.keys())
def test_a_base_url_that_cannot_be_used_is_refused(tmp_path: Path, small_catalog: Path, url: str) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--catalog", str(small_catalog), "--out", str(out), "--base-url", url)
    line = usage_error(result, "build")
    assert "--base-url" in line
    assert repr(url)[1:-1] in line  # the value, shown escaped
    assert not out.exists()


@pytest.mark.parametrize("url", REFUSED_BASE_URLS.values(), ids=REFUSED_BASE_URLS.keys())
def test_normalize_base_url_refuses_the_same(url: str) -> None:
    with pytest.raises(UsageError) as refused:
        normalize_base_url(url)
    assert "--base-url" in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(("url", "normal"), [
    ("https://someone.github.io/repo", "https://someone.github.io/repo/"),
    ("https://someone.github.io/repo/", "https://someone.github.io/repo/"),
    ("https://someone.github.io/repo//", "https://someone.github.io/repo/"),
    ("http://127.0.0.1:9000", "http://127.0.0.1:9000/"),
    ("HTTPS://Example.ORG/a/b/", "https://Example.ORG/a/b/"),
    ("https://[::1]:8443/site/", "https://[::1]:8443/site/"),
    ("https://x.example/my%20site/", "https://x.example/my%20site/"),
    ("https://x.example/~me/v1.2_(beta)/", "https://x.example/~me/v1.2_(beta)/"),
])
def test_normalize_base_url_accepts_usual_addresses(url: str, normal: str) -> None:
    assert normalize_base_url(url) == normal


def test_robots_txt_holds_only_what_the_build_wrote(tmp_path: Path, small_catalog: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--catalog", str(small_catalog), "--out", str(out),
                     "--base-url", "https://someone.github.io/repo")
    assert result.returncode == 0, result.stderr
    assert (out / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\nSitemap: https://someone.github.io/repo/sitemap.xml\n")


# ---------------------------------------------------------------------------------------
# Every other option error: 64, never argparse's 2 (a failed fetch) or 70 (a bug)


@pytest.mark.parametrize("port", ["99999", "65536", "-1", "eighty", "8.5", ""])
def test_serve_port_must_be_a_port_number(tmp_path: Path, port: str) -> None:
    site = tmp_path / "_site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>x</title>")
    line = usage_error(run_cli("serve", "--out", str(site), "--port", port), "serve")
    assert "--port" in line and "65535" in line


@pytest.mark.parametrize("jobs", ["0", "-1", "two", "1.5"])
def test_build_jobs_must_be_a_whole_number_of_at_least_one(tmp_path: Path, jobs: str) -> None:
    line = usage_error(run_cli("build", "--out", str(tmp_path / "out"), "--jobs", jobs), "build")
    assert "--jobs" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("at", ["yesterday", "2026-13-01", "", "0001-01-01T00:00:00+01:00"])
def test_fetch_at_must_be_an_iso_date_or_time(tmp_path: Path, small_catalog: Path, at: str) -> None:
    data = tmp_path / "data"
    line = usage_error(run_cli("fetch", "--source", str(small_catalog), "--data", str(data), "--at", at), "fetch")
    assert "--at" in line and "ISO-8601" in line
    assert not data.exists()


@pytest.mark.parametrize("timeout", ["0", "-5", "nan", "inf", "soon", "1e9"])
def test_fetch_timeout_must_be_a_positive_number(tmp_path: Path, small_catalog: Path, timeout: str) -> None:
    data = tmp_path / "data"
    line = usage_error(run_cli("fetch", "--source", str(small_catalog), "--data", str(data), "--timeout", timeout), "fetch")
    assert "--timeout" in line
    assert not data.exists()


@pytest.mark.parametrize(("argv", "command", "words"), [
    ([], "", "COMMAND"),
    (["publish"], "", "publish"),
    (["build", "--bogus"], "build", "--bogus"),
    (["build", "--out"], "build", "--out"),
    (["build", "--data", "d", "--catalog", "c.json"], "build", "--catalog"),
    (["serve", "extra"], "serve", "extra"),
    (["fetch", "--source"], "fetch", "--source"),
], ids=["no-command", "bad-command", "unknown-option", "missing-value", "exclusive-options", "stray-argument",
        "fetch-missing-value"])
def test_a_bad_command_line_exits_64_with_one_line(tmp_path: Path, argv: list[str], command: str, words: str) -> None:
    line = usage_error(run_cli(*argv, cwd=tmp_path), command)
    assert words in line
    assert list(tmp_path.iterdir()) == []


def test_main_returns_the_exit_code_of_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--port", "99999"]) == 64
    assert capsys.readouterr().err.startswith("sitegen serve: error: argument --port: ")
    assert cli.main(["--version"]) == 0
