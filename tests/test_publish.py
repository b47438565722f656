"""Publishing: a failed build changes nothing, builds never mix, output is reproducible."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.app.config import Project
from site_builder.errors import SiteBusy
from site_builder.publish.staging import MARKER, Publisher
from tests.conftest import CONTRACT, PROJECT_ROOT, tree_digest


def test_engine_failure_leaves_the_previous_site(
    run, tmp_path: Path, contract_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(contract_site, site)
    before = tree_digest(site)
    # A hand-written page with a broken link fails the engine in the second language.
    docs = tmp_path / "docs"
    (docs / "fr").mkdir(parents=True)
    (docs / "fr" / "broken.md").write_text("# Cassé\n\n[lien](nowhere.md)\n", "utf-8")
    from site_builder import cli

    monkeypatch.setattr(cli, "Project", functools.partial(Project, docs=docs))
    result = run("build", "--roadmaps", CONTRACT, "--site-dir", site)
    assert result.code == 1
    assert "nowhere.md" in result.err and "Traceback" not in result.err
    assert tree_digest(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.build")] == []


def test_leftovers_of_a_killed_build_are_removed(run, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (tmp_path / ".site.build-killed").mkdir()
    (tmp_path / ".site.build-killed" / "half.html").write_text("half", "utf-8")
    (tmp_path / ".site.old-killed").mkdir()
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", site).code == 0
    # Beside the site: its lock, and the build cache when pages were cached.
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != ".site-cache")
    assert left == [".site.lock", "site"]


def test_a_second_build_fails_fast_while_one_runs(run, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with Publisher(site):
        result = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", site)
        assert result.code == 1
        assert "another build is writing" in result.err
        with pytest.raises(SiteBusy), Publisher(site):
            pass
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", site).code == 0


def test_publish_swaps_the_whole_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old", "utf-8")
    (site / MARKER).write_text("made by an earlier build", "utf-8")
    with Publisher(site) as publisher:
        (publisher.staging / "new.html").write_text("new", "utf-8")
        assert (site / "old.html").is_file()  # nothing visible until publish
        publisher.publish()
    assert sorted(p.name for p in site.iterdir()) == [MARKER, "new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


@pytest.mark.parametrize("epoch", ["1215000000", None])
def test_two_builds_are_byte_identical(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str | None
) -> None:
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    first, second = tmp_path / "one", tmp_path / "two"
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", first).code == 0
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", second).code == 0
    assert tree_digest(first) == tree_digest(second)
    assert os.environ.get("SOURCE_DATE_EPOCH") == epoch  # the build restores the environment


def test_languages_built_in_parallel_processes_give_the_same_site(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1215000000")
    one, many = tmp_path / "one", tmp_path / "many"
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", one).code == 0
    assert (
        run("build", "--quiet", "--jobs", "3", "--roadmaps", CONTRACT, "--site-dir", many).code == 0
    )
    assert tree_digest(one) == tree_digest(many)


def _shift_clock(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    real_time, real_time_ns = time.time, time.time_ns
    monkeypatch.setattr(time, "time", lambda: real_time() + seconds)
    monkeypatch.setattr(time, "time_ns", lambda: real_time_ns() + int(seconds * 1e9))


@pytest.mark.parametrize("years", [10, -10])
def test_output_does_not_depend_on_the_clock(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, years: int
) -> None:
    """A clock ahead of or behind the file system's (skew, a coarse-mtime file system)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    now, skewed = tmp_path / "now", tmp_path / "skewed"
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", now).code == 0
    _shift_clock(monkeypatch, years * 365.25 * 86400)
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", skewed).code == 0
    assert tree_digest(now) == tree_digest(skewed)


@pytest.mark.skipif(shutil.which("faketime") is None, reason="apt-get install faketime")
def test_output_does_not_depend_on_the_clock_under_faketime(tmp_path: Path) -> None:
    """Two builds under libfaketime, twenty years apart, from a copy outside git."""
    roadmaps = tmp_path / "roadmaps"
    shutil.copytree(CONTRACT, roadmaps)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    for name, offset in (("ahead", "+3650d"), ("behind", "-3650d")):
        subprocess.run(
            ["faketime", "-f", offset, sys.executable, "-m", "site_builder", "build", "--quiet"]
            + ["--roadmaps", str(roadmaps), "--site-dir", str(tmp_path / name)],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            timeout=600,
        )
    assert tree_digest(tmp_path / "ahead") == tree_digest(tmp_path / "behind")


def test_removing_a_tree_removes_all_it_holds_and_nothing_its_links_point_to(
    tmp_path: Path,
) -> None:
    """The previous site and the scratch folders are removed by several threads at once:
    every file and folder goes, and a symbolic link (to a folder or a file outside) is
    removed without following it."""
    from site_builder.files import remove_tree

    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "keep.txt").write_text("mine", "utf-8")
    old = tmp_path / "old"
    for country in ("ml", "sn", "fr"):
        for town in ("a", "b"):
            (old / "en" / country / town).mkdir(parents=True)
            (old / "en" / country / town / "index.html").write_text("x", "utf-8")
    (old / "index.html").write_text("x", "utf-8")
    (old / "en" / "linked").symlink_to(outside, target_is_directory=True)
    (old / "en" / "ml" / "file-link").symlink_to(outside / "deep" / "keep.txt")
    (old / "top-link").symlink_to(outside)
    remove_tree(old)
    assert not old.exists() and not old.is_symlink()
    assert (outside / "deep" / "keep.txt").read_text("utf-8") == "mine"
    remove_tree(old)  # gone already: nothing to do, no error
