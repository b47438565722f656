"""Stopping: SIGTERM, SIGINT and SIGHUP to `build --jobs 2` stop its processes (the fork
server, the renderer and the engines the server forked), release the lock and remove the
work folders; after SIGKILL its processes die too and the next build cleans up; `serve`
removes its temporary folder when it stops."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.format.sample import write_sample
from tests.conftest import CONTRACT, PROJECT_ROOT, tree_digest


def command(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "site_builder", *map(str, args)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def children(pid: int) -> set[int]:
    found: set[int] = set()
    try:  # a process may end while it is looked at: it then has no children
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            found |= {int(child) for child in task.read_text().split()}
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def descendants(pid: int) -> set[int]:
    """Every process below `pid`: its children, theirs, and so on."""
    found, todo = set(), [pid]
    while todo:
        below = children(todo.pop())
        todo += below - found
        found |= below
    return found


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie waiting for init to reap it is dead."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def slow_roadmaps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough roadmaps in three languages for workers to be busy for a few seconds."""
    return write_sample(tmp_path_factory.mktemp("slow") / "roadmaps", 6, 4, ("en", "fr", "ar"))


def start_and_wait_for_workers(roadmaps: Path, site: Path) -> tuple[subprocess.Popen, set[int]]:
    """A build, once a process it did not fork itself runs while the site is built (an
    engine, forked by the fork server, once the roadmaps are read: the reader's own fork
    does not count), with every process below it then."""
    build = command("build", "--quiet", "--jobs", "2", "--roadmaps", roadmaps, "--site-dir", site)
    deadline = time.monotonic() + 120
    while True:
        # The staging folder first: it is made once the roadmaps are read.
        building = any(p.name.startswith(".site.build") for p in site.parent.iterdir())
        workers = descendants(build.pid)
        if building and workers - children(build.pid):
            break
        assert build.poll() is None, build.stderr.read()  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "no engine ever started"
        time.sleep(0.02)
    time.sleep(0.3)  # the renderer and the engines are writing
    return build, workers | descendants(build.pid)


def assert_clean_after(build: subprocess.Popen, workers: set[int], tmp_path: Path) -> None:
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, f"orphaned workers: {workers}"
        time.sleep(0.1)
    # A new build is not told that another one is writing, and removes any leftover.
    again = command("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", tmp_path / "site")
    assert again.wait(timeout=300) == 0, again.stderr.read()  # type: ignore[union-attr]
    # The build cache (.site-cache) may keep what the workers built before the signal.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".site-cache") == [
        ".site.lock",
        "site",
    ]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_stops_the_workers_and_cleans_up(
    tmp_path: Path, contract_site: Path, slow_roadmaps: Path, signum: int
) -> None:
    site = tmp_path / "site"
    shutil.copytree(contract_site, site)
    before = tree_digest(site)
    build, workers = start_and_wait_for_workers(slow_roadmaps, site)
    build.send_signal(signum)
    assert build.wait(timeout=60) == 128 + signum
    err = build.stderr.read()  # type: ignore[union-attr]
    assert "Traceback" not in err, err
    assert f"stopped by {signal.Signals(signum).name}" in err  # a CI log says why
    assert not any(alive(pid) for pid in workers), "workers outlived the build"
    # Nothing left beside the site: no staging, no work folder; the site as it was.
    # The build cache (.site-cache) may keep what the workers built before the signal.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".site-cache") == [
        ".site.lock",
        "site",
    ]
    assert tree_digest(site) == before
    assert_clean_after(build, workers, tmp_path)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_workers_die_with_a_killed_build(tmp_path: Path, slow_roadmaps: Path) -> None:
    build, workers = start_and_wait_for_workers(slow_roadmaps, tmp_path / "site")
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    leftovers = {p.name.split("-")[0] for p in tmp_path.iterdir()}
    assert {".site.build", ".site.work"} <= leftovers  # what the next build must remove
    assert_clean_after(build, workers, tmp_path)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_serve_removes_its_temporary_folder(tmp_path: Path, signum: int) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    server = command(
        "serve",
        "--roadmaps",
        CONTRACT,
        "--dev-addr",
        f"127.0.0.1:{_free_port()}",
        env={"TMPDIR": str(temp)},
    )
    lines = []
    for line in server.stderr:  # type: ignore[union-attr]
        lines.append(line)
        if line.startswith("serving on"):
            break
    assert any(temp.iterdir()), "the preview is built in the temporary folder"
    server.send_signal(signum)
    assert server.wait(timeout=60) == 0
    err = "".join(lines) + server.stderr.read()  # type: ignore[union-attr]
    assert "Traceback" not in err
    assert list(temp.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_a_build_under_nohup_survives_a_hangup(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "build", "--quiet", "--jobs", "2"]
        + ["--roadmaps", str(CONTRACT), "--site-dir", str(site)],
        cwd=PROJECT_ROOT,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # as nohup does
    )
    deadline = time.monotonic() + 120
    while len(children(build.pid)) < 2:
        assert build.poll() is None and time.monotonic() < deadline, "no workers"
        time.sleep(0.05)
    build.send_signal(signal.SIGHUP)
    for worker in children(build.pid):
        os.kill(worker, signal.SIGHUP)  # a hangup reaches the whole process group
    assert build.wait(timeout=300) == 0, build.stderr.read()  # type: ignore[union-attr]
    assert (site / "ar" / "ml" / "index.html").is_file()


def test_a_stop_whose_exception_python_dropped_still_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python drops an exception raised while it runs its own hooks (after a fork: a
    Ctrl+C that lands there raised Stopped into nothing): the signal noted still stops
    the build before it publishes, and says so."""
    from site_builder import cli, errors
    from site_builder.publish import root

    write = root.RootFiles.write

    def dropped(self: object, *args: object) -> object:
        errors.STOPPED.append(signal.SIGINT)  # the handler ran; what it raised is gone
        return write(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(root.RootFiles, "write", dropped)
    site = tmp_path / "site"
    roadmaps = write_sample(tmp_path / "roadmaps", 1, 1, ("en",))
    assert cli.main(["build", "--roadmaps", str(roadmaps), "--site-dir", str(site)]) == 130
    assert "stopped by SIGINT" in capsys.readouterr().err
    assert not site.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".site-cache") == [
        ".site.lock",
        "roadmaps",
    ]


@pytest.mark.parametrize("delay", [0.05, 0.1, 0.2, 0.4])
def test_ctrl_c_while_the_program_starts_is_a_stop_without_traceback(
    tmp_path: Path, slow_roadmaps: Path, delay: float
) -> None:
    """Ctrl+C at any moment, even while modules are imported (before the command line
    set its handler): exit 130, no traceback (or, before Python itself is up, the
    signal's own end, as a shell reports it: 130 too)."""
    build = command("build", "--quiet", "--roadmaps", slow_roadmaps, "--site-dir", tmp_path / "s")
    time.sleep(delay)
    build.send_signal(signal.SIGINT)
    status = build.wait(timeout=60)
    err = build.stderr.read()  # type: ignore[union-attr]
    if "Fatal Python error: init_import_site" in err:  # before Python ran the program
        return
    assert status in (130, -signal.SIGINT), err
    assert "Traceback" not in err, err
    if status == 130:  # Python ran the program: it says why it ended
        assert "stopped by SIGINT" in err, err
