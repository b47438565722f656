"""Checks inside one file (ids, references, dates, order) and across files (twinning
partners and their other end), on model objects that were read without errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from site_builder.errors import Problem, Severity, closest_hint
from site_builder.format.model import (
    AuthorityRoadmap,
    Date,
    ExternalPartner,
    RoadmapFile,
    RoadmapRef,
    Site,
)
from site_builder.format.paths import slug
from site_builder.load.convert import Reader
from site_builder.load.quality import check_twinning_agreement
from site_builder.load.source import SourceFile


def check_site(site: Site, reader: Reader) -> list[Problem]:
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
    # Language codes are case-insensitive (BCP 47): en-GB and en-gb are one language.
    for index, _code, first in _duplicates([code.lower() for code in site.languages]):
        at(
            f"languages[{index}]",
            f"language '{site.languages[index]}' is listed twice",
            f"languages[{first}] is '{site.languages[first]}' (language codes ignore case): "
            "keep one of them",
        )
    if site.default_language and site.default_language not in site.languages:
        at(
            "default_language",
            f"'{site.default_language}' is not in languages",
            "add it to languages, or remove default_language",
        )
    for index, duplicate, first in _duplicates([o.id for o in site.outcomes]):
        at(
            f"outcomes[{index}].id",
            f"outcome id '{duplicate}' is used twice",
            _twice_hint("outcomes", first, "outcome"),
        )
    for index, duplicate, first in _duplicates([g.id for g in site.outcome_groups]):
        at(
            f"outcome_groups[{index}].id",
            f"outcome group id '{duplicate}' is used twice",
            _twice_hint("outcome_groups", first, "group"),
        )
    return problems


def problem_at(
    roadmap: RoadmapFile,
    source: SourceFile,
    field_path: str,
    message: str,
    hint: str | None = None,
    severity: Severity = Severity.ERROR,
    prefix: str = "",
) -> Problem:
    """A problem at `field_path`, a path in the roadmap's data below `prefix`, a path as
    written in the file (`RoadmapFile.written`): the message names it as written."""
    line, column = roadmap.position(field_path, prefix)
    written = roadmap.written(field_path, prefix)
    return Problem(roadmap.path, line, column, written, message, hint, severity, source.line(line))


class _Read:
    """What was read of a list item left out of the model for an error in one of its
    fields (`RoadmapFile.left_out`): a field that was not read is None."""

    def __init__(self, fields: dict[str, Any]):
        self._fields = fields

    def __getattr__(self, name: str) -> Any:
        return self._fields.get(name)


def _repeats(
    entries: list[tuple[str, Any]], key: Callable[[Any], str | None]
) -> Iterator[tuple[str, Any, str]]:
    """(path, item, path of the first) for each item of `entries` ((path as written, item))
    whose `key` an item before it has; an item whose key is None (not read) is skipped."""
    first: dict[str, str] = {}
    for where, item in entries:
        value = key(item)
        if value is not None and value in first:
            yield where, item, first[value]
        elif value is not None:
            first[value] = where


def _entries(roadmap: RoadmapFile, name: str, items: Sequence[Any]) -> list[tuple[str, Any]]:
    """Each item of the list `name` of the roadmap's data, read into `items` or left out
    for an error in one of its fields (as `_Read`), with its path as written, in the
    file's order: so that an error in one item hides no problem of another."""
    entries = [(roadmap.written(f"{name}[{i}]"), item) for i, item in enumerate(items)]
    left = roadmap.left_out.get(name, {})
    entries += [(f"{name}[{i}]", _Read(fields)) for i, fields in left.items()]
    return sorted(entries, key=lambda entry: int(entry[0][len(name) + 1 : -1]))


def _duplicates(values: list[str]) -> list[tuple[int, str, int]]:
    """Each value met again: (its index, the value, the index where it was first met)."""
    first: dict[str, int] = {}
    result = []
    for index, value in enumerate(values):
        if value in first:
            result.append((index, value, first[value]))
        first.setdefault(value, index)
    return result


def _partner_key(partner: str | ExternalPartner) -> str:
    """What tells twinning partners apart: a roadmap's id, or a town without a roadmap
    here by its country and spellings (case and spacing do not count)."""
    if isinstance(partner, str):
        return partner
    spellings = sorted({_spelling(name) for name in partner.name.values()})
    return "\0".join([partner.country, *spellings])


def _link_key(link: Any) -> str | None:
    """What tells a twinning link's partner apart (`_partner_key`); None when not read."""
    return _partner_key(link.partner) if link.partner is not None else None


def _spelling(name: str) -> str:
    """A name as names are compared: case, accents, spacing and punctuation do not count
    (`Diéma` and `Diema`, `Saint-Louis` and `Saint Louis`): as its anchor does (`slug`)."""
    return slug(name)


def _partner_named(partner: str | ExternalPartner) -> str:
    """A twinning partner as a message names it: `ml/kayes`, `Dubai (AE)`."""
    if isinstance(partner, str):
        return partner
    name = next(iter(partner.name.values()), "")
    return f"{' '.join(name.split())} ({partner.country})"


def _twice_hint(list_name: str, first: int, what: str) -> str:
    return f"{list_name}[{first}] has it already: give each {what} its own id"


def check_roadmap(
    roadmap: RoadmapFile, source: SourceFile, outcome_ids: set[str], known_ids: set[str]
) -> list[Problem]:
    """Checks inside one file: unique ids, references to this file's bodies, dates in order."""
    data = roadmap.data
    problems: list[Problem] = []

    def at(where: str, message: str, hint: str | None = None) -> None:
        """A problem at `where`, a path as written in the file."""
        problems.append(problem_at(roadmap, source, "", message, hint, prefix=where))

    bodies = _entries(roadmap, "institutions", data.institutions)
    bodies += _entries(roadmap, "organisations", data.organisations)
    for where, body, first in _repeats(bodies, lambda body: body.id):
        list_name = where.partition("[")[0]
        at(
            f"{where}.id",
            f"id '{body.id}' is already used by {first}",
            f"give each {list_name[:-1]} its own id"
            if first.startswith(list_name + "[")
            else "institutions and organisations share one set of ids in a file",
        )
    body_ids = sorted({body.id for _, body in bodies if body.id is not None})

    def check_ref(where: str, ref: str) -> None:
        if ref not in body_ids:
            hint = closest_hint(ref, body_ids) or (
                f"known ids: {', '.join(body_ids)}"
                if body_ids
                else "declare it under institutions or organisations first"
            )
            at(where, f"'{ref}' is not an institution or organisation of this file", hint)

    dialogue = _entries(roadmap, "dialogue", data.dialogue)
    commitments = _entries(roadmap, "commitments", data.commitments)
    for name, entries in (("dialogue", dialogue), ("commitments", commitments)):
        what = "dialogue model" if name == "dialogue" else "commitment"
        for where, item, first in _repeats(entries, lambda item: item.id):
            at(
                f"{where}.id",
                f"id '{item.id}' is used twice in {name}",
                f"{first} has it already: give each {what} its own id"
                " (the site's addresses and links use it)",
            )
    for where, model in dialogue:
        for p, participant in enumerate(model.participants or ()):
            check_ref(roadmap.written(f".participants[{p}]", where), participant)
    for where, commitment in commitments:
        if commitment.outcome is not None and commitment.outcome not in outcome_ids:
            at(
                f"{where}.outcome",
                f"'{commitment.outcome}' is not an outcome of the framework",
                closest_hint(commitment.outcome, sorted(outcome_ids))
                or f"outcomes: {', '.join(sorted(outcome_ids))}",
            )
        if commitment.lead:
            check_ref(f"{where}.lead", commitment.lead)
        for p, partner in enumerate(commitment.partners or ()):
            check_ref(roadmap.written(f".partners[{p}]", where), partner)
        _check_order(commitment.start, commitment.end, f"{where}.end", "start", at)
    _check_order(data.published, data.updated, "updated", "published", at)
    if isinstance(data, AuthorityRoadmap):
        _check_links(roadmap, _entries(roadmap, "twinning", data.twinning), known_ids, at)
    return problems


def _check_links(
    roadmap: RoadmapFile,
    links: list[tuple[str, Any]],
    known_ids: set[str],
    at: Callable[..., None],
) -> None:
    """A local authority's twinning links, (path as written, link): each partner once, not
    itself, and a roadmap of the site."""
    for where, link, first in _repeats(links, _link_key):
        at(
            f"{where}.partner",
            f"a link with '{_partner_named(link.partner)}' is already listed",
            f"{first} is a link with it: list each partner once",
        )
    for where, link in links:
        _check_order(link.since, link.until, f"{where}.until", "since", at)
        if isinstance(link.partner, str):
            if link.partner == roadmap.id:
                at(f"{where}.partner", "a local authority cannot be twinned with itself")
            elif link.partner not in known_ids:
                at(
                    f"{where}.partner",
                    f"no roadmap '{link.partner}' on this site",
                    closest_hint(link.partner, sorted(i for i in known_ids if "/" in i))
                    or "write {name, country} for a partner without a roadmap here",
                )


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


def _external_with_a_roadmap(
    roadmap: RoadmapFile,
    t: int,
    partner: ExternalPartner,
    named: dict[tuple[str, str], RoadmapFile],
    sources: dict[str, SourceFile],
) -> list[Problem]:
    """A warning when a partner written as a town without a roadmap here is named as one
    of the site's local authorities in the same country: the link would be shown as one
    to a town apart, and neither end compared with the other."""
    for name in partner.name.values():
        other = named.get((partner.country, _spelling(name)))
        if other is not None and other.id != roadmap.id:
            return [
                problem_at(
                    roadmap,
                    sources[roadmap.path],
                    f"twinning[{t}].partner.name",
                    f"{' '.join(name.split())} ({partner.country}) has a roadmap on this site, "
                    f"{other.path}, but this link names it as a town without one",
                    f"write partner: {other.id}, so that the two roadmaps are linked",
                    Severity.WARNING,
                )
            ]
    return []


def check_twinning(
    roadmaps: dict[str, RoadmapFile],
    sources: dict[str, SourceFile],
    failed: frozenset[str] = frozenset(),
) -> list[Problem]:
    """A link between two roadmaps of the site should be declared at both ends.

    `failed` holds the paths of files with an error in their twinning entries: an entry
    that failed may be the link back, so their partners are not warned (no follow-on)."""
    problems: list[Problem] = []
    named = {  # the site's local authorities, by country and each spelling of their name
        (other.data.country, _spelling(name)): other
        for other in roadmaps.values()
        if isinstance(other.data, AuthorityRoadmap)
        for name in other.data.name.values()
    }
    for roadmap in roadmaps.values():
        if not isinstance(roadmap.data, AuthorityRoadmap):
            continue
        for t, link in enumerate(roadmap.data.twinning):
            partner = link.partner
            if isinstance(partner, ExternalPartner):
                problems.extend(_external_with_a_roadmap(roadmap, t, partner, named, sources))
                continue
            if not isinstance(partner, RoadmapRef) or partner not in roadmaps:
                continue
            other = roadmaps[partner]
            if not isinstance(other.data, AuthorityRoadmap) or other.path in failed:
                continue
            back = next(
                (b for b, entry in enumerate(other.data.twinning) if entry.partner == roadmap.id),
                None,
            )
            if back is not None and roadmap.id < other.id:
                problems.extend(
                    check_twinning_agreement(roadmap, t, other, back, sources[roadmap.path])
                )
            if back is None:
                problems.append(
                    problem_at(
                        roadmap,
                        sources[roadmap.path],
                        f"twinning[{t}].partner",
                        f"{other.path} does not list this link back",
                        f"add a twinning entry with partner: {roadmap.id} to {other.path}",
                        Severity.WARNING,
                    )
                )
    return problems
