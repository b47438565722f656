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
    config_file: Path, site_dir: Path, url_path: str = "/", dirty: bool = False
) -> None:
    """Build one project into `site_dir`, served at `url_path` (such as `/fr/`), with
    ProperDocs, as `mkdocs.build_project` builds it with MkDocs.

    Raises SiteBuilderError when ProperDocs is not installed, BuildFailed when the build
    fails or warns (with the engine's messages)."""
    if not available():
        raise SiteBuilderError(
            "--engine properdocs needs ProperDocs: pip install 'diaspora-roadmaps[properdocs]'"
        )
    command = [sys.executable, "-m", __name__, str(config_file), str(site_dir), url_path]
    if dirty:
        command.append("--dirty")
    environment = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        details = result.stderr.strip()[-4000:] or f"exit status {result.returncode}"
        raise BuildFailed(details if details.startswith("the engine") else f"ProperDocs: {details}")


def _main(argv: list[str]) -> int:
    """The child process: CONFIG SITE_DIR URL_PATH [--dirty]; prints the error, if any."""
    import properdocs.replacement  # noqa: F401 - from here on, `mkdocs.*` is ProperDocs

    from site_builder.engine import mkdocs

    config_file, site_dir, url_path, *rest = argv
    try:
        mkdocs.build_project(Path(config_file), Path(site_dir), url_path, "--dirty" in rest)
    except SiteBuilderError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
