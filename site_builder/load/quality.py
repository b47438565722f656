"""Quality checks: things that are valid but probably not what the author meant.

They are warnings, reported beside errors; `--strict` makes them errors.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

from site_builder.errors import EnvironmentFault, Problem, Severity, shorten
from site_builder.format.fields import texts
from site_builder.format.model import (
    Name,
    RichText,
    RoadmapFile,
    TwinningLink,
)
from site_builder.format.richtext import raw_html
from site_builder.format.unshown import unshown_markdown
from site_builder.load import gazetteer
from site_builder.load.gazetteer import Placement, Town
from site_builder.load.source import SourceFile

# 9999-12-31 23:59:59 UTC: the last second that dates (and MkDocs) can show.
_LAST_EPOCH = 253402300799


def environment_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (seconds since 1970-01-01 UTC), or None when unset or empty.

    Raises EnvironmentFault when it is set to anything but a whole number of seconds
    between 0 and the end of year 9999."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > _LAST_EPOCH:
        raise EnvironmentFault(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, "
            f"at most {_LAST_EPOCH} (end of year 9999): {value[:40]!r}"
        )
    return int(value)


PLACEHOLDER = re.compile(r"\b(?:TODO|FIXME|TBD|XXX)\b|\blorem\s+ipsum\b", re.IGNORECASE)
"""Text that marks a value still to write: `TODO: title of the roadmap` (what `new` writes)."""

# Each placeholder holds one of these (`lorem` and `ipsum` apart: any space between them).
_PLACEHOLDER_WORDS = ("todo", "fixme", "tbd", "xxx", "lorem", "ipsum")

# The letters other than their own that PLACEHOLDER's words match when the case is ignored
# (Python's `re` matches dotless ı and dotted İ as i, long ſ as s).
_CASE_ALIKE_LETTERS = {"ı": "i", "İ": "i", "ſ": "s"}
_CASE_ALIKE = str.maketrans(_CASE_ALIKE_LETTERS)


def placeholder(text: str) -> re.Match[str] | None:
    """PLACEHOLDER's first match in `text`, else None. The regular expression runs only on
    a text that holds one of its words once case is folded: over the 68,000 texts of 300
    synthetic roadmaps, 64 ms where the expression alone took 208 ms."""
    folded = (text if text.isascii() else text.translate(_CASE_ALIKE)).lower()
    if not any(word in folded for word in _PLACEHOLDER_WORDS):
        return None
    return PLACEHOLDER.search(text)


def today() -> date:
    """The date checks compare with: SOURCE_DATE_EPOCH when set, so builds can be replayed.
    Raises EnvironmentFault when it is not a valid date (see `environment_epoch`)."""
    epoch = environment_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=UTC).date()
    return datetime.now(tz=UTC).date()


def _warner(
    roadmap: RoadmapFile, source: SourceFile, problems: list[Problem]
) -> Callable[..., None]:
    """`warn(field_path, message, hint, near=None, below=0)`: add a warning at the field
    (at the line, from the value's start on, that holds `near`; first looked for from
    `below` lines under the value's start, where the text's line `below` cannot be
    above) to `problems`."""

    def warn(
        field_path: str, message: str, hint: str, near: str | None = None, below: int = 0
    ) -> None:
        line, column = roadmap.position(field_path)
        if near is not None:
            line, column = _line_of(source, line, column, near, below)
        problems.append(
            Problem(
                roadmap.path,
                line,
                column,
                roadmap.written(field_path),
                message,
                hint,
                Severity.WARNING,
                source.line(line),
            )
        )

    return warn


def check_ended(roadmap: RoadmapFile, source: SourceFile, on: date) -> list[Problem]:
    """A warning for each commitment that ended before `on` but is still in progress,
    with no assessment."""
    problems: list[Problem] = []
    warn = _warner(roadmap, source, problems)
    for index, commitment in enumerate(roadmap.data.commitments):
        ended = commitment.end is not None and commitment.end.latest() < on
        # An assessment left out for an error of its own is one all the same.
        assessed = commitment.assessments or roadmap.left_out.get(
            roadmap.written(f"commitments[{index}].assessments")
        )
        if ended and commitment.status == "in-progress" and not assessed:
            warn(
                f"commitments[{index}].status",
                f"ended in {commitment.end} but is still in progress, with no assessment",
                "add an assessment of what was achieved, or update the status",
            )
    return problems


def check_texts(roadmap: RoadmapFile, source: SourceFile, default_language: str) -> list[Problem]:
    """A warning for each text left as a placeholder, holding HTML or Markdown the site
    does not show as written, or without the default language: what the file alone says,
    whatever the date."""
    problems: list[Problem] = []
    warn = _warner(roadmap, source, problems)
    for field_path, text in texts(roadmap.data):
        for language, value in text.items():
            # The language's own key where the file writes one, else the field (a text
            # written as one string).
            where = f"{field_path}.{language}"
            where = where if roadmap.written(where) in roadmap.positions else field_path
            if found := placeholder(value):
                warn(
                    where,
                    f"text left as a placeholder: '{shorten(value.strip())}'",
                    f"write the real text in place of '{found.group()}', or remove the field "
                    "if it is optional",
                )
            if not isinstance(text, RichText):
                continue
            for tag in raw_html(value):
                times = f" ({tag.count} times)" if tag.count > 1 else ""
                warn(
                    where,
                    f"HTML {tag.text}{times} is never shown: this text is Markdown",
                    tag.instead,
                    near=tag.text,
                    below=tag.line,
                )
            for construct in unshown_markdown(value):
                warn(
                    where,
                    construct.message,
                    construct.instead,
                    near=construct.near,
                    below=construct.line,
                )
        if isinstance(text, Name) and text.neutral:
            continue
        if default_language not in text:
            warn(
                field_path,
                f"no text in the default language ({default_language})",
                f"add `{default_language}:` so that every reader has a version to fall back on",
            )
    return problems


def _line_of(
    source: SourceFile, line: int, column: int, near: str, below: int = 0
) -> tuple[int, int]:
    """The first line from `line + below` on, else from `line` on, that holds `near`, and
    its column; else the start. A line of a text is at least as far below the value's
    start as in the text, unless the text is written in quotes with `\\n` in it."""
    lines = source.lines
    for start in dict.fromkeys((line + below, line)):
        for number in range(start, len(lines) + 1):
            found = lines[number - 1].find(near)
            if found >= 0:
                return number, found + 1
    return line, column


TWINNING_FACTS = ("kind", "status", "since", "until", "diaspora")
"""Fields of a twinning link that both ends state and that should agree."""


def twinning_disagreements(one: TwinningLink, other: TwinningLink) -> list[str]:
    """The fields of TWINNING_FACTS that both entries state, differently."""
    return [
        name
        for name in TWINNING_FACTS
        if getattr(one, name) is not None
        and getattr(other, name) is not None
        and getattr(one, name) != getattr(other, name)
    ]


def check_twinning_agreement(
    roadmap: RoadmapFile, t: int, other: RoadmapFile, back: int, source: SourceFile
) -> list[Problem]:
    """One warning per fact the two ends of a link state differently, naming both lines."""
    mine, theirs = roadmap.data.twinning[t], other.data.twinning[back]  # type: ignore[union-attr]
    problems = []
    for name in twinning_disagreements(mine, theirs):
        line, column = other.position(f"twinning[{back}].{name}")
        field_path = roadmap.written(f"twinning[{t}].{name}")
        at_line, at_column = roadmap.position(f"twinning[{t}].{name}")
        problems.append(
            Problem(
                roadmap.path,
                at_line,
                at_column,
                field_path,
                f"says {name}: {getattr(mine, name)}, but {other.path}:{line}:{column} "
                f"says {name}: {getattr(theirs, name)}",
                "the two ends of a link should agree: correct one of them "
                "(the site shows both versions until then)",
                Severity.WARNING,
                source.line(at_line),
            )
        )
    return problems


def check_map_locations(placement: Placement, sources: dict[str, SourceFile]) -> list[Problem]:
    """One warning for each town at an end of a twinning link that could not be placed on
    the twinning map (no `location`, and no place of its name in its country in the
    gazetteer), and one for each town placed by a name that several places of similar
    standing have."""
    problems = []

    def warn(town: Town, message: str, hint: str) -> None:
        roadmap = town.roadmap
        line, column = roadmap.position(town.field_path)
        problems.append(
            Problem(
                roadmap.path,
                line,
                column,
                roadmap.written(town.field_path),
                message,
                hint,
                Severity.WARNING,
                sources[roadmap.path].line(line) if roadmap.path in sources else None,
            )
        )

    example = "such as location: 48.8617, 2.4422"
    for town in placement.unplaced:
        warn(
            town,
            f"{_first_words(town.name)} could not be placed on the twinning map: it has no "
            f"location, and {gazetteer.SOURCE} has no place of that name in {town.country}",
            f"add `location: LATITUDE, LONGITUDE`, {example}",
        )
    for town, found in placement.ambiguous:
        places = ", ".join(
            f"{p.name} ({p.location}, population {p.population})"
            for p in (found.place, *found.rivals)
        )
        warn(
            town,
            f"{_first_words(town.name)} is the name of several places in {town.country}: "
            f"{places}; the map shows the first",
            f"add `location: LATITUDE, LONGITUDE` to say which, {example}",
        )
    return problems


def _first_words(name: Name) -> str:
    return name.get("en") or name[min(name)]
