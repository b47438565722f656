"""When roadmap files last changed, from git history when the folder is in a repository."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from site_builder.format.model import Date


def _git(args: list[str], cwd: Path, timeout: float = 60) -> str | None:
    """Standard output of a git command, or None when git or the repository is not there."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def last_commit_time(folder: Path) -> int | None:
    """When anything in the folder last changed in git history, as a Unix time."""
    out = (_git(["log", "-1", "--format=%ct", "--", "."], folder, timeout=10) or "").strip()
    return int(out) if out.isdigit() else None


def last_changes(roadmaps: Path) -> dict[str, Date]:
    """File name inside the roadmaps folder (`ml/kayes.yml`) → date of its last commit.

    One `git log` for the whole folder; empty when git or the history is not there.
    """
    prefix = _git(["rev-parse", "--show-prefix"], roadmaps, timeout=20)
    log = _git(["log", "--format=%x00%ct", "--name-only", "--", "."], roadmaps)
    if prefix is None or log is None:
        return {}
    prefix = prefix.strip()
    result: dict[str, Date] = {}
    for block in log.split("\x00")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines or not lines[0].isdigit():
            continue
        day = datetime.fromtimestamp(int(lines[0]), tz=UTC).date()
        for name in lines[1:]:
            relative = name[len(prefix) :] if name.startswith(prefix) else name
            result.setdefault(relative, Date(day.year, day.month, day.day))  # newest first
    return result
