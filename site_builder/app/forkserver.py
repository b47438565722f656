"""The fork server: a process forked while the build's process is small, which forks a
fresh process from itself for each unit of work it is sent (see `app.processes`).

Guarantees (besides those of `app.processes`): each unit's process leads a process
group of its own, killed whole when the unit ends or the server stops, so that a program
a unit started (Pagefind) never outlives it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import selectors
import signal
import sys
import traceback
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from typing import NoReturn

from site_builder.app.processes import Stopped, as_child, outcome_of
from site_builder.errors import InternalError, ProcessLost

Unit = Callable[..., object]
"""A unit of work a ForkServer runs: what it returns is sent back (it must pickle)."""


class ForkServer:
    """A process that forks, for each unit of work it is sent, a process of its own.

    Forked when made, so make it while this process is small: its processes are forks of
    what this process held then. `units` names what it can run (functions, looked up in
    the server when they run: monkeypatched before, patched there too). One unit's
    process failing does not stop the others; `stop` (or leaving the `with` block) kills
    the server, and the kernel kills the processes still running with it.

    Use: `submit(tag, name, *args)` (the arguments are pickled), then, once `connection`
    is ready to read (`multiprocessing.connection.wait`), `receive()` gives
    `(tag, outcome)`: what the unit returned, or its error (see `outcome_of`), or
    `Stopped` when its process ended without answering. Each unit's process leads a
    process group of its own, killed when the unit ends or is stopped, so that a program
    it started (Pagefind) never outlives it.
    """

    def __init__(self, units: dict[str, Unit], prepare: Callable[[], object] | None = None):
        fork = multiprocessing.get_context("fork")
        self.connection, theirs = fork.Pipe()
        self._process = fork.Process(
            target=_serve, args=(units, prepare, os.getpid(), theirs), daemon=True
        )
        self._process.start()
        theirs.close()

    def submit(self, tag: int, name: str, *args: object) -> None:
        self.connection.send((tag, name, args))

    def receive(self) -> tuple[int, object]:
        try:
            tag, sent = self.connection.recv()
        except EOFError:
            raise ProcessLost("the process that starts the build's workers stopped") from None
        if isinstance(sent, int):
            return tag, Stopped(sent)
        return tag, pickle.loads(sent)

    def stop(self) -> None:
        """Kill the processes still running and wait until they are gone, then the server;
        does nothing once stopped."""
        if self.connection.closed:
            return
        with contextlib.suppress(OSError):
            self.connection.send(None)  # the server kills and reaps its processes, and ends
        self._process.join(timeout=10)
        if self._process.is_alive():  # it did not answer: the kernel kills its processes
            self._process.kill()
            self._process.join()
        self.connection.close()

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _serve(
    units: dict[str, Unit],
    prepare: Callable[[], object] | None,
    parent: int,
    connection: Connection,
) -> None:
    """The server's loop: fork a process per request; send back `(tag, pickled outcome)`,
    or `(tag, None)` when the process stopped without sending one."""
    as_child(parent)
    if prepare is not None:
        prepare()  # shared by every process forked from here
    selector = selectors.DefaultSelector()
    selector.register(connection, selectors.EVENT_READ)
    answers: dict[int, tuple[int, int, bytearray]] = {}  # read end: tag, pid, bytes so far
    server = os.getpid()
    while True:
        for key, _ in selector.select():
            if key.fileobj is connection:
                try:
                    request = connection.recv()
                except EOFError:
                    request = None  # the build's process has gone
                if request is None:
                    _end(pid for _, pid, _ in answers.values())
                tag, name, args = request
                try:
                    read, write = os.pipe()
                    pid = os.fork()
                except OSError as exc:  # no process to be had: that unit fails
                    connection.send((tag, pickle.dumps(exc)))
                    continue
                if pid == 0:
                    os.close(read)
                    connection.close()  # the server's alone: its end closes when it dies
                    _run_unit(server, units[name], name, args, write)  # never returns
                with contextlib.suppress(OSError):  # here too, whichever runs first
                    os.setpgid(pid, pid)
                os.close(write)
                answers[read] = (tag, pid, bytearray())
                selector.register(read, selectors.EVENT_READ)
            else:
                read = key.fd
                chunk = os.read(read, 1 << 20)
                if chunk:
                    answers[read][2].extend(chunk)
                    continue
                selector.unregister(read)
                os.close(read)
                tag, pid, sent = answers.pop(read)
                _, status = os.waitpid(pid, 0)
                _kill_group(pid)  # what the unit started and left behind
                if status == 0 and sent:
                    connection.send((tag, bytes(sent)))
                else:
                    connection.send((tag, status))


def _end(processes: Iterable[int]) -> NoReturn:
    """Kill the server's processes still running, and the programs they started, wait
    until they are gone, and exit."""
    for pid in processes:
        _kill_group(pid)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    os._exit(0)


def _kill_group(pid: int) -> None:
    """Kill the process group of a unit's process `pid` (it leads its own): the unit, if
    it still runs, and any program it started (Pagefind) with it."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:  # no group left; or not yet its own: the process alone
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _run_unit(server: int, unit: Unit, name: str, args: tuple, write: int) -> NoReturn:
    """In a process forked by the server: run `unit(*args)`, write its pickled outcome to
    `write`, and exit (0 once written)."""
    code = 1
    try:
        with contextlib.suppress(OSError):  # a group of its own: killed whole (`_kill_group`)
            os.setpgid(0, 0)
        as_child(server)
        outcome = outcome_of(name, lambda: unit(*args))
        try:
            data = pickle.dumps(outcome)
        except Exception as exc:  # noqa: BLE001 - an outcome that cannot be sent
            data = pickle.dumps(InternalError(f"{name}: {exc!r}", traceback.format_exc()))
        view = memoryview(data)
        while view:
            view = view[os.write(write, view) :]
        code = 0
    finally:
        for stream in (sys.stdout, sys.stderr):  # what the unit printed, not lost
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
