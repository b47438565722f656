"""When each roadmap file last changed, from git history when the folder is in a repository."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from site_builder.model import Date


def last_changes(roadmaps: Path) -> dict[str, Date]:
    """File name inside the roadmaps folder (`ml/kayes.yml`) → date of its last commit.

    One `git log` for the whole folder; empty when git or the history is not there.
    """
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-prefix"],
            cwd=roadmaps,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        if top.returncode != 0:
            return {}
        prefix = top.stdout.strip()
        log = subprocess.run(
            ["git", "log", "--format=%x00%ct", "--name-only", "--", "."],
            cwd=roadmaps,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if log.returncode != 0:
        return {}
    result: dict[str, Date] = {}
    for block in log.stdout.split("\x00")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines or not lines[0].isdigit():
            continue
        day = datetime.fromtimestamp(int(lines[0]), tz=UTC).date()
        for name in lines[1:]:
            relative = name[len(prefix) :] if name.startswith(prefix) else name
            result.setdefault(relative, Date(day.year, day.month, day.day))  # newest first
    return result
