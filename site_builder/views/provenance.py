"""When roadmap files last changed, from git history when the folder is in a repository.

Guarantee: git runs only in a repository whose own configuration cannot make it run a
program. Whoever can write the roadmaps folder can put a repository there (`.git`), and
its configuration could have `git log` run one (`gpg.program` with
`log.showSignature`, `core.fsmonitor`, ...). So the repository's own settings (its
`config`, the worktree's, and the files they include) are read first (`git config`,
which runs nothing), and its history is used only when every key is one of
`SAFE_KEYS`; otherwise the site shows no dates from git. The machine's and the user's
git settings are theirs, and trusted.
"""

from __future__ import annotations

import re
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


SAFE_KEYS = re.compile(
    r"(core\.(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase"
    r"|precomposeunicode|symlinks|autocrlf|eol|safecrlf|quotepath|longpaths"
    r"|sparsecheckout|sparsecheckoutcone|compression|checkstat|trustctime)"
    r"|extensions\.(objectformat|worktreeconfig)"
    r"|(remote|branch|submodule)\.[^\n]*\.(url|pushurl|fetch|merge|remote|rebase|prune"
    r"|tagopt|active|path)"
    r"|(user|init|pull|push|fetch|gc|color|lfs|http|maintenance)\.[^\n]*"
    r"|include\.path|includeif\.[^\n]*\.path)",
    re.IGNORECASE,
)
"""The keys a repository's own configuration may set for its history to be read: none
of them makes `git log` or `git rev-parse` run a program. What GitHub's checkout writes
(`http.<url>.extraheader`, `remote.origin.*`, included credential files) is among them."""


def _trusted(folder: Path) -> bool:
    """Whether the repository `folder` is in (if any) sets only SAFE_KEYS itself."""
    listed = _git(["config", "--list", "--includes", "--show-scope", "-z"], folder, 20)
    if listed is None:
        return False
    fields = listed.split("\0")  # scope, then key and value: "local", "core.bare\nfalse"
    for scope, entry in zip(fields[0::2], fields[1::2], strict=False):
        key = entry.split("\n", 1)[0]
        if scope in ("local", "worktree") and not SAFE_KEYS.fullmatch(key):
            return False
    return True


def last_commit_time(folder: Path) -> int | None:
    """When anything in the folder last changed in git history, as a Unix time; None
    without history, or in a repository that is not `_trusted`."""
    if not _trusted(folder):
        return None
    out = (_git(["log", "-1", "--format=%ct", "--", "."], folder, timeout=10) or "").strip()
    return int(out) if out.isdigit() else None


def last_changes(roadmaps: Path) -> dict[str, Date]:
    """File name inside the roadmaps folder (`ml/kayes.yml`) → date of its last commit.

    One `git log` for the whole folder; empty when git or the history is not there, or
    when the repository is not `_trusted`.
    """
    if not _trusted(roadmaps):
        return {}
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
