"""Where a command's memory goes: its processes' PSS, sampled every 0.1 s, by process.

    .venv/bin/python benchmarks/memory.py -- .venv/bin/python -m site_builder build \\
        --roadmaps /tmp/r500 --site-dir /tmp/s500 --no-cache --quiet

Prints the command's wall and CPU time, the peak of the sum of the proportional set sizes
of the command and all its descendants (as `run.py` measures it) with each process at
that moment (PSS, RSS, private and shared dirty MB), then the timeline every 2 s: the
total and each process's PSS. Each process is named by what it is: `build` (the command),
`fork` (a process it forked: the reader, a language's worker, or the process waiting for
an indexer), or its own name (`pagefind`). Linux only (reads /proc).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import process_tree  # noqa: E402

_FIELDS = ("Pss", "Rss", "Private_Dirty", "Shared_Dirty")


def _process(pid: int, root: int) -> dict[str, object] | None:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None
    if name.startswith("python"):
        name = "build" if pid == root else "fork"
    sizes: dict[str, object] = {"name": name}
    for line in rollup.splitlines():
        key, _, value = line.partition(":")
        if key in _FIELDS:
            sizes[key] = int(value.split()[0]) // 1024
    return sizes


def main() -> int:
    command = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else sys.argv[1:]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command)
    timeline: list[tuple[float, dict[int, dict[str, object]]]] = []
    while process.poll() is None:
        moment = {
            pid: s
            for pid in process_tree(process.pid)
            if (s := _process(pid, process.pid)) is not None
        }
        timeline.append((time.perf_counter() - started, moment))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime

    def total(moment: dict[int, dict[str, object]]) -> int:
        return sum(int(s["Pss"]) for s in moment.values())  # type: ignore[call-overload]

    at, peak = max(timeline, key=lambda entry: total(entry[1]), default=(0.0, {}))
    print(f"exit {process.returncode}, wall {wall:.1f} s, CPU {cpu:.1f} s")
    print(f"peak {total(peak)} MB at {at:.1f} s:")
    for pid, sizes in peak.items():
        print(f"  {pid} {sizes['name']}: " + ", ".join(f"{k} {sizes[k]} MB" for k in _FIELDS))
    shown = -10.0
    for moment_at, moment in timeline:
        if moment_at - shown >= 2:
            shown = moment_at
            parts = " ".join(f"{s['name']}:{s['Pss']}" for s in moment.values())
            print(f"{moment_at:7.1f} s {total(moment):5d} MB  {parts}")
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
