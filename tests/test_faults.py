"""Faults: a build killed at any moment, two builds at once, no network."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from site_builder.format.sample import write_sample
from tests.conftest import CONTRACT, PROJECT_ROOT, tree_digest


def start_build(roadmaps: Path, site: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "site_builder",
            "build",
            "--quiet",
            "--roadmaps",
            str(roadmaps),
            "--site-dir",
            str(site),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def bigger_roadmaps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough roadmaps for a build to take a few seconds, so that it can be interrupted."""
    return write_sample(tmp_path_factory.mktemp("bigger") / "roadmaps", 6, 4, ("en", "fr", "ar"))


@pytest.fixture(scope="module")
def bigger_site(tmp_path_factory: pytest.TempPathFactory, bigger_roadmaps: Path) -> dict:
    """The digest of a whole site built from `bigger_roadmaps`."""
    site = tmp_path_factory.mktemp("bigger-site") / "site"
    assert start_build(bigger_roadmaps, site).wait(timeout=300) == 0
    return tree_digest(site)


@pytest.mark.parametrize("delay", [0.3, 0.9, 1.5, 2.2, 3.0])
def test_a_killed_build_leaves_the_previous_site(
    tmp_path: Path, contract_site: Path, bigger_roadmaps: Path, bigger_site: dict, delay: float
) -> None:
    site = tmp_path / "site"
    shutil.copytree(contract_site, site)
    before = tree_digest(site)
    build = start_build(bigger_roadmaps, site)
    time.sleep(delay)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    after = tree_digest(site)
    # Either the old site, whole, or (if the build published before the signal, even
    # while it was exiting) the new one, whole.
    if after != before:
        assert after == bigger_site
    # The next build removes what the killed one left and publishes normally.
    result = start_build(CONTRACT, site)
    assert result.wait(timeout=120) == 0, result.stderr.read()
    assert tree_digest(site) == tree_digest(contract_site)
    # Beside the site: its lock, and the build cache when pages were cached.
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != ".site-cache")
    assert left == [".site.lock", "site"]


def test_two_builds_at_once_never_mix(tmp_path: Path, bigger_roadmaps: Path) -> None:
    reference = tmp_path / "reference"
    assert start_build(bigger_roadmaps, reference).wait(timeout=300) == 0
    site = tmp_path / "site"
    first = start_build(bigger_roadmaps, site)
    # The second build starts only once the first is writing its staging folder, so that
    # the two really overlap (else this test would prove nothing).
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".site.build-*")):
        assert first.poll() is None, "the first build ended before it was seen writing"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    started = time.monotonic()
    second = start_build(bigger_roadmaps, site)
    second_code = second.wait(timeout=300)
    second_seconds = time.monotonic() - started
    overlapped = first.poll() is None
    first_code = first.wait(timeout=300)
    assert first_code == 0
    assert overlapped, "the first build ended before the second one was refused"
    assert second_code != 0
    assert "another build is writing" in second.stderr.read()
    assert second_seconds < 10
    assert tree_digest(site) == tree_digest(reference)


SITECUSTOMIZE = textwrap.dedent("""
    import socket

    def _refuse(*args, **kwargs):
        raise OSError("network disabled for this test")

    socket.socket.connect = _refuse
    socket.socket.connect_ex = _refuse
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse
""")


def test_build_needs_no_network(tmp_path: Path) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, "utf-8")
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.getaddrinfo('localhost', 80)"],
        env={**os.environ, "PYTHONPATH": str(hook)},
        capture_output=True,
    )
    assert probe.returncode != 0  # the hook really cuts the network off
    build = start_build(CONTRACT, tmp_path / "site", env={"PYTHONPATH": str(hook)})
    assert build.wait(timeout=120) == 0, build.stderr.read()
    assert (tmp_path / "site" / "ar" / "ml" / "index.html").is_file()
