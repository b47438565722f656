"""Time removing a built site: `shutil.rmtree` against `site_builder.files.remove_tree`.

    .venv/bin/python benchmarks/removal.py SITE [ROUNDS]

SITE is a built site (`make site`, or a benchmark's); each round copies it twice beside
itself and removes one copy each way, alternating, after `sync` (so that the copies'
writes do not slow the removals). Prints the seconds of each removal and the medians.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from site_builder.files import remove_tree


def main() -> int:
    site = Path(sys.argv[1]).resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    times: dict[str, list[float]] = {"shutil.rmtree": [], "remove_tree": []}
    for _ in range(rounds):
        for name, remove in (("shutil.rmtree", shutil.rmtree), ("remove_tree", remove_tree)):
            copy = site.parent / f".{site.name}.removal-copy"
            shutil.copytree(site, copy, symlinks=True)
            os.sync()
            started = time.perf_counter()
            remove(copy)
            times[name].append(time.perf_counter() - started)
            print(f"{name}: {times[name][-1]:.3f} s")
    files = sum(len(names) for _, _, names in os.walk(site))
    for name, values in times.items():
        print(f"median {name}: {statistics.median(values):.3f} s ({files} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
