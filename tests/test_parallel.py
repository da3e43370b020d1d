"""Model pages rendered by worker processes give the very bytes of a one-process build."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_shares_taken_by_the_parent_or_the_workers_give_the_same_pages(tmp_path: Path) -> None:
    """Waiting at once makes the parent claim the shares no worker has started yet; the
    staged pages equal one process's whichever process rendered each share."""
    from conftest import LATEST
    from sitegen import parallel
    from sitegen.catalog import loads
    from sitegen.config import build_clock
    from sitegen.render import Renderer
    from sitegen._engine.staging import Staging
    from sitegen.writer import SiteFiles

    models = loads(LATEST.read_bytes()).models
    renderer = Renderer("https://example.org/", build_clock(0))
    staged, extracted = {}, {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs-{jobs}"
        staging = Staging(out)
        workers = parallel.Workers(jobs) if jobs > 1 else None
        pending, extracts = parallel.model_pages(SiteFiles(staging), renderer, models, {}, workers)
        if jobs > 1:
            assert len(pending.shares) == extracts.shares and 1 < extracts.shares <= 2 * parallel.SHARDS_PER_WORKER
        pending.wait()
        staged[jobs] = {k: v for k, v in tree(staging.root).items() if not k.startswith(".sitegen-work")}
        extracted[jobs] = {kind: list(extracts.texts(kind)) for kind in ("rows", "finder", "compare", "csv")}
    assert len(staged[1]) == len(models) + 1  # and the marker
    assert staged[2] == staged[1]
    # The models' extracts, made share by share in files, join to the one-process texts.
    for kind in ("finder", "compare"):
        assert "".join(extracted[1][kind]) == ",".join(extracted[2][kind])
    assert "".join(extracted[1]["csv"]) == "".join(extracted[2]["csv"])
    rows = {jobs: [row for text in extracted[jobs]["rows"] for row in json.loads(text)] for jobs in (1, 2)}
    assert rows[1] == rows[2] and [row[0] for row in rows[1]] == [m.id for m in models]
