"""A misbehaving HTTP server on 127.0.0.1 for fetch tests: real sockets, scripted faults.

Each connection is answered by the next behaviour of the script (the last one repeats), so
``FaultServer(reply(500), reply(200, body))`` fails once and then answers. A ``route`` may
answer some paths instead: given a request's path and how many times that path was asked
(1 for the first), it returns the behaviour, or None to leave the request to the script.
Every request is recorded with its arrival time and headers, and the server counts the most
connections it served at once. Behaviours write raw bytes, which is how they can hang,
trickle, cut a body short or lie about its length.
"""

from __future__ import annotations

import gzip
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

Behaviour = Callable[["Request", socket.socket, threading.Event], None]
Route = Callable[[str, int], "Behaviour | None"]
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable"}


@dataclass
class Request:
    at: float
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Whatever')}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def reply(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> Behaviour:
    """A complete, well-formed answer."""
    def run(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        head = {"Content-Type": "application/json", "Content-Length": str(len(body)), "Connection": "close"}
        head.update(headers or {})
        conn.sendall(_head(status, head) + (body if request.method != "HEAD" else b""))
    return run


def hang() -> Behaviour:
    """Accept the connection, read the request, never say a word (until the client leaves,
    so that the connections counted at once are the client's)."""
    def run(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        conn.settimeout(0.05)
        while not stop.is_set():
            try:
                if conn.recv(1, socket.MSG_PEEK) == b"":
                    return
            except TimeoutError:
                continue
    return run


def drip(body: bytes, every: float = 0.2) -> Behaviour:
    """Send the head at once, then the body one byte at a time, forever if need be."""
    def run(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(_head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))}))
        for i in range(len(body)):
            if stop.wait(every):
                return
            conn.sendall(body[i:i + 1])
    return run


def late(body: bytes, after: float) -> Behaviour:
    """Say nothing for ``after`` seconds, then answer in full."""
    def run(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        if not stop.wait(after):
            reply(200, body)(request, conn, stop)
    return run


def cut_short(body: bytes, declared: int | None) -> Behaviour:
    """Send part of a body and close: with a Content-Length that promised more, or none."""
    def run(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        head = {"Content-Type": "application/json", "Connection": "close"}
        if declared is not None:
            head["Content-Length"] = str(declared)
        conn.sendall(_head(200, head) + body)
    return run


def gzipped(body: bytes) -> Behaviour:
    """The body gzip-encoded, when the client says it accepts gzip (else 406)."""
    def run(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        if "gzip" not in request.headers.get("accept-encoding", ""):
            reply(406, b"gzip only")(request, conn, stop)
            return
        reply(200, gzip.compress(body), {"Content-Encoding": "gzip"})(request, conn, stop)
    return run


def conditional(body: bytes, etag: str | None = '"v1"', last_modified: str | None = None) -> Behaviour:
    """200 with validators, or 304 when the request carries a matching one."""
    def run(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        headers = {}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        fresh = (etag and request.headers.get("if-none-match") == etag) or (
            not etag and last_modified and request.headers.get("if-modified-since") == last_modified)
        if fresh:
            conn.sendall(_head(304, dict(headers, Connection="close")))
        else:
            reply(200, body, headers)(request, conn, stop)
    return run


class FaultServer:
    """A threaded server on 127.0.0.1 running a script of behaviours, one per connection."""

    def __init__(self, *script: Behaviour, route: Route | None = None):
        assert script
        self.script = script
        self.route = route
        self.requests: list[Request] = []
        self.stop = threading.Event()
        self.active = self.most_active = 0
        self._lock = threading.Lock()
        self._asked: dict[str, int] = {}
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with outer._lock:
                    outer.active += 1
                    outer.most_active = max(outer.most_active, outer.active)
                try:
                    request = outer._read_request(self.request)
                    if request is not None:
                        outer._answer(request, self.request)
                finally:
                    with outer._lock:
                        outer.active -= 1

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1/models"

    def _answer(self, request: Request, conn: socket.socket) -> None:
        with self._lock:
            self.requests.append(request)
            self._asked[request.path] = asked = self._asked.get(request.path, 0) + 1
            behaviour = self.route(request.path, asked) if self.route else None
            if behaviour is None:
                scripted = self._asked["<script>"] = self._asked.get("<script>", 0) + 1
                behaviour = self.script[min(scripted, len(self.script)) - 1]
        try:
            behaviour(request, conn, self.stop)
        except OSError:
            pass  # the client gave up first: that is what some tests are about

    def asked(self, path: str) -> int:
        """How many requests asked for ``path``."""
        return self._asked.get(path, 0)

    @staticmethod
    def _read_request(conn: socket.socket) -> Request | None:
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            try:
                chunk = conn.recv(4096)
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        conn.settimeout(None)
        lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return Request(time.monotonic(), method, path, headers)

    def __enter__(self) -> FaultServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
