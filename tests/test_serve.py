"""``sitegen serve`` as a real server on a real socket: it answers with the site's regular
files and nothing else, whatever links were planted in the folder or the path asks for."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import LATEST, ROOT, run_cli

SECRET = b"a file outside the served folder\n"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small built site with links planted in it, and the folder those links lead to."""
    root = tmp_path_factory.mktemp("serve")
    catalog = root / "small.json"
    catalog.write_text(json.dumps({"data": json.loads(LATEST.read_bytes())["data"][:20]}))
    site = root / "_site"
    result = run_cli("build", "--catalog", str(catalog), "--out", str(site), "--no-cache")
    assert result.returncode == 0, result.stderr
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "index.html").write_bytes(SECRET)
    (site / "leak.txt").symlink_to(outside / "secret.txt")        # a file outside
    (site / "away").symlink_to(outside, target_is_directory=True)  # a folder outside
    (site / "trap").mkdir()
    (site / "trap" / "index.html").symlink_to(outside / "index.html")
    (site / "bare").mkdir()                                        # no index.html
    (site / "bare" / "note.txt").write_text("listed nowhere\n")
    (site / "home.html").symlink_to(site / "index.html")          # stays inside: served
    (site / "fifo").mkdir()
    os.mkfifo(site / "fifo" / "index.html")                       # not a regular file
    return site, outside


class Server:
    def __init__(self, process: subprocess.Popen[str], port: int):
        self.process = process
        self.port = port

    def get(self, path: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
        """Send ``path`` exactly as written, with no client-side normalization."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name.replace("_", "-"), value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


def start(folder: Path) -> Server:
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--out", str(folder), "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # Ctrl-C must reach it as it reaches a command typed in a terminal, even when the test
        # runner itself was started with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    assert ready, "sitegen serve said nothing for a minute"
    line = process.stdout.readline()
    match = re.fullmatch(r"serving .* at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)\n", line)
    if not match:
        process.kill()
        pytest.fail(f"sitegen serve did not start: {line!r} {process.communicate()[1]!r}")
    return Server(process, int(match[1]))


def stop(server: Server) -> str:
    """Stop the server and return everything it wrote to stderr."""
    server.process.terminate()
    _, err = server.process.communicate(timeout=10)
    return err


@pytest.fixture(scope="module")
def served(planted: tuple[Path, Path]) -> Iterator[Server]:
    server = start(planted[0])
    yield server
    err = stop(server)
    assert "Traceback" not in err, err


def not_found_page(site: Path) -> bytes:
    return (site / "404.html").read_bytes()


def test_the_site_is_served(served: Server, planted: tuple[Path, Path]) -> None:
    site, _ = planted
    status, headers, body = served.get("/")
    assert status == 200 and body == (site / "index.html").read_bytes()
    assert headers["content-type"].startswith("text/html")
    assert int(headers["content-length"]) == len(body)
    status, _, body = served.get("/feed.xml")
    assert status == 200 and body == (site / "feed.xml").read_bytes()
    status, _, body = served.get("/index.html?x=1#top")
    assert status == 200 and body == (site / "index.html").read_bytes()
    status, headers, body = served.get("/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    # A link that stays inside the folder is followed.
    status, _, body = served.get("/home.html")
    assert status == 200 and body == (site / "index.html").read_bytes()
    # A browser's copy that is still current is not sent again.
    _, headers, _ = served.get("/feed.xml")
    status, _, body = served.get("/feed.xml", If_Modified_Since=headers["last-modified"])
    assert (status, body) == (304, b"")
    status, _, body = served.get("/feed.xml", If_Modified_Since="Thu, 01 Jan 1970 00:00:00 GMT")
    assert status == 200 and body == (site / "feed.xml").read_bytes()


def test_a_missing_file_gets_the_sites_404_page(served: Server, planted: tuple[Path, Path]) -> None:
    for path in ("/models/no/such-model/", "/index.html/", "/feed.xml/x"):
        status, _, body = served.get(path)
        assert (status, body) == (404, not_found_page(planted[0])), path
    status, _, body = served.get("/nothing", method="HEAD")
    assert (status, body) == (404, b"")


@pytest.mark.parametrize("path", ["/leak.txt", "/away/secret.txt", "/away/", "/away/index.html",
                                  "/trap/", "/trap/index.html"])
def test_links_out_of_the_folder_are_not_followed(served: Server, planted: tuple[Path, Path], path: str) -> None:
    status, _, body = served.get(path)
    assert status == 404
    assert SECRET not in body
    assert body == not_found_page(planted[0])


@pytest.mark.parametrize("path", ["/bare/", "/static/", "/fifo/", "/fifo/index.html"])
def test_a_folder_without_an_index_is_never_listed(served: Server, planted: tuple[Path, Path], path: str) -> None:
    status, _, body = served.get(path)
    assert (status, body) == (404, not_found_page(planted[0]))
    assert b"note.txt" not in body and b"Directory listing" not in body


def test_a_folder_without_a_trailing_slash_is_redirected(served: Server) -> None:
    status, headers, _ = served.get("/bare?x=1")
    assert status == 301 and headers["location"] == "/bare/?x=1"
    status, headers, _ = served.get("/changes")
    assert status == 301 and headers["location"] == "/changes/"


@pytest.mark.parametrize("path", [
    "/%00", "/index.html%00.txt", "/%zz", "/%4", "/%ff%fe",
    "/..%2f..%2fetc/passwd", "/../../etc/passwd", "/static/../../outside/secret.txt", "/%2e%2e/outside/secret.txt",
    pytest.param("/" + "a" * 300, id="long-name"), pytest.param("/" + "a/" * 2000, id="long-path"),
    "index.html", "/%0a",
])
def test_bad_paths_answer_400(served: Server, path: str) -> None:
    status, _, body = served.get(path)
    assert status == 400, body
    assert SECRET not in body and b"root:" not in body


def test_nothing_went_wrong_on_the_server_side(planted: tuple[Path, Path]) -> None:
    # Its own server, so stderr holds only what these requests caused.
    server = start(planted[0])
    try:
        for path in ("/%00", "/..%2f..%2fetc/passwd", "/%zz", "/" + "a" * 300, "/leak.txt", "/bare/"):
            assert server.get(path)[0] in (400, 404)
        assert server.get("/")[0] == 200
    finally:
        err = stop(server)
    assert err and "Traceback" not in err, err
    assert all(line.startswith("127.0.0.1 - - [") for line in err.splitlines()), err  # the request log only


def test_ctrl_c_stops_it_with_one_line_and_130(planted: tuple[Path, Path]) -> None:
    server = start(planted[0])
    server.process.send_signal(signal.SIGINT)
    _, err = server.process.communicate(timeout=10)
    assert server.process.returncode == 130
    assert err == "sitegen serve: interrupted\n"


def test_a_planted_404_page_leading_out_is_not_served(planted: tuple[Path, Path], tmp_path: Path) -> None:
    site = tmp_path / "_site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>x</title>")
    (site / "404.html").symlink_to(planted[1] / "secret.txt")
    server = start(site)
    try:
        status, _, body = server.get("/missing")
        assert status == 404 and SECRET not in body
    finally:
        err = stop(server)
    assert "Traceback" not in err, err


def test_the_served_folder_may_itself_be_a_link(planted: tuple[Path, Path], tmp_path: Path) -> None:
    link = tmp_path / "current"
    link.symlink_to(planted[0], target_is_directory=True)
    server = start(link)
    try:
        assert server.get("/")[0] == 200
        assert server.get("/leak.txt")[0] == 404
    finally:
        stop(server)


def test_a_browser_that_goes_away_mid_answer_costs_one_line(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>x</title>")
    with open(site / "big.bin", "wb") as big:
        big.truncate(32 * 1024 * 1024)  # more than the socket buffers hold
    server = start(site)
    said = ""
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as client:
            client.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert client.recv(100).startswith(b"HTTP/1.0 200")
            # Close with a reset, as a browser does when the tab is closed mid-download.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # The server notices when its next write fails; wait for what it says then.
        assert server.process.stderr is not None
        deadline = time.monotonic() + 10
        while "failed" not in said and "Traceback" not in said and time.monotonic() < deadline:
            if select.select([server.process.stderr], [], [], 0.5)[0]:
                said += server.process.stderr.readline()
    finally:
        err = said + stop(server)
    assert "Traceback" not in err, err
    failed = [line for line in err.splitlines() if not line.startswith("127.0.0.1 - - [")]
    assert len(failed) == 1 and failed[0].startswith("sitegen serve: a request from 127.0.0.1 failed: "), err
