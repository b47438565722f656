"""What the build's processes hold at their peak, by estimate: the budget `app.workers`
starts processes within (`BuildOptions.memory`, MEMORY_BUDGET by default), and what the
renderer, an engine's process and the render cache take of it. Figures are measured with
`benchmarks/memory.py` (proportional set size, PSS) on the synthetic sites of
`benchmarks/run.py`; a search shard's is Pagefind's (`engine.pagefind.run_memory`).
"""

from __future__ import annotations

import contextlib
import os

from site_builder.app.jobs import LanguageJob

MEMORY_BUDGET = 600 * 2**20
"""The bytes the build's processes may hold at once by default (`BuildOptions.memory`),
by the estimates below: a process is started, and a language rendered here, only while
this process, the processes running and it fit (one always runs)."""

RENDERER_SHARE = 6.7
"""The renderer's memory at its peak (`renderer_memory`), beyond what a process of the
build holds before the roadmaps, over the size of the pickled roadmaps and views it is
sent: at 2000 roadmaps × 3 languages, 53 MB pickled, and the renderer at up to 398 MB
(PSS, `benchmarks/memory.py`): the roadmaps and views made again (about 170 MB), and a
language's rendered pages and what the build cache keeps of them until written."""

_RENDERER_MB = 45
"""What a process of the build holds before the roadmaps (the modules it imported)."""


def renderer_memory(pickled: int) -> int:
    """The bytes the renderer holds at its peak, given `pickled` bytes of context."""
    return int(_RENDERER_MB * 2**20 + RENDERER_SHARE * pickled)


_ENGINE_MB, _ENGINE_PAGE_MB = 40, 0.024
"""An engine's process at its peak, by estimate: 115 MB for 3200 pages of Material
(peak RSS of `engine.build_project` over a language of 2000 roadmaps, in a process that
had imported the engine: 34 MB), with 40 MB of it the imported engine."""


STORED_SHARE = 2.0
"""What the renderer holds of a language's pages as the last build rendered them (the
render cache, `render/memo.py`, read whole), over the size of their file: at 2000
roadmaps, 65 MB files made the renderer of a warm build about 130 MB larger than a
cold build's (530 MB, `benchmarks/memory.py`)."""


def stored_memory(jobs: list[LanguageJob]) -> int:
    """The bytes the renderer holds beyond `renderer_memory` while it renders the
    language whose render cache is the largest (`STORED_SHARE`); 0 without one."""
    largest = 0
    for job in jobs:
        if job.cache_dir is None:
            continue
        with (
            contextlib.suppress(OSError),
            os.scandir(job.cache_dir / job.language / "render") as found,
        ):
            for entry in found:
                if entry.name.endswith(".json") and entry.is_file(follow_symlinks=False):
                    largest = max(largest, entry.stat(follow_symlinks=False).st_size)
    return int(STORED_SHARE * largest)


def engine_memory(pages: int) -> int:
    """The bytes the engine's process building `pages` pages holds at its peak."""
    return int((_ENGINE_MB + _ENGINE_PAGE_MB * pages) * 2**20)
