"""`sitegen fetch` asking each listed model's endpoints of a misbehaving server on 127.0.0.1:
a model whose request fails keeps what data/ had, named in a warning, while the others are
stored; the requests go a handful at a time, within the one deadline, with the API key, and
politely (a 429's Retry-After holds back every request). The catalog is the real snapshot of
2026-08-08 cut to three authors (46 models, 35 endpoint paths: some variants share one), and
each path answers what the real API answered for its first model that day.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import httpx
import pytest

from conftest import FIXTURES, LATEST, ROOT
from faultserver import Behaviour, FaultServer, conditional, cut_short, hang, late, reply
from sitegen import cli, fetch, provider_fetch
from sitegen.endpoints import keyed

AUTHORS = ("anthropic", "openrouter", "deepseek")
RECORDS = [r for r in json.loads(LATEST.read_bytes())["data"] if r["id"].split("/")[0] in AUTHORS]
CATALOG = json.dumps({"data": RECORDS}).encode()
REAL = json.loads((FIXTURES / "endpoints" / "endpoints-2026-08-08.json").read_bytes())
PATHS: dict[str, list[str]] = {}  # endpoint path -> the models it answers for, in the catalog's order
for _record in RECORDS:
    PATHS.setdefault(_record["links"]["details"], []).append(_record["id"])
# Paths of one model each, with endpoints: the victims of the faults below.
SINGLE = [path for path, models in PATHS.items() if len(models) == 1 and REAL.get(models[0])]
NOT_FOUND = b'{"error": {"code": 404, "message": "Model not found"}}'


def good(path: str) -> Behaviour:
    """What the real API answered at ``path`` (a 404 for a model it gave none)."""
    body = REAL.get(PATHS[path][0])
    return reply(404, NOT_FOUND) if body is None else reply(200, json.dumps(body).encode())


def model(path: str) -> str:
    return PATHS[path][0]


def routes(faults: dict[str, list[Behaviour]] | None = None,
           otherwise: Callable[[str], Behaviour] = good) -> Callable[[str, int], Behaviour | None]:
    """Each endpoint path answered by its script of faults (the last one repeats), or by
    ``otherwise``; the catalog's own path is left to the server's script."""
    faults = {} if faults is None else faults

    def route(path: str, asked: int) -> Behaviour | None:
        if path not in PATHS:
            return None
        script = faults.get(path)
        return script[min(asked, len(script)) - 1] if script else otherwise(path)
    return route


def fetch_cli(url: str, data: Path, *extra: str, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), stderr or io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["fetch", "--source", url, "--data", str(data), "--timeout", "20", *extra])
    return code, out.getvalue(), err.getvalue()


def entries(data: Path) -> dict[str, dict]:
    return json.loads((data / "endpoints.json").read_bytes())["models"]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "BACKOFF", 0.02)
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder after one good fetch of the catalog and every endpoint, on 2026-08-08."""
    data = tmp_path_factory.mktemp("seed") / "data"
    with FaultServer(reply(200, CATALOG), route=routes()) as server:
        code, out, err = fetch_cli(server.url, data, "--at", "2026-08-08")
    assert code == 0, err
    assert err == "" and out.endswith("; endpoints of 46 models (0 failed)\n"), out
    return data


@pytest.fixture
def data(seeded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    copy.mkdir()
    for path in seeded.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    return copy


def test_every_model_gets_the_answer_of_its_details_path_and_a_404_means_none(seeded: Path) -> None:
    stored = entries(seeded)
    assert sorted(stored) == sorted(r["id"] for r in RECORDS)
    for path, models in PATHS.items():
        body = REAL.get(models[0])
        sent = sorted(e["tag"] for e in body["data"]["endpoints"]) if body else []
        for model_id in models:  # variants sharing a path share its answer
            assert sorted(e["tag"] for e in stored[model_id]["endpoints"]) == sent, model_id
            assert stored[model_id]["fetched_at"] == "2026-08-08T00:00:00Z"
    assert stored["openrouter/auto"]["endpoints"] == []  # the real API has none for a router
    logged = [json.loads(line) for line in (seeded / "changes.jsonl").read_text().splitlines()]
    assert {(e["id"], e["provider"]) for e in logged if e["kind"] == "provider_added"} == {
        (m, e.key) for m, entry in stored.items() for e in keyed(entry["endpoints"])}


# --- Faults, one model at a time ------------------------------------------------------------

HTML = b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"


def test_a_model_whose_request_fails_keeps_its_endpoints_and_the_others_are_stored(data: Path) -> None:
    flaky, broken, slow, limited, gone, page, short, cut, error, bad = SINGLE[:10]
    body = {p: json.dumps(REAL[model(p)]).encode() for p in SINGLE[:10]}
    faults: dict[str, list[Behaviour]] = {
        flaky: [reply(500, b"oops"), good(flaky)],
        broken: [reply(503, HTML, {"Content-Type": "text/html"})],
        slow: [late(body[slow], after=1.0)],
        limited: [reply(429, b"", {"Retry-After": "1"}), good(limited)],
        gone: [reply(404, NOT_FOUND)],
        page: [reply(200, HTML, {"Content-Type": "text/html"})],
        short: [cut_short(body[short][:300], declared=None)],
        cut: [cut_short(body[cut][:300], declared=len(body[cut]))],
        error: [reply(200, b'{"error": {"code": 502, "message": "upstream\\n\\u001b[31mfailed"}}')],
        bad: [reply(200, body[bad].replace(b'"context_length": ', b'"context_length": 1e999, "x": ', 1))],
    }
    before = entries(data)
    with FaultServer(reply(200, CATALOG), route=routes(faults)) as server:
        code, out, err = fetch_cli(server.url, data, "--at", "2026-08-09")
    assert code == 0, err
    after = entries(data)
    kept = {model(p) for p in (broken, page, short, cut, error)}
    assert sorted(after) == sorted(before)
    for model_id in after:
        if model_id in kept:
            assert after[model_id] == before[model_id], model_id  # its endpoints and their fetched_at
        else:
            assert after[model_id]["fetched_at"] == "2026-08-09T00:00:00Z", model_id
    assert after[model(gone)]["endpoints"] == [] != before[model(gone)]["endpoints"]
    assert after[model(flaky)] == dict(before[model(flaky)], fetched_at="2026-08-09T00:00:00Z")
    assert server.asked(flaky) == 2 and server.asked(broken) == fetch.ATTEMPTS and server.asked(cut) == fetch.ATTEMPTS
    assert server.asked(page) == server.asked(short) == server.asked(error) == 1  # a whole answer: not retried
    # One warning line a model, naming it; the record with 1e999 is skipped, its provider named.
    warnings = err.splitlines()
    assert all(line.startswith("warning: ") and "\x1b" not in line for line in warnings), err
    for path, why in [(broken, "HTTP 503"), (page, "is HTML, not JSON"), (short, "ends before its JSON does"),
                      (cut, "broke off"), (error, "the answer is an error: 'upstream\\n\\x1b[31mfailed'")]:
        [line] = [w for w in warnings if f" of {model(path)} (" in w]
        assert line.startswith(f"warning: did not fetch the endpoints of {model(path)} (kept its endpoints of "
                               "2026-08-08T00:00:00Z): ") or line.startswith(
            f"warning: refused the endpoints of {model(path)} (kept its endpoints of 2026-08-08T00:00:00Z): "), line
        assert why in line, line
    first_tag = REAL[model(bad)]["data"]["endpoints"][0]["tag"]
    assert f"warning: skipped the endpoint '{first_tag}' of {model(bad)}: context_length is not a finite number" \
        in warnings
    assert len(warnings) == 6, err
    assert out.endswith("; endpoints of 41 models (5 failed)\n"), out
    logged = [json.loads(line) for line in (data / "changes.jsonl").read_text().splitlines()]
    assert not [e for e in logged if e["at"].startswith("2026-08-09") and e["id"] in kept]
    assert {e["provider"] for e in logged if e["at"].startswith("2026-08-09") and e["id"] == model(gone)} == {
        e["tag"] for e in REAL[model(gone)]["data"]["endpoints"]}
    json.loads((data / "endpoints.json").read_bytes(), parse_constant=lambda c: pytest.fail(c))


def test_a_429_holds_back_every_request_for_its_retry_after(data: Path) -> None:
    limited = SINGLE[3]
    faults = {limited: [reply(429, b"slow down", {"Retry-After": "1"}), good(limited)]}
    with FaultServer(reply(200, CATALOG), route=routes(faults)) as server:
        code, _, err = fetch_cli(server.url, data, "--at", "2026-08-09")
    assert code == 0 and err == "", err
    asked = [r.at for r in server.requests if r.path == limited]
    assert asked[1] - asked[0] >= 0.9, "the retry came before Retry-After allowed"
    meanwhile = [r for r in server.requests if asked[0] + 0.15 < r.at < asked[0] + 0.9]
    assert meanwhile == [], "another request started while the server asked for a pause"


def test_requests_go_a_handful_at_a_time_and_carry_the_api_key(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    def slow(path: str) -> Behaviour:
        body = REAL.get(model(path))
        return late(json.dumps(body).encode(), after=0.2) if body else reply(404, NOT_FOUND)

    with FaultServer(reply(200, CATALOG), route=routes(otherwise=slow)) as server:
        code, _, err = fetch_cli(server.url, data, "--at", "2026-08-09")
    assert code == 0, err
    assert server.most_active == provider_fetch.CONCURRENCY == 5
    assert len(server.requests) == 1 + len(PATHS)  # one request a path, however many models share it
    assert {r.headers.get("authorization") for r in server.requests} == {"Bearer sk-or-test"}


def test_the_api_key_never_follows_a_redirect_to_another_host(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    victim = SINGLE[0]
    with FaultServer(reply(200, json.dumps(REAL[model(victim)]).encode())) as elsewhere:
        faults = {victim: [reply(302, b"", {"Location": elsewhere.url})]}
        with FaultServer(reply(200, CATALOG), route=routes(faults)) as server:
            code, _, err = fetch_cli(server.url, data, "--at", "2026-08-09")
    assert code == 0, err
    assert [r.headers.get("authorization") for r in elsewhere.requests] == [None]


def test_no_endpoints_asks_for_the_catalog_alone_and_keeps_the_stored_endpoints(data: Path) -> None:
    before = (data / "endpoints.json").read_bytes()
    with FaultServer(reply(200, CATALOG), route=routes()) as server:
        code, out, err = fetch_cli(server.url, data, "--at", "2026-08-09", "--no-endpoints")
    assert code == 0 and err == "", err
    assert [r.path for r in server.requests] == ["/api/v1/models"]
    assert (data / "endpoints.json").read_bytes() == before and "endpoints" not in out


def test_no_endpoints_and_an_endpoints_file_exclude_each_other(tmp_path: Path) -> None:
    code, out, err = fetch_cli(str(LATEST), tmp_path / "data", "--no-endpoints", "--endpoints", "x.json")
    assert code == 64 and "not allowed with argument" in err and not (tmp_path / "data").exists()


def test_a_catalog_not_modified_still_brings_the_endpoints_up_to_date(data: Path) -> None:
    victim = SINGLE[0]
    changed = json.loads(json.dumps(REAL[model(victim)]))
    changed["data"]["endpoints"] = changed["data"]["endpoints"][1:]
    faults: dict[str, list[Behaviour]] = {}
    with FaultServer(conditional(CATALOG), route=routes(faults)) as server:
        assert fetch_cli(server.url, data, "--at", "2026-08-09")[0] == 0
        faults[victim] = [reply(200, json.dumps(changed).encode())]
        code, out, err = fetch_cli(server.url, data, "--at", "2026-08-10")
    assert code == 0, err
    assert "not modified" in out and "stored the endpoints (1 provider changes)" in out, out
    catalog_requests = [r for r in server.requests if r.path == "/api/v1/models"]
    assert catalog_requests[1].headers.get("if-none-match") == '"v1"'
    assert entries(data)[model(victim)]["fetched_at"] == "2026-08-10T00:00:00Z"
    assert len(entries(data)[model(victim)]["endpoints"]) == len(REAL[model(victim)]["data"]["endpoints"]) - 1


# --- The deadline, and an interrupted fetch ------------------------------------------------


def run_fetch(url: str, data: Path, *extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("OPENROUTER_API_KEY", None)
    # Ctrl-C restored for the child: a test run started in the background ignores it, and a
    # child would inherit that.
    return subprocess.Popen([sys.executable, "-m", "sitegen", "fetch", "--source", url, "--data", str(data), *extra],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def test_endpoints_the_deadline_leaves_unfetched_keep_theirs_and_the_catalog_is_stored(data: Path) -> None:
    # The catalog takes half a second of the three (each attempt may wait one); every endpoint
    # request hangs.
    before = (data / "endpoints.json").read_bytes()
    with FaultServer(late(CATALOG, after=0.5), route=routes(otherwise=lambda path: hang())) as server:
        started = time.monotonic()
        child = run_fetch(server.url, data, "--timeout", "3", "--at", "2026-08-09")
        out, err = child.communicate(timeout=60)
        took = time.monotonic() - started
    assert child.returncode == 0, err
    assert took < 3 + 2, took  # three seconds, and the child's start
    assert (data / "endpoints.json").read_bytes() == before
    assert json.loads((data / "models.json").read_bytes())["data"] == RECORDS
    assert "; endpoints of 0 models (" in out, out
    # Each model is named in a warning of its own (its request failed) or counted in the last one.
    lines = err.splitlines()
    counted = re.fullmatch(r"warning: did not fetch the endpoints of (\d+) more models within the 3s timeout; "
                           r"they keep those last fetched: .*", lines[-1])
    unanswered = int(counted.group(1)) if counted else 0
    failed = [line for line in lines if line.startswith("warning: did not fetch the endpoints of ") and " (kept" in line]
    assert len(failed) == len(lines) - bool(counted) and len(failed) + unanswered == len(RECORDS), err
    # The catalog's connection may still be open, idle, when the endpoints' requests start.
    assert server.most_active <= provider_fetch.CONCURRENCY + 1


def test_a_retry_after_beyond_the_deadline_stops_asking_at_once(data: Path) -> None:
    # The server asks for half a minute's pause with ten seconds left: nothing more is asked.
    limited = SINGLE[2]
    faults = {limited: [reply(429, b"", {"Retry-After": "30"})]}
    def slow(path: str) -> Behaviour:
        body = REAL.get(model(path))
        return late(json.dumps(body).encode(), after=0.1) if body else reply(404, NOT_FOUND)

    with FaultServer(reply(200, CATALOG), route=routes(faults, otherwise=slow)) as server:
        started = time.monotonic()
        code, out, err = fetch_cli(server.url, data, "--at", "2026-08-09", "--timeout", "10")
        took = time.monotonic() - started
    assert code == 0, err
    assert took < 3, took
    paused = next(r.at for r in server.requests if r.path == limited)
    assert [r.path for r in server.requests if r.at > paused + 0.1] == []
    assert server.asked(limited) == 1
    lines = err.splitlines()
    assert lines[0].startswith(f"warning: did not fetch the endpoints of {model(limited)} (kept its endpoints of "
                               f"2026-08-08T00:00:00Z): ") and "Retry-After: 30" in lines[0], err
    assert lines[1].startswith("warning: did not fetch the endpoints of ") and " more models within the 10s " \
        "timeout; they keep those last fetched: " in lines[1] and len(lines) == 2, err
    assert json.loads((data / "models.json").read_bytes())["data"] == RECORDS


def test_an_interrupted_fetch_leaves_data_as_it_was(data: Path) -> None:
    before = tree(data)
    with FaultServer(reply(200, CATALOG), route=routes(otherwise=lambda path: hang())) as server:
        child = run_fetch(server.url, data, "--at", "2026-08-09")
        end = time.monotonic() + 30
        while len(server.requests) < 1 + provider_fetch.CONCURRENCY:
            assert time.monotonic() < end and child.poll() is None, "the fetch never asked for the endpoints"
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)
        try:
            out, err = child.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise AssertionError("the fetch did not stop within 60 s of Ctrl-C") from None
    assert child.returncode == 130, err
    assert err == "sitegen fetch: interrupted\n" and out == ""
    assert tree(data) == before


# --- Progress -------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_requests_counted_in_place(data: Path) -> None:
    faults = {SINGLE[0]: [reply(500)], SINGLE[1]: [reply(200, HTML)]}
    with FaultServer(reply(200, CATALOG), route=routes(faults)) as server:
        code, out, err = fetch_cli(server.url, data, "--at", "2026-08-09", stderr=Terminal())
    assert code == 0, err
    shown, _, warnings = err.partition("\n")
    updates = shown.split("\r")[1:]
    total = len(PATHS)
    assert updates[0] == f"endpoints: 0/{total} fetched, 0 failed"
    assert updates[-1] == f"endpoints: {total}/{total} fetched, 2 failed"
    assert len(updates) == total + 1
    assert [int(u.split()[1].split("/")[0]) for u in updates] == list(range(total + 1))
    assert len(warnings.splitlines()) == 2 and all(w.startswith("warning: ") for w in warnings.splitlines())


def test_a_pipe_sees_one_summary_and_no_progress(data: Path) -> None:
    with FaultServer(reply(200, CATALOG), route=routes({SINGLE[0]: [reply(500)]})) as server:
        code, out, err = fetch_cli(server.url, data, "--at", "2026-08-09")
    assert code == 0
    assert "\r" not in err and "endpoints:" not in err and len(err.splitlines()) == 1
    assert len(out.splitlines()) == 1 and out.rstrip().endswith("; endpoints of 45 models (1 failed)")


# --- Which URL a model's endpoints are asked at ---------------------------------------------


def test_links_are_followed_on_the_catalogs_origin_only() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"data": {"endpoints": []}})

    records = [
        {"id": "a/one", "links": {"details": "/api/v1/models/a/one-2026/endpoints"}},
        {"id": "a/one:free", "links": {"details": "/api/v1/models/a/one-2026/endpoints"}},
        {"id": "a/plain"},
        {"id": "a/script", "links": {"details": "javascript:alert(1)"}},
        {"id": "a/other-host", "links": {"details": "//evil.example/steal"}},
        {"id": "a/absolute", "links": {"details": "https://evil.example/api/v1/models/a/absolute/endpoints"}},
        {"id": "a/backslash", "links": {"details": "/\\evil.example/x"}},
        {"id": "a/number", "links": {"details": 42}},
        {"id": "a/unlisted", "links": {"details": "/never"}},
        {"id": "a/one", "links": {"details": "/the-second-record-of-an-id"}},
    ]
    listed = [r["id"] for r in records if r["id"] != "a/unlisted"]
    got = provider_fetch.gather("https://openrouter.example/api/v1/models?x=1", {"data": records}, listed,
                                endpoints_file=None, network=True, timeout=10, started=time.monotonic(),
                                transport=httpx.MockTransport(handler))
    assert got is not None
    origin = "https://openrouter.example"
    assert sorted(seen) == sorted([f"{origin}/api/v1/models/a/one-2026/endpoints",
                                   *(f"{origin}/api/v1/models/a/{name}/endpoints"
                                     for name in ("plain", "script", "other-host", "absolute", "backslash", "number"))])
    assert set(got.answers) == set(listed) and not got.failed
    assert sorted(w.split()[3] for w in got.warnings) == ["a/absolute", "a/backslash", "a/number", "a/other-host",
                                                          "a/script"]
    assert got.warnings[0] == ("the links.details of a/script is not a path on https://openrouter.example: "
                               "asked /api/v1/models/a/script/endpoints instead")


def test_a_local_catalog_fetches_no_endpoints(tmp_path: Path) -> None:
    code, out, err = fetch_cli(str(LATEST), tmp_path / "data")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["changes.jsonl", "models.json"]
    assert "endpoints" not in out
