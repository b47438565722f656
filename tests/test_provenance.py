"""Dates from git history, read only from a repository whose own configuration cannot
make git run a program: whoever can write the roadmaps folder can plant one there."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.views.provenance import last_changes, last_commit_time
from tests.conftest import CONTRACT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "a",
    "GIT_AUTHOR_EMAIL": "a@example.org",
    "GIT_COMMITTER_NAME": "a",
    "GIT_COMMITTER_EMAIL": "a@example.org",
}


def git(folder: Path, *args: str, given: str | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=folder, input=given, capture_output=True, text=True, env=ENV
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def committed(tmp_path: Path) -> Path:
    """A copy of the contract roadmaps, committed in a repository of their own."""
    roadmaps = tmp_path / "roadmaps"
    shutil.copytree(CONTRACT, roadmaps)
    git(roadmaps, "init", "-q")
    git(roadmaps, "add", "-A")
    git(roadmaps, "commit", "-qm", "roadmaps")
    return roadmaps


def signed_head(roadmaps: Path, program: Path) -> None:
    """HEAD made a commit with a signature, and git told to check signatures in `git log`
    with `program`: what a planted repository needs to run a program of its own."""
    tree = git(roadmaps, "write-tree")
    commit = (
        f"tree {tree}\nauthor a <a@example.org> 1184025600 +0000\n"
        "committer a <a@example.org> 1184025600 +0000\n"
        "gpgsig -----BEGIN PGP SIGNATURE-----\n x\n -----END PGP SIGNATURE-----\n\nsigned\n"
    )
    head = git(roadmaps, "hash-object", "-t", "commit", "-w", "--stdin", given=commit)
    git(roadmaps, "update-ref", "HEAD", head)
    git(roadmaps, "config", "log.showSignature", "true")
    git(roadmaps, "config", "gpg.program", str(program))


def test_a_planted_repository_cannot_make_the_build_run_a_program(tmp_path: Path) -> None:
    roadmaps = committed(tmp_path)
    ran = tmp_path / "ran"
    program = tmp_path / "program.sh"
    program.write_text(f"#!/bin/sh\necho ran > {ran}\n")
    program.chmod(0o755)
    signed_head(roadmaps, program)
    # git itself would run it: the attack is real.
    subprocess.run(["git", "log", "-1"], cwd=roadmaps, capture_output=True, env=ENV)
    assert ran.exists()
    ran.unlink()

    assert last_changes(roadmaps) == {} and last_commit_time(roadmaps) is None
    options = BuildOptions(project=Project(roadmaps=roadmaps), site_dir=tmp_path / "site")
    pipeline.build(options)
    assert not ran.exists()
    assert (tmp_path / "site" / "en" / "index.html").is_file()


@pytest.mark.parametrize(
    ("key", "value"),
    [("core.fsmonitor", "/bin/true"), ("core.pager", "less"), ("include.path", "other")],
)
def test_a_repository_setting_anything_else_is_not_read(
    tmp_path: Path, key: str, value: str
) -> None:
    roadmaps = committed(tmp_path)
    assert last_changes(roadmaps)  # read before
    if key == "include.path":  # an included file's keys are checked as the repository's
        (roadmaps / ".git" / "other").write_text("[diff]\n\texternal = /bin/true\n")
    git(roadmaps, "config", key, value)
    assert last_changes(roadmaps) == {} and last_commit_time(roadmaps) is None


def test_a_checkout_s_usual_settings_keep_the_dates(tmp_path: Path) -> None:
    """What a clone and GitHub's checkout write in a repository keeps its history read."""
    roadmaps = committed(tmp_path)
    git(roadmaps, "remote", "add", "origin", "https://github.com/org/repo")
    git(roadmaps, "config", "http.https://github.com/.extraheader", "AUTHORIZATION: basic x")
    git(roadmaps, "config", "branch.main.remote", "origin")
    (roadmaps / ".git" / "credentials").write_text("[user]\n\tname = ci\n")
    git(roadmaps, "config", "includeIf.gitdir:/x/.path", "credentials")
    changes = last_changes(roadmaps)
    assert "fr/montreuil.yml" in changes and last_commit_time(roadmaps) is not None
