"""Run a command as a child process and measure its wall time, CPU time and peak memory.

Peak memory is the larger of the command's own ``ru_maxrss`` and the summed resident memory
of it and all its descendants, sampled every 100 ms from ``/proc``, so a build that forks
workers is not under-reported. The command runs under ``/usr/bin/time`` when it exists:
a process forked straight from this (large) one inherits our memory high-water mark in its
``ru_maxrss``, one forked from ``time`` does not.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Sequence

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Sample:
    seconds: float  # wall clock
    cpu: float  # user + system seconds, all processes of the command
    peak_kib: int


class CommandFailed(RuntimeError):
    pass


TICKS = os.sysconf("SC_CLK_TCK")
# Reading a large process's memory map costs the kernel milliseconds: sampled every 20 ms, it
# slowed a 40,000-model build by a fifth. Peaks of big builds last seconds.
INTERVAL = 0.1


def _tree_rss_kib(root: int, cpu: dict[int, float] | None = None) -> int:
    """Resident memory of ``root`` and its descendants, in KiB (0 once they are gone); with
    ``cpu``, also notes each one's CPU seconds so far (pid -> user + system)."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    total = 0
    for pid in tree:
        total += _memory_kib(pid)
        if cpu is not None and pid != root:
            cpu[pid] = max(cpu.get(pid, 0.0), ticks[pid] / TICKS)
    return total


def _memory_kib(pid: int) -> int:
    """Proportional resident memory of ``pid``: a page shared by n processes (forked workers
    share the parent's pages until they write them) counts 1/n in each, so the tree's sum
    is the memory really used. Resident memory where the kernel lacks smaps_rollup."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


class _Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.cpu: dict[int, float] = {}  # CPU seconds of each process seen in the tree
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(INTERVAL):
            self.peak = max(self.peak, _tree_rss_kib(self.pid, self.cpu))


def run(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` to completion; raise CommandFailed (with its stderr) on a non-zero exit."""
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as usage_file:
        timed = os.path.exists(TIME)
        argv = [TIME, "-f", "%U %S %M", "-o", usage_file.name, *cmd] if timed else list(cmd)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        sampler = _Sampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            raise CommandFailed(f"{' '.join(cmd)} exited {proc.returncode}: {errors.read()[-2000:].decode(errors='replace')}")
        # CPU: what the kernel reports for the processes that were waited for, or, when
        # higher, the sum sampled from /proc, which also counts processes nobody waited
        # for (workers of a fork server): at most one sampling interval short for each.
        sampled = sum(sampler.cpu.values())
        if timed:
            user, system, maxrss = usage_file.read().split()[-3:]
            return Sample(seconds, max(float(user) + float(system), sampled), max(int(maxrss), sampler.peak))
    return Sample(seconds, max(usage.ru_utime + usage.ru_stime, sampled), max(usage.ru_maxrss, sampler.peak))


def summary(samples: list[Sample]) -> Sample:
    """The median times and the highest peak memory of several runs."""
    return Sample(median(s.seconds for s in samples), median(s.cpu for s in samples), max(s.peak_kib for s in samples))
