"""Open-data records kept in the build cache (publish/records.py): a roadmap's record is
made again only when the roadmap or the builder changed, the open data is byte for byte
what a build without a cache writes, and an entry edited by hand is a miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.format.sample import write_sample
from site_builder.publish import data
from site_builder.publish.records import StoredRecords
from tests.conftest import edit, tree_digest


@pytest.fixture
def roadmaps(tmp_path: Path) -> Path:
    """Two countries of two local authorities each, in English and Arabic."""
    return write_sample(tmp_path / "roadmaps", 2, 2, ("en", "ar"))


def _open_data(
    roadmaps: Path, out: Path, cache: Path | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, str], list[str]]:
    """The digest of each file of the built site's `data/`, and the ids of the roadmaps
    whose record was made (not taken from the cache)."""
    made: list[str] = []
    record = data.roadmap_record

    def counted(roadmap):  # type: ignore[no-untyped-def]
        made.append(roadmap.id)
        return record(roadmap)

    monkeypatch.setattr(data, "roadmap_record", counted)
    options = BuildOptions(
        project=Project(roadmaps=roadmaps),
        site_dir=out,
        jobs=1,
        cache=cache is not None,
        cache_dir=cache,
        languages=("en",),
    )
    pipeline.build(options)
    return tree_digest(out / "data"), sorted(made)


def test_only_the_edited_roadmap_s_record_is_made_again_and_the_data_is_the_same(
    roadmaps: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first, made = _open_data(roadmaps, tmp_path / "s1", cache, monkeypatch)
    assert len(made) == 6  # two countries, four local authorities
    again, made = _open_data(roadmaps, tmp_path / "s2", cache, monkeypatch)
    assert made == [] and again == first
    town = next(roadmaps.glob("*/town-1.yml"))
    edit(town, "title:\n  en: ", "title:\n  en: Edited ")
    edited, made = _open_data(roadmaps, tmp_path / "s3", cache, monkeypatch)
    assert made == [f"{town.parent.name}/town-1"]
    uncached, _ = _open_data(roadmaps, tmp_path / "s4", None, monkeypatch)
    assert edited == uncached != first


def test_a_record_edited_in_the_cache_is_made_again(
    roadmaps: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first, _ = _open_data(roadmaps, tmp_path / "s1", cache, monkeypatch)
    entries = sorted((cache / "data").glob("*.json"))
    assert len(entries) == 6
    check, _, text = entries[0].read_bytes().partition(b"\n")
    entries[0].write_bytes(check + b"\n" + text.replace(b'"', b"'", 1))  # forged
    entries[1].write_bytes(check[:10])  # cut short
    again, made = _open_data(roadmaps, tmp_path / "s2", cache, monkeypatch)
    assert len(made) == 2 and again == first


def test_a_record_is_kept_for_one_builder_only(tmp_path: Path) -> None:
    class Roadmap:
        id = "ml/kayes"

    def kept(builder: str, make: str) -> str:
        store = StoredRecords(tmp_path, builder, lambda roadmap: "d1")
        return store.text(Roadmap(), lambda roadmap: make)  # type: ignore[arg-type]

    assert kept("b1", "one") == "one"
    assert kept("b1", "two") == "one"  # the same key: taken
    assert kept("b2", "three") == "three"  # another builder: made again
