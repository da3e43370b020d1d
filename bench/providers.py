"""What the providers' endpoints add to a build: its time at 400 models, its memory at 40,000.

    python3 bench/providers.py [--pairs 20] [--memory-runs 0] [--instructions] [--settle 120]
                               [--data data] [--work /dev/shm/sitegen-providers]

Time: cold builds (``--no-cache``) of the data folder as it is and of a copy without
``endpoints.json`` (a build then knows of no endpoint: no Providers section, no provider
pages), alternating, each a whole process timed alone by ``measure.timed`` once the machine
has been nearly idle for a second (or ``--settle`` seconds have passed). Prints the medians
of wall and CPU time (user + system of every process of the build) and the ratio of the
medians, with the median of the pairs' ratios.

Memory (``--memory-runs N``): N untimed cold builds of the x100 catalog (40,000 models,
``synth.repeat``) with 3 endpoints a model (``synth.endpoints_for``) and as many without
them, alternating, each sampled for the summed PSS of all its processes
(``measure.peak_memory``); prints the highest of each.

Instructions (``--instructions``): one cold build of each folder in one process (``--jobs 1``)
under valgrind's cachegrind, which counts the instructions the build's code runs (hash seed
fixed). Unlike times, the count does not move with the machine's load or clock, so it shows
the cost of the endpoints, and of a change, on a machine too noisy to time them; it leaves
out system time. Needs ``valgrind``; each build takes about two minutes.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from statistics import median

import synth
from measure import Timing, peak_memory, settle, timed
from run import BASE_URL, ENV, ROOT, real_catalog, reset

REAL_ENDPOINTS = ROOT / "data" / "endpoints.json"


def command(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "sitegen", "build", "--data", str(data), "--out", str(out), "--base-url", BASE_URL,
            "--no-cache"]


def folders(data: Path, work: Path) -> tuple[Path, Path]:
    """Copies of ``data``: with its endpoints, and without."""
    with_, without = work / "with", work / "without"
    reset(with_, without)
    shutil.copytree(data, with_)
    shutil.copytree(data, without)
    (without / "endpoints.json").unlink(missing_ok=True)
    return with_, without


def time_pairs(with_: Path, without: Path, out: Path, pairs: int, wait: float) -> list[tuple[Timing, Timing]]:
    """``pairs`` of cold builds, with then without endpoints; the first of each order is untimed."""
    for data in (with_, without):
        reset(out)
        timed(command(data, out), cwd=ROOT, env=ENV)  # compiled modules and templates in place
    found = []
    for n in range(pairs):
        runs = {}
        for data in ((with_, without) if n % 2 == 0 else (without, with_)):
            reset(out)
            settle(wait)
            runs[data] = timed(command(data, out), cwd=ROOT, env=ENV)
        found.append((runs[with_], runs[without]))
        w, wo = found[-1]
        print(f"pair {n + 1}: with {w.seconds:.3f} s wall {w.cpu:.3f} s CPU; without {wo.seconds:.3f} s wall "
              f"{wo.cpu:.3f} s CPU; others {max(w.others, wo.others):.2f} s", flush=True)
    return found


def report(pairs: list[tuple[Timing, Timing]]) -> None:
    for what, get in (("wall", lambda t: t.seconds), ("CPU", lambda t: t.cpu)):
        with_, without = median(get(w) for w, _ in pairs), median(get(wo) for _, wo in pairs)
        ratios = sorted(get(w) / get(wo) for w, wo in pairs)
        print(f"{what}: with endpoints {with_:.3f} s, without {without:.3f} s (medians of {len(pairs)}): "
              f"{with_ / without:.3f}x; pairs' ratios median {median(ratios):.3f}x "
              f"({ratios[0]:.3f}-{ratios[-1]:.3f})")


def instructions(data: Path, out: Path) -> int:
    """The instructions of one cold build of ``data`` in one process, as cachegrind counts them."""
    reset(out)
    run = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                          *command(data, out), "--jobs", "1"], cwd=ROOT, env={**ENV, "PYTHONHASHSEED": "0"},
                         capture_output=True, text=True, check=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no instruction count: {run.stderr[-300:]}")
    return int(found[1].replace(",", ""))


def x100_folder(work: Path) -> Path:
    """A data folder of the x100 catalog and 3 endpoints a model, with no change log (made once
    per work folder)."""
    folder = work / "x100"
    if (folder / "endpoints.json").exists():
        return folder
    reset(folder)
    folder.mkdir(parents=True)
    payload = synth.repeat(real_catalog(), 100)
    stored = json.loads(REAL_ENDPOINTS.read_bytes())["models"]
    (folder / "models.json").write_bytes(synth.dumps(payload))
    stored_form = json.dumps(synth.endpoints_for(payload, stored, 3), ensure_ascii=False, indent=1) + "\n"
    (folder / "endpoints.json").write_bytes(stored_form.encode("utf-8"))  # as a fetch writes it
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=20, help="cold build pairs at 400 models (default: 20)")
    parser.add_argument("--memory-runs", type=int, default=0, help="untimed x100 builds sampling memory (default: 0)")
    parser.add_argument("--instructions", action="store_true",
                        help="count the instructions of a build with and without endpoints (valgrind)")
    parser.add_argument("--settle", type=float, default=120, help="at most this many seconds waited before a run "
                        "for a nearly idle second (default: 120)")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the data folder to time (default: data/)")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/sitegen-providers"), help="scratch, on tmpfs")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    out = args.work / "site"
    if args.pairs:
        with_, without = folders(args.data, args.work)
        report(time_pairs(with_, without, out, args.pairs, args.settle))
    if args.instructions:
        with_, without = folders(args.data, args.work)
        for data in (with_, without):  # compiled modules and templates in place
            reset(out)
            timed(command(data, out), cwd=ROOT, env=ENV)
        counted = {data: instructions(data, out) for data in (with_, without)}
        print(f"instructions (one process): with endpoints {counted[with_]:,}, without {counted[without]:,}: "
              f"{counted[with_] / counted[without]:.3f}x")
    if args.memory_runs:
        data = x100_folder(args.work)
        bare = args.work / "x100-without"
        reset(bare)
        bare.mkdir()
        shutil.copyfile(data / "models.json", bare / "models.json")
        peaks: dict[Path, list[int]] = {data: [], bare: []}
        for _ in range(args.memory_runs):
            for folder, kib in peaks.items():
                reset(out)
                kib.append(peak_memory(command(folder, out), cwd=ROOT, env=ENV))
                print(f"{folder.name}: peak {kib[-1] / 1024:,.0f} MiB (PSS, all processes)", flush=True)
        for folder, kib in peaks.items():
            print(f"x100 {'with 3 endpoints a model' if folder == data else 'without endpoints'}: highest peak "
                  f"{max(kib) / 1024:,.0f} MiB of {len(kib)} runs")
    reset(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
