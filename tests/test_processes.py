"""The fork server: each unit of work in a process of its own, forked from what this
process held when the server was made, its outcome or its error back here."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from functools import partial
from multiprocessing.connection import wait
from pathlib import Path

import pytest

from site_builder.app.forkserver import ForkServer
from site_builder.app.processes import Stopped
from site_builder.errors import InternalError, InvalidData, Problem, ProcessLost

HELD: list[str] = []


def _answer(value: int) -> tuple[int, int, int]:
    return value * 2, os.getpid(), os.getppid()


def _held() -> list[str]:
    return list(HELD)


def _fail(kind: str) -> None:
    if kind == "ours":
        raise InvalidData([Problem("x.yml", 1, 1, "title", "missing")])
    if kind == "vanish":
        os._exit(0)
    if kind == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    raise ZeroDivisionError("the unit's own fault")


def _sleep(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(60)


def _start_program(pid_file: str, then: str) -> None:
    """Start a program (as the indexer starts Pagefind), then end or wait."""
    program = subprocess.Popen(["sleep", "60"])
    Path(pid_file).write_text(str(program.pid))
    if then == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(60)


UNITS = {
    "answer": _answer,
    "held": _held,
    "fail": _fail,
    "sleep": _sleep,
    "program": _start_program,
}


def _written(pid_file: Path) -> int:
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return int(pid_file.read_text())


def _gone(pid: int) -> bool:
    """Dead, or a zombie that only waits for init to reap it."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def _outcomes(server: ForkServer, count: int) -> dict[int, object]:
    outcomes = {}
    while len(outcomes) < count:
        wait([server.connection], timeout=30)
        tag, outcome = server.receive()
        outcomes[tag] = outcome
    return outcomes


def test_each_unit_runs_in_a_process_of_its_own_and_its_outcome_comes_back_by_tag() -> None:
    with ForkServer(UNITS) as server:
        for tag in range(3):
            server.submit(tag, "answer", tag + 10)
        outcomes = _outcomes(server, 3)
    assert [outcomes[tag][0] for tag in range(3)] == [20, 22, 24]  # type: ignore[index]
    pids = {outcomes[tag][1] for tag in range(3)}  # type: ignore[index]
    servers = {outcomes[tag][2] for tag in range(3)}  # type: ignore[index]
    assert len(pids) == 3 and os.getpid() not in pids
    assert len(servers) == 1 and os.getpid() not in servers


def test_a_unit_s_process_holds_what_this_process_held_when_the_server_was_made() -> None:
    HELD[:] = ["before"]
    try:
        with ForkServer(UNITS) as server:
            HELD.append("after")  # made here later: the roadmaps read after the server
            server.submit(1, "held")
            assert _outcomes(server, 1) == {1: ["before"]}
    finally:
        HELD.clear()


@pytest.mark.parametrize(
    ("kind", "error", "says"),
    [
        ("ours", InvalidData, "1 error(s)"),
        ("bug", InternalError, "the unit's own fault"),
        ("vanish", Stopped, "ended with status 0 without answering"),
        ("killed", Stopped, "was killed by SIGKILL (out of memory?)"),
    ],
)
def test_a_unit_s_error_comes_back_as_it_was_raised_or_said(
    kind: str, error: type[Exception], says: str
) -> None:
    with ForkServer(UNITS) as server:
        server.submit(7, "fail", kind)
        server.submit(8, "answer", 1)  # the others go on
        outcomes = _outcomes(server, 2)
    assert isinstance(outcomes[7], error) and says in str(outcomes[7])
    if kind == "ours":
        assert outcomes[7].problems[0].message == "missing"  # type: ignore[attr-defined]
    if kind == "bug":
        assert "ZeroDivisionError" in outcomes[7].details  # type: ignore[attr-defined]
    assert outcomes[8][0] == 2  # type: ignore[index]


def test_stopping_the_server_kills_the_units_still_running(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    server = ForkServer(UNITS)
    server.submit(1, "sleep", str(pid_file))
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    started = time.monotonic()
    server.stop()
    server.stop()  # once stopped, nothing more
    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("then", ["stop", "die"])
def test_a_program_a_unit_started_does_not_outlive_it(tmp_path: Path, then: str) -> None:
    """Stopped with the server (Ctrl+C, an error elsewhere), or killed (out of memory):
    the program the unit started (Pagefind, for an indexer) is killed too."""
    pid_file = tmp_path / "pid"
    server = ForkServer(UNITS)
    try:
        server.submit(1, "program", str(pid_file), then)
        program = _written(pid_file)
        if then == "die":
            assert isinstance(_outcomes(server, 1)[1], Stopped)
    finally:
        server.stop()
    assert _gone(program)


def _doubled(items: list[int], fail: str = "", at: int = -1) -> Iterator[tuple[int, int]]:
    """Each item doubled, with the process that did it; `fail` as `_fail` at item `at`."""
    for item in items:
        if item == at:
            _fail(fail)
        yield item * 2, os.getpid()


def test_spread_gives_what_one_process_gives_with_a_fork_taking_half() -> None:
    from site_builder.app.processes import spread

    done = spread(_doubled, list(range(101)))
    assert [value for value, _ in done] == [item * 2 for item in range(101)]
    by = [pid for _, pid in done]
    assert set(by[:50]) == {os.getpid()} and len(set(by[50:])) == 1
    assert by[50] != os.getpid()
    assert spread(_doubled, [7]) == [(14, os.getpid())]  # too few to spread


@pytest.mark.parametrize("fail", ["ours", "theirs", "killed", "here"])
def test_spread_raises_the_fork_s_error_or_says_it_stopped_and_leaves_no_process(
    fail: str,
) -> None:
    """An error in the fork's half comes back as raised (ours as it is, any other with
    where it was raised), a fork killed is said so, and an error in this process's half
    stops the fork: no process is left behind in any case."""
    from site_builder.app.processes import RemoteTraceback, spread

    expected: dict[str, tuple[type[BaseException], str | None]] = {
        "ours": (InvalidData, None),
        "theirs": (ZeroDivisionError, "the unit's own fault"),
        "killed": (ProcessLost, "reading the roadmaps was killed by SIGKILL"),
        "here": (ZeroDivisionError, "the unit's own fault"),
    }
    error, message = expected[fail]
    at = 3 if fail == "here" else 8
    before = _children()
    with pytest.raises(error, match=message) as raised:
        spread(partial(_doubled, fail="theirs" if fail == "here" else fail, at=at), list(range(10)))
    if fail == "ours":
        assert [p.message for p in raised.value.problems] == ["missing"]  # type: ignore[attr-defined]
    if fail == "theirs":
        assert isinstance(raised.value.__cause__, RemoteTraceback)
        assert "_doubled" in str(raised.value.__cause__)
    assert _children() <= before  # the fork is gone, reaped


def _children() -> set[int]:
    """This process's children, running or not yet reaped."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found
