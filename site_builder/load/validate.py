"""Loading and validating a roadmaps folder into a Dataset, collecting every problem.

Files are found by their place (`site.yml`, `<cc>/country.yml`, `<cc>/<slug>.yml`), read
by `source`, turned into model objects by `convert`, then checked within each file
(ids, references, dates) and across files (twinning partners and their other end).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from site_builder import collector
from site_builder.errors import Problem, sort_problems
from site_builder.format.fields import field_doc
from site_builder.format.framework import default_outcomes
from site_builder.format.model import (
    AuthorityRoadmap,
    CountryRoadmap,
    Dataset,
    RoadmapFile,
    Site,
)
from site_builder.load import gazetteer
from site_builder.load.checks import check_roadmap, check_site, check_twinning, problem_at
from site_builder.load.convert import INVALID, Reader
from site_builder.load.discover import discover, display_path, entry_kind
from site_builder.load.quality import check_ended, check_map_locations, check_texts, today
from site_builder.load.source import (
    LoadError,
    SourceFile,
    compose,
    decode_source,
    read_bytes,
    split_lines,
)
from site_builder.load.stored import StoredReads


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


_Stamp = tuple[int, int, int]
_Key = tuple[_Stamp, tuple[object, ...]]
_Entry = tuple[_Key | None, tuple[RoadmapFile, SourceFile] | None, list[Problem]]
"""A file read: the key it was read under (`_key`; None when the file was gone), the
roadmap and its source (None when it cannot be read), its problems."""


def _stamp(path: Path) -> _Stamp | None:
    """A file's size, modification time and inode; None when gone (reading it says why)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _key(stamp: _Stamp | None, settings: tuple[object, ...]) -> _Key | None:
    """A file's key in `ReadCache`: its stamp and the site's settings it is read with
    (languages, default language, the authorities' ids)."""
    return None if stamp is None else (stamp, settings)


Spread = Callable[[Callable[[list[Any]], Iterable[Any]], list[Any]], list[Any]]
"""Runs `work` over a list as `list(work(items))` would (see `ReadCache`)."""


class ReadCache:
    """Files read before, kept while unchanged: the live preview re-reads only what changed.

    A file counts as unchanged while its size, modification time and inode are the same and
    the site's languages are too. With a `store` (the build cache's `StoredReads`), a file
    not kept here is looked up there by its bytes before it is read, and kept there once
    read without a problem: a build after one roadmap's edit reads only that file.
    """

    def __init__(self, store: StoredReads | None = None, spread: Spread | None = None) -> None:
        """`spread`: how `read_all` reads many files, as `list(work(files))` would but
        perhaps in several processes at once (`app.processes.spread`); one after another
        here when None."""
        self.store = store
        self.spread = spread
        self.entries: dict[Path, _Entry] = {}

    def read_all(
        self,
        files: list[tuple[str, Path]],
        languages: tuple[str, ...] | None,
        default: str,
        problems: list[Problem],
        authorities: tuple[str, ...] = (),
    ) -> list[tuple[RoadmapFile, SourceFile] | None]:
        """Each of `files` (roadmap id, path) as `read` reads it, in order, its problems
        added to `problems` in that order; through `spread` when given."""

        settings = (languages, default, authorities)

        def work(chunk: list[tuple[str, Path]]) -> Iterator[_Entry]:
            for roadmap_id, path in chunk:
                self.read(roadmap_id, path, languages, default, [], authorities)
                # Taken out: a process that reads some of them holds one at a time.
                key, loaded, own = self.entries.pop(path)
                # The file's part of the key only: the site's part is the same for all
                # (once pickled, each file's would be a copy: 120 MB at 2000 roadmaps).
                yield (key[0] if key is not None else None), loaded, own

        entries = self.spread(work, files) if self.spread else list(work(files))
        for (_, path), (stamp, loaded, own) in zip(files, entries, strict=True):
            # Those read in another process too.
            self.entries[path] = (_key(stamp, settings), loaded, own)
            problems.extend(own)
        return [loaded for _, loaded, _ in entries]

    def read(
        self,
        roadmap_id: str,
        path: Path,
        languages: tuple[str, ...] | None,
        default: str,
        problems: list[Problem],
        authorities: tuple[str, ...] = (),
    ) -> tuple[RoadmapFile, SourceFile] | None:
        """The roadmap file at `path` read as roadmap `roadmap_id` and its source, or
        None when it cannot be read; its problems are added to `problems`."""
        key = _key(_stamp(path), (languages, default, authorities))
        cached = self.entries.get(path)
        if cached is not None and key is not None and cached[0] == key:
            problems.extend(cached[2])
            return cached[1]
        own: list[Problem] = []
        loaded = self._read(roadmap_id, path, languages, default, own, authorities)
        self.entries[path] = (key, loaded, own)
        problems.extend(own)
        return loaded

    def _read(
        self,
        roadmap_id: str,
        path: Path,
        languages: tuple[str, ...] | None,
        default: str,
        problems: list[Problem],
        authorities: tuple[str, ...],
    ) -> tuple[RoadmapFile, SourceFile] | None:
        if self.store is None:
            return _read_roadmap(roadmap_id, path, languages, default, problems, authorities)
        display = display_path(path)
        try:
            data = read_bytes(path)
            source = decode_source(data, display)
        except (OSError, LoadError):  # read again, to report it
            return _read_roadmap(roadmap_id, path, languages, default, problems, authorities)
        key = self.store.key(roadmap_id, languages, default, data)
        kept = self.store.get(key, roadmap_id, display)
        if kept is not None:
            return kept, source
        own: list[Problem] = []
        loaded = _read_roadmap(roadmap_id, path, languages, default, own, authorities, source)
        if loaded is not None and not own:  # a file with any problem is read each time
            self.store.put(key, loaded[0])
        problems.extend(own)
        return loaded


def load_dataset(root: Path, *, strict: bool = False, cache: ReadCache | None = None) -> Report:
    """Read and check everything under `root`; never raises for bad input.

    `cache` keeps files read before (the live preview passes one across rebuilds).
    """
    with collector.paused():  # reading makes many objects and almost no cycles
        return _load_dataset(root, strict, cache if cache is not None else ReadCache())


def _load_dataset(root: Path, strict: bool, cache: ReadCache) -> Report:
    problems: list[Problem] = []
    site_path = root / "site.yml"
    display = display_path(site_path)
    site, site_positions = None, {}
    if not root.is_dir():
        problems.append(
            Problem(
                display_path(root),
                1,
                1,
                "",
                "roadmaps folder not found",
                "run from the project root or pass --roadmaps DIR",
            )
        )
        return Report(None, problems)
    site_kind, refusal = (
        entry_kind(site_path, root) if os.path.lexists(site_path) else ("missing", None)
    )
    if refusal is not None or site_kind == "folder":
        problems.append(
            Problem(
                display,
                1,
                1,
                "",
                refusal or "'site.yml' is a folder, not a file",
                "site.yml is a regular file inside the roadmaps folder",
            )
        )
    elif not site_path.is_file():
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
    # A plain string: the key of every text written as one string, as a key read from
    # YAML is (a LanguageCode there would make equal texts of different types).
    default = str(site.default_language or site.languages[0]) if site else "en"
    outcomes = site.outcomes if site and site.outcomes else default_outcomes(default)

    files = discover(root, problems)
    roadmaps: dict[str, RoadmapFile] = {}
    sources: dict[str, SourceFile] = {}
    authorities = tuple(roadmap_id for roadmap_id, _ in files if "/" in roadmap_id)
    read = cache.read_all(files, languages, default, problems, authorities)
    for (roadmap_id, _), loaded in zip(files, read, strict=True):
        if loaded is not None:
            roadmaps[roadmap_id], sources[loaded[0].path] = loaded
    known_ids = {roadmap_id for roadmap_id, _ in files}
    outcome_ids = {o.id for o in outcomes}
    for roadmap in roadmaps.values():
        problems.extend(check_roadmap(roadmap, sources[roadmap.path], outcome_ids, known_ids))
    failed = frozenset(p.path for p in problems if p.is_error and p.field.startswith("twinning"))
    problems.extend(check_twinning(roadmaps, sources, failed))
    placement = gazetteer.place(roadmaps)
    problems.extend(check_map_locations(placement, sources))
    checked_on = today()
    for roadmap in roadmaps.values():  # (its texts are checked as it is read)
        problems.extend(check_ended(roadmap, sources[roadmap.path], checked_on))

    if strict:
        problems = [p.as_error() for p in problems]
    problems = sort_problems([_with_meaning(p) for p in problems])
    if site is None or any(p.is_error for p in problems):
        return Report(None, problems)
    dataset = Dataset(
        site,
        display,
        site_positions,
        roadmaps,
        tuple(outcomes),
        default_outcomes=not site.outcomes,
        places=placement.located,
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


def _load_nodes(
    path: Path, display: str, problems: list[Problem], source: SourceFile | None = None
):
    """The file's source and its nodes, or (None, None) with its problems added; `source`:
    the file as already read."""
    data = b""
    try:
        if source is None:
            data = read_bytes(path)
            source = decode_source(data, display)
        root, duplicates = compose(source)
        _add_load_errors(problems, display, source.lines, duplicates)
        return source, root
    except LoadError as exc:
        # The excerpt comes from the text already read: the file is never opened twice.
        text = (
            source.lines
            if source is not None
            else split_lines(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace"))
        )
        _add_load_errors(problems, display, text, (exc, *exc.also))
    except OSError as exc:
        problems.append(
            Problem(
                display,
                1,
                1,
                "",
                f"cannot read the file: {exc.strerror}",
                "check that the file can be read by the user who runs the build",
            )
        )
    return None, None


def _add_load_errors(
    problems: list[Problem], display: str, lines: list[str], errors: Iterable[LoadError]
) -> None:
    for error in errors:
        line = lines[error.line - 1] if 0 < error.line <= len(lines) else None
        where = (display, error.line, error.column, error.field)
        problems.append(Problem(*where, error.message, error.hint, source_line=line))


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
    site_problems = check_site(site, site_reader)
    problems.extend(site_problems)
    if any(p.is_error for p in site_problems):
        return None, {}
    return site, site_reader.positions


def _read_roadmap(
    roadmap_id: str,
    path: Path,
    languages: tuple[str, ...] | None,
    default: str,
    problems: list[Problem],
    authorities: tuple[str, ...] = (),
    source: SourceFile | None = None,
) -> tuple[RoadmapFile, SourceFile] | None:
    display = source.path if source is not None else display_path(path)
    source, root = _load_nodes(path, display, problems, source)
    if root is None:
        return None
    reader = Reader(source, languages, default)
    reader.roadmaps = authorities
    cls = CountryRoadmap if "/" not in roadmap_id else AuthorityRoadmap
    data = reader.read(root, cls, "")
    problems.extend(reader.problems)
    if data is INVALID:
        return None
    roadmap = RoadmapFile(roadmap_id, display, data, reader.positions, reader.left_out)
    folder = roadmap_id.split("/")[0]
    if data.country.lower() != folder:
        problems.append(
            problem_at(
                roadmap,
                source,
                "country",
                f"country {data.country} does not match the folder '{folder}/'",
                f"move the file to roadmaps/{data.country.lower()}/ or fix the code",
            )
        )
    problems.extend(check_texts(roadmap, source, default))
    return roadmap, source
