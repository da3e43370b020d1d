"""Model id -> URL path: readable, injective, and never outside the output folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SNAPSHOTS
from sitegen.paths import encode_any, encode_path, model_path

# Every character, lone surrogates included (json.loads accepts "\ud800").
ANY_CHAR = st.characters(blacklist_categories=())
ANY_ID = st.text(ANY_CHAR, max_size=60) | st.text(ANY_CHAR, min_size=100, max_size=700)
# A small alphabet full of separators, escapes and case pairs makes collisions likely if the
# encoding had any.
TRICKY_ID = st.text(st.sampled_from("aA/:_~.-%2f5\\\x00é"), max_size=40) | st.builds(
    lambda a, n, b: a * n + b, st.sampled_from(["a", "A", "a/", "~", "/", ".", "é"]),
    st.integers(40, 450), st.text(st.sampled_from("aA/:_~.-"), max_size=6),
)
SAFE_PATH = re.compile(r"[a-z0-9._~-]+(/[a-z0-9._~-]+)*/")


def check_inside(root: Path, model_id: str) -> str:
    path = model_path(model_id)
    assert path.startswith("models/") and path.endswith("/"), path
    assert SAFE_PATH.fullmatch(path), path
    assert path.isascii()
    assert "\\" not in path and "\x00" not in path
    segments = path[:-1].split("/")
    assert all(s not in ("", ".", "..") for s in segments), path
    assert all(len(s.encode()) <= 200 for s in segments), path
    assert not PurePosixPath(path).is_absolute()
    # Joined with a root and resolved, it stays below that root.
    target = (root / path / "index.html").resolve()
    assert target.is_relative_to(root.resolve()), (model_id, path)
    assert os.path.normpath(os.path.join(str(root), path)).startswith(str(root) + os.sep)
    # As a relative URL it is a plain path that resolves under the site's base URL.
    parts = urlsplit(path)
    assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("", "", "", "")
    assert parts.path == path
    base = "https://example.org/catalog/"
    assert urljoin(base, path) == base + path
    return path


@settings(max_examples=400, deadline=None)
@given(ANY_ID)
@example("../../etc/passwd")
@example("/etc/passwd")
@example("..")
@example(".")
@example("")
@example("a/../../b")
@example("\\..\\..\\windows")
@example("a\x00b")
@example("http://evil.example/x")
@example("//evil.example/x")
@example("a/index.html")
@example("~" * 500)
def test_any_id_maps_inside_the_output_folder(model_id: str) -> None:
    check_inside(Path("/srv/site"), model_id)


@settings(max_examples=300, deadline=None)
@given(st.lists(ANY_ID | TRICKY_ID, min_size=2, max_size=12, unique=True))
@example(["a/b", "a/B", "a/b:free", "a/b_free", "~a/b", "a//b", "a/b/", "/a/b", "a%2fb", "a/b~3afree"])
@example(["a", "a/index.html", "A", "a/index.htmL"])
@example(["x" * 300, "x" * 301, "x" * 300 + "/y", "x" * 80 + "~h", "x" * 79 + "~h"])
@example(["a" * 150, "a" * 151, "a/" * 250, "a/" * 251])
def test_distinct_ids_give_distinct_paths(ids: list[str]) -> None:
    paths = [model_path(i) for i in ids]
    assert len(set(paths)) == len(ids)
    # Case-insensitive file systems (macOS, Windows) must not merge two pages either.
    assert len({p.casefold() for p in paths}) == len(ids)
    # No page's file sits where another page needs a folder.
    files = {p + "index.html" for p in paths}
    for p in paths:
        assert not any(p.startswith(f + "/") for f in files)


@pytest.mark.parametrize(
    ("model_id", "path"),
    [
        ("anthropic/claude-sonnet-4", "models/anthropic/claude-sonnet-4/"),
        ("openai/gpt-4.1-mini", "models/openai/gpt-4.1-mini/"),
        ("poolside/laguna-s-2.1:free", "models/poolside/laguna-s-2.1_free/"),
        ("google/gemini-3.6-flash:batch", "models/google/gemini-3.6-flash_batch/"),
        ("qwen/qwen-plus-2025-07-28:thinking", "models/qwen/qwen-plus-2025-07-28_thinking/"),
        ("~openai/gpt-latest", "models/~7eopenai/gpt-latest/"),
        ("openai/gpt-latest", "models/openai/gpt-latest/"),
        ("eleutherai/llemma_7b", "models/eleutherai/llemma~5f7b/"),
    ],
)
def test_real_ids_stay_readable(model_id: str, path: str) -> None:
    assert model_path(model_id) == path


# Ids near the quick path's edges: readable characters, dots, colons, slashes, long segments,
# "index.html" anywhere.
READABLE_ID = st.lists(
    st.text(st.sampled_from("az09.:-_/~"), max_size=12) | st.sampled_from(["index.html", "a" * 119, "b" * 121, ".x", ":"]),
    max_size=8,
).map("".join) | st.builds(lambda n: "a/" * n, st.integers(190, 210))


@given(READABLE_ID)
@example("openai/index.html")
@example("x/" + "a" * 120)
@example("x/" + "a" * 121)
@example("a/" * 200 + "b")
def test_the_quick_path_encodes_as_the_character_by_character_one(model_id: str) -> None:
    assert encode_path(model_id) == encode_any(model_id)


def test_variants_and_aliases_are_kept_apart() -> None:
    group = ["poolside/laguna-s-2.1", "poolside/laguna-s-2.1:free", "poolside/laguna-s-2.1_free",
             "~openai/gpt-latest", "openai/gpt-latest", "openai/gpt-latest:batch"]
    assert len({model_path(i) for i in group}) == len(group)


def test_paths_do_not_depend_on_the_process() -> None:
    # Stable across builds: no salted hash(), no per-run state.
    script = (
        "import json, sys; from sitegen.paths import model_path; "
        "ids = json.load(sys.stdin); print(json.dumps([model_path(i) for i in ids]))"
    )
    ids = ["anthropic/claude-sonnet-4", "~openai/gpt-latest", "a" * 1000, "x/" * 300, "é/ü:free"]
    runs = [
        subprocess.run([sys.executable, "-c", script], input=json.dumps(ids), capture_output=True,
                       text=True, check=True, cwd=ROOT, env=dict(os.environ, PYTHONHASHSEED=seed)).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]
    assert json.loads(runs[0]) == [model_path(i) for i in ids]


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.stem)
def test_every_real_id_gets_its_own_safe_path(snapshot: Path) -> None:
    ids = [record["id"] for record in json.loads(snapshot.read_bytes())["data"]]
    paths = {model_path(i) for i in ids}
    assert len(paths) == len(ids)
    for model_id in ids:
        path = check_inside(Path("/srv/site"), model_id)
        # Real ids stay readable: only '_' (rare), ':' and a leading '~' are rewritten.
        readable = re.sub("^~", "~7e", model_id.replace("_", "~5f").replace(":", "_"))
        assert path == f"models/{readable}/"
