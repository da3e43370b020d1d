"""The package's shape, read from the source with ``ast``: which module may import which, how
high the imports stand, how large the modules grow, and where the speed tricks live.

Data flows one way (fetch -> catalog -> history -> pages -> the build writes): nothing
imports the command line or the build, the catalog does no I/O, each third-party library has
exactly one home, and how the build is made fast (``sitegen._engine``) is imported by the
build alone and holds every process and memory trick.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"
MODULES = {
    ".".join(("sitegen", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): p
    for p in sorted(PACKAGE.rglob("*.py"))
}
ENGINE = "sitegen._engine"
# Each third-party library and the one module allowed to import it.
LIBRARY_HOMES = {
    "httpx": "sitegen.fetch",
    "jinja2": "sitegen.render",
    "markupsafe": "sitegen.render",  # jinja2's escaping
    "markdown": "sitegen.markup",
    "nh3": "sitegen.markup",
    "feedgen": "sitegen.feeds",
    "orjson": "sitegen.jsoncodec",
}
# What the catalog must never reach for: it turns JSON into models and nothing more.
CATALOG = {"sitegen.catalog", "sitegen.records", "sitegen.model"}
# Processes, threads, the cycle collector and raw memory: the engine's alone.
TRICKS = {"gc", "multiprocessing", "ctypes", "threading", "concurrent", "_thread"}
MAX_FLOORS = 8
MAX_MODULE_LINES = 300
# sitegen/ outside the engine, in lines of code (no blank line, comment or docstring) and in
# lines of text: 3,200 of code, as aimed at when the site was reorganized, and a ceiling on
# the text, so the prose cannot grow unseen either; each capability added since brings an
# allowance of its own, named here. Following the catalog: valid Atom, 35 lines of text; the
# feeds page, 58; a feed per model, 39; the price drop and rise feeds, 92; the expiring models
# and their calendar, 106 (72 of code, which took the site past 3,200); each model's badge, 126
# (87 of code); the feeds' stylesheet, 33 (18 of code); the Changes pages, a page a month,
# 158 (110 of code); retired models' families and authors, 86 (54 of code). Choosing a model:
# benchmarks, the cost of a workload and one name per author, 310 (200 of code).
GROWTH = {  # capability -> (lines of code, lines of text)
    "following": (69, 330),
    "badges": (87, 126),
    "feeds in a browser": (18, 33),
    "changes by month": (110, 158),
    "retired families": (54, 86),
    "providers": (1_000, 1_400),
    "choosing": (200, 340),  # benchmarks, the cost of a workload, one name per author, more columns and filters
}
MAX_SITE_CODE = 3_200 + sum(code for code, _ in GROWTH.values())
MAX_SITE_LINES = 4_400 + sum(text for _, text in GROWTH.values())
MAX_ENGINE_LINES = 1_000


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (function-level imports count too).
    ``from sitegen import pages`` names ``sitegen.pages``; ``from sitegen.catalog import
    Model`` names ``sitegen.catalog``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{path}: relative import"
            module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in MODULES)
    return names - {"__future__"}


IMPORTS = {name: imported_modules(path) for name, path in MODULES.items()}
OURS = {name: {i for i in imports if i in MODULES and i != name} for name, imports in IMPORTS.items()}


def importers_of(target: str) -> set[str]:
    return {name for name, imports in IMPORTS.items()
            if any(i == target or i.startswith(target + ".") for i in imports)}


def in_engine(name: str) -> bool:
    return name == ENGINE or name.startswith(ENGINE + ".")


def test_the_parser_sees_imports_of_every_form() -> None:
    # The rules below are only as good as this reading of the source.
    assert "sitegen.site" in IMPORTS["sitegen.build"]
    assert "sitegen.build" in IMPORTS["sitegen.cli"]  # imported inside a function
    assert "httpx" in IMPORTS["sitegen.fetch"]
    assert "sitegen._engine.staging" in IMPORTS["sitegen.build"]  # from sitegen._engine import staging
    assert importers_of("sitegen.model") >= {"sitegen.records", "sitegen.history", "sitegen.render"}


def test_nothing_imports_the_command_line_but_the_entry_point() -> None:
    assert importers_of("sitegen.cli") == {"sitegen.__main__"}


def test_only_the_command_line_imports_the_build() -> None:
    assert importers_of("sitegen.build") == {"sitegen.cli"}


def test_only_the_build_imports_the_engine() -> None:
    assert {name for name in importers_of(ENGINE) if not in_engine(name)} == {"sitegen.build"}


def test_the_site_knows_nothing_of_how_it_is_made_fast() -> None:
    for name in ("sitegen.site", "sitegen.model_page", "sitegen.writer"):
        reached = reachable(name)
        assert not any(in_engine(m) for m in reached), (name, sorted(m for m in reached if in_engine(m)))


def test_the_catalog_knows_nothing_downstream() -> None:
    for name in CATALOG:
        reached = reachable(name)
        assert reached <= {"sitegen", "sitegen.errors", "sitegen.paths", "sitegen.prices", "sitegen.strictjson",
                           "sitegen.jsoncodec", *CATALOG}, (name, reached)


@cache
def reachable(name: str) -> frozenset[str]:
    found: set[str] = set()
    for imported in OURS[name]:
        found |= {imported, *reachable(imported)}
    return frozenset(found)


@cache
def floor(name: str, trail: tuple[str, ...] = ()) -> int:
    """1 for a module that imports none of ours, else one above the highest it imports."""
    assert name not in trail, "an import cycle: " + " -> ".join((*trail, name))
    return 1 + max((floor(i, (*trail, name)) for i in OURS[name]), default=0)


def test_no_cycles_and_at_most_eight_floors_of_imports() -> None:
    floors = {name: floor(name) for name in MODULES}
    assert max(floors.values()) <= MAX_FLOORS, sorted(floors.items(), key=lambda kv: -kv[1])[:5]


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_grows_beyond_three_hundred_lines(name: str) -> None:
    assert lines(MODULES[name]) <= MAX_MODULE_LINES


def code_lines(path: Path) -> int:
    """Lines that are neither blank, a comment nor part of a docstring."""
    source = path.read_text(encoding="utf-8")
    prose: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            prose.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return sum(1 for n, line in enumerate(source.splitlines(), 1)
               if line.strip() and not line.strip().startswith("#") and n not in prose)


def test_the_site_and_the_engine_stay_within_their_size() -> None:
    site = [p for name, p in MODULES.items() if not in_engine(name)]
    engine = sum(lines(p) for name, p in MODULES.items() if in_engine(name))
    assert sum(map(code_lines, site)) <= MAX_SITE_CODE, sum(map(code_lines, site))
    assert sum(map(lines, site)) <= MAX_SITE_LINES and engine <= MAX_ENGINE_LINES, (sum(map(lines, site)), engine)


@pytest.mark.parametrize("name", sorted(name for name in MODULES if not in_engine(name)))
def test_process_and_memory_tricks_live_in_the_engine(name: str) -> None:
    used = {i.split(".")[0] for i in IMPORTS[name]} & TRICKS
    assert not used, f"{name} imports {used}"


def private_names(path: Path) -> list[str]:
    """``_``-prefixed names of other libraries that ``path`` imports or reaches into."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = {}  # local name -> a module of another library
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("sitegen"):
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and not (node.module or "").startswith(("sitegen", "__future__")):
            found += [f"{node.module}.{a.name}" for a in node.names if _private(a.name)]
            found += [f"{node.module}" for part in (node.module or "").split(".") if _private(part)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name) \
                and node.value.id in aliases:
            found.append(f"{aliases[node.value.id]}.{node.attr}")
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_part_of_another_library_is_used(name: str) -> None:
    assert private_names(MODULES[name]) == []


def claims_no_io(path: Path) -> bool:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return "No I/O" in doc


PURE = sorted(name for name, path in MODULES.items() if claims_no_io(path))


def test_the_pure_modules_include_the_catalog_and_its_parts() -> None:
    assert {"sitegen.catalog", "sitegen.records", "sitegen.model", "sitegen.prices", "sitegen.paths",
            "sitegen.history", "sitegen.formats"} <= set(PURE)


@pytest.mark.parametrize("module", PURE)
def test_a_module_that_says_no_io_imports_nothing_that_does_io(module: str) -> None:
    io_modules = {"os", "os.path", "pathlib", "shutil", "tempfile", "io", "socket", "subprocess",
                  "urllib.request", "http.client", "sitegen.fetch", "sitegen.store", "sitegen.update"}
    assert not IMPORTS[module] & io_modules


@pytest.mark.parametrize("library", sorted(LIBRARY_HOMES))
def test_each_library_has_exactly_one_home(library: str) -> None:
    assert importers_of(library) == {LIBRARY_HOMES[library]}


def test_every_third_party_import_has_a_declared_home() -> None:
    """A new dependency gets a home (and a line in LIBRARY_HOMES) rather than spreading."""
    users: dict[str, set[str]] = defaultdict(set)
    for name, imports in IMPORTS.items():
        for imported in imports:
            top = imported.split(".")[0]
            if top != "sitegen" and top not in sys.stdlib_module_names:
                users[top].add(name)
    assert {lib: {home} for lib, home in LIBRARY_HOMES.items()} == dict(users)
