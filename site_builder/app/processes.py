"""Work done in forked processes, whose outcome comes back to the build's process.

Guarantees:
- An outcome comes back as it was returned or raised: the project's errors and the
  system's as they were raised, any other error as an InternalError with its traceback
  as text (the command line shows it with `--debug` only).
- A process that stops without answering is a ProcessLost (killed, say for want of
  memory: exit 2), never a hang.
- Every process forked here ignores Ctrl+C (the build's process decides when to stop) and
  dies with the process that forked it, even when that one is killed (`app.lifetime`).

Three ways to fork:
- `in_a_child` runs one function in a fork of this process (the roadmaps' reader).
- `spread` runs a function over a list in this process and a fork of it, half each (the
  reader's files).
- `ForkServer` (`app.forkserver`) is forked once, while this process is still small
  (before the roadmaps are read), and forks a fresh process from itself for each unit
  of work it is sent: the engine's build of a language, the indexing of a search shard.
  Those processes share nothing with the roadmaps and views that this process holds
  later, so they do not copy
  them (a process forked from this one would: Python writes reference counts into every
  object it touches), and their memory is their own work's.

Named limits: Unix only (fork); where fork is not available, `in_a_child` runs its
function here and the build does not use a ForkServer.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import resource
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from site_builder.app.lifetime import die_with_parent
from site_builder.errors import InternalError, ProcessLost, SiteBuilderError

Result = TypeVar("Result")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def resident() -> int:
    """The bytes this process holds now (Linux), or at its peak so far (elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def in_a_child(
    function: Callable[..., Result],
    *args: object,
    meanwhile: Callable[[], object] | None = None,
) -> Result:
    """`function(*args)` run in a forked process, its result sent back (pickled, with the
    `pickle.PickleBuffer`s in it sent apart, uncopied) or its error raised here. What
    the function took and let go stays with the child (Python keeps freed memory
    scattered among what it still holds), and the result arrives
    here compact, made here only once the child has ended, so that the two are never
    held at once. `meanwhile` is called here while the child runs (this process would
    otherwise only wait); an error it raises stops the child. Runs in this process,
    `meanwhile` first, where fork is not available."""
    if not can_fork():
        if meanwhile is not None:
            meanwhile()
        return function(*args)
    fork = multiprocessing.get_context("fork")
    receive, send = fork.Pipe(duplex=False)
    process = fork.Process(target=_child, args=(function, args, os.getpid(), send), daemon=True)
    process.start()
    send.close()
    answered = False
    try:
        if meanwhile is not None:
            meanwhile()
        parts = receive.recv()
        sent: bytes | None = receive.recv_bytes()
        buffers = [receive.recv_bytes() for _ in range(parts)]
        answered = True
    except EOFError:
        sent, buffers, answered = None, [], True
    finally:
        if not answered and process.is_alive():
            process.kill()  # left early: a signal turned into an exception
        process.join()
        receive.close()
    # Only now, the child gone with all it held, are the objects it sent made here: made
    # while it lived, both were held at once (the build's peak at 2000 roadmaps, 816 MB).
    if sent is None:
        return _raised(ProcessLost("the process reading the roadmaps stopped"))
    outcome = pickle.loads(sent, buffers=buffers)
    del sent, buffers
    return _raised(outcome)


Item = TypeVar("Item")
Out = TypeVar("Out")


def spread(work: Callable[[list[Item]], Iterable[Out]], items: list[Item]) -> list[Out]:
    """What `list(work(items))` gives, with two processes at work: a fork of this one
    takes the second half of `items` while this one takes the first. The fork pickles
    each result into an unnamed file as it comes, so that it holds one at a time; they
    are made here once this process's half is done (at 500 roadmaps, reading half the
    files took 2.3 s and making their results here 0.16 s). An error comes back as in
    `in_a_child`, and a fork that stops is a ProcessLost. All here for fewer than two
    items, or where fork is not available."""
    if len(items) < 2 or not can_fork():
        return list(work(items))
    half = len(items) // 2
    parent = os.getpid()
    with tempfile.TemporaryFile() as spool:
        pid = os.fork()
        if pid == 0:  # the fork: never returns
            _spool(work, items[half:], parent, spool)
        try:
            mine = list(work(items[:half]))
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            raise
        finally:
            _, status = os.waitpid(pid, 0)  # after a kill too: no process left behind
        if status != 0:
            raise ProcessLost(f"the process reading the roadmaps {Stopped(status)}")
        spool.seek(0)
        theirs: list[Out] = []
        while (record := _next(spool)) is not _END:
            theirs.append(_raised(record))  # type: ignore[arg-type]
    return mine + theirs


_END = object()


def _next(spool: Any) -> object:
    try:
        return pickle.load(spool)
    except EOFError:
        return _END


def _spool(
    work: Callable[[list[Any]], Iterable[Any]], items: list[Any], parent: int, spool: Any
) -> NoReturn:
    """In the fork of `spread`: each result of `work(items)` pickled into `spool`, then
    its error if it raised one (as `_child` sends it); ends the process."""
    code = 1
    try:
        as_child(parent)
        try:
            for result in work(items):
                pickle.dump(result, spool, protocol=5)
        except Exception as exc:  # noqa: BLE001 - raised in the parent
            pickle.dump(_sendable(exc), spool, protocol=5)
        spool.flush()
        code = 0
    finally:
        os._exit(code)


def _sendable(exc: Exception) -> object:
    """An error as the parent is to raise it: the project's and the system's as they are,
    another with its traceback as text, or as an InternalError when it does not pickle."""
    if isinstance(exc, SiteBuilderError | OSError):
        return exc
    details = traceback.format_exc()
    try:
        pickle.dumps(exc)
        return _Raised(exc, details)
    except Exception:  # noqa: BLE001 - an error that cannot be sent as it is
        return InternalError(f"{type(exc).__name__}: {exc}", details)


def _raised(outcome: object) -> object:
    """`outcome`, or raise it when it is an error sent back."""
    if isinstance(outcome, _Raised):
        raise outcome.error from RemoteTraceback(outcome.details)
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


class RemoteTraceback(Exception):
    """Where an error raised in a child process was raised, as the child printed it."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class _Raised:
    error: BaseException
    details: str


def _child(function: Callable[..., object], args: tuple, parent: int, send: Connection) -> None:
    """Run `function(*args)` and send its result, or its error as it was raised (with its
    traceback as text), or as an InternalError when it cannot be sent."""
    as_child(parent)
    try:
        outcome = function(*args)
    except Exception as exc:  # noqa: BLE001 - reported in the parent, which decides
        outcome = _sendable(exc)
    # Buffers in the outcome (`pickle.PickleBuffer`) are sent as they are, not copied
    # into its pickle first: at 2000 roadmaps, 53 MB more for the reader to hold.
    buffers: list[pickle.PickleBuffer] = []
    sent = pickle.dumps(outcome, protocol=5, buffer_callback=buffers.append)
    send.send(len(buffers))
    send.send_bytes(sent)
    for buffer in buffers:
        send.send_bytes(buffer.raw())
    send.close()


def outcome_of(doing: str, run: Callable[[], object]) -> object:
    """What `run()` returns, or its error: ours and the system's as they were raised, any
    other as an InternalError saying what was being done (`doing`), with its traceback."""
    try:
        return run()
    except (SiteBuilderError, OSError) as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - reported in the parent, which decides
        return InternalError(f"{doing} failed: {exc!r}", traceback.format_exc())


def as_child(parent: int) -> None:
    """The parent alone decides when to stop: SIGINT (Ctrl+C reaches the whole process
    group) is ignored, SIGTERM and SIGHUP kill at once (unless ignored from the start),
    and so does the parent's death."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # `nohup` stays nohup
            signal.signal(signum, signal.SIG_DFL)
    die_with_parent(parent)


@dataclass(frozen=True)
class Stopped:
    """A unit's process ended without answering: its wait status (`os.waitpid`)."""

    status: int

    def __str__(self) -> str:
        if os.WIFSIGNALED(self.status):
            number = os.WTERMSIG(self.status)
            name = signal.Signals(number).name if number in signal.valid_signals() else number
            hint = " (out of memory?)" if number == signal.SIGKILL else ""
            return f"was killed by {name}{hint}"
        return f"ended with status {os.waitstatus_to_exitcode(self.status)} without answering"
