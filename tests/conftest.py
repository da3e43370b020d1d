"""Shared fixtures: real snapshot files, built sites, a local HTTP server and Chromium."""

from __future__ import annotations

import ast
import contextlib
import functools
import http.server
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the data checks run without the test tools (see pytest_ignore_collect)
    pass
else:
    # The machine running the suite may be busy: how long an example takes to make or to run
    # says nothing about the code, so neither fails a test. (A test's own @settings add to this.)
    settings.register_profile("sitegen", deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("sitegen")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SNAPSHOTS = sorted(FIXTURES.glob("openrouter-models-*.json"))
LATEST = FIXTURES / "openrouter-models-2026-08-08.json"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The scheduled run checks data/ with nothing but sitegen and pytest installed
    (`pytest -m data`, see pages.yml). There, a test module that imports a test tool that is
    not installed holds no data check and is left out, instead of failing to import. In any
    other run a missing tool stays an error. (test_workflows.py runs the data checks that way
    and checks that every one of them runs.)"""
    if config.getoption("markexpr") != "data" or not collection_path.name.startswith("test_"):
        return None
    return True if collection_path.suffix == ".py" and missing_imports(collection_path) else None


def missing_imports(module: Path, seen: set[Path] | None = None) -> list[str]:
    """The modules that ``module`` imports at its top level and that are not installed,
    following the imports of the test folder's own modules."""
    seen = seen if seen is not None else set()
    seen.add(module)
    missing = []
    for node in ast.parse(module.read_bytes()).body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            local = Path(__file__).parent / f"{parts[1] if parts[0] == 'tests' and len(parts) > 1 else parts[0]}.py"
            if local.is_file():
                if local not in seen:
                    missing += missing_imports(local, seen)
                continue
            try:
                found = importlib.util.find_spec(parts[0]) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                missing.append(parts[0])
    return missing


# The "now" of every build the tests run through the command line: 2026-08-07.
BUILD_EPOCH = "1786060800"


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process and capture what it prints."""
    full_env = dict(os.environ)
    full_env.setdefault("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def build_site(out: Path, *extra: str) -> Path:
    result = run_cli("build", "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the bundled data/ with the default base URL."""
    return build_site(tmp_path_factory.mktemp("site") / "_site")


# What the odd data gives one provider for a name.
# A provider name as odd as the fetch lets through (markup and double quotes it refuses).
HOSTILE_NAME = "Smith & O'Brien (R&D)"


@pytest.fixture(scope="session")
def odd_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data with uptime figures for the endpoints of deepseek/deepseek-v3.2 (90%,
    90.5%, …), which the API did not send, and ``HOSTILE_NAME`` for its DeepInfra endpoint."""
    import json

    data = tmp_path_factory.mktemp("odd") / "data"
    shutil.copytree(ROOT / "data", data)
    stored = json.loads((data / "endpoints.json").read_bytes())
    for n, endpoint in enumerate(stored["models"]["deepseek/deepseek-v3.2"]["endpoints"]):
        endpoint["uptime_last_30m"] = 90 + n / 2
        if endpoint["tag"] == "deepinfra":
            endpoint["provider_name"] = HOSTILE_NAME
    (data / "endpoints.json").write_text(json.dumps(stored))
    return build_site(data.parent / "_site", "--data", str(data))


# A GitHub Pages project address: a base URL with a path, so links that only work at a
# domain's root show up as broken.
PROJECT_BASE = "https://someone.github.io/repo/"


@pytest.fixture(scope="session")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the bundled data/ for ``PROJECT_BASE``."""
    return build_site(tmp_path_factory.mktemp("project") / "_site", "--base-url", PROJECT_BASE)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_folder(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@contextlib.contextmanager
def served(folder: Path):
    """Serve ``folder`` on 127.0.0.1 for the duration of the block; yields its URL."""
    url, server = serve_folder(folder)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(site: Path):
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright. Missing Chromium is a failure, not a skip.
    One for each module that needs it: while Playwright's sync API is open, its event loop
    counts as running in this thread, and a fetch run in-process (asyncio) could not start."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run 'bash .ci/setup' (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and uncaught exceptions in ``page.errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()
