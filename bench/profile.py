"""Profile one cold ``sitegen build`` of a synthetic catalog and print where the time goes.

    python3 bench/profile.py [--size 40000] [--top 30] [--work /dev/shm/sitegen-profile]

The profile is kept as WORK/build.prof for ``python3 -m pstats`` or snakeviz.
"""

from __future__ import annotations

import argparse
import pstats
import shutil
import subprocess
import sys
from pathlib import Path

import synth
from run import BASE_URL, ENV, ROOT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/sitegen-profile"))
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    catalog, profile = args.work / "models.json", args.work / "build.prof"
    catalog.write_bytes(synth.dumps(synth.generate(args.size, args.seed)))
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "sitegen", "build",
                    "--catalog", str(catalog), "--out", str(args.work / "site"), "--base-url", BASE_URL, "--jobs", "1", "--no-cache"],
                   cwd=ROOT, env=ENV, check=True)
    stats = pstats.Stats(str(profile))
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    shutil.rmtree(args.work / "site", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
