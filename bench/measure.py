"""Run a command as a child process and measure it, in one of two ways that never mix.

``timed`` measures time and nothing else. The command starts, this process blocks in
``os.wait4`` until it exits and reads nothing meanwhile: wall time is ``perf_counter``
around the process, CPU time is user + system as the kernel counted it. A build that starts
a multiprocessing fork server has workers that are the server's children, not the build's,
and the build never waits for the server; so this process makes itself a child subreaper
(``PR_SET_CHILD_SUBREAPER``): what the command leaves running is handed to it when the
command exits, and waiting for those processes adds their CPU time and that of the children
they waited for (the server waits for its workers). That waiting happens after the wall
time is taken, and before the next command starts. The CPU that other processes used
meanwhile is read from /proc/stat before and after, and ``settle`` waits for an idle
second before a run.

``peak_memory`` measures memory and nothing else: the proportional set size (PSS) of the
command and all its descendants, summed, read from /proc every 100 ms by a thread of this
process. Reading a large process's memory map costs the kernel milliseconds and takes the
second core of a two-core machine from the command, so these runs are never timed.
"""

from __future__ import annotations

import ctypes
import functools
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Sequence

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
TICKS = os.sysconf("SC_CLK_TCK")
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>
INTERVAL = 0.1  # between memory samples; a build's peaks last seconds


class CommandFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Timing:
    seconds: float  # wall clock, from starting the command to its exit
    cpu: float  # user + system seconds of the command and every process it started
    own_cpu: float  # the command's process alone, with the children it waited for itself
    others: float  # CPU seconds that other processes on the machine used meanwhile


@functools.cache
def adopts_orphans() -> bool:
    """Make this process a child subreaper (once); False where the kernel cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def busy_seconds() -> float:
    """CPU seconds all cores have spent on anything but idling since boot."""
    with open("/proc/stat", "rb") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    idle, iowait = fields[3], fields[4]
    return (sum(fields[:8]) - idle - iowait) / TICKS


def settle(limit: float = 120, idle: float = 0.1) -> None:
    """Wait until a second passes with other processes using at most ``idle`` cores."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = busy_seconds()
        time.sleep(1)
        if busy_seconds() - before <= idle:
            return


def _reap() -> float:
    """Wait for every child of this process (the orphans handed to it included); their
    CPU seconds, with those of the children they waited for."""
    cpu = 0.0
    while True:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return cpu
        cpu += usage.ru_utime + usage.ru_stime


def _start(cmd: Sequence[str], cwd: Path | None, env: dict[str, str] | None, errors: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)


def _check(proc: subprocess.Popen[bytes], status: int, cmd: Sequence[str], errors: IO[bytes]) -> None:
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        errors.seek(0)
        message = errors.read()[-2000:].decode(errors="replace")
        raise CommandFailed(f"{' '.join(cmd)} exited {proc.returncode}: {message}")


def timed(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Timing:
    """Run ``cmd`` alone and time it; raise CommandFailed (with its stderr) on a non-zero exit."""
    adopts_orphans()
    _reap()  # nothing left from earlier commands runs, or is counted, meanwhile
    with tempfile.TemporaryFile() as errors:
        busy = busy_seconds()
        start = time.perf_counter()
        proc = _start(cmd, cwd, env, errors)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        own = usage.ru_utime + usage.ru_stime
        cpu = own + _reap()
        others = max(0.0, busy_seconds() - busy - cpu)
        _check(proc, status, cmd, errors)
    return Timing(seconds, cpu, own, others)


def peak_memory(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> int:
    """Run ``cmd`` while sampling it; the highest summed PSS of its processes, in KiB."""
    adopts_orphans()
    _reap()
    with tempfile.TemporaryFile() as errors:
        proc = _start(cmd, cwd, env, errors)
        sampler = Sampler(proc.pid)
        sampler.start()
        _, status, _ = os.wait4(proc.pid, 0)
        sampler.done.set()
        sampler.join()
        _reap()
        _check(proc, status, cmd, errors)
    return sampler.peak


class Sampler(threading.Thread):
    """Samples the summed PSS of ``pid`` and its descendants until ``done`` is set."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(INTERVAL):
            self.peak = max(self.peak, sum(_memory_kib(pid) for pid in _tree(self.pid)))


def _tree(root: int) -> set[int]:
    """``root`` and its descendants, from the parent of every process in /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[stat.rfind(b")") + 2:].split()[1])
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


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
