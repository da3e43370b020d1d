"""The command line: argv in, exit code out. The only place that prints errors.

Each option's type checks its value as the parser reads it, so a value that cannot be used
stops the command (exit 64) before it reads or writes anything.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Callable, NoReturn, Sequence, TextIO

from sitegen import __version__
from sitegen.config import API_URL, DEFAULT_BASE_URL, DEFAULT_DATA, DEFAULT_OUT, DEFAULT_PORT, FETCH_TIMEOUT
from sitegen.config import BuildSettings
from sitegen.config import normalize_base_url
from sitegen.errors import HistoryError, SitegenError, UsageError, WriteError

DEFAULT_CACHE = Path(".sitegen-cache")
MAX_TIMEOUT = 86_400.0


def cmd_fetch(args: argparse.Namespace) -> int:
    from sitegen.update import update

    progress = ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        report = update(args.source, args.data, timeout=args.timeout, at=args.at, allow_shrink=args.allow_shrink,
                        message_file=args.message_file, endpoints_file=args.endpoints,
                        endpoints=not args.no_endpoints, progress=progress)
    except OSError as exc:  # the store names each file it fails to write; this is for any other
        raise WriteError(f"cannot update {exc.filename or args.data}: {exc.strerror or exc}") from None
    finally:
        if progress is not None:
            progress.close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    return 0


class ProgressLine:
    """How the endpoint requests go, on one line of a terminal rewritten in place."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int, failed: int) -> None:
        self.stream.write(f"\rendpoints: {done}/{total} fetched, {failed} failed")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")


def cmd_build(args: argparse.Namespace) -> int:
    from sitegen.build import build

    catalog = args.catalog or (args.data / "models.json")
    settings = BuildSettings(base_url=normalize_base_url(args.base_url))
    report = build(Path(catalog), args.out, settings, data_dir=None if args.catalog else args.data,
                   jobs=args.jobs, cache_dir=None if args.no_cache else args.cache)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary() + f" -> {args.out}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from sitegen.serve import serve

    serve(args.out, args.port)
    return 0


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """The type of an option that takes a whole number, in plain digits, from ``low`` up
    (to ``high``)."""
    bounds = f"of at least {low}" if high is None else f"from {low} to {high}"

    def whole_number(text: str) -> int:
        value = int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be a whole number {bounds}, got {text!r}")
        return value
    return whole_number


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_TIMEOUT:  # NaN fails this too
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, "
                                         f"got {text!r}")
    return value


def _time(text: str) -> str:
    from sitegen.history import parse_time

    try:
        parse_time(text)
    except HistoryError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _base_url(text: str) -> str:
    try:
        normalize_base_url(text)
    except UsageError as exc:  # argparse names the option itself
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--base-url ")) from None
    return text


def _usage_error(prog: str, message: str) -> str:
    """The one line a refused command line prints; the message is shown escaped."""
    return f"{prog}: error: {UsageError(message)}"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 64, as every usage error does
    (argparse's own 2 is the exit code of a catalog that could not be fetched)."""

    def error(self, message: str) -> NoReturn:
        self.exit(UsageError.exit_code, _usage_error(self.prog, message) + "\n")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="sitegen", description="Build a static website of the OpenRouter model catalog.")
    top.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    fetch = commands.add_parser(
        "fetch", help="download the catalog and store it in the data folder",
        description="Download the catalog (or read a local file), validate it and store it as DATA/models.json.")
    fetch.add_argument("--source", default=API_URL, metavar="URL_OR_PATH",
                       help=f"where to read the catalog (default: {API_URL})")
    fetch.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR", help="data folder (default: data/)")
    fetch.add_argument("--timeout", type=_seconds, default=FETCH_TIMEOUT, metavar="SECONDS",
                       help="give up on the server after this long, the catalog and the endpoints together; "
                       f"endpoints not fetched by then keep their last (default: {FETCH_TIMEOUT:g})")
    fetch.add_argument("--allow-shrink", action="store_true",
                       help="accept a catalog that lacks more than half of the stored models "
                       "(refused by default as a likely API fault)")
    fetch.add_argument("--at", type=_time, metavar="TIME",
                       help="date the logged changes at TIME (ISO-8601, e.g. 2026-07-17) instead of now, "
                       "when replaying archived catalogs in date order")
    fetch.add_argument("--message-file", type=Path, metavar="FILE",
                       help="also write a git commit message saying what changed to FILE "
                       "(for committing data/ after a scheduled fetch)")
    providers = fetch.add_mutually_exclusive_group()
    providers.add_argument("--endpoints", type=Path, metavar="FILE",
                           help="read each model's providers from FILE, a JSON object mapping model ids to answers "
                           "of the endpoints API (a model missing from it has none), instead of fetching them")
    providers.add_argument("--no-endpoints", action="store_true",
                           help="do not fetch each model's providers (its endpoints) from the catalog's server; "
                           "the stored ones are kept")
    fetch.set_defaults(func=cmd_fetch)

    build = commands.add_parser(
        "build", help="render the site from the data folder, with no network",
        description="Render the site from DATA/models.json (or --catalog FILE) into the output folder.")
    source = build.add_mutually_exclusive_group()
    source.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR",
                        help="data folder to build from (default: data/)")
    source.add_argument("--catalog", type=Path, metavar="FILE",
                        help="build from this catalog file instead of the data folder")
    build.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: _site/)")
    build.add_argument("--base-url", type=_base_url, default=DEFAULT_BASE_URL, metavar="URL",
                       help="absolute http(s) URL the site is served from, with no query, fragment, user "
                       "name or characters that need escaping (default: http://127.0.0.1:8000/)")
    build.add_argument("--jobs", type=_whole_number(1), metavar="N",
                       help="processes rendering the model pages, this one included, at most one a core "
                       "(default: one a core from 100 models, else 1)")
    cached = build.add_mutually_exclusive_group()
    cached.add_argument("--cache", type=Path, default=DEFAULT_CACHE, metavar="DIR",
                        help="keep what a rebuild can reuse in DIR, never inside the output folder "
                        "(default: .sitegen-cache/)")
    cached.add_argument("--no-cache", action="store_true",
                        help="render everything, neither reading nor saving the cache")
    build.set_defaults(func=cmd_build)

    serve = commands.add_parser("serve", help="preview the built site on 127.0.0.1",
                                description="Serve the output folder on 127.0.0.1 for previewing.")
    serve.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="folder to serve (default: _site/)")
    serve.add_argument("--port", type=_whole_number(0, 65535), default=DEFAULT_PORT, metavar="N",
                       help=f"port, 0 to 65535; 0 picks a free one (default: {DEFAULT_PORT})")
    serve.set_defaults(func=cmd_serve)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args, unknown = parser().parse_known_args(argv)
    except SystemExit as stop:  # --help, --version, or a command line the parser refused
        return int(stop.code or 0)
    if unknown:  # reported here, where the command is known, rather than by the top parser
        print(_usage_error(f"sitegen {args.command}", "unrecognized arguments: " + " ".join(unknown)), file=sys.stderr)
        return UsageError.exit_code
    command: Callable[[argparse.Namespace], int] = args.func
    try:
        return command(args)
    except SitegenError as exc:
        print(f"sitegen {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"sitegen {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line, with what to report
        if os.environ.get("SITEGEN_DEBUG"):
            raise
        print(f"sitegen {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(set SITEGEN_DEBUG=1 for a traceback)", file=sys.stderr)
        return 70
