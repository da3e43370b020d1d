"""The floor: write the bytes of an already-built site to the same paths, nothing else.

    python3 bench/floor.py PACK OUT

PACK is a ``marshal`` dump of ``[(relative_path, bytes), ...]`` made by ``run.py`` from a
sitegen build; OUT must not exist. No generator can write the same site faster than this
script plus Python's start-up.
"""

from __future__ import annotations

import marshal
import os
import sys


def main(pack: str, out: str) -> None:
    with open(pack, "rb") as handle:
        files = marshal.load(handle)
    made: set[str] = set()
    for rel, content in files:
        target = os.path.join(out, rel)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(target, "wb") as handle:
            handle.write(content)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
