"""``sitegen serve``: a local preview of the built site on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from sitegen.errors import SitegenError


class _Handler(http.server.SimpleHTTPRequestHandler):
    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


def serve(out: Path, port: int) -> None:
    if not (out / "index.html").is_file():
        raise SitegenError(f"no site in {out} (run 'sitegen build' first)")
    handler = functools.partial(_Handler, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise SitegenError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    # The port actually bound (``--port 0`` picks a free one); flushed, so a parent reading
    # the pipe learns the address as soon as the server listens.
    print(f"serving {out} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    with server:
        server.serve_forever()
