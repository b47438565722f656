"""Printing problems for people and for machines: text (grouped), JSON, GitHub annotations;
and the command line's own usage errors (`CommandParser`)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import NoReturn

from site_builder.errors import Problem, printable

GROUP_LIMIT = 3
FILE_LIMIT = 30
"""In text, at most this many problems are printed per file, then a count."""
# What JSON leaves raw (it escapes C0 controls itself): C1 controls, separators, bidi.
_JSON_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class CommandParser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors (which repeat the value given: `invalid
    choice: '…'`) go through `printable` like every other message; its subcommands'
    parsers are of this class too."""

    def error(self, message: str) -> NoReturn:
        super().error(printable(message))


def report(problems: list[Problem], fmt: str = "text") -> None:
    """Print problems in the chosen format, with a summary.

    In text, a run of problems with the same field in one file (50 commitments with the
    same mistake) shows its first few and a count, so the real variety stays visible; and
    a file prints at most FILE_LIMIT problems, then how many more there are (`--format
    json` lists them all).
    """
    if fmt == "json":
        text = json.dumps([_as_json(p) for p in problems], ensure_ascii=False, indent=2)
        # JSON escapes C0 controls itself; C1 controls and bidi overrides too, here.
        print(_JSON_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
        return
    if fmt == "github":
        for problem in problems:
            print(printable(_as_github(problem)))
        return
    shown: dict[tuple[str, str, bool], int] = {}
    printed: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for problem in problems:
        key = (problem.path, re.sub(r"\[\d+\]", "[]", problem.field), problem.is_error)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] > GROUP_LIMIT:
            continue
        if printed.get(problem.path, 0) >= FILE_LIMIT:
            hidden[problem.path] = hidden.get(problem.path, 0) + 1
            continue
        printed[problem.path] = printed.get(problem.path, 0) + 1
        print(problem.format(), file=sys.stderr)
    for path, count in hidden.items():
        print(
            printable(f"{path}: ... and {count} more problems in this file")
            + " (--format json lists them all)",
            file=sys.stderr,
        )
    for (path, field, is_error), count in shown.items():
        if count > GROUP_LIMIT and path not in hidden:
            kind = "problems" if is_error else "warnings"
            print(
                printable(
                    f"{path}: ... and {count - GROUP_LIMIT} more {kind} like these "
                    f"with {field or 'the file'}"
                ),
                file=sys.stderr,
            )
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    files = len({p.path for p in problems})
    if problems:
        print(f"\n{errors} error(s), {warnings} warning(s) in {files} file(s)", file=sys.stderr)


def _as_json(problem: Problem) -> dict[str, object]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "severity": str(problem.severity),
        "message": problem.message,
        "hint": problem.hint,
        "meaning": problem.meaning,
    }


def _as_github(problem: Problem) -> str:
    def escape(text: str, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    level = "error" if problem.is_error else "warning"
    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    if problem.meaning:
        message += f"\nmeaning: {problem.meaning}"
    if problem.hint:
        message += f"\nhint: {problem.hint}"
    return (
        f"::{level} file={escape(problem.path, True)},line={problem.line},"
        f"col={problem.column},title={escape('roadmap ' + level, True)}::{escape(message)}"
    )
