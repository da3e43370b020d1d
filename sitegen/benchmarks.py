"""Benchmark results as the site shows them: Artificial Analysis' indices and Design Arena's
leaderboards, each named and linked to its source. No I/O.
"""

from __future__ import annotations

from typing import Any

from sitegen import formats
from sitegen.model import ArenaResult, Model

ARTIFICIAL_ANALYSIS = ("Artificial Analysis", "https://artificialanalysis.ai/")
DESIGN_ARENA = ("Design Arena", "https://www.designarena.ai/")
# Our key of each index (``model.SCORES``) -> its label.
SCORE_LABELS = {"intelligence": "Intelligence index", "coding": "Coding index", "agentic": "Agentic index"}
ARENAS = {"models": "Models", "agents": "Agents"}
# Design Arena's category slugs -> how they read; any other slug is shown as it comes.
CATEGORIES = {
    "website": "Website", "codecategories": "Code", "dataviz": "Data visualization", "gamedev": "Game dev",
    "uicomponent": "UI component", "3d": "3D", "svg": "SVG", "asciiart": "ASCII art", "graphicdesign": "Graphic design",
    "image": "Image", "logo": "Logo", "imageediting": "Image editing", "webapps": "Web apps", "fullstack": "Full stack",
    "androidnative": "Android native", "mobileapps": "Mobile apps", "godotgamedev": "Godot game dev",
    "agenticgamedev": "Agentic game dev", "htmlslides": "HTML slides", "pptxslides": "PPTX slides",
    "python-pptxslides": "Slides (python-pptx)", "agentichtmlslides": "Agentic HTML slides",
    "agenticslides": "Agentic slides", "agenticslides(html)": "Agentic slides (HTML)",
    "agenticslides(python-pptx)": "Agentic slides (python-pptx)",
}


def category(result: ArenaResult) -> str:
    return CATEGORIES.get(result.category, result.category)


def arena(name: str) -> str:
    return ARENAS.get(name, name.capitalize())


def ranked(results: tuple[ArenaResult, ...]) -> list[ArenaResult]:
    """Results by leaderboard (as ``ARENAS`` lists them), best rank first, then by category."""
    order = {name: i for i, name in enumerate(ARENAS)}
    return sorted(results, key=lambda r: (order.get(r.arena, len(order)), r.arena, r.rank, category(r)))


def page_values(model: Model) -> dict[str, Any]:
    """The template values of a model page's Benchmarks section."""
    boards: dict[str, list[dict[str, str]]] = {}
    for r in ranked(model.arena):
        boards.setdefault(arena(r.arena), []).append({
            "category": category(r), "rank": f"#{r.rank}", "elo": f"{r.elo:.0f}",
            "win_rate": formats.MISSING if r.win_rate is None else f"{r.win_rate:.1f}%"})
    return {
        "scores": [(label, formats.score(model.scores.get(key))) for key, label in SCORE_LABELS.items()]
        if model.scores else [],
        "arena_boards": list(boards.items()),
        "artificial_analysis": ARTIFICIAL_ANALYSIS,
        "design_arena": DESIGN_ARENA,
    }


def arena_summary(model: Model) -> str:
    """The Design Arena results in one line: "Website #3, Code #3 (Models); ..."."""
    parts = [f"{category(r)} #{r.rank} ({arena(r.arena)}, ELO {r.elo:.0f})" for r in ranked(model.arena)]
    return "; ".join(parts) or formats.MISSING
