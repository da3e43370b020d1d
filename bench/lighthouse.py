"""Lighthouse scores of the built site: the index, a model page and the compare page.

    python3 bench/lighthouse.py [--site FOLDER] [--runs 3] [--write bench/LIGHTHOUSE.md]

Builds the bundled data/ into a temporary folder (or takes ``--site``), serves it on
127.0.0.1 the way GitHub Pages does (gzip for text files), and runs npm ``lighthouse@12.2.3``
with Debian's Chromium (``CHROME_PATH=/usr/bin/chromium``) for performance, accessibility,
best practices and SEO, on Lighthouse's mobile profile (its default) and its desktop preset,
both with simulated throttling.
Prints the scores (the median of ``--runs``) and what kept any of them below 1, and with
``--write`` writes them as a Markdown table. Install Lighthouse first:

    npm install -E --prefix .ci/tools/lighthouse lighthouse@12.2.3
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LIGHTHOUSE = ROOT / ".ci" / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it, as GitHub Pages serves them."""

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (not path.is_file() or path.suffix not in COMPRESSIBLE
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def serve(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(GzipHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


FORM_FACTORS = ("mobile", "desktop")


def audit(url: str, report: Path, form_factor: str) -> dict:
    preset = ["--preset=desktop"] if form_factor == "desktop" else []
    subprocess.run(
        [str(LIGHTHOUSE), url, *preset, "--quiet", "--output=json", f"--output-path={report}",
         "--only-categories=" + ",".join(CATEGORIES), f"--chrome-flags={CHROME_FLAGS}"],
        env=dict(os.environ, CHROME_PATH=CHROME), check=True, timeout=300,
    )
    return json.loads(report.read_text())


def observed_paint(result: dict) -> float:
    """When the first contentful paint was seen in the trace (ms): headless Chromium on a busy
    machine sometimes presents the first frame a second late, and the simulated metrics follow."""
    return result["audits"]["metrics"]["details"]["items"][0]["observedFirstContentfulPaint"]


def shortfalls(result: dict) -> list[str]:
    """The weighted audits that cost points, as 'category: audit (value)'."""
    found = []
    for key, category in result["categories"].items():
        for ref in category["auditRefs"]:
            item = result["audits"][ref["id"]]
            if ref.get("weight") and item.get("score") is not None and item["score"] < 1:
                found.append(f"{key}: {ref['id']} {item['score']:.2f} {item.get('displayValue', '')}".rstrip())
    return found


def pages(site: Path) -> list[tuple[str, str]]:
    """The index, the model page with the most price tiers (the longest pricing table) and a
    comparison of it with the two newest models."""
    data = json.loads((site / "compare.json").read_text())
    widest = max(data["models"], key=lambda m: len(m["tiers"]))
    ids = [widest["id"], *[m["id"] for m in data["models"] if m is not widest][:2]]
    return [("index", ""), ("model page", widest["path"]), ("compare (3 models)", "compare/?models=" + ",".join(ids))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build data/ into a temporary folder)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median score is kept (default: 3)")
    parser.add_argument("--write", type=Path, help="also write the scores as Markdown to this file")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"lighthouse: not installed; run: npm install -E --prefix {LIGHTHOUSE.parents[2].relative_to(ROOT)} "
              "lighthouse@12.2.3", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="sitegen-lighthouse-") as scratch:
        site = args.site
        if site is None:
            site = Path(scratch) / "site"
            subprocess.run([sys.executable, "-m", "sitegen", "build", "--out", str(site)], cwd=ROOT, check=True,
                           env=dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", "1786060800")))
        base, server = serve(site)
        rows = []
        try:
            for form_factor, (page, path) in ((f, p) for f in FORM_FACTORS for p in pages(site)):
                name = f"{page}, {form_factor}"
                runs = [audit(base + path, Path(scratch) / f"report-{len(rows)}-{i}.json", form_factor)
                        for i in range(args.runs)]
                scores = {c: statistics.median(r["categories"][c]["score"] for r in runs) for c in CATEGORIES}
                # What kept the median run below 1 (the runs differ mostly in performance).
                median = sorted(runs, key=lambda r: r["categories"]["performance"]["score"])[len(runs) // 2]
                missed = shortfalls(median)
                each = [(r["categories"]["performance"]["score"], observed_paint(r)) for r in runs]
                rows.append((name, path, scores, missed, each))
                print(f"{name:<28} " + "  ".join(f"{c} {scores[c]:.2f}" for c in CATEGORIES), flush=True)
                print(f"{'':<28} performance of each run (first paint seen at): "
                      + ", ".join(f"{score:.2f} ({paint:.0f} ms)" for score, paint in each))
                for line in missed:
                    print(f"{'':<28} {line}")
        finally:
            server.shutdown()
            server.server_close()
    if args.write:
        args.write.write_text(markdown(rows, args.runs), encoding="utf-8")
    return 0


def markdown(rows: list, runs: int) -> str:
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Lighthouse scores",
        "",
        f"Made by `python3 bench/lighthouse.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
        f"Lighthouse {version}, Debian Chromium, its mobile profile (simulated slow 4G, 4× CPU slowdown) and its "
        "desktop preset (simulated fast connection, no CPU slowdown), "
        f"median of {runs} run{'s' if runs != 1 else ''}, the bundled catalog served gzipped on 127.0.0.1 as "
        "GitHub Pages serves it. The machine's two cores were shared with other work, which weighs on "
        "the performance score's blocking time.",
        "",
        "| page | performance | accessibility | best practices | SEO |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, path, scores, _, _ in rows:
        lines.append(f"| {name} (`/{path}`) | " + " | ".join(f"{scores[c]:.2f}" for c in CATEGORIES) + " |")
    lines += ["", "Performance of each run, with when its first contentful paint was seen in the trace "
              "(headless Chromium on a busy machine sometimes presents the first frame about a second late; "
              "the simulated paint metrics of that run follow):", ""]
    lines += [f"- {name}: " + ", ".join(f"{score:.2f} ({paint:.0f} ms)" for score, paint in each)
              for name, _, _, _, each in rows]
    notes = [(name, line) for name, _, _, missed, _ in rows for line in missed]
    if notes:
        lines += ["", "Audits below 1 in the median run:", ""] + [f"- {name}: {line}" for name, line in notes]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
