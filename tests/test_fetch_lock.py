"""One fetch at a time: real processes racing for one data folder. The second fetch waits for
the first (within its --timeout) and diffs against what the first stored, or gives up with
exit code 75; and a reader gets the snapshot, the log and the retired records as one set even
while another process commits in a loop."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli
from faultserver import FaultServer, hang, late
from sitegen import store

DATES = ["2026-07-17", "2026-07-31", "2026-08-08"]
SNAPSHOTS = [FIXTURES / f"openrouter-models-{d}.json" for d in DATES]


def start_fetch(source: str, data: Path, *extra: str) -> subprocess.Popen[str]:
    """A fetch of the catalog alone (no endpoints) in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "sitegen", "fetch", "--source", source, "--data", str(data),
                             "--no-endpoints", *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def files(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.iterdir())}


def seeded(folder: Path) -> Path:
    data = folder / "data"
    result = run_cli("fetch", "--source", str(SNAPSHOTS[0]), "--data", str(data), "--at", DATES[0])
    assert result.returncode == 0, result.stderr
    return data


def asked(server: FaultServer, within: float = 30) -> None:
    """Wait until the server has its first request: the fetch behind it holds the folder."""
    end = time.monotonic() + within
    while not server.requests:
        assert time.monotonic() < end, "the first fetch never asked the server"
        time.sleep(0.02)


def test_a_second_fetch_waits_for_the_first_and_diffs_against_what_it_stored(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    with FaultServer(late(SNAPSHOTS[1].read_bytes(), after=3)) as server:
        first = start_fetch(server.url, data, "--at", DATES[1], "--timeout", "60")
        asked(server)
        second = run_cli("fetch", "--source", str(SNAPSHOTS[2]), "--data", str(data), "--at", DATES[2],
                         "--timeout", "60")
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr
    # Exactly what the three fetches give one after the other, and no lock file left.
    alone = seeded(tmp_path / "alone")
    for path, date in zip(SNAPSHOTS[1:], DATES[1:]):
        assert run_cli("fetch", "--source", str(path), "--data", str(alone), "--at", date).returncode == 0
    assert files(data) == files(alone)
    assert sorted(files(data)) == ["changes.jsonl", "models.json", "retired.json"]


def test_a_fetch_that_cannot_have_the_folder_in_time_is_busy(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    with FaultServer(late(SNAPSHOTS[1].read_bytes(), after=4)) as server:
        first = start_fetch(server.url, data, "--at", DATES[1], "--timeout", "60")
        asked(server)
        before = files(data)
        second = run_cli("fetch", "--source", str(SNAPSHOTS[2]), "--data", str(data), "--timeout", "1")
        assert files(data) == before
        first.communicate(timeout=60)
    assert second.returncode == 75, second.stderr
    assert second.stdout == ""
    assert second.stderr == (f"sitegen fetch: error: another 'sitegen fetch' is updating {data}; "
                             "gave up waiting for it after 1s (try again later)\n")
    assert first.returncode == 0


def test_the_wait_for_the_folder_counts_against_the_timeout(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    with FaultServer(late(SNAPSHOTS[1].read_bytes(), after=3)) as slow, FaultServer(hang()) as silent:
        first = start_fetch(slow.url, data, "--at", DATES[1], "--timeout", "60")
        asked(slow)
        started = time.monotonic()
        second = run_cli("fetch", "--source", silent.url, "--data", str(data), "--timeout", "4", "--no-endpoints")
        took = time.monotonic() - started
        first.communicate(timeout=60)
    # Three seconds waiting for the folder, then what remains of the four for the download
    # (seven seconds if each had its own).
    assert second.returncode == 2, second.stderr
    assert "gave up on" in second.stderr and "4s" in second.stderr
    assert silent.requests[0].at > slow.requests[0].at + 2.5, "the download began before the folder was free"
    assert took < 6, took


WRITER = """
import sys, time
from pathlib import Path
from sitegen import store

data, seconds = Path(sys.argv[1]), float(sys.argv[2])
n, end = 0, time.monotonic() + seconds
while time.monotonic() < end:
    n += 1
    event = {"at": "2026-08-08T00:00:00Z", "kind": "added", "id": f"m/{n}"}
    files = store.plan(data, {"data": [{"id": "generation", "n": n}]}, [event], [{"id": "gone", "n": n}])
    store.commit(data, files)
print(n)
"""


def generation(files: store.DataFiles) -> tuple[int, int, int]:
    """The commit each of the three files comes from."""
    assert files.snapshot is not None and files.retired is not None
    return (json.loads(files.snapshot)["data"][0]["n"], len(files.log.splitlines()),
            json.loads(files.retired)["data"][0]["n"])


def test_the_data_folder_is_read_as_one_set_while_another_process_commits(tmp_path: Path) -> None:
    data = tmp_path / "data"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data), "4"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 30
        while store.read(data, store.RETIRED) is None:
            assert time.monotonic() < end and writer.poll() is None, writer.stderr and writer.stderr.read()
            time.sleep(0.01)
        reads, seen = 0, set()
        while writer.poll() is None:
            got = generation(store.read_data(data))
            assert got[0] == got[1] == got[2], got
            seen.add(got[0])
            reads += 1
        out, err = writer.communicate(timeout=30)
    finally:
        writer.kill()
    assert writer.returncode == 0, err
    commits = int(out)
    assert commits > 50 and reads > 50 and len(seen) > 10, (commits, reads, len(seen))
    assert generation(store.read_data(data)) == (commits,) * 3


@pytest.mark.parametrize("present", [[], ["models.json"], ["models.json", "changes.jsonl", "retired.json"]])
def test_read_data_gives_what_is_there(tmp_path: Path, present: list[str]) -> None:
    for name in present:
        (tmp_path / name).write_bytes(name.encode())
    got = store.read_data(tmp_path)
    assert got == store.DataFiles(snapshot=b"models.json" if "models.json" in present else None,
                                  log=b"changes.jsonl" if "changes.jsonl" in present else b"",
                                  retired=b"retired.json" if "retired.json" in present else None)
