"""Time the engine hook's conversion of every generated page of one rendered language.

    .venv/bin/python -m site_builder render --roadmaps ROADMAPS --out PROJECTS
    .venv/bin/python benchmarks/conversion.py PROJECTS/en

Prints the pages, the time per page (wall and CPU) and how many pages the hook left to
Python-Markdown (`engine.commonmark.convert` gave None).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path


def main(project: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from mkdocs.structure.pages import Page
    from mkdocs.utils import meta

    from site_builder.engine import commonmark

    logging.disable(logging.WARNING)
    config = load_config(str(project / "mkdocs.yml"))
    files = get_files(config)
    marks = commonmark.Marks.of(config)
    pages = []
    for file in files.documentation_pages():
        body, front = meta.get_data(Path(file.abs_src_path).read_text("utf-8"))
        if front.get(commonmark.MARKER[0]) == commonmark.MARKER[1]:
            pages.append((Page(None, file, config), body))
    wall, cpu = time.perf_counter(), time.process_time()
    left = sum(commonmark.convert(body, page, files, marks) is None for page, body in pages)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{len(pages)} pages: {1000 * wall / len(pages):.2f} ms per page (wall), "
        f"{1000 * cpu / len(pages):.2f} ms (CPU); {left} left to Python-Markdown"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
