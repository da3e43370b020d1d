"""``sitegen serve``: a local preview of the built site on 127.0.0.1.

Only the site's regular files are served. A request path is decoded strictly (a malformed one
answers 400), then resolved one name at a time with links followed, and every step must stay
inside the served folder: a link that leads out of it is as good as missing. A folder answers
with its index.html or 404, never a listing; a missing file gets the site's 404.html, as on
GitHub Pages.
"""

from __future__ import annotations

import email.utils
import functools
import http.server
import os
import re
import socket
import stat
import sys
import urllib.parse
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

from sitegen.errors import SitegenError

MAX_PATH = 2048  # characters of a request path as sent; the site's longest is far shorter
MAX_NAME = 255   # bytes of one name in it, the usual limit of a file system


def request_names(path: str) -> list[str]:
    """The names in a request path (without its query), decoded; a ValueError saying why if
    it cannot name a file (answered with 400)."""
    if len(path) > MAX_PATH:
        raise ValueError("the path is too long")
    if not path.startswith("/"):
        raise ValueError("the path must start with /")
    if re.search(r"%(?![0-9A-Fa-f]{2})", path):
        raise ValueError("a % must start an escape such as %20")
    try:
        # http.server decodes the request line as Latin-1, so this gives back its bytes.
        text = urllib.parse.unquote_to_bytes(path.encode("latin-1")).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the path is not UTF-8") from None
    if not text.isprintable():
        raise ValueError("the path holds a control character")
    names = [name for name in text.split("/") if name not in ("", ".")]
    if ".." in names:
        raise ValueError("the path may not climb with ..")
    if any(len(name.encode("utf-8")) > MAX_NAME for name in names):
        raise ValueError("a name in the path is too long")
    return names


def resolve_inside(root: str, names: list[str]) -> str | None:
    """The real path of ``names`` under ``root`` (itself a real path), or None when any step
    on the way, once its links are followed, lands outside ``root``."""
    path = root
    for name in names:
        path = os.path.realpath(os.path.join(path, name))
        if os.path.commonpath([root, path]) != root:
            return None
    return path


def open_regular(path: str) -> tuple[BinaryIO, os.stat_result] | None:
    """``path`` opened for reading with its status, when it is a regular file; else None.
    The last name is not followed if it became a link since it was resolved, and a FIFO or
    device put there instead is never read from."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        return None
    return os.fdopen(fd, "rb"), status


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` (a real path) by the rules in the module's docstring."""

    def send_head(self) -> BinaryIO | None:
        path, mark, query = self.path.split("#", 1)[0].partition("?")
        try:
            names = request_names(path)
        except ValueError as problem:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad path: {problem}")
            return None
        found = resolve_inside(self.directory, names)
        if found and os.path.isdir(found):
            if not path.endswith("/"):
                # As a web host does: the folder's own address ends with a slash, so the
                # page's relative links resolve inside it.
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", "/" + path.lstrip("/") + "/" + mark + query)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            found = resolve_inside(self.directory, names + ["index.html"])
        elif path.endswith("/"):
            found = None  # a file asked for as a folder
        opened = open_regular(found) if found else None
        if not found or opened is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        body, status = opened
        if self.not_modified_since(status.st_mtime):
            body.close()
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.end_headers()
            return None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(found))
        self.send_header("Content-Length", str(status.st_size))
        self.send_header("Last-Modified", self.date_time_string(int(status.st_mtime)))
        self.end_headers()
        return body

    def not_modified_since(self, mtime: float) -> bool:
        """Whether the browser's copy, dated by If-Modified-Since, is still current."""
        since = self.headers.get("If-Modified-Since")
        if not since or "If-None-Match" in self.headers:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return when.tzinfo is not None and int(mtime) <= when.timestamp()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = resolve_inside(self.directory, ["404.html"]) if code == HTTPStatus.NOT_FOUND else None
        opened = open_regular(page) if page else None
        if opened is None:
            super().send_error(code, message, explain)
            return
        with opened[0] as file:
            body = file.read()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: tuple[str, int]
                     ) -> None:
        """One line for a request that failed (mostly a browser that went away mid-answer);
        the traceback only with ``SITEGEN_DEBUG`` set."""
        if os.environ.get("SITEGEN_DEBUG"):
            super().handle_error(request, client_address)
            return
        error = sys.exc_info()[1]
        print(f"sitegen serve: a request from {client_address[0]} failed: {type(error).__name__}: {error}",
              file=sys.stderr)


def serve(out: Path, port: int) -> None:
    if not (out / "index.html").is_file():
        raise SitegenError(f"no site in {out} (run 'sitegen build' first)")
    handler = functools.partial(_Handler, directory=os.path.realpath(out))
    try:
        server = _Server(("127.0.0.1", port), handler)
    except OSError as exc:
        raise SitegenError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    # The port actually bound (``--port 0`` picks a free one); flushed, so a parent reading
    # the pipe learns the address as soon as the server listens.
    print(f"serving {out} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    with server:
        server.serve_forever()
