"""The few error types of the builder, and the Problem every check reports.

A Problem points at a place in a source file (path, line, column, field path) the way
compilers do, so editors and CI can jump to it. Lines and columns are 1-based.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR
    source_line: str | None = None
    meaning: str | None = None  # the field's description, from the model

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.field)

    def headline(self) -> str:
        """`path:line:col: field.path: message`, the one-line form tools can parse, with
        control characters escaped (see `printable`)."""
        where = f"{self.path}:{self.line}:{self.column}"
        label = "" if self.is_error else "warning: "
        field = f"{self.field}: " if self.field else ""
        return printable(f"{where}: {label}{field}{self.message}")

    def format(self) -> str:
        """The headline, then the offending source line with a marker, then the hint; every
        line printable on a terminal (see `printable`)."""
        lines = [self.headline()]
        if self.source_line is not None and self.source_line.strip():
            shown, at = _excerpt(self.source_line.rstrip("\n").replace("\t", " "), self.column)
            lines.append(f"    {printable(shown)}")
            lines.append("    " + " " * at + "^")
        if self.meaning:
            lines.append(f"    meaning: {printable(self.meaning)}")
        if self.hint:
            lines.append(f"    hint: {printable(self.hint)}")
        return "\n".join(lines)

    def as_error(self) -> Problem:
        return Problem(
            self.path,
            self.line,
            self.column,
            self.field,
            self.message,
            self.hint,
            Severity.ERROR,
            self.source_line,
        )


EXCERPT_WIDTH = 120
"""How much of a long source line a problem quotes, around its column, in characters."""


def _excerpt(line: str, column: int) -> tuple[str, int]:
    """The part of `line` a message quotes (all of it, or EXCERPT_WIDTH characters around
    `column`, with `…` where it is cut) and where the caret goes under it (0-based)."""
    at = max(column - 1, 0)
    if len(line) <= EXCERPT_WIDTH:
        return line, at
    start = min(max(at - EXCERPT_WIDTH // 2, 0), len(line) - EXCERPT_WIDTH)
    end = start + EXCERPT_WIDTH
    before, after = ("…" if start else ""), ("…" if end < len(line) else "")
    return f"{before}{line[start:end]}{after}", at - start + len(before)


def closest_hint(name: str, known: Iterable[str]) -> str | None:
    """`did you mean 'x'?` for the known name closest to a misspelt one, if one is close.

    Only names in `known` are ever suggested. Case, a `.yml` ending and `\\`, `_` or
    spaces for `/` and `-` count for little: `ML/Kayes.yml` suggests `ml/kayes`."""
    names = {_loose(k): k for k in known}
    match = difflib.get_close_matches(_loose(name), list(names), n=1, cutoff=0.6)
    return f"did you mean '{names[match[0]]}'?" if match else None


def _loose(name: str) -> str:
    name = name.strip().lower().removesuffix(".yml").removesuffix(".yaml")
    return name.replace("\\", "/").replace("_", "-").replace(" ", "-")


def shorten(text: str, limit: int = 40) -> str:
    """A value quoted in a message, cut when long."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


# C0 and C1 controls and DEL (ESC, BEL, CR, CSI...), line and paragraph separators, and
# the bidirectional overrides and isolates that reorder what a terminal shows.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` safe to print on a terminal: every control character (ESC, BEL, CR, a line
    break...) and every bidirectional override becomes a visible escape such as `\\x1b`
    or `\\u202e`, so a file name cannot erase lines, retitle the terminal or reorder
    what is shown. One line in, one line out."""
    return UNPRINTABLE.sub(_escape_char, text)


def printable_lines(text: str) -> str:
    """A message of several lines (an engine's report) as `printable` makes each line,
    the lines after the first indented: readable, and none of them taken for a message
    of its own."""
    first, *rest = text.splitlines() or [""]
    return "\n".join([printable(first), *(f"    {printable(line)}" for line in rest)])


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=Problem.sort_key)


def describe_os_error(exc: OSError) -> str:
    """One line for a system error: what failed, on which path, why."""
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    where = f"{' -> '.join(paths)}: " if paths else ""
    return f"{where}{exc.strerror or exc}"


class SiteBuilderError(Exception):
    """Base of the errors the command line reports without a traceback."""


class InvalidData(SiteBuilderError):
    """The roadmaps have errors: nothing was built."""

    def __init__(self, problems: list[Problem]):
        self.problems = sort_problems(problems)
        errors = sum(1 for p in self.problems if p.is_error)
        super().__init__(f"{errors} error(s) in the roadmaps")

    def __reduce__(self) -> tuple[type[InvalidData], tuple[list[Problem]]]:
        return (type(self), (self.problems,))  # sent from the process reading the roadmaps


class BuildFailed(SiteBuilderError):
    """The engine or the publishing step failed; the previous site is untouched."""


class SiteBusy(SiteBuilderError):
    """Another build holds the lock on the output folder."""


class EnvironmentFault(SiteBuilderError):
    """Something around the builder is wrong, not the data: a folder that cannot be
    written, a site folder that must not be replaced, a busy port, a bad option value.
    The command line prints one line and exits with 2."""


class BadArgument(EnvironmentFault):
    """A value given on the command line (an argument's or an option's) that the command
    cannot use. Every such value is refused with this error, whenever it is found: at
    once, or once the data says (the site's languages are known once the roadmaps are
    read). The command line prints it as argparse prints the values it checks itself,
    the command's usage then `argument NAME: message`, and exits with 2."""

    def __init__(self, argument: str, message: str):
        super().__init__(f"argument {argument}: {message}")
        self.argument, self.message = argument, message

    def __reduce__(self) -> tuple[type[BadArgument], tuple[str, str]]:
        return (type(self), (self.argument, self.message))  # sent from the reading process


class ProcessLost(EnvironmentFault):
    """A process of the build ended without answering: killed (for want of memory, or by
    someone), not stopped by the data; nothing was published."""


class UnsafeSiteDir(EnvironmentFault):
    """The site folder would replace something a build did not make; nothing was touched."""


class InternalError(Exception):
    """A fault of the builder itself, raised where the original traceback is out of reach
    (in a worker process): `details` is that traceback, as text."""

    def __init__(self, message: str, details: str):
        super().__init__(message)
        self.details = details

    def __reduce__(self) -> tuple[type[InternalError], tuple[str, str]]:
        return (InternalError, (str(self), self.details))  # sent from a worker by pickling


class Stopped(BaseException):
    """The process received SIGTERM, SIGINT or SIGHUP: unwind, cleaning up on the way.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it.
    Python itself drops an exception raised while it runs its own hooks (after a fork,
    in a destructor), so the signal is also noted (`STOPPED`): `stop_if_asked` raises it
    again where nothing must happen after a stop (before the site is published)."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


STOPPED: list[int] = []
"""The stop signals received by this process (see Stopped), first first."""


def stop_if_asked() -> None:
    """Raise Stopped when this process received a stop signal, even one whose Stopped
    was dropped on the way."""
    if STOPPED:
        raise Stopped(STOPPED[0])
