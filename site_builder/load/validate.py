"""Loading and validating a roadmaps folder into a Dataset, collecting every problem.

Files are found by their place (`site.yml`, `<cc>/country.yml`, `<cc>/<slug>.yml`), read
by `source`, turned into model objects by `convert`, then checked within each file
(ids, references, dates) and across files (twinning partners and their other end).
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_builder.errors import Problem, Severity, closest_hint, sort_problems
from site_builder.format.codes import COUNTRIES
from site_builder.format.fields import field_doc
from site_builder.format.framework import default_outcomes
from site_builder.format.model import (
    AuthorityRoadmap,
    CountryRoadmap,
    Dataset,
    Date,
    Id,
    RoadmapFile,
    RoadmapRef,
    Site,
)
from site_builder.load.convert import INVALID, Reader
from site_builder.load.quality import check_quality, today
from site_builder.load.source import LoadError, SourceFile, compose, read_source

_SLUG = re.compile(Id.pattern)


@dataclass
class Report:
    """The outcome of validation: a dataset when there are no errors, and every problem."""

    dataset: Dataset | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


class ReadCache:
    """Files read before, kept while unchanged: the live preview re-reads only what changed.

    A file counts as unchanged while its size, modification time and inode are the same and
    the site's languages are too.
    """

    def __init__(self) -> None:
        self.entries: dict[
            Path, tuple[object, tuple[RoadmapFile, SourceFile] | None, list[Problem]]
        ] = {}

    def read(
        self,
        roadmap_id: str,
        path: Path,
        languages: tuple[str, ...] | None,
        default: str,
        problems: list[Problem],
    ) -> tuple[RoadmapFile, SourceFile] | None:
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns, stat.st_ino, languages, default)
        cached = self.entries.get(path)
        if cached is not None and cached[0] == key:
            problems.extend(cached[2])
            return cached[1]
        own: list[Problem] = []
        loaded = _read_roadmap(roadmap_id, path, languages, default, own)
        self.entries[path] = (key, loaded, own)
        problems.extend(own)
        return loaded


def load_dataset(root: Path, *, strict: bool = False, cache: ReadCache | None = None) -> Report:
    """Read and check everything under `root`; never raises for bad input.

    `cache` keeps files read before (the live preview passes one across rebuilds).
    """
    cache = cache if cache is not None else ReadCache()
    problems: list[Problem] = []
    site_path = root / "site.yml"
    display = _display_path(site_path)
    site, site_positions = None, {}
    if not root.is_dir():
        problems.append(
            Problem(
                _display_path(root),
                1,
                1,
                "",
                "roadmaps folder not found",
                "run from the project root or pass --roadmaps DIR",
            )
        )
        return Report(None, problems)
    if not site_path.is_file():
        problems.append(
            Problem(
                display,
                1,
                1,
                "",
                "site.yml is missing",
                "every roadmaps folder starts with site.yml: title and languages",
            )
        )
    else:
        site, site_positions = _read_site(site_path, display, problems)
    languages = tuple(site.languages) if site else None
    default = (site.default_language or site.languages[0]) if site else "en"
    outcomes = site.outcomes if site and site.outcomes else default_outcomes(default)

    files = _discover(root, problems)
    roadmaps: dict[str, RoadmapFile] = {}
    sources: dict[str, SourceFile] = {}
    for roadmap_id, path in files:
        loaded = cache.read(roadmap_id, path, languages, default, problems)
        if loaded is not None:
            roadmaps[roadmap_id], sources[loaded[0].path] = loaded
    known_ids = {roadmap_id for roadmap_id, _ in files}
    outcome_ids = {o.id for o in outcomes}
    for roadmap in roadmaps.values():
        problems.extend(_check_roadmap(roadmap, sources[roadmap.path], outcome_ids, known_ids))
    problems.extend(_check_twinning(roadmaps, sources))
    checked_on = today()
    for roadmap in roadmaps.values():
        problems.extend(check_quality(roadmap, sources[roadmap.path], default, checked_on))

    if strict:
        problems = [p.as_error() for p in problems]
    problems = sort_problems([_with_meaning(p) for p in problems])
    if site is None or any(p.is_error for p in problems):
        return Report(None, problems)
    dataset = Dataset(
        site, display, site_positions, roadmaps, tuple(outcomes), default_outcomes=not site.outcomes
    )
    return Report(dataset, problems)


def _with_meaning(problem: Problem) -> Problem:
    if not problem.field:
        return problem
    name = Path(problem.path).name
    root = (
        Site
        if name == "site.yml"
        else CountryRoadmap
        if name == "country.yml"
        else AuthorityRoadmap
    )
    meaning = field_doc(root, problem.field)
    return replace(problem, meaning=meaning) if meaning else problem


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load_nodes(path: Path, display: str, problems: list[Problem]):
    try:
        source = read_source(path, display)
        return source, compose(source)
    except LoadError as exc:
        text = None
        with contextlib.suppress(OSError):
            text = path.read_text("utf-8", errors="replace").splitlines()
        line = text[exc.line - 1] if text and 0 < exc.line <= len(text) else None
        problems.append(
            Problem(display, exc.line, exc.column, "", exc.message, exc.hint, source_line=line)
        )
    except OSError as exc:
        problems.append(Problem(display, 1, 1, "", f"cannot read the file: {exc.strerror}"))
    return None, None


def _read_site(path: Path, display: str, problems: list[Problem]):
    source, root = _load_nodes(path, display, problems)
    if root is None:
        return None, {}
    # A first pass finds the languages; the second checks the keys of Texts against them.
    site_reader = Reader(source, None, "en")
    site = site_reader.read(root, Site, "")
    if site is not INVALID and site.languages:
        languages = tuple(site.languages)
        default = site.default_language if site.default_language in languages else languages[0]
        site_reader = Reader(source, languages, default)
        site = site_reader.read(root, Site, "")
    problems.extend(site_reader.problems)
    if site is INVALID:
        return None, {}
    site_problems = _check_site(site, site_reader)
    problems.extend(site_problems)
    if any(p.is_error for p in site_problems):
        return None, {}
    return site, site_reader.positions


def _check_site(site: Site, reader: Reader) -> list[Problem]:
    problems: list[Problem] = []
    path = reader.source.path

    def at(field_path: str, message: str, hint: str | None = None) -> None:
        line, column = reader.positions.get(field_path, (1, 1))
        problems.append(
            Problem(
                path, line, column, field_path, message, hint, source_line=reader.source.line(line)
            )
        )

    if not site.languages:
        at("languages", "the site needs at least one language", "for example: languages: [en, fr]")
    for code, count in Counter(site.languages).items():
        if count > 1:
            at("languages", f"language '{code}' is listed twice")
    if site.default_language and site.default_language not in site.languages:
        at(
            "default_language",
            f"'{site.default_language}' is not in languages",
            "add it to languages, or remove default_language",
        )
    for index, duplicate in _duplicates([o.id for o in site.outcomes]):
        at(f"outcomes[{index}].id", f"outcome id '{duplicate}' is used twice")
    return problems


def _discover(root: Path, problems: list[Problem]) -> list[tuple[str, Path]]:
    """Every roadmap file with its id, in a stable order; misplaced files are reported."""
    found: list[tuple[str, Path]] = []
    for entry in sorted(root.iterdir()):
        display = _display_path(entry)
        if entry.is_file():
            if entry.suffix in (".yml", ".yaml") and entry.name != "site.yml":
                problems.append(
                    Problem(
                        display,
                        1,
                        1,
                        "",
                        "roadmap files belong in a country folder",
                        "move it to roadmaps/<cc>/, where <cc> is the country code",
                    )
                )
            continue
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        if entry.name.upper() not in COUNTRIES or entry.name != entry.name.lower():
            problems.append(
                Problem(
                    display,
                    1,
                    1,
                    "",
                    f"folder '{entry.name}' is not a country code",
                    "name the folder with the country's two-letter code in lower case, such as ml",
                )
            )
            continue
        for item in sorted(entry.iterdir()):
            item_display = _display_path(item)
            if item.suffix == ".yaml":
                problems.append(
                    Problem(
                        item_display,
                        1,
                        1,
                        "",
                        "roadmap files end in .yml",
                        f"rename it to {item.stem}.yml",
                    )
                )
                continue
            if item.suffix != ".yml" or not item.is_file():
                continue
            slug = item.stem
            if slug == "country":
                found.append((entry.name, item))
            elif _SLUG.fullmatch(slug) and len(slug) <= Id.max_length:
                found.append((f"{entry.name}/{slug}", item))
            else:
                suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "name"
                problems.append(
                    Problem(
                        item_display,
                        1,
                        1,
                        "",
                        f"'{item.name}' is not a valid file name",
                        f"slugs use lower case letters, digits and hyphens: "
                        f"rename it to {suggestion}.yml",
                    )
                )
    return found


def _read_roadmap(
    roadmap_id: str,
    path: Path,
    languages: tuple[str, ...] | None,
    default: str,
    problems: list[Problem],
) -> tuple[RoadmapFile, SourceFile] | None:
    display = _display_path(path)
    source, root = _load_nodes(path, display, problems)
    if root is None:
        return None
    reader = Reader(source, languages, default)
    cls = CountryRoadmap if "/" not in roadmap_id else AuthorityRoadmap
    data = reader.read(root, cls, "")
    problems.extend(reader.problems)
    if data is INVALID:
        return None
    roadmap = RoadmapFile(roadmap_id, display, data, reader.positions)
    folder = roadmap_id.split("/")[0]
    if data.country.lower() != folder:
        problems.append(
            _at(
                roadmap,
                source,
                "country",
                f"country {data.country} does not match the folder '{folder}/'",
                f"move the file to roadmaps/{data.country.lower()}/ or fix the code",
            )
        )
    return roadmap, source


def _at(
    roadmap: RoadmapFile,
    source: SourceFile,
    field_path: str,
    message: str,
    hint: str | None = None,
    severity: Severity = Severity.ERROR,
) -> Problem:
    line, column = roadmap.position(field_path)
    return Problem(
        roadmap.path, line, column, field_path, message, hint, severity, source.line(line)
    )


def _duplicates(values: list[str]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    result = []
    for index, value in enumerate(values):
        if value in seen:
            result.append((index, value))
        seen.add(value)
    return result


def _check_roadmap(
    roadmap: RoadmapFile, source: SourceFile, outcome_ids: set[str], known_ids: set[str]
) -> list[Problem]:
    """Checks inside one file: unique ids, references to this file's bodies, dates in order."""
    data = roadmap.data
    problems: list[Problem] = []

    def at(field_path: str, message: str, hint: str | None = None) -> None:
        problems.append(_at(roadmap, source, field_path, message, hint))

    bodies = [("institutions", i, b.id) for i, b in enumerate(data.institutions)]
    bodies += [("organisations", i, b.id) for i, b in enumerate(data.organisations)]
    seen: dict[str, str] = {}
    for list_name, index, body_id in bodies:
        if body_id in seen:
            at(
                f"{list_name}[{index}].id",
                f"id '{body_id}' is already used by {seen[body_id]}",
                "institutions and organisations share one set of ids in a file",
            )
        seen.setdefault(body_id, f"{list_name}[{index}]")
    body_ids = sorted(seen)

    def check_ref(field_path: str, ref: str) -> None:
        if ref not in seen:
            hint = closest_hint(ref, body_ids) or (
                f"known ids: {', '.join(body_ids)}"
                if body_ids
                else "declare it under institutions or organisations first"
            )
            at(field_path, f"'{ref}' is not an institution or organisation of this file", hint)

    for name, items in (("dialogue", data.dialogue), ("commitments", data.commitments)):
        for index, duplicate in _duplicates([item.id for item in items]):
            at(f"{name}[{index}].id", f"id '{duplicate}' is used twice in {name}")
    for d, model in enumerate(data.dialogue):
        for p, participant in enumerate(model.participants):
            check_ref(f"dialogue[{d}].participants[{p}]", participant)
    for c, commitment in enumerate(data.commitments):
        base = f"commitments[{c}]"
        if commitment.outcome not in outcome_ids:
            at(
                f"{base}.outcome",
                f"'{commitment.outcome}' is not an outcome of the framework",
                closest_hint(commitment.outcome, sorted(outcome_ids))
                or f"outcomes: {', '.join(sorted(outcome_ids))}",
            )
        if commitment.lead:
            check_ref(f"{base}.lead", commitment.lead)
        for p, partner in enumerate(commitment.partners):
            check_ref(f"{base}.partners[{p}]", partner)
        _check_order(commitment.start, commitment.end, f"{base}.end", "start", at)
    _check_order(data.published, data.updated, "updated", "published", at)
    if isinstance(data, AuthorityRoadmap):
        partners = [t.partner for t in data.twinning if isinstance(t.partner, str)]
        for index, duplicate in _duplicates(partners):
            at(
                f"twinning[{index}].partner",
                f"a link with '{duplicate}' is already listed",
                "list each partner once",
            )
        for t, link in enumerate(data.twinning):
            _check_order(link.since, link.until, f"twinning[{t}].until", "since", at)
            if isinstance(link.partner, str):
                if link.partner == roadmap.id:
                    at(f"twinning[{t}].partner", "a local authority cannot be twinned with itself")
                elif link.partner not in known_ids:
                    at(
                        f"twinning[{t}].partner",
                        f"no roadmap '{link.partner}' on this site",
                        closest_hint(link.partner, sorted(i for i in known_ids if "/" in i))
                        or "write {name, country} for a partner without a roadmap here",
                    )
    return problems


def _check_order(
    start: Date | None,
    end: Date | None,
    field_path: str,
    start_name: str,
    at: Callable[[str, str, str], None],
) -> None:
    if start and end and end.latest() < start.earliest():
        at(
            field_path,
            f"{end} is before {start_name} {start}",
            "check both dates; the end may not come before the start",
        )


def _check_twinning(
    roadmaps: dict[str, RoadmapFile], sources: dict[str, SourceFile]
) -> list[Problem]:
    """A link between two roadmaps of the site should be declared at both ends."""
    problems: list[Problem] = []
    for roadmap in roadmaps.values():
        if not isinstance(roadmap.data, AuthorityRoadmap):
            continue
        for t, link in enumerate(roadmap.data.twinning):
            partner = link.partner
            if not isinstance(partner, RoadmapRef) or partner not in roadmaps:
                continue
            other = roadmaps[partner]
            if not isinstance(other.data, AuthorityRoadmap):
                continue
            if not any(back.partner == roadmap.id for back in other.data.twinning):
                problems.append(
                    _at(
                        roadmap,
                        sources[roadmap.path],
                        f"twinning[{t}].partner",
                        f"{other.path} does not list this link back",
                        f"add a twinning entry with partner: {roadmap.id} to {other.path}",
                        Severity.WARNING,
                    )
                )
    return problems
