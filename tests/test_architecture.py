"""The package's shape: which module may import which, read from the source with ``ast``.

Data flows one way (fetch -> catalog -> history -> render/feeds -> build writes): nothing
imports the command line or the build, the catalog does no I/O, and each third-party library
has exactly one home, so replacing it touches one file.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"
MODULES = {f"sitegen.{p.stem}": p for p in sorted(PACKAGE.glob("*.py")) if p.stem != "__init__"}
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
CATALOG_FORBIDDEN = {"sitegen.fetch", "sitegen.render", "sitegen.feeds", "sitegen.store",
                     "sitegen.writer", "sitegen.update", "sitegen.markup"}


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (function-level imports count too).

    ``from sitegen import pages`` names ``sitegen.pages``; ``from sitegen.catalog import
    Model`` names ``sitegen.catalog``.
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import: resolve it against the package
                base = "sitegen" if node.level == 1 else ""
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            if module == "sitegen":
                names.update(f"sitegen.{alias.name}" for alias in node.names)
    return names


IMPORTS = {name: imported_modules(path) for name, path in MODULES.items()}


def importers_of(target: str) -> set[str]:
    return {name for name, imports in IMPORTS.items()
            if any(i == target or i.startswith(target + ".") for i in imports)}


def test_the_parser_sees_imports_of_every_form() -> None:
    # The rules below are only as good as this reading of the source.
    assert "sitegen.catalog" in IMPORTS["sitegen.build"]
    assert "sitegen.build" in IMPORTS["sitegen.cli"]  # imported inside a function
    assert "httpx" in IMPORTS["sitegen.fetch"]
    assert importers_of("sitegen.catalog") >= {"sitegen.build", "sitegen.render", "sitegen.history"}


def test_nothing_imports_the_command_line_but_the_entry_point() -> None:
    assert importers_of("sitegen.cli") == {"sitegen.__main__"}


def test_only_the_command_line_imports_the_build() -> None:
    assert importers_of("sitegen.build") == {"sitegen.cli"}


def test_the_catalog_knows_nothing_downstream() -> None:
    reached = {i for i in IMPORTS["sitegen.catalog"] if i.startswith("sitegen.")}
    assert not reached & CATALOG_FORBIDDEN, reached & CATALOG_FORBIDDEN


def claims_no_io(path: Path) -> bool:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return "No I/O" in doc


PURE = sorted(name for name, path in MODULES.items() if claims_no_io(path))


def test_the_pure_modules_include_the_catalog_and_its_parts() -> None:
    assert {"sitegen.catalog", "sitegen.prices", "sitegen.paths", "sitegen.history"} <= set(PURE)


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
