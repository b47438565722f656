"""When each stage of a default build runs, in which process, and how much CPU it takes.

    .venv/bin/python benchmarks/timeline.py ROADMAPS SITE_DIR CACHE_DIR [build options]
    .venv/bin/python benchmarks/timeline.py ROADMAPS SITE_DIR - [build options]  # no cache

Runs `build` with the stages of `app.language` and `app.workers` wrapped, and prints one
row a stage run: the process id, the stage (`read`, `render:LANG`, `engine:LANG/PART`,
`index:LANG#SHARD`), its start and end in seconds after this program started, its wall
seconds, the CPU seconds of its process and those of the programs it ran (Pagefind);
then the CPU seconds by stage, and the whole build's wall time. The seconds before the
first `engine` row starts, with one `render` running, are seconds a second core waits.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.time()


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(log: Path, name: str, run: Callable[..., Any]) -> Callable[..., Any]:
    from site_builder.app import language

    def timed(*args: Any, **kwargs: Any) -> Any:
        start, cpu, children = time.time(), time.process_time(), _children_cpu()
        try:
            return run(*args, **kwargs)
        finally:
            job = next((arg for arg in args if isinstance(arg, language.LanguageJob)), None)
            tag = f"{name}:{job.language}" if job else name
            if name == "engine" and len(args) > 2 and args[2] is not None:
                tag += f"/{args[2].number}"
            if name == "index":
                tag += f"#{args[1].number}"
            row = [os.getpid(), tag, start - STARTED, time.time() - STARTED]
            row += [time.process_time() - cpu, _children_cpu() - children]
            with log.open("a", encoding="utf-8") as out:  # one line: appended whole
                out.write(json.dumps(row) + "\n")

    return timed


def main(roadmaps: str, site: str, cache: str, options: list[str]) -> None:
    from site_builder.app import build, language, workers
    from site_builder.cli import main as cli

    with tempfile.TemporaryDirectory(prefix="timeline-") as scratch:
        log = Path(scratch) / "stages.jsonl"
        log.touch()
        stages = language.STAGES
        language.STAGES = build.STAGES = stages.__class__(
            render=_timed(log, "render", stages.render),
            engine=_timed(log, "engine", stages.engine),
            whole=stages.whole,
        )
        workers._index_shard = _timed(log, "index", workers._index_shard)
        build._prepared = _timed(log, "read", build._prepared)
        command = ["build", "--roadmaps", roadmaps, "--site-dir", site, "--quiet"]
        command += ["--no-cache"] if cache == "-" else ["--cache-dir", cache]
        try:
            cli(command + options)
        except SystemExit as ended:
            if ended.code:
                raise
        total = time.time() - STARTED
        rows = sorted((json.loads(line) for line in log.open(encoding="utf-8")), key=lambda r: r[2])
    by_stage: dict[str, float] = {}
    for pid, tag, start, end, cpu, children in rows:
        print(f"{pid:7d} {tag:16s} {start:6.1f} {end:6.1f} {end - start:6.1f} s", end=" ")
        print(f"cpu {cpu:6.1f} children {children:5.1f}")
        stage = tag.split(":")[0]
        by_stage[stage] = round(by_stage.get(stage, 0.0) + cpu + children, 1)
    print("CPU seconds by stage:", by_stage)
    print(f"whole build: {total:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
