"""The GitHub Actions workflows and the scripts they run: linted by actionlint, zizmor and the
workflow JSON schema, and held to what the deployment needs (triggers, least privilege, actions
pinned to commits, one run at a time, a site deployed from main whatever became of the fetch or
the push, the data checks apart from the full suite) by reading them as data; and the first
commands the README gives, which must work with Debian's own Python."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, run_cli
from sitegen.cli import parser

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
CI = WORKFLOWS / "ci.yml"
OFFICIAL = {"actions/checkout", "actions/setup-python", "actions/configure-pages",
            "actions/upload-pages-artifact", "actions/deploy-pages"}


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the bare key `on` as the boolean true.
    data["on"] = data.pop(True, data.get("on"))
    return data


def tool(name: str) -> str:
    """A test tool, from the environment the tests run in (.venv/bin) first."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: run 'bash .ci/setup'")
    return found


@pytest.fixture(scope="module")
def pages() -> dict[str, Any]:
    return load(PAGES)


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def step(job: dict[str, Any], step_id: str) -> dict[str, Any]:
    matches = [s for s in steps(job) if s.get("id") == step_id]
    assert len(matches) == 1, f"no single step with id {step_id!r}"
    return matches[0]


def sitegen_commands(workflow: dict[str, Any]) -> list[list[str]]:
    """Every `sitegen ...` command line in the workflow's run steps, split like a shell."""
    commands = []
    for job in workflow["jobs"].values():
        for s in steps(job):
            for line in s.get("run", "").splitlines():
                line = line.strip()
                if line.startswith("sitegen "):
                    commands.append(shlex.split(line))
    return commands


# ---------------------------------------------------------------------------------------
# Linters


def test_actionlint_finds_nothing() -> None:
    tool("shellcheck")  # without it actionlint silently skips the run: scripts
    result = subprocess.run([tool("actionlint"), "-no-color", str(PAGES), str(CI)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    """The linter really reads our files: a step that does not exist is an error."""
    broken = tmp_path / "broken.yml"
    broken.write_text(PAGES.read_text().replace("steps.pages.outputs.base_url", "steps.pagez.outputs.base_url"))
    result = subprocess.run([tool("actionlint"), "-no-color", str(broken)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "pagez" in result.stdout


def test_workflows_match_the_github_schema() -> None:
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(PAGES), str(CI)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------------------
# pages.yml: what it runs and when


def test_pages_runs_hourly_at_an_odd_minute_on_demand_and_on_push_to_main(pages: dict[str, Any]) -> None:
    on = pages["on"]
    assert set(on) == {"schedule", "workflow_dispatch", "push"}
    assert on["push"]["branches"] == ["main"]
    (entry,) = on["schedule"]
    minute, hour, day, month, weekday = entry["cron"].split()
    assert minute.isdigit() and int(minute) % 2 == 1 and int(minute) < 60, entry["cron"]
    assert (hour, day, month, weekday) == ("*", "*", "*", "*"), "the schedule is hourly"


def test_pages_grants_each_job_only_what_it_needs(pages: dict[str, Any]) -> None:
    assert pages["permissions"] == {}, "no job inherits a default token scope"
    jobs = pages["jobs"]
    assert jobs["update"]["permissions"] == {"contents": "write"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    for name, job in jobs.items():
        granted = job.get("permissions")
        assert isinstance(granted, dict), f"job {name} states its permissions"
        writes = {scope for scope, level in granted.items() if level == "write"}
        if name == "update":
            assert writes == {"contents"}
        elif name == "deploy":
            assert writes == {"pages", "id-token"}
        else:
            assert not writes, f"job {name} needs no write access, has {writes}"


def test_pages_never_runs_twice_at_once_nor_cancels_a_deploy(pages: dict[str, Any]) -> None:
    concurrency = pages["concurrency"]
    assert concurrency["group"]
    assert concurrency["cancel-in-progress"] is False
    for name, job in pages["jobs"].items():
        assert "concurrency" not in job, f"job {name} must not override the workflow's concurrency"


# A step's `uses:` line as written: YAML drops the comment that names the release.
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?:\s+#\s*(?P<tag>\S+))?\s*$")


def test_official_actions_are_pinned_to_a_commit_named_by_its_release() -> None:
    """A tag can be moved to other code; a commit cannot. Each action is pinned to one full
    commit SHA, with the release it was published as in a comment for the reader."""
    pins: dict[str, tuple[str, str]] = {}
    for path in (PAGES, CI):
        parsed = [s["uses"] for job in load(path)["jobs"].values() for s in steps(job) if "uses" in s]
        lines = [m for line in path.read_text(encoding="utf-8").splitlines() if (m := USES_LINE.match(line))]
        assert [f"{m['action']}@{m['ref']}" for m in lines] == parsed, f"{path.name}: a uses: line this test cannot read"
        for m in lines:
            where = f"{path.name}: {m['action']}@{m['ref']}"
            assert m["action"] in OFFICIAL, f"{where}: unexpected action"
            assert re.fullmatch(r"[0-9a-f]{40}", m["ref"]), f"{where} is not pinned to a full commit SHA"
            assert m["tag"] and re.fullmatch(r"v\d+\.\d+\.\d+", m["tag"]), f"{where} does not name its release"
            pinned = pins.setdefault(m["action"], (m["ref"], m["tag"]))
            assert pinned == (m["ref"], m["tag"]), f"{where}: {m['action']} is pinned twice, to {pinned}"
    assert set(pins) == OFFICIAL


def test_only_the_job_that_pushes_keeps_the_token_in_its_checkout() -> None:
    for path in (PAGES, CI):
        for name, job in load(path)["jobs"].items():
            pushes = any("git push" in s.get("run", "") for s in steps(job))
            for s in steps(job):
                if s.get("uses", "").startswith("actions/checkout@"):
                    kept = s.get("with", {}).get("persist-credentials")
                    assert kept is pushes, f"{path.name}/{name}: persist-credentials is {kept}"
            if pushes:
                assert job["permissions"] == {"contents": "write"}, f"{path.name}/{name}"


def zizmor_findings(workflows: Path) -> list[dict[str, Any]]:
    result = subprocess.run([tool("zizmor"), "--offline", "--format", "json", str(workflows)],
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.startswith("["), result.stderr
    return [f for f in json.loads(result.stdout) if not f["ignored"]]


def describe(finding: dict[str, Any]) -> str:
    concrete = finding["locations"][0]["concrete"]
    path = Path(finding["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"]).name
    return (f"{finding['ident']} ({finding['determinations']['severity']}) at {path}:"
            f"{concrete['location']['start_point']['row'] + 1}: {concrete['feature']}")


def test_zizmor_finds_nothing_of_high_or_medium_severity() -> None:
    """What zizmor reports is fixed, or ignored in place with a comment that says why."""
    serious = [describe(f) for f in zizmor_findings(WORKFLOWS)
               if f["determinations"]["severity"] in ("High", "Medium")]
    assert not serious, "\n".join(serious)


def test_zizmor_reports_an_unpinned_action(tmp_path: Path) -> None:
    """The audit really reads our files: a step pinned to a tag again is a high finding."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "pages.yml").write_text(re.sub(r"actions/deploy-pages@\S+", "actions/deploy-pages@v5", PAGES.read_text()))
    found = [describe(f) for f in zizmor_findings(workflows) if f["determinations"]["severity"] == "High"]
    assert len(found) == 1 and "unpinned-uses" in found[0] and "deploy-pages@v5" in found[0], found


def test_every_job_has_a_time_limit() -> None:
    """A hung server or test must not hold the run (and the concurrency group) for hours."""
    for path in (PAGES, CI):
        for name, job in load(path)["jobs"].items():
            assert 0 < job.get("timeout-minutes", 0) <= 60, f"{path.name}/{name}"


def test_python_is_set_up_with_pip_caching_keyed_on_pyproject() -> None:
    for path in (PAGES, CI):
        for name, job in load(path)["jobs"].items():
            for s in steps(job):
                if s.get("uses", "").startswith("actions/setup-python@"):
                    assert s["with"]["cache"] == "pip", f"{path.name}/{name}"
                    assert s["with"]["cache-dependency-path"] == "pyproject.toml", f"{path.name}/{name}"


def test_update_job_fetches_then_commits_data_with_a_bot_identity(pages: dict[str, Any]) -> None:
    update = pages["jobs"]["update"]
    fetch = step(update, "fetch")
    assert fetch["run"].startswith("sitegen fetch")
    assert "secrets.OPENROUTER_API_KEY" in fetch["env"]["OPENROUTER_API_KEY"]
    message_file = shlex.split(fetch["run"])[shlex.split(fetch["run"]).index("--message-file") + 1]
    commit = next(s for s in steps(update) if "git push" in s.get("run", ""))
    assert "steps.fetch.outcome == 'success'" in commit["if"]
    assert "git add data" in commit["run"]
    assert "github-actions[bot]" in commit["run"]
    assert f'--file "{message_file}"' in commit["run"]
    assert "git push origin HEAD:main" in commit["run"]


def test_the_scheduled_fetch_brings_every_models_endpoints_within_its_time(pages: dict[str, Any]) -> None:
    """The live API (whose origin answers the endpoints requests), endpoints neither skipped nor
    read from a file, the key passed on when the secret is set, and the fetch's whole deadline
    well inside the job's time limit."""
    update = pages["jobs"]["update"]
    fetch = step(update, "fetch")
    args = parser().parse_args(shlex.split(fetch["run"])[1:])
    assert args.source.startswith("https://openrouter.ai/") and not args.no_endpoints and args.endpoints is None
    assert args.timeout >= 120
    assert fetch["env"]["OPENROUTER_API_KEY"] == "${{ secrets.OPENROUTER_API_KEY }}"
    assert args.timeout * 3 < update["timeout-minutes"] * 60


def test_the_commit_step_records_changed_data_as_the_bot_and_skips_unchanged_data(
        pages: dict[str, Any], tmp_path: Path) -> None:
    """Run the workflow's own commit script in a real repository with a local origin."""
    update = pages["jobs"]["update"]
    script = next(s for s in steps(update) if "git push" in s.get("run", ""))["run"]
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    me = ["-c", "user.name=Someone", "-c", "user.email=someone@example.com"]

    def git(*args: str, cwd: Path) -> str:
        done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def fetch_and_commit(snapshot: str, at: str) -> subprocess.CompletedProcess[str]:
        fetched = run_cli("fetch", "--source", str(FIXTURES / f"openrouter-models-{snapshot}.json"),
                          "--data", "data", "--at", at, "--message-file", str(runner_temp / "commit-message.txt"),
                          cwd=work)
        assert fetched.returncode == 0, fetched.stderr
        # GitHub runs a step's script as: bash --noprofile --norc -eo pipefail
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=work, env=env, capture_output=True, text=True, timeout=60)

    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git("init", "-q", "--bare", "-b", "main", str(origin), cwd=tmp_path)
    git("init", "-q", "-b", "main", str(work), cwd=tmp_path)
    (work / "README.md").write_text("catalog\n")
    git("add", "README.md", cwd=work)
    git(*me, "commit", "-q", "-m", "start", cwd=work)
    git("remote", "add", "origin", str(origin), cwd=work)
    git("push", "-q", "origin", "main", cwd=work)

    result = fetch_and_commit("2026-07-31", "2026-07-31")
    assert result.returncode == 0, result.stderr
    # Someone pushes to main while the next run is fetching.
    other = tmp_path / "other"
    git("clone", "-q", str(origin), str(other), cwd=tmp_path)
    (other / "NOTES.md").write_text("notes\n")
    git("add", "NOTES.md", cwd=other)
    git(*me, "commit", "-q", "-m", "notes", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    result = fetch_and_commit("2026-08-08", "2026-08-08")
    assert result.returncode == 0, result.stderr
    log = git("log", "--format=%an <%ae>|%s", "main", cwd=origin).splitlines()
    assert log == [
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|"
        "Catalog: 64 added, 1 removed, 24 repriced, 28 changed (400 models)",
        "Someone <someone@example.com>|notes",
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|"
        "Catalog: 337 added, 0 removed, 0 repriced, 0 changed (337 models)",
        "Someone <someone@example.com>|start",
    ]
    touched = git("show", "--name-only", "--format=", "main", cwd=origin).splitlines()
    assert touched and all(name.startswith("data/") for name in touched)

    result = fetch_and_commit("2026-08-08", "2026-08-09")
    assert result.returncode == 0, result.stderr
    assert "data/ unchanged" in result.stdout
    assert len(git("log", "--format=%s", "main", cwd=origin).splitlines()) == 4

    # main refuses pushes (a rule, a hook, an outage): the step fails, and main is as it was.
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'refused'; exit 1\n")
    hook.chmod(0o755)
    before = git("rev-parse", "main", cwd=origin)
    result = fetch_and_commit("2026-07-31", "2026-08-10")
    assert result.returncode != 0 and "refused" in result.stderr
    assert git("rev-parse", "main", cwd=origin) == before


# A small model of how GitHub Actions runs pages.yml: its expressions (the subset the workflow
# uses), step and job conditions, continue-on-error and job outputs. The tests below run it
# for every way the update job can end.

EXPRESSION_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(&&|\|\||==|!=|!|\(|\))|([A-Za-z_][\w.-]*)(\(\))?)")


def evaluate(expression: str, names: dict[str, Any], functions: dict[str, Any]) -> Any:
    text = expression.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    tokens: list[tuple[str, Any]] = []
    position = 0
    while text[position:].strip():
        m = EXPRESSION_TOKEN.match(text, position)
        assert m and m.end() > position, f"cannot read {text[position:]!r} in {expression!r}"
        position = m.end()
        literal, operator, name, call = m.groups()
        if literal is not None:
            tokens.append(("value", literal[1:-1].replace("''", "'")))
        elif operator:
            tokens.append(("op", operator))
        elif call:
            tokens.append(("value", functions[name]()))
        elif name in ("true", "false", "null"):
            tokens.append(("value", {"true": True, "false": False, "null": None}[name]))
        else:
            value: Any = names
            for part in name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            tokens.append(("value", value))
    tokens.append(("op", "end"))

    def take(*ops: str) -> str | None:
        if tokens[0][0] == "op" and tokens[0][1] in ops:
            return tokens.pop(0)[1]
        return None

    def either() -> Any:  # a || b: the first truthy operand, else the last
        value = both()
        while take("||"):
            right = both()
            value = value or right
        return value

    def both() -> Any:  # a && b: the first falsy operand, else the last
        value = equal()
        while take("&&"):
            right = equal()
            value = value and right
        return value

    def equal() -> Any:
        value = unary()
        if op := take("==", "!="):
            right = unary()
            same = str(value).lower() == str(right).lower() if isinstance(value, str) and isinstance(right, str) else value == right
            return same if op == "==" else not same
        return value

    def unary() -> Any:
        if take("!"):
            return not unary()
        if take("("):
            value = either()
            assert take(")"), f"unbalanced parentheses in {expression!r}"
            return value
        kind, value = tokens.pop(0)
        assert kind == "value", f"unexpected {value!r} in {expression!r}"
        return value

    result = either()
    assert take("end"), f"cannot read the end of {expression!r}"
    return result


def condition(expression: str | None) -> str:
    """An `if:` as GitHub reads it: without a status function, `success() && ...` is implied."""
    text = (expression or "success()").strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return text if re.search(r"\b(success|failure|always|cancelled)\(\)", text) else f"success() && ({text})"


def step_key(s: dict[str, Any]) -> str:
    return s.get("id") or s.get("name") or s["uses"]


def run_steps(job: dict[str, Any], failing: set[str], outputs: dict[str, dict[str, str]]) -> tuple[str, dict[str, Any]]:
    """Run a job's steps: those named in ``failing`` fail, the others succeed and set
    ``outputs[key]``. Returns the job's result and its outputs."""
    context: dict[str, Any] = {"steps": {}}
    failed = False  # a step failed without continue-on-error
    for s in steps(job):
        functions = {"success": lambda: not failed, "failure": lambda: failed,
                     "always": lambda: True, "cancelled": lambda: False}
        runs = bool(evaluate(condition(s.get("if")), context, functions))
        outcome = ("failure" if step_key(s) in failing else "success") if runs else "skipped"
        if s.get("id"):
            context["steps"][s["id"]] = {"outcome": outcome,
                                         "outputs": outputs.get(s["id"], {}) if outcome == "success" else {}}
        failed = failed or (outcome == "failure" and not s.get("continue-on-error"))
    job_outputs = {name: evaluate(value, context, {}) or "" for name, value in job.get("outputs", {}).items()}
    return ("failure" if failed else "success"), job_outputs


def run_workflow(workflow: dict[str, Any], results: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Decide which jobs run, in order of their needs. ``results`` gives the result and
    outputs of a job that runs (success with no outputs when not given)."""
    done: dict[str, dict[str, Any]] = {}
    jobs = workflow["jobs"]
    while len(done) < len(jobs):
        for name, job in jobs.items():
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            if name in done or any(n not in done for n in needs):
                continue
            ancestors, todo = set(), list(needs)
            while todo:
                ancestors.add(n := todo.pop())
                todo.extend(jobs[n].get("needs", []) if isinstance(jobs[n].get("needs", []), list) else [jobs[n]["needs"]])
            functions = {"success": lambda: all(done[a]["result"] == "success" for a in ancestors),
                         "failure": lambda: any(done[a]["result"] == "failure" for a in ancestors),
                         "always": lambda: True, "cancelled": lambda: False}
            context = {"needs": {n: done[n] for n in needs}}
            if evaluate(condition(job.get("if")), context, functions):
                result, outputs = results.get(name, ("success", {}))
                done[name] = {"result": result, "outputs": outputs, "context": context}
            else:
                done[name] = {"result": "skipped", "outputs": {}, "context": context}
    return done


HEAD = "1111111111111111111111111111111111111111"


def status_job(workflow: dict[str, Any]) -> str:
    """The job that comes after the deploy to say how the run went."""
    (name,) = [name for name, job in workflow["jobs"].items() if "deploy" in job.get("needs", [])]
    return name


@pytest.mark.parametrize("failing, ref, status", [
    (set(), HEAD, False),                     # data fetched, committed and pushed (or unchanged)
    ({"fetch"}, HEAD, True),                  # the API is down: main as checked out
    ({"push"}, "main", True),                 # the push is refused: main, not the unpushed commit
    ({"Install"}, "main", False),             # the update job itself fails (and with it the run)
    ({"actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"}, "main", False),
], ids=["all-well", "fetch-failed", "push-failed", "update-job-failed", "checkout-failed"])
def test_whatever_becomes_of_the_update_the_site_is_built_from_main_and_deployed(
        pages: dict[str, Any], failing: set[str], ref: str, status: bool) -> None:
    update = run_steps(pages["jobs"]["update"], failing, {"head": {"sha": HEAD}})
    status_name = status_job(pages)
    run = run_workflow(pages, {"update": update, status_name: ("failure", {})})
    assert run["build"]["result"] == "success" and run["deploy"]["result"] == "success"
    checkout = next(s for s in steps(pages["jobs"]["build"]) if s.get("uses", "").startswith("actions/checkout@"))
    assert evaluate(checkout["with"]["ref"], run["build"]["context"], {}) == ref
    # The run ends red when the fetch or the push failed (a failed update job makes it red itself).
    assert (run[status_name]["result"] == "failure") is status
    red = {name for name, job in run.items() if job["result"] == "failure"}
    assert bool(red) is (failing != set())


def test_a_failed_build_deploys_nothing_and_a_failed_fetch_still_turns_the_run_red(pages: dict[str, Any]) -> None:
    update = run_steps(pages["jobs"]["update"], {"fetch"}, {"head": {"sha": HEAD}})
    run = run_workflow(pages, {"update": update, "build": ("failure", {}), status_job(pages): ("failure", {})})
    assert run["deploy"]["result"] == "skipped"
    assert run[status_job(pages)]["result"] == "failure"


def test_failed_fetches_and_pushes_are_annotated_and_the_status_job_says_which(pages: dict[str, Any]) -> None:
    update = pages["jobs"]["update"]
    for key in ("fetch", "push"):
        assert step(update, key)["continue-on-error"] is True, f"a failed {key} must not stop the rebuild"
        annotations = [s for s in steps(update)
                       if s.get("if") == f"steps.{key}.outcome == 'failure'" and "::error" in s.get("run", "")]
        assert annotations, f"a failed {key} leaves an error annotation"
        assert update["outputs"][key] == f"${{{{ steps.{key}.outcome }}}}"
    assert "git push" in step(update, "push")["run"]
    status = pages["jobs"][status_job(pages)]
    (script,) = [s["run"] for s in steps(status)]
    assert "Fetch failed" in script and "Push failed" in script and script.rstrip().endswith("exit 1")
    assert set(status["needs"]) == {"update", "deploy"}, "the status comes after the deploy"


def test_the_model_of_actions_reads_expressions_as_github_does() -> None:
    names = {"needs": {"u": {"result": "success", "outputs": {"sha": "", "fetch": "failure"}}}}
    functions = {"cancelled": lambda: False, "success": lambda: True}
    assert evaluate("${{ needs.u.outputs.sha || 'main' }}", names, functions) == "main"
    assert evaluate("needs.u.outputs.fetch == 'FAILURE' && !cancelled()", names, functions) is True
    assert evaluate("!(needs.u.result == 'success') || needs.u.outputs.missing", names, functions) is None
    assert evaluate("success() && needs.u.outputs.fetch != 'failure'", names, functions) is False
    assert condition("steps.x.outcome == 'failure'") == "success() && (steps.x.outcome == 'failure')"
    assert condition("${{ !cancelled() }}") == " !cancelled() "


def test_build_job_tests_then_builds_for_the_pages_address_and_uploads_it(pages: dict[str, Any]) -> None:
    build = pages["jobs"]["build"]
    runs = [s.get("run", "") for s in steps(build)]
    uses = [s.get("uses", "").partition("@")[0] for s in steps(build)]
    test_at = next(i for i, r in enumerate(runs) if "pytest" in r)
    configure_at = uses.index("actions/configure-pages")
    build_at = next(i for i, r in enumerate(runs) if r.startswith("sitegen build"))
    upload_at = uses.index("actions/upload-pages-artifact")
    assert test_at < build_at < upload_at and configure_at < build_at
    configure_id = steps(build)[configure_at]["id"]
    build_step = steps(build)[build_at]
    assert build_step["env"]["BASE_URL"] == f"${{{{ steps.{configure_id}.outputs.base_url }}}}"
    args = parser().parse_args(shlex.split(build_step["run"].replace('"$BASE_URL"', "https://someone.github.io/repo"))[1:])
    assert args.base_url == "https://someone.github.io/repo"
    assert str(args.out) == steps(build)[upload_at]["with"]["path"]
    assert steps(build)[upload_at]["with"]["include-hidden-files"] is True, "the artifact keeps .nojekyll"
    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert [s["uses"].partition("@")[0] for s in steps(deploy)] == ["actions/deploy-pages"]


def test_the_scheduled_build_checks_the_data_with_sitegen_and_pytest_alone(pages: dict[str, Any]) -> None:
    """The hourly run needs the data checks and a build, not the browser suite (ci.yml runs
    that on every push): no browser, no Java, no test tools but pytest."""
    runs = [s.get("run", "") for s in steps(pages["jobs"]["build"])]
    assert 'python -m pip install -e ".[data-checks]"' in runs
    assert "python -m pytest -m data" in runs
    for forbidden in (".ci/setup", ".ci/run", "apt-get", "npm", "playwright", "[test]"):
        assert not any(forbidden in r for r in runs), f"the build job installs {forbidden}"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert [re.split(r"[<>=!~ \[]", r)[0] for r in extras["data-checks"]] == ["pytest"]


def installed_with(requirements: list[str]) -> set[str]:
    """The installed distributions that ``requirements`` bring, and those they need in turn."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    names: set[str] = set()
    todo = list(requirements)
    while todo:
        wanted = Requirement(todo.pop())
        name = canonicalize_name(wanted.name)
        try:
            needs = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        names.add(name)
        for spec in needs:
            need = Requirement(spec)
            if need.marker is None or any(need.marker.evaluate({"extra": extra}) for extra in wanted.extras or {""}):
                if canonicalize_name(need.name) not in names:
                    todo.append(spec)
    return names


# Runs pytest as if the modules named in argv[1] had never been installed.
WITHOUT = """
import json, sys
hidden = set(json.loads(sys.argv[1]))
class NotInstalled:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in hidden:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, NotInstalled)
import pytest
sys.exit(pytest.main(sys.argv[2:]))
"""


def test_the_data_checks_pass_with_sitegen_and_pytest_alone_and_no_browser_or_java(tmp_path: Path) -> None:
    """`pytest -m data` as the scheduled run has it: only sitegen[data-checks] installed, no
    Chromium, no Java, nothing on PATH. Every data check of the full suite runs and passes."""
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    allowed = {"sitegen"} | installed_with(project["dependencies"] + project["optional-dependencies"]["data-checks"])
    assert {"sitegen", "pytest", "jinja2", "httpx"} <= allowed and "hypothesis" not in allowed
    hidden = sorted(top for top, owners in importlib.metadata.packages_distributions().items()
                    if top not in sys.stdlib_module_names and not any(canonicalize_name(o) in allowed for o in owners))
    assert {"hypothesis", "yaml", "feedparser"} <= set(hidden)
    collected = subprocess.run([sys.executable, "-m", "pytest", "-m", "data", "--collect-only", "-q", "-p", "no:cacheprovider"],
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stdout[-2000:]
    expected = int(re.search(r"^(\d+)/\d+ tests collected", collected.stdout, re.M)[1])
    assert expected >= 10
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "CHROMIUM": str(empty / "chromium"), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run([sys.executable, "-c", WITHOUT, json.dumps(hidden), "-m", "data", "-q", "-p", "no:cacheprovider",
                           f"--basetemp={tmp_path / 'run'}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert re.match(rf"{expected} passed, \d+ deselected in ", summary), summary


def test_every_sitegen_command_in_the_workflow_is_one_the_cli_accepts(pages: dict[str, Any]) -> None:
    commands = sitegen_commands(pages)
    assert {c[1] for c in commands} == {"fetch", "build"}
    for command in commands:
        argv = [a.replace("$RUNNER_TEMP", "/runner/temp").replace("$BASE_URL", "https://x.example/") for a in command[1:]]
        try:
            parser().parse_args(argv)
        except SystemExit:
            pytest.fail(f"the CLI rejects {' '.join(command)}")


# ---------------------------------------------------------------------------------------
# ci.yml


def test_ci_runs_the_suite_on_pushes_and_pull_requests() -> None:
    ci = load(CI)
    assert {"push", "pull_request"} <= set(ci["on"])
    assert ci["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for job in ci["jobs"].values() for s in steps(job)]
    assert "bash .ci/run" in runs
    assert (ROOT / ".ci" / "run").exists()


# ---------------------------------------------------------------------------------------
# README: "Run your own copy" matches the workflow


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def test_readme_shows_the_schedule_the_workflow_uses(pages: dict[str, Any]) -> None:
    section = readme_section("Run your own copy")
    (entry,) = pages["on"]["schedule"]
    assert f'- cron: "{entry["cron"]}"' in section
    for step_name in ("Update and publish", "GitHub Actions", "OPENROUTER_API_KEY", "--allow-shrink"):
        assert step_name in section
    assert pages["name"] == "Update and publish"


def test_readme_commands_by_hand_are_the_workflows_commands(pages: dict[str, Any]) -> None:
    section = readme_section("Run your own copy")
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    lines = [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines()]
    by_hand = [shlex.split(line) for line in lines if line.startswith("sitegen ")]
    assert {c[1] for c in by_hand} == {c[1] for c in sitegen_commands(pages)}
    for command in by_hand:
        try:
            parser().parse_args(command[1:])
        except SystemExit:
            pytest.fail(f"the CLI rejects {' '.join(command)}")
    workflow_runs = {s.get("run", "") for job in pages["jobs"].values() for s in steps(job)}
    for needed in ('python -m pip install -e ".[data-checks]"', "python -m pytest -m data"):
        assert needed in lines and needed in workflow_runs


def test_readme_opens_with_the_install_and_build_and_the_test_commands() -> None:
    """The first screen carries the two commands a newcomer needs, and they work with Debian's
    own Python, which refuses `pip install` outside a virtual environment: both use .venv."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = text[:text.index("\n## ")]
    block = re.search(r"```sh\n(.*?)```", first_screen, re.DOTALL)
    assert block, "the README's first screen has no sh block"
    commands = [line.split("#", 1)[0].strip() for line in block[1].splitlines()]
    assert [c for c in commands if c] == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/sitegen build && .venv/bin/sitegen serve",
        "bash .ci/run",
    ]
    assert "sudo apt-get install python3-venv" in block[1].splitlines()[0], "the line before says what Debian may lack"
    ci_run = [line.split("#", 1)[0].strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "bash .ci/setup" in ci_run and '.venv/bin/python -m pytest "$@"' in ci_run
    assert ".venv/bin/python -m mypy" in ci_run  # the package type-checked before the tests run
    setup = (ROOT / ".ci" / "setup").read_text()
    assert 'pip install -q --disable-pip-version-check -e ".[test,dev]"' in setup
    assert all(line.strip().startswith((".venv/bin/python", "#", "echo")) or "pip install" not in line
               for line in setup.splitlines()), "everything pip installs goes into .venv"


def stub(folder: Path, name: str, script: str) -> None:
    (folder / name).write_text(f"#!/bin/sh\n{script}\n")
    (folder / name).chmod(0o755)


def test_setup_lists_the_debian_packages_it_lacks_before_installing_them(tmp_path: Path) -> None:
    """A fresh Debian machine: no Chromium, Java, npm or shellcheck, and a python3 that cannot
    make a virtual environment until python3-venv is installed. .ci/setup says what it will
    install, python3-venv included, before apt-get runs, and stops with one clear line when
    it still cannot make .venv."""
    checkout = tmp_path / "checkout"
    (checkout / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "setup", checkout / ".ci" / "setup")
    path = tmp_path / "bin"
    path.mkdir()
    for name in ("dirname", "env", "id"):
        (path / name).symlink_to(shutil.which(name))
    stub(path, "python3", 'echo "The virtual environment was not created successfully because ensurepip is not '
                          'available. On Debian/Ubuntu systems, you need to install the python3-venv package." >&2; exit 1')
    stub(path, "apt-get", 'echo "apt-get $*" >&2')
    stub(path, "sudo", 'exec "$@"')
    done = subprocess.run([shutil.which("bash"), str(checkout / ".ci" / "setup")], env={"PATH": str(path)},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    lines = done.stdout.splitlines()
    packages = "python3-venv chromium default-jre-headless npm shellcheck"
    listed = next(i for i, line in enumerate(lines) if line.startswith("setup: installing these Debian packages"))
    assert lines[listed].endswith(f": {packages}")
    assert listed < lines.index("apt-get update -qq") < lines.index(f"apt-get install -y -qq {packages}")
    assert done.returncode == 1 and lines[-1].startswith("setup: cannot make a virtual environment"), done.stdout
