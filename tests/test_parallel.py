"""Model pages rendered by worker processes give the very bytes of a one-process build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import build_site, run_cli


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_workers_build_the_same_site_as_one_process(site: Path, tmp_path: Path) -> None:
    # The bundled catalog is below the size where workers start by themselves: force them.
    forced = build_site(tmp_path / "workers", "--jobs", "3")
    single = tree(site)
    assert len(single) > 400
    assert tree(forced) == single
    assert [p.name for p in tmp_path.iterdir()] == ["workers"]  # no staging folder left


def test_jobs_must_be_a_positive_number(tmp_path: Path) -> None:
    for bad in ("0", "-1", "two"):
        result = run_cli("build", "--out", str(tmp_path / "out"), "--jobs", bad)
        assert result.returncode == 64
        assert "--jobs" in result.stderr
    assert not (tmp_path / "out").exists()


def test_shares_rendered_by_the_workers_or_the_build_give_the_pages_and_entries_of_one_process(tmp_path: Path) -> None:
    """Waiting at once makes the build render itself the shares no worker has started yet;
    the staged pages and the entries equal one process's, whichever process made each share."""
    from conftest import LATEST
    from sitegen._engine import pool
    from sitegen._engine.staging import StagedFiles, Staging
    from sitegen.catalog import loads
    from sitegen.config import build_clock
    from sitegen.columns import KINDS
    from sitegen.model_page import beside, inputs
    from sitegen.render import Renderer
    from sitegen.site import contribute, one_by_one

    models = loads(LATEST.read_bytes()).models
    items = inputs(models, None)
    renderer = Renderer("https://example.org/", build_clock(0))
    staged, texts, rows = {}, {}, {}
    for jobs in (1, 2):
        staging = Staging(tmp_path / f"jobs-{jobs}")
        site = StagedFiles(staging)
        workers = pool.Workers(jobs) if jobs > 1 else None
        try:
            entries = (workers.model_pages(site, items, renderer, contribute) if workers
                       else one_by_one(site, items, renderer, contribute))
            if workers:
                assert 1 < len(entries.pending) <= 2 * pool.SHARES_PER_WORKER
            texts[jobs] = {kind: "".join(entries.texts(kind)) if kind == "csv" else ",".join(entries.texts(kind))
                           for kind in KINDS}
            rows[jobs] = dict(entries.rows)  # read before the scratch folder goes
            if workers:  # let go once the entries are needed: no share can be handed out any more
                with pytest.raises(RuntimeError):
                    workers.executor.submit(int)
        finally:
            if workers:
                workers.close()
        staged[jobs] = {k: v for k, v in tree(staging.root).items() if not k.startswith(".sitegen-work")}
        assert sorted(site.written) == sorted(staged[jobs])
        staging.discard()
    assert len(staged[1]) == len(items) + sum(len(beside(i)) for i in items) + 1  # the files beside, the marker
    assert staged[2] == staged[1]
    assert texts[2] == texts[1]
    assert rows[2] == rows[1] and list(rows[1]) == [m.id for m in models]


def test_rows_read_in_any_order_with_few_files_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table asks for rows in its own order (an author's models lie in every share); with
    fewer rows files open at once than there are shares, each row is still its model's."""
    from conftest import LATEST
    from sitegen._engine import pool
    from sitegen._engine.staging import StagedFiles, Staging
    from sitegen.catalog import loads
    from sitegen.config import build_clock
    from sitegen.model_page import inputs
    from sitegen.render import Renderer
    from sitegen.site import contribute, one_by_one

    monkeypatch.setattr(pool, "OPEN_FILES", 2)
    models = loads(LATEST.read_bytes()).models
    items = inputs(models, None)
    renderer = Renderer("https://example.org/", build_clock(0))
    staging = Staging(tmp_path / "out")
    workers = pool.Workers(2)
    try:
        entries = workers.model_pages(StagedFiles(staging), items, renderer, contribute)
        shuffled = sorted(models, key=lambda m: (m.author, m.id[::-1]))
        rows = entries.rows  # every share made, the workers let go
        before = len(os.listdir("/proc/self/fd"))
        spooled = [rows[m.id] for m in shuffled]
        assert entries.shares > 2 and len(os.listdir("/proc/self/fd")) <= before + 2
    finally:
        workers.close()
        staging.discard()
    alone = Staging(tmp_path / "alone")
    held = one_by_one(StagedFiles(alone), items, renderer, contribute).rows
    alone.discard()
    assert spooled == [held[m.id] for m in shuffled]
