"""`sitegen fetch --message-file`: the commit message the scheduled workflow records data/
with, checked against our own diff of two real snapshots."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli
from sitegen.update import LISTED, commit_message
from sitegen.history import Event

OLD = FIXTURES / "openrouter-models-2026-07-31.json"
NEW = FIXTURES / "openrouter-models-2026-08-08.json"


def headline_prices(path: Path) -> dict[str, tuple[Decimal, Decimal]]:
    records = json.loads(path.read_text(encoding="utf-8"))["data"]
    return {r["id"]: (Decimal(r["pricing"]["prompt"]), Decimal(r["pricing"]["completion"])) for r in records}


def section(message: str, heading: str) -> list[str]:
    match = re.search(rf"^{heading}:\n((?:- .*\n?)*)", message, re.MULTILINE)
    return [line[2:] for line in match.group(1).splitlines()] if match else []


@pytest.fixture(scope="module")
def fetched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """data/ holding the 07-31 snapshot, then the 08-08 one fetched with --message-file."""
    data = tmp_path_factory.mktemp("data")
    first = run_cli("fetch", "--source", str(OLD), "--data", str(data), "--at", "2026-07-31")
    assert first.returncode == 0, first.stderr
    message = data.parent / "message.txt"
    second = run_cli("fetch", "--source", str(NEW), "--data", str(data), "--at", "2026-08-08",
                     "--message-file", str(message))
    assert second.returncode == 0, second.stderr
    return data, message.read_text(encoding="utf-8")


def test_subject_counts_what_our_own_diff_finds(fetched: tuple[Path, str]) -> None:
    _, message = fetched
    old, new = headline_prices(OLD), headline_prices(NEW)
    added, removed = new.keys() - old.keys(), old.keys() - new.keys()
    repriced = {i for i in old.keys() & new.keys() if old[i] != new[i]}
    subject = message.splitlines()[0]
    match = re.fullmatch(r"Catalog: (\d+) added, (\d+) removed, (\d+) repriced, (\d+) changed \((\d+) models\)", subject)
    assert match, subject
    assert [int(n) for n in match.group(1, 2, 3, 5)] == [len(added), len(removed), len(repriced), len(new)]
    assert (len(added), len(removed), len(repriced)) == (64, 1, 24)  # as the snapshots' notes say
    assert message.splitlines()[1] == "", "a blank line separates subject and body"


def test_body_names_the_models_by_kind(fetched: tuple[Path, str]) -> None:
    _, message = fetched
    old, new = headline_prices(OLD), headline_prices(NEW)
    added = section(message, "Added")
    assert len(added) == LISTED + 1 and added[-1] == f"... and {64 - LISTED} more"
    assert set(added[:-1]) <= new.keys() - old.keys()
    assert section(message, "Removed") == sorted(old.keys() - new.keys())
    repriced = {line.split(": ", 1)[0] for line in section(message, "Repriced")}
    assert repriced == {i for i in old.keys() & new.keys() if old[i] != new[i]}


def test_repricing_shows_old_and_new_prices_per_million_tokens(fetched: tuple[Path, str]) -> None:
    _, message = fetched
    lines = dict(line.split(": ", 1) for line in section(message, "Repriced"))
    assert lines["meta-llama/llama-3.3-70b-instruct"] == "input $0.13 -> $0.10, output $0.40 -> $0.32"
    # A change hidden by rounding shows exact amounts rather than "$0.60 -> $0.60".
    assert lines["openai/gpt-5.6-luna"] == "output $0.6000000000000001 -> $0.6"


def test_a_fetch_that_changes_nothing_says_so(fetched: tuple[Path, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(fetched[0], data)
    message = tmp_path / "message.txt"
    result = run_cli("fetch", "--source", str(NEW), "--data", str(data), "--at", "2026-08-09",
                     "--message-file", str(message))
    assert result.returncode == 0, result.stderr
    assert message.read_text(encoding="utf-8") == "Catalog: unchanged (400 models)\n"


def test_a_failed_fetch_writes_no_message(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_text("<html>503 Service Unavailable</html>")
    message = tmp_path / "message.txt"
    result = run_cli("fetch", "--source", str(garbage), "--data", str(tmp_path / "data"),
                     "--message-file", str(message))
    assert result.returncode != 0
    assert not message.exists()


def test_an_unwritable_message_file_is_a_one_line_error(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "message.txt"
    result = run_cli("fetch", "--source", str(OLD), "--data", str(tmp_path / "data"), "--message-file", str(target))
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1 and "cannot write the commit message" in result.stderr
    assert list((tmp_path / "data").iterdir()) == []  # written before data/ changes, or nothing is


def test_other_changes_list_the_fields_and_an_empty_log_still_explains_itself() -> None:
    events = [Event("2026-08-08T00:00:00Z", "changed", "a/b", {"context_length": [8192, 32768], "name": ["A", "B"]})]
    assert commit_message(events, 3) == (
        "Catalog: 0 added, 0 removed, 0 repriced, 1 changed (3 models)\n\nChanged:\n- a/b: context_length, name\n"
    )
    assert commit_message([], 3) == "Catalog: no model added, removed or changed; other details updated (3 models)\n"
    priced = [Event("2026-08-08T00:00:00Z", "changed", "c/d", {"pricing.prompt": [None, "0.000001"]})]
    assert "- c/d: input — -> $1.00" in commit_message(priced, 1)


# --- Providers ---------------------------------------------------------------------------------


def endpoints_of(date: str) -> Path:
    return FIXTURES / "endpoints" / f"endpoints-{date}.json"


@pytest.fixture(scope="module")
def providers_message(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The message of the 08-08 fetch over the 07-31 one, each with that day's real endpoints."""
    data = tmp_path_factory.mktemp("providers") / "data"
    message = data.parent / "message.txt"
    for path, date, extra in ((OLD, "2026-07-31", ()), (NEW, "2026-08-08", ("--message-file", str(message)))):
        result = run_cli("fetch", "--source", str(path), "--data", str(data), "--at", date,
                         "--endpoints", str(endpoints_of(date)), *extra)
        assert result.returncode == 0, result.stderr
    return message.read_text(encoding="utf-8")


def test_the_providers_section_names_each_model_whose_endpoints_changed(providers_message: str) -> None:
    log = [json.loads(line) for line in (ROOT / "data" / "changes.jsonl").read_text().splitlines()]  # this replay
    moved = sorted({e["id"] for e in log if e["at"] == "2026-08-08T00:00:00Z" and "provider" in e})
    subject = providers_message.splitlines()[0]
    assert subject.endswith(f", {sum(1 for e in log if e['at'] == '2026-08-08T00:00:00Z' and 'provider' in e)} "
                            "provider changes (400 models)"), subject
    lines = section(providers_message, "Providers")
    assert len(moved) > LISTED and len(lines) == LISTED + 1 and lines[-1] == f"... and {len(moved) - LISTED} more"
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == moved[:LISTED]
    shown = dict(line.split(": ", 1) for line in lines[:-1])
    assert shown["deepseek/deepseek-v3.2"] == "digitalocean input $0.425 -> $0.25, output $1.36 -> $0.80, " \
                                              "pricing.input_cache_read"


def test_a_providers_line_says_what_each_endpoint_did() -> None:
    at = "2026-08-08T00:00:00Z"
    events = [
        Event(at, "provider_added", "a/b", provider="novita"),
        Event(at, "provider_added", "a/b", provider="novita#2"),
        Event(at, "provider_changed", "a/b", {"pricing.prompt": ["0.000001", "0.0000008"]}, "deepinfra/fp8"),
        Event(at, "provider_changed", "a/b", {"context_length": [8192, 32768], "quantization": ["fp8", None]},
              "baseten"),
        Event(at, "provider_removed", "a/b", provider="together"),
        Event(at, "provider_removed", "c/d", provider="groq"),
    ]
    assert commit_message(events, 2) == (
        "Catalog: 0 added, 0 removed, 0 repriced, 0 changed, 6 provider changes (2 models)\n\nProviders:\n"
        "- a/b: deepinfra/fp8 input $1.00 -> $0.80; baseten context_length, quantization; added novita, novita#2; "
        "removed together\n"
        "- c/d: removed groq\n")
