"""One name per author, the same on every page: what the models' names say before their
colon ("Anthropic" in "Anthropic: Claude"), the most common spelling that is not the bare
slug, and the slug said with a capital where no name says more. Two slugs that come to one
name are told apart ("Meta" and "Meta (meta-llama)"). No I/O.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterable, Protocol


class Named(Protocol):
    """What a name is read from (a ``Model``)."""

    @property
    def name(self) -> str: ...
    @property
    def author(self) -> str: ...


def author_names(models: Iterable[Named]) -> dict[str, str]:
    """Author slug -> the name the site gives it."""
    said: dict[str, Counter[str]] = defaultdict(Counter)
    for m in models:
        head, colon, _ = m.name.partition(": ")
        said[m.author][head.strip() if colon and head.strip() != m.author else ""] += 1
    names = {}
    for slug, counts in said.items():
        spelled = [(n, name) for name, n in counts.items() if name]
        names[slug] = max(spelled)[1] if spelled else slug[:1].upper() + slug[1:]
    sharing: dict[str, list[str]] = defaultdict(list)
    for slug, name in names.items():
        sharing[name.casefold()].append(slug)
    for slugs in sharing.values():
        for slug in slugs if len(slugs) > 1 else ():
            if _letters(slug) != _letters(names[slug]):
                names[slug] = f"{names[slug]} ({slug})"
    return names


def sort_key(name: str) -> tuple[str, str]:
    """Names in the order people look them up: by name, whatever the case."""
    return name.casefold(), name


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())
