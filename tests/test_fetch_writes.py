"""What `sitegen fetch` does when it cannot write: a data folder or commit message that cannot
be written exits 4 with one line naming the file, and a commit message that cannot be written
stops the fetch before anything in data/ changes. And what it cleans up: the temporary files
a killed fetch left in data/, and nothing else."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from conftest import FIXTURES, LATEST
from faultserver import FaultServer, conditional
from sitegen import cli

OLDER = FIXTURES / "openrouter-models-2026-07-31.json"


def fetch(source: str | Path, data: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["fetch", "--source", str(source), "--data", str(data), *extra])
    return code, out.getvalue(), err.getvalue()


def tree(folder: Path) -> dict[str, tuple[bytes, int] | str]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sitegen fetch: error: "), err
    return lines[0]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    code, _, err = fetch(OLDER, folder, "--at", "2026-07-31")
    assert code == 0, err
    return folder


# --- Exit code 4: a file that cannot be written ------------------------------------------


def test_a_data_folder_that_cannot_be_made_exits_4(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a regular file")
    data = tmp_path / "file" / "data"  # mkdir fails: Not a directory
    code, out, err = fetch(LATEST, data)
    assert code == 4 and out == ""
    assert one_line(err) == f"sitegen fetch: error: cannot make the data folder {data}: Not a directory"


def test_validators_that_cannot_be_written_exit_4_even_for_an_unchanged_catalog(data: Path) -> None:
    body = OLDER.read_bytes()
    (data / "validators.json").mkdir()  # nothing can be written over a folder
    before = tree(data)
    with FaultServer(conditional(body, etag='"v2"')) as server:
        code, _, err = fetch(server.url, data, "--at", "2026-08-01", "--no-endpoints")
    assert code == 4
    assert one_line(err) == f"sitegen fetch: error: cannot write {data / 'validators.json'}: Is a directory"
    assert tree(data) == before


def test_an_unchanged_catalog_writes_nothing(data: Path) -> None:
    before = tree(data)
    code, out, err = fetch(OLDER, data, "--at", "2026-08-01")
    assert code == 0, err
    assert "catalog unchanged" in out and tree(data) == before


def test_a_staged_file_that_cannot_be_written_exits_4_and_changes_nothing(data: Path) -> None:
    (data / ".models.json.new").mkdir()
    before = tree(data)
    code, _, err = fetch(LATEST, data, "--at", "2026-08-08")
    assert code == 4
    assert one_line(err) == f"sitegen fetch: error: cannot remove {data / '.models.json.new'}: Is a directory"
    assert tree(data) == before


@pytest.mark.parametrize("where", ["missing-folder", "full-disk"])
def test_a_commit_message_that_cannot_be_written_stops_the_fetch_before_data_changes(
        data: Path, tmp_path: Path, where: str) -> None:
    message = tmp_path / "no" / "such" / "message.txt" if where == "missing-folder" else Path("/dev/full")
    before = tree(data)
    code, out, err = fetch(LATEST, data, "--at", "2026-08-08", "--message-file", str(message))
    assert code == 4 and out == ""
    reason = "No such file or directory" if where == "missing-folder" else "No space left on device"
    assert one_line(err) == f"sitegen fetch: error: cannot write the commit message to {message}: {reason}"
    assert tree(data) == before


def test_the_commit_message_is_written_with_the_data(data: Path, tmp_path: Path) -> None:
    message = tmp_path / "message.txt"
    code, _, err = fetch(LATEST, data, "--at", "2026-08-08", "--message-file", str(message))
    assert code == 0, err
    assert message.read_text().startswith("Catalog: 64 added, 1 removed, 24 repriced, ")
    code, _, err = fetch(LATEST, data, "--at", "2026-08-09", "--message-file", str(message))
    assert code == 0, err
    assert message.read_text() == "Catalog: unchanged (400 models)\n"


# --- Leftovers ------------------------------------------------------------------------------

# What a fetch killed while writing leaves: temporary files of this version and of earlier ones
# (named ".<file>.<8 random characters>.tmp"), and staged files without a journal.
LEFTOVERS = [
    ".models.json.k2j3h4l5.sitegen-tmp", "..models.json.new.x8_3kq0a.sitegen-tmp",
    "..changes.jsonl.new.abcdefgh.sitegen-tmp", ".validators.json.q1w2e3r4.sitegen-tmp",
    "..models.json.new.ab12cd34.tmp", "..retired.json.new.zz_9yy8x.tmp", "..commit.00000000.tmp",
    ".validators.json.abcd_123.tmp", ".models.json.new", ".changes.jsonl.new", ".retired.json.new",
]
# Files that merely look alike: never sitegen's, never deleted.
NOT_OURS = [
    "notes.tmp", ".notes.tmp", ".models.json.tmp", "..models.json.new.toolong99.tmp", ".mine.new",
    "..other.json.new.abcdefgh.tmp", "models.json.new", ".models.json.new.bak", "README",
    ".models.json.k2j3h4l5.sitegen-tmp.keep",
]


def test_the_next_fetch_removes_what_a_killed_fetch_left_and_nothing_else(data: Path) -> None:
    for name in LEFTOVERS + NOT_OURS:
        (data / name).write_bytes(b"partial")
    (data / "sub").mkdir()
    (data / "sub" / "..models.json.new.ab12cd34.tmp").write_bytes(b"not in data/ itself")
    code, _, err = fetch(LATEST, data, "--at", "2026-08-08")
    assert code == 0, err
    assert sorted(p.name for p in data.iterdir()) == sorted(
        ["changes.jsonl", "models.json", "retired.json", "sub"] + NOT_OURS)
    assert json.loads((data / "models.json").read_bytes()) == json.loads(LATEST.read_bytes())
    for name in NOT_OURS:
        assert (data / name).read_bytes() == b"partial"
    assert (data / "sub" / "..models.json.new.ab12cd34.tmp").exists()


def test_leftovers_are_removed_even_when_the_catalog_is_unchanged(data: Path) -> None:
    (data / "..models.json.new.ab12cd34.tmp").write_bytes(b"partial")
    code, out, err = fetch(OLDER, data, "--at", "2026-08-01")
    assert code == 0, err
    assert "catalog unchanged" in out
    assert sorted(p.name for p in data.iterdir()) == ["changes.jsonl", "models.json"]
