"""`sitegen fetch` against a misbehaving server on 127.0.0.1: every fault gives the right exit
code and a one-line message, in bounded time, and leaves data/ byte-for-byte as it was.

Most cases run the command line in-process (``cli.main``) with the backoff shortened, so the
retries are real but quick; the time-bound cases run it as a child process, because what
matters there is that the whole process gives up and exits.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import FIXTURES, LATEST, run_cli
from faultserver import FaultServer, conditional, cut_short, drip, gzipped, hang, reply
from sitegen import cli, fetch
from sitegen.errors import FetchError
from sitegen.store import snapshot_bytes

OLDER = FIXTURES / "openrouter-models-2026-07-31.json"  # lacks 64 of LATEST's 400 models
GOOD = OLDER.read_bytes()
STORED_MODELS = len(json.loads(LATEST.read_bytes())["data"])


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def message(self) -> str:
        """The error, checked to be exactly one line."""
        lines = self.err.splitlines()
        assert len(lines) == 1, self.err
        assert lines[0].startswith("sitegen fetch: error: "), self.err
        assert "\x1b" not in self.err and "Traceback" not in self.err
        return lines[0]


def fetch_cli(source: str, data: Path, *extra: str, timeout: float = 10) -> Run:
    """The catalog alone: the models' endpoints are test_fetch_endpoints.py's."""
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["fetch", "--source", source, "--data", str(data), "--timeout", str(timeout),
                         "--no-endpoints", *extra])
    return Run(code, out.getvalue(), err.getvalue(), time.monotonic() - started)


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``folder``: its bytes and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "BACKOFF", 0.02)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder after one ordinary fetch of the newest snapshot (400 models)."""
    data = tmp_path_factory.mktemp("seed") / "data"
    result = fetch_cli(str(LATEST), data)
    assert result.code == 0, result.err
    return data


@pytest.fixture
def data(seeded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(seeded, copy)
    return copy


def refused(server: FaultServer, data: Path, code: int, *extra: str, timeout: float = 10) -> str:
    """Run a fetch that must fail; return its one-line message after checking data/."""
    before = tree(data)
    result = fetch_cli(server.url, data, *extra, timeout=timeout)
    assert result.code == code, result.err
    assert result.out == ""
    assert tree(data) == before, "a failed fetch changed data/"
    return result.message


def accepted(server: FaultServer, data: Path, *extra: str) -> Run:
    result = fetch_cli(server.url, data, *extra)
    assert result.code == 0, result.err
    assert (data / "models.json").read_bytes() == snapshot_bytes(json.loads(GOOD))
    return result


# --- Bounded time ----------------------------------------------------------------------


@pytest.mark.parametrize("fault", [hang, lambda: drip(GOOD, every=0.1)], ids=["silent", "trickling"])
def test_a_server_that_stalls_is_given_up_on_at_the_timeout(data: Path, fault) -> None:
    # Without the deadline the command would not end: a body of ~1 MB at ten bytes a second,
    # each byte well within httpx's read timeout, takes days. The child is killed (and the
    # test fails) if it is still running after a minute; the timeout asked for is 2 s.
    before = tree(data)
    with FaultServer(fault()) as server:
        result = run_cli("fetch", "--source", server.url, "--data", str(data), "--timeout", "2", timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "gave up on" in result.stderr and "2s" in result.stderr
    assert tree(data) == before


def test_the_default_timeout_is_two_minutes() -> None:
    # The catalog and some 400 models' endpoints, five at a time, within one deadline.
    args = cli.parser().parse_args(["fetch"])
    assert args.timeout == 120.0 == fetch.DEFAULT_TIMEOUT


@pytest.mark.parametrize("timeout", ["0", "-5", "nan", "inf"])
def test_a_timeout_that_is_not_a_sensible_duration_is_refused(data: Path, timeout: str) -> None:
    # A usage error, refused as the command line is read: nothing is asked of the server.
    with FaultServer(reply(200, GOOD)) as server:
        message = refused(server, data, 64, timeout=timeout)  # type: ignore[arg-type]
    assert "argument --timeout: must be a number of seconds above 0" in message and server.requests == []


def test_a_stuck_connection_is_retried_until_the_deadline() -> None:
    # Each attempt may wait a third of the budget, so a silent server is asked again; the
    # message says that the deadline ended it.
    with FaultServer(hang()) as server:
        with pytest.raises(FetchError, match=r"gave up on \S+ after (3s \([23] attempts\)|[23] attempts, as the next "
                           r"could not start within the 3s timeout): 127\.0\.0\.1:\d+ did not answer"):
            fetch.fetch(server.url, timeout=3, sleep=lambda s: None)
    assert len(server.requests) >= 2


# --- Retries ---------------------------------------------------------------------------


def test_a_server_error_is_retried_and_the_second_answer_accepted(data: Path) -> None:
    with FaultServer(reply(500, b"oops"), reply(502, b""), reply(200, GOOD)) as server:
        accepted(server, data)
    assert len(server.requests) == 3


def test_a_server_error_that_persists_fails_after_the_retries(data: Path) -> None:
    with FaultServer(reply(503, b"<html>down</html>", {"Content-Type": "text/html"})) as server:
        message = refused(server, data, 2)
    assert "HTTP 503" in message and f"after {fetch.ATTEMPTS} attempts" in message
    assert len(server.requests) == fetch.ATTEMPTS


def test_a_refused_connection_is_retried_then_reported(data: Path) -> None:
    with FaultServer(reply()) as server:
        url = server.url
    before = tree(data)
    result = fetch_cli(url, data)
    assert result.code == 2
    assert "cannot reach 127.0.0.1" in result.message and f"{fetch.ATTEMPTS} attempts" in result.message
    assert tree(data) == before


def test_429_waits_as_long_as_retry_after_says(data: Path) -> None:
    with FaultServer(reply(429, b"slow down", {"Retry-After": "1"}), reply(200, GOOD)) as server:
        accepted(server, data)
    first, second = server.requests
    assert second.at - first.at >= 0.9, "the retry came before Retry-After allowed"


def test_retry_after_is_capped() -> None:
    waits: list[float] = []
    with FaultServer(reply(429, b"", {"Retry-After": "86400"}), reply(200, GOOD)) as server:
        response = fetch.fetch(server.url, timeout=120, sleep=waits.append)
    assert waits == [fetch.MAX_RETRY_AFTER]
    assert response.body == GOOD and response.attempts == 2


def test_a_retry_after_beyond_the_timeout_fails_at_once(data: Path) -> None:
    with FaultServer(reply(429, b"", {"Retry-After": "3600"})) as server:
        message = refused(server, data, 2, timeout=5)
    assert "HTTP 429" in message and "Retry-After: 3600" in message and "timeout" in message
    assert len(server.requests) == 1


def test_retry_after_as_an_http_date() -> None:
    assert fetch.retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert fetch.retry_after("Fri, 31 Dec 9999 23:59:59 GMT") == fetch.MAX_RETRY_AFTER
    assert fetch.retry_after("7") == 7.0
    assert fetch.retry_after("soon") is None and fetch.retry_after("-3") is None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_a_client_error_is_not_retried(data: Path, status: int) -> None:
    with FaultServer(reply(status, b'{"error": "no"}')) as server:
        message = refused(server, data, 2)
    assert f"HTTP {status}" in message
    assert len(server.requests) == 1


def test_backoff_grows_exponentially_with_jitter() -> None:
    for attempt in range(1, 8):
        ceiling = min(fetch.MAX_BACKOFF, fetch.BACKOFF * 2 ** (attempt - 1))
        waits = {fetch.backoff(attempt) for _ in range(50)}
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(waits) > 1, "no jitter"


# --- Bodies that are not a catalog ----------------------------------------------------------

HTML_PAGE = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (HTML_PAGE, "is HTML, not JSON"),
        (b"\x00\xff\xfe garbage \x81\x82", "is not valid JSON"),
        (b"Service temporarily unavailable", "is not valid JSON"),
        (b"", "is empty"),
        (GOOD[: len(GOOD) // 2], "ends before its JSON does"),
        (b'{"error": {"code": 500, "message": "Internal Server Error"}}', "the API answered with an error: Internal Server Error"),
        (b'{"error": "rate limited"}', "the API answered with an error: rate limited"),
        (b'{"data": null}', "has no 'data' list"),
        (b'{"models": []}', "has no 'data' list"),
        (b'{"data": []}', "'data' list is empty"),
        (b'{"data": {"id": "a/b"}}', "'data' is a dict, not a list"),
        (b'[{"id": "a/b"}]', "is a JSON list"),
        (b'{"data": [1, "two", null]}', "holds no usable model"),
    ],
    ids=["html", "garbage", "text", "empty", "truncated", "error-object", "error-string", "null-data",
         "missing-data", "empty-data", "data-object", "bare-list", "no-usable-record"],
)
def test_a_body_that_is_not_a_catalog_is_refused(data: Path, body: bytes, expected: str) -> None:
    with FaultServer(reply(200, body)) as server:
        message = refused(server, data, 3)
    assert expected in message


def test_a_body_cut_short_of_its_content_length_is_retried_then_refused(data: Path) -> None:
    with FaultServer(cut_short(GOOD[:5000], declared=len(GOOD))) as server:
        message = refused(server, data, 2)
    assert "broke off" in message
    assert len(server.requests) == fetch.ATTEMPTS


def test_a_body_cut_short_without_a_length_is_refused(data: Path) -> None:
    with FaultServer(cut_short(GOOD[:5000], declared=None)) as server:
        message = refused(server, data, 3)
    assert "ends before its JSON does" in message


def test_an_error_message_cannot_break_the_one_line_rule(data: Path) -> None:
    body = json.dumps({"error": {"message": "first\nsecond\r\n\x1b[2J\x1b[31mred\u2028third"}}).encode()
    with FaultServer(reply(200, body)) as server:
        message = refused(server, data, 3)
    assert "first\\nsecond" in message and "\\x1b" in message


def test_a_body_larger_than_a_catalog_can_be_is_refused() -> None:
    with FaultServer(gzipped(b" " * 200_000 + GOOD)) as server:  # small on the wire, big inflated
        with pytest.raises(FetchError, match="more than 100,000 bytes"):
            fetch.fetch(server.url, timeout=10, max_bytes=100_000)


# --- The shrink guard -----------------------------------------------------------------------


def shrunk(keep: int) -> bytes:
    payload = json.loads(LATEST.read_bytes())
    return json.dumps({"data": payload["data"][:keep]}).encode()


def test_a_catalog_that_lost_most_models_is_refused(data: Path) -> None:
    with FaultServer(reply(200, shrunk(150))) as server:
        message = refused(server, data, 3)
    assert f"lacks {STORED_MODELS - 150} of the {STORED_MODELS} models" in message and "--allow-shrink" in message


def test_allow_shrink_accepts_it(data: Path) -> None:
    with FaultServer(reply(200, shrunk(150))) as server:
        result = fetch_cli(server.url, data, "--allow-shrink")
    assert result.code == 0, result.err
    assert len(json.loads((data / "models.json").read_bytes())["data"]) == 150


def test_losing_exactly_half_is_still_accepted(data: Path) -> None:
    with FaultServer(reply(200, shrunk(STORED_MODELS // 2))) as server:
        result = fetch_cli(server.url, data)
    assert result.code == 0, result.err


def shrinking(tmp_path: Path, *sizes: int) -> list[Path]:
    """Catalogs of the first ``sizes`` models of the newest snapshot, as files."""
    paths = []
    for keep in sizes:
        paths.append(tmp_path / f"first-{keep}.json")
        paths[-1].write_bytes(shrunk(keep))
    return paths


def test_two_shrinks_in_a_row_are_held_against_the_largest_catalog_of_the_month(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert fetch_cli(str(LATEST), data, "--at", "2026-08-08").code == 0
    half, quarter = shrinking(tmp_path, 204, 104)  # each lacks 49% of the one before
    assert fetch_cli(str(half), data, "--at", "2026-08-09").code == 0
    before = tree(data)
    result = fetch_cli(str(quarter), data, "--at", "2026-08-10")
    assert result.code == 3, result.err
    assert result.message == (
        "sitegen fetch: error: the new catalog lists 104 models, fewer than half of the 400 listed "
        "after the fetch of 2026-08-08T00:00:00Z (the most in the last 30 days); refusing to store it "
        "(pass --allow-shrink if the models really were removed)")
    assert tree(data) == before
    result = fetch_cli(str(quarter), data, "--at", "2026-08-10", "--allow-shrink")
    assert result.code == 0, result.err
    assert len(json.loads((data / "models.json").read_bytes())["data"]) == 104


def test_a_shrink_is_held_against_the_catalog_as_it_was_when_the_month_began(tmp_path: Path) -> None:
    # 400 models from 08-08 until the fetch of 09-20: within the 30 days before 09-21.
    data = tmp_path / "data"
    assert fetch_cli(str(LATEST), data, "--at", "2026-08-08").code == 0
    half, quarter = shrinking(tmp_path, 204, 104)
    assert fetch_cli(str(half), data, "--at", "2026-09-20").code == 0
    assert fetch_cli(str(quarter), data, "--at", "2026-09-21").code == 3
    # A month after the catalog last listed 400, the 204 it has listed since are the measure.
    result = fetch_cli(str(quarter), data, "--at", "2026-10-21")
    assert result.code == 0, result.err


# --- Redirects, gzip, conditional requests --------------------------------------------------


def test_redirects_are_followed(data: Path) -> None:
    with FaultServer(reply(301, b"", {"Location": "/moved"}), reply(302, b"", {"Location": "/moved/again"}),
                     reply(200, GOOD)) as server:
        accepted(server, data)
    assert [r.path for r in server.requests] == ["/api/v1/models", "/moved", "/moved/again"]


def test_a_redirect_loop_is_refused(data: Path) -> None:
    with FaultServer(reply(302, b"", {"Location": "/api/v1/models"})) as server:
        message = refused(server, data, 2)
    assert "redirects more than" in message
    assert len(server.requests) == fetch.MAX_REDIRECTS + 1


def test_gzip_is_asked_for_and_decoded(data: Path) -> None:
    with FaultServer(gzipped(GOOD)) as server:
        accepted(server, data)
    assert "gzip" in server.requests[0].headers["accept-encoding"]


def test_a_corrupt_gzip_body_is_refused(data: Path) -> None:
    broken = b"this was never gzip" + GOOD[:100]
    with FaultServer(reply(200, broken, {"Content-Encoding": "gzip"})) as server:
        message = refused(server, data, 2)
    assert "cannot be decoded" in message


@pytest.mark.parametrize(
    ("etag", "last_modified", "header"),
    [('"v1"', None, "if-none-match"), (None, "Wed, 05 Aug 2026 10:00:00 GMT", "if-modified-since")],
    ids=["etag", "last-modified"],
)
def test_an_unchanged_catalog_is_neither_downloaded_nor_rewritten(
        data: Path, etag: str | None, last_modified: str | None, header: str) -> None:
    with FaultServer(conditional(GOOD, etag, last_modified)) as server:
        accepted(server, data)
        assert header not in server.requests[0].headers
        stored = json.loads((data / "validators.json").read_bytes())
        assert stored["url"] == server.url and stored.get("etag") == etag
        before = tree(data)
        again = fetch_cli(server.url, data)
    assert again.code == 0, again.err
    assert "not modified" in again.out and "unchanged" in again.out
    assert server.requests[1].headers[header] == (etag or last_modified)
    assert tree(data) == before, "a 304 rewrote data/"


def test_validators_are_only_sent_to_the_url_they_came_from(data: Path) -> None:
    with FaultServer(conditional(GOOD)) as server:
        accepted(server, data)
    with FaultServer(conditional(GOOD)) as other:  # another port: another URL
        fetch_cli(other.url, data)
    assert "if-none-match" not in other.requests[0].headers


def test_a_304_to_an_unconditional_request_is_an_error(data: Path) -> None:
    with FaultServer(reply(304, b"")) as server:
        message = refused(server, data, 2)
    assert "304" in message and "not conditional" in message


def test_a_failed_fetch_keeps_the_validators(data: Path) -> None:
    with FaultServer(conditional(GOOD)) as server:
        accepted(server, data)
    before = tree(data)
    with FaultServer(reply(200, HTML_PAGE)) as server:
        fetch_cli(server.url, data)
    assert tree(data) == before


def test_mock_transport_stands_in_for_the_network() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(503)
        return httpx.Response(200, content=GOOD, headers={"ETag": '"abc"'})

    waits: list[float] = []
    response = fetch.fetch("https://example.test/models", transport=httpx.MockTransport(handler), sleep=waits.append)
    assert response.body == GOOD and response.attempts == 2 and len(waits) == 1
    assert response.validators == fetch.Validators("https://example.test/models", '"abc"', None)
    assert seen[0].headers["user-agent"].startswith("sitegen/")
