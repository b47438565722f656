"""Building a language's project with ProperDocs, the maintained fork of MkDocs 1.x.

ProperDocs reads the same `mkdocs.yml` and runs Material and its plugins unchanged: once
`properdocs.replacement` is imported, every `mkdocs.*` import of the process is served by
`properdocs.*`. So that this never mixes with MkDocs in the builder's own process, each
build runs in a child process (`python -m site_builder.engine.properdocs`) that makes
that switch first and then runs the very same `mkdocs.build_project`: same plugins, same
warning count, same output.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from site_builder.errors import BuildFailed, SiteBuilderError

NAME = "properdocs"


def available() -> bool:
    return importlib.util.find_spec("properdocs") is not None


def build_project(
    config_file: Path,
    site_dir: Path,
    url_path: str = "/",
    dirty: bool = False,
    cache_dir: Path | None = None,
    part: object = None,
) -> int:
    """Build one project into `site_dir`, served at `url_path` (such as `/fr/`), with
    ProperDocs, as `mkdocs.build_project` builds it with MkDocs; return how many pages
    were copied from the build cache `cache_dir` (its keys name the engine). Always
    whole: `part` must be None (ProperDocs runs as a program of its own).

    Raises SiteBuilderError when ProperDocs is not installed, BuildFailed when the build
    fails or warns (with the engine's messages)."""
    if part is not None:
        raise ValueError("ProperDocs builds a project whole, never in parts")
    if not available():
        raise SiteBuilderError(
            "--engine properdocs needs ProperDocs: pip install 'diaspora-roadmaps[properdocs]'"
        )
    command = [sys.executable, "-m", __name__, str(config_file), str(site_dir), url_path]
    if dirty:
        command.append("--dirty")
    if cache_dir is not None:
        command += ["--cache-dir", str(cache_dir)]
    environment = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        details = result.stderr.strip()[-4000:] or f"exit status {result.returncode}"
        raise BuildFailed(details if details.startswith("the engine") else f"ProperDocs: {details}")
    lines = result.stdout.split()
    return int(lines[-1]) if lines and lines[-1].isdigit() else 0


def _main(argv: list[str]) -> int:
    """The child process: CONFIG SITE_DIR URL_PATH [--dirty] [--cache-dir DIR]; prints
    the number of pages taken from the cache, or the error."""
    import properdocs.replacement  # noqa: F401 - from here on, `mkdocs.*` is ProperDocs

    from site_builder.engine import mkdocs

    config_file, site_dir, url_path, *rest = argv
    cache_dir = Path(rest[rest.index("--cache-dir") + 1]) if "--cache-dir" in rest else None
    try:
        hits = mkdocs.build_project(
            Path(config_file), Path(site_dir), url_path, "--dirty" in rest, cache_dir
        )
    except SiteBuilderError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(hits)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
