"""Roadmap files read from the build cache (load/stored.py, load/plain.py): only changed
files are read again, the output is the same as a full build's, and a cache that is stale,
edited or broken is a miss, never an error nor a change of what is built."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.format.fields import model_fields, shape
from site_builder.format.model import (
    AuthorityRoadmap,
    CountryRoadmap,
    ExternalPartner,
    Name,
    RoadmapRef,
    Site,
    Text,
)
from site_builder.format.sample import Choices, write_sample
from site_builder.load import stored
from site_builder.load.plain import Unreadable, from_plain, to_plain
from site_builder.load.stored import StoredReads
from site_builder.load.validate import ReadCache, Report, load_dataset
from site_builder.render.memo import Digests
from site_builder.render.pages import Renderer
from tests.conftest import edit, tree_digest

LANGUAGES = ("en", "fr", "ar")


@pytest.fixture
def roadmaps(tmp_path: Path) -> Path:
    """Two countries of two local authorities each, twinned, in three languages."""
    return write_sample(tmp_path / "roadmaps", 2, 2, LANGUAGES)


def _load(roadmaps: Path, folder: Path | None, builder: str = "b1") -> tuple[Report, Any]:
    """The report of reading `roadmaps`, with the read cache in `folder` (None: none),
    and the store (its hits and misses)."""
    store = StoredReads(folder, builder) if folder else None
    return load_dataset(roadmaps, cache=ReadCache(store)), store


def _messages(report: Report) -> list[str]:
    return [problem.format() for problem in report.problems]


def _town(roadmaps: Path, country: str = "ad", town: str = "town-1") -> Path:
    return roadmaps / country / f"{town}.yml"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


# --- What is read again ---------------------------------------------------------------------


def test_a_second_read_takes_every_file_from_the_cache_and_gives_the_same(
    roadmaps: Path, tmp_path: Path
) -> None:
    fresh, _ = _load(roadmaps, None)
    cold, store = _load(roadmaps, tmp_path / "read")
    assert (store.hits, store.misses) == (0, 6)
    assert len(_entries(tmp_path / "read")) == 6  # one a roadmap
    warm, store = _load(roadmaps, tmp_path / "read")
    assert (store.hits, store.misses) == (6, 0)
    assert fresh.dataset is not None and warm.dataset is not None
    assert_same(warm.dataset.roadmaps, fresh.dataset.roadmaps)
    assert warm.dataset == fresh.dataset
    # warnings made across files (twinning ends that disagree...) at the same places
    assert warm.problems and _messages(warm) == _messages(fresh) == _messages(cold)


def test_after_an_edit_only_the_edited_file_is_read_again(roadmaps: Path, tmp_path: Path) -> None:
    _load(roadmaps, tmp_path / "read")
    edit(_town(roadmaps), "title:\n  en: ", "title:\n  en: Edited ")
    warm, store = _load(roadmaps, tmp_path / "read")
    assert (store.hits, store.misses) == (5, 1)
    fresh, _ = _load(roadmaps, None)
    assert warm.dataset is not None and fresh.dataset is not None
    assert_same(warm.dataset.roadmaps, fresh.dataset.roadmaps)
    assert str(warm.dataset.roadmaps["ad/town-1"].data.title["en"]).startswith("Edited ")
    assert len(_entries(tmp_path / "read")) == 6  # the entry replaced, not one more


def test_a_changed_language_list_reads_every_file_again(roadmaps: Path, tmp_path: Path) -> None:
    _load(roadmaps, tmp_path / "read")
    site = roadmaps / "site.yml"
    edit(site, "- ar", "- ar\n- es")
    warm, store = _load(roadmaps, tmp_path / "read")
    assert (store.hits, store.misses) == (0, 6)
    # the languages back as they were, with another default: read again too
    edit(site, "- ar\n- es", "- ar\ndefault_language: fr")
    _, store = _load(roadmaps, tmp_path / "read")
    assert (store.hits, store.misses) == (0, 6)
    fresh, _ = _load(roadmaps, None)
    warm, _ = _load(roadmaps, tmp_path / "read")
    assert warm.dataset is not None and fresh.dataset is not None
    assert_same(warm.dataset.roadmaps, fresh.dataset.roadmaps)
    assert _messages(warm) == _messages(fresh)


def test_another_builder_reads_every_file_again(roadmaps: Path, tmp_path: Path) -> None:
    _load(roadmaps, tmp_path / "read", builder="b1")
    _, store = _load(roadmaps, tmp_path / "read", builder="b2")
    assert (store.hits, store.misses) == (0, 6)
    _, store = _load(roadmaps, tmp_path / "read", builder="b2")
    assert (store.hits, store.misses) == (6, 0)


def test_a_file_moved_to_another_id_is_read_again(roadmaps: Path, tmp_path: Path) -> None:
    _load(roadmaps, tmp_path / "read")
    _town(roadmaps).rename(_town(roadmaps, town="town-9"))
    warm, store = _load(roadmaps, tmp_path / "read")
    assert store.misses == 1
    fresh, _ = _load(roadmaps, None)
    assert _messages(warm) == _messages(fresh)


# --- Problems -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("kind: ", "kind: township-"),  # a word that is not one of the kind's
        ("title:\n  en: ", "title:\n  en: {"),  # a YAML syntax error
        ("country: AD", "country: FR"),  # the country of another folder
    ],
)
def test_a_file_with_an_error_reports_it_in_full_from_a_warm_cache(
    roadmaps: Path, tmp_path: Path, old: str, new: str
) -> None:
    _load(roadmaps, tmp_path / "read")
    edit(_town(roadmaps), old, new)
    fresh, _ = _load(roadmaps, None)
    for _ in range(2):  # the build that finds the error, then the next one
        warm, store = _load(roadmaps, tmp_path / "read")
        assert warm.dataset is None
        assert store.misses == 1  # never kept: read again each time
        assert _messages(warm) == _messages(fresh)
    error = next(p for p in warm.errors if p.path.endswith("town-1.yml"))
    shown = error.format()
    assert f"{error.path}:{error.line}:{error.column}: " in shown
    assert error.source_line and error.source_line.strip() in shown
    assert error.hint and f"hint: {error.hint}" in shown


def test_a_warning_about_a_file_alone_is_reported_from_a_warm_cache(
    roadmaps: Path, tmp_path: Path
) -> None:
    """A text left as a placeholder (`quality.check_texts`, run as the file is read): the
    file is never kept, and the warning is made again each time, at its place."""
    _load(roadmaps, tmp_path / "read")
    edit(_town(roadmaps), "title:\n  en: ", "title:\n  en: TODO ")
    fresh, _ = _load(roadmaps, None)
    for _ in range(2):
        warm, store = _load(roadmaps, tmp_path / "read")
        assert store.misses == 1 and warm.dataset is not None
        assert _messages(warm) == _messages(fresh)
    (warning,) = [p for p in warm.warnings if "placeholder" in p.message]
    assert warning.path.endswith("ad/town-1.yml") and warning.field == "title.en"
    assert warning.source_line is not None and "TODO" in warning.source_line


def test_an_error_found_across_files_points_where_a_fresh_read_does(
    roadmaps: Path, tmp_path: Path
) -> None:
    _load(roadmaps, tmp_path / "read")
    # ad/town-1's partner loses its roadmap: reported in ad/town-1, read from the cache
    partner = next(p for p in roadmaps.glob("*/town-1.yml") if p.parent.name != "ad")
    twins = [line for line in _town(roadmaps).read_text("utf-8").splitlines() if "partner:" in line]
    assert any(partner.parent.name in line for line in twins)
    partner.unlink()
    warm, store = _load(roadmaps, tmp_path / "read")
    fresh, _ = _load(roadmaps, None)
    assert store.hits >= 1 and warm.errors
    assert _messages(warm) == _messages(fresh)
    assert any(p.path.endswith("ad/town-1.yml") and p.source_line for p in warm.errors)


# --- A cache that is not as written ---------------------------------------------------------


def _forge(entry: Path, key: str, payload: bytes) -> None:
    """Write an entry whose check is right for `payload`, as only another builder would."""
    entry.write_bytes(stored._check(key, payload) + b"\n" + payload)


def _entry_and_key(roadmaps: Path, folder: Path) -> tuple[Path, str, dict[str, Any]]:
    """The entry of ad/town-1, its key, and its JSON."""
    store = StoredReads(folder, "b1")
    data = _town(roadmaps).read_bytes()
    key = store.key("ad/town-1", LANGUAGES, "en", data)
    entry = store._path("ad/town-1")
    return entry, key, json.loads(entry.read_bytes().partition(b"\n")[2])


def _with(plain: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    changed = json.loads(json.dumps(plain))
    target = changed
    for part in path[:-1]:
        target = target[part]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


_DELETE = object()

FORGED = {
    "data is a list": (["data"], []),
    "an unknown field": (["data", "colour"], "blue"),
    "a required field missing": (["data", "kind"], _DELETE),
    "a word not among the field's": (["data", "kind"], "township"),
    "a number as text": (["data", "commitments", 0, "funding", "amount"], "240000"),
    "a date that is no date": (["data", "published"], "2006-13"),
    "a date written another way": (["data", "published"], "2006-1"),
    "a text of numbers": (["data", "summary"], {"en": 1}),
    "an empty text": (["data", "summary"], {}),
    "a text attribute the class lacks": (["data", "summary"], [{"en": "x"}, {"neutral": True}]),
    "a text attribute of another type": (["data", "name"], [{"en": "x"}, {"neutral": "yes"}]),
    "a text attribute that is a method": (["data", "name"], [{"en": "x"}, {"copy": True}]),
    "a union option out of range": (["data", "twinning", 0, "partner"], [7, "ad/town-0"]),
    "a union without its option": (["data", "twinning", 0, "partner"], "ad/town-0"),
    "a list that is a mapping": (["data", "commitments"], {}),
    "a boolean as a number": (["data", "organisations", 0, "women_led"], 2),
    "an infinite number": (["data", "commitments", 0, "funding", "amount"], 1e999),
    "a position that is text": (["places", 0], "1"),
    "positions of another length": (["places"], [1, 2, 3]),
    "a field path that is a number": (["fields", 0], 7),
    "no positions": (["fields"], _DELETE),
}


@pytest.mark.parametrize("case", FORGED)
def test_an_entry_that_does_not_decode_to_the_model_is_a_miss(
    roadmaps: Path, tmp_path: Path, case: str
) -> None:
    folder = tmp_path / "read"
    fresh, _ = _load(roadmaps, folder)
    entry, key, plain = _entry_and_key(roadmaps, folder)
    path, value = FORGED[case]
    forged = _with(plain, path, value)
    assert forged != plain
    _forge(entry, key, json.dumps(forged).encode())
    warm, store = _load(roadmaps, folder)
    assert (store.hits, store.misses) == (5, 1)
    assert warm.dataset is not None and fresh.dataset is not None
    assert_same(warm.dataset.roadmaps, fresh.dataset.roadmaps)
    _, store = _load(roadmaps, folder)
    assert (store.hits, store.misses) == (6, 0)  # written again when read again


def _edited_value(entry: bytes) -> bytes:
    return entry.replace(b"en title", b"en tilte", 1)


TAMPERED = {
    "a value edited": _edited_value,
    "garbage": lambda entry: b"\x00\xff garbage \x80" * 100,
    "cut short": lambda entry: entry[: len(entry) // 2],
    "empty": lambda entry: b"",
    "the check alone": lambda entry: entry.partition(b"\n")[0],
    "JSON of another shape": lambda entry: b'{"data": null}',
    "nested deeper than the decoder goes": lambda entry: (
        entry.partition(b"\n")[0] + b"\n" + b"[" * 100_000
    ),
}


@pytest.mark.parametrize("case", TAMPERED)
def test_a_tampered_entry_is_a_miss(roadmaps: Path, tmp_path: Path, case: str) -> None:
    folder = tmp_path / "read"
    fresh, _ = _load(roadmaps, folder)
    entry, _, _ = _entry_and_key(roadmaps, folder)
    changed = TAMPERED[case](entry.read_bytes())
    assert changed != entry.read_bytes()
    entry.write_bytes(changed)
    warm, store = _load(roadmaps, folder)
    assert (store.hits, store.misses) == (5, 1)
    assert warm.dataset is not None and fresh.dataset is not None
    assert_same(warm.dataset.roadmaps, fresh.dataset.roadmaps)
    assert _messages(warm) == _messages(fresh)


def test_an_entry_that_is_a_folder_or_unwritable_is_a_miss(roadmaps: Path, tmp_path: Path) -> None:
    folder = tmp_path / "read"
    _load(roadmaps, folder)
    entry, _, _ = _entry_and_key(roadmaps, folder)
    entry.unlink()
    entry.mkdir()
    warm, store = _load(roadmaps, folder)
    assert (store.hits, store.misses) == (5, 1)
    assert warm.dataset is not None
    # a cache folder that is a file: every file read, nothing kept, no error
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    report, store = _load(roadmaps, blocked)
    assert report.dataset is not None and store.misses == 6


@pytest.mark.parametrize("kind", ["fifo", "device", "too large"])
def test_an_entry_that_is_no_regular_file_is_a_miss_never_waited_on(
    roadmaps: Path, tmp_path: Path, kind: str
) -> None:
    import os
    import signal

    folder = tmp_path / "read"
    _load(roadmaps, folder)
    entry, _, _ = _entry_and_key(roadmaps, folder)
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)  # reading it would wait for a writer forever
    elif kind == "device":
        entry.symlink_to("/dev/zero")  # endless
    else:
        with entry.open("wb") as handle:
            handle.truncate(stored.MAX_ENTRY_BYTES + 1)
    signal.alarm(20)  # fail rather than hang
    try:
        warm, store = _load(roadmaps, folder)
    finally:
        signal.alarm(0)
    assert (store.hits, store.misses) == (5, 1)
    assert warm.dataset is not None


# --- Whole builds ---------------------------------------------------------------------------


def _project(tmp_path: Path, roadmaps: Path) -> Project:
    return Project(roadmaps=roadmaps, docs=tmp_path / "docs", themes=tmp_path / "themes")


def test_a_warm_build_after_one_edit_equals_a_full_build_and_reads_one_file(
    roadmaps: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading of each file is recorded in a file: the reader runs in a child process."""
    from site_builder.load import validate

    log = tmp_path / "files-read"
    read = validate._read_roadmap

    def logged(roadmap_id: str, *args: Any, **kwargs: Any) -> Any:
        with log.open("a") as handle:
            handle.write(roadmap_id + "\n")
        return read(roadmap_id, *args, **kwargs)

    monkeypatch.setattr(validate, "_read_roadmap", logged)
    project = _project(tmp_path, roadmaps)
    cached = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=1)
    pipeline.build(cached)
    assert len(log.read_text().split()) == 6
    entries = _entries(tmp_path / ".site-cache" / "read")
    assert len(entries) == 6
    edit(_town(roadmaps), "title:\n  en: ", "title:\n  en: Edited ")
    log.unlink()
    pipeline.build(cached)
    assert log.read_text().split() == ["ad/town-1"]
    full = BuildOptions(project=project, site_dir=tmp_path / "full", jobs=1, cache=False)
    pipeline.build(full)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "full")
    page = tmp_path / "site" / "en" / "ad" / "town-1" / "index.html"
    assert "Edited " in page.read_text("utf-8")
    # tampered entries: the same site again
    entries[0].write_bytes(b"garbage")
    entries[1].write_bytes(_edited_value(entries[1].read_bytes()))
    pipeline.build(cached)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "full")


def test_roadmaps_from_the_cache_reuse_the_pages_rendered_from_their_files(
    roadmaps: Path, tmp_path: Path
) -> None:
    """The render memo (render/memo.py) digests equal data alike, however it was read."""
    project = _project(tmp_path, roadmaps)
    fresh, _ = _load(roadmaps, tmp_path / "read")
    warm, store = _load(roadmaps, tmp_path / "read")
    assert store.hits == 6 and fresh.dataset is not None and warm.dataset is not None
    for roadmap_id, roadmap in fresh.dataset.roadmaps.items():
        again = warm.dataset.roadmaps[roadmap_id]
        assert Digests(fresh.dataset).roadmap(roadmap) == Digests(warm.dataset).roadmap(again)
    memo = tmp_path / "memo"
    for dataset in (fresh.dataset, warm.dataset):
        context = pipeline.prepare(project, dataset)
        renderer = Renderer(context, "fr", project.docs_layers, None, (memo, "b1"))
        renderer.render()
        assert renderer.memo is not None
        renderer.memo.save()
    assert renderer.memo.rendered == []


# --- The plain form covers the whole model --------------------------------------------------


class _Nothing(Choices):
    """No optional field, no translation, empty lists."""

    def include(self, path: str) -> bool:
        return False

    def length(self, path: str) -> int:
        return 0


class _Everything(Choices):
    def length(self, path: str) -> int:
        return 3


def _samples(tmp_path: Path, choices: Choices) -> list[Any]:
    """The datasets of two samples: three countries, whose local authorities are twinned
    with each other (partners by roadmap id), and one, whose partners have no roadmap."""
    datasets = []
    for countries in (3, 1):
        folder = write_sample(tmp_path / str(countries), countries, 3, LANGUAGES, choices=choices)
        report = load_dataset(folder)
        assert report.dataset is not None, [p.format() for p in report.errors]
        datasets.append(report.dataset)
    return datasets


@pytest.mark.parametrize("choices", [_Everything(), _Nothing()], ids=["filled", "left-out"])
def test_every_model_object_comes_back_from_its_plain_form_as_it_was(
    tmp_path: Path, choices: Choices
) -> None:
    for dataset in _samples(tmp_path, choices):
        values: list[tuple[Any, Any]] = [(dataset.site, Site)]
        for roadmap in dataset.roadmaps.values():
            values.append((roadmap.data, type(roadmap.data)))
        for value, annotation in values:
            plain = json.loads(json.dumps(to_plain(value, annotation)))
            assert_same(from_plain(plain, annotation), value)


def test_a_full_sample_fills_every_field_and_both_kinds_of_name(tmp_path: Path) -> None:
    """What the round trip above covers: every field of every model class holds a value
    other than its default somewhere, both options of a union are taken, and names are
    written both ways (one string for all languages, or one per language)."""
    filled: set[tuple[type, str]] = set()
    kinds: set[Any] = set()

    def walk(value: Any) -> None:
        if dataclasses.is_dataclass(value):
            for spec in dataclasses.fields(value):
                inner = getattr(value, spec.name)
                if inner is not None and inner != ():
                    filled.add((type(value), spec.name))
                walk(inner)
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        if isinstance(value, Name):
            kinds.add(("neutral", bool(vars(value))))
        kinds.add(type(value))

    for dataset in _samples(tmp_path, _Everything()):
        walk(dataset.site)
        for roadmap in dataset.roadmaps.values():
            walk(roadmap.data)
    expected = {
        (cls, name)
        for cls in _model_classes(Site, CountryRoadmap, AuthorityRoadmap)
        for name in model_fields(cls)
    }
    assert expected - filled == set()
    assert {RoadmapRef, ExternalPartner, ("neutral", True), ("neutral", False)} <= kinds


def _model_classes(*roots: type) -> set[type]:
    found: set[type] = set()

    def visit(annotation: Any) -> None:
        kind = shape(annotation)
        if kind.kind == "object" and kind.cls not in found:
            found.add(kind.cls)
            for spec in model_fields(kind.cls).values():
                visit(spec.type)
        elif kind.kind == "list":
            visit(kind.item)
        elif kind.kind == "union":
            for option in kind.options:
                visit(option)

    for root in roots:
        visit(root)
    return found


def test_a_value_that_does_not_fit_its_field_is_not_written() -> None:
    with pytest.raises(TypeError):
        to_plain("not a roadmap", CountryRoadmap)
    with pytest.raises(Unreadable):
        from_plain({"name": "x"}, AuthorityRoadmap)  # required fields missing


def assert_same(actual: Any, expected: Any, path: str = "") -> None:
    """Equal, of the same types throughout (a text's keys and values too), with the same
    attributes (a name's `neutral`): what `==` does not look at."""
    assert type(actual) is type(expected), f"{path}: {type(actual)} != {type(expected)}"
    if dataclasses.is_dataclass(expected):
        for spec in dataclasses.fields(expected):
            assert_same(
                getattr(actual, spec.name), getattr(expected, spec.name), path + "." + spec.name
            )
    elif isinstance(expected, dict):
        assert list(actual) == list(expected), path
        assert [type(k) for k in actual] == [type(k) for k in expected], path
        for key in expected:
            assert_same(actual[key], expected[key], f"{path}[{key!r}]")
        if isinstance(expected, Text):
            assert vars(actual) == vars(expected), path
    elif isinstance(expected, tuple | list):
        assert len(actual) == len(expected), path
        for index, (one, other) in enumerate(zip(actual, expected, strict=True)):
            assert_same(one, other, f"{path}[{index}]")
    else:
        assert actual == expected, path
        assert vars(actual) == vars(expected) if hasattr(expected, "__dict__") else True, path


def test_the_comparison_sees_what_equality_does_not() -> None:
    neutral = Name({"en": "Kayes"})
    neutral.neutral = True
    with pytest.raises(AssertionError):
        assert_same(Name({"en": "Kayes"}), neutral)
    assert Name({"en": "Kayes"}) == neutral
    with pytest.raises(AssertionError):
        assert_same(Text({"en": "x"}), Name({"en": "x"}))


def test_an_entry_is_json_named_by_the_roadmap(roadmaps: Path, tmp_path: Path) -> None:
    _load(roadmaps, tmp_path / "read")
    entry = tmp_path / "read" / f"{hashlib.sha256(b'ad/town-1').hexdigest()[:40]}.json"
    check, _, payload = entry.read_bytes().partition(b"\n")
    assert len(check) == 64
    assert set(json.loads(payload)) == {"data", "fields", "places"}


# --- Read by two processes ------------------------------------------------------------------


@pytest.mark.parametrize("broken", [False, True])
def test_files_read_by_two_processes_give_what_one_process_reads(
    roadmaps: Path, tmp_path: Path, broken: bool
) -> None:
    """The build's read (`ReadCache` with `spread`: a fork reads the second half of the
    files): the same dataset and the same messages, in the same order, as one process,
    with or without the build cache, and with errors and warnings in files of both
    halves; the files read in the fork are kept in this process's cache too."""
    from site_builder.app.processes import spread

    if broken:
        edit(_town(roadmaps, "ad", "town-0"), "title:\n  en: ", "title:\n  en: TODO ")
        edit(_town(roadmaps, "ae", "town-1"), "title:\n", "title: [\n")
    alone = load_dataset(roadmaps, cache=ReadCache())
    for folder in (None, tmp_path / "read", tmp_path / "read"):  # no cache, cold, warm
        cache = ReadCache(StoredReads(folder, "b1") if folder else None, spread)
        both = load_dataset(roadmaps, cache=cache)
        assert _messages(both) == _messages(alone)
        assert both.dataset == alone.dataset
        assert (both.dataset is None) is broken
        assert sorted(cache.entries) == sorted(roadmaps.glob("*/*.yml"))
    assert any("placeholder" in m for m in _messages(alone)) is broken
