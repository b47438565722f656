"""Every value is read as the type of its field, whatever YAML 1.1 would have made of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.format.model import CountryRoadmap, Date
from site_builder.load.validate import load_dataset
from tests.conftest import edit


def load(data: Path):
    report = load_dataset(data)
    assert report.dataset is not None, [p.format() for p in report.problems]
    return report.dataset


def test_no_is_norway_and_on_is_text(roadmaps) -> None:
    data = roadmaps()
    edit(
        data / "ml/country.yml",
        "partner_countries: [FR, BE, CI, ES]",
        "partner_countries: [NO, FR]",
    )
    edit(data / "ml/country.yml", "      fr: tous les cinq ans", "      fr: on")
    roadmap = load(data).roadmaps["ml"].data
    assert isinstance(roadmap, CountryRoadmap)
    assert roadmap.partner_countries == ("NO", "FR")
    assert roadmap.dialogue[0].cadence == {"en": "every five years", "fr": "on"}


@pytest.mark.parametrize("raw", ["1.10", "0755", "1:30", "yes", "null ish", "2008-03-15"])
def test_text_keeps_what_was_written(roadmaps, raw: str) -> None:
    data = roadmaps()
    edit(data / "fr/country.yml", "      en: twice a year", f"      en: {raw}")
    assert load(data).roadmaps["fr"].data.dialogue[0].cadence["en"] == raw


@pytest.mark.parametrize(
    ("raw", "expected", "precision"),
    [
        ("2008", Date(2008), "year"),
        ("2008-03", Date(2008, 3), "month"),
        ("2008-03-15", Date(2008, 3, 15), "day"),
        ('"2008-03"', Date(2008, 3), "month"),
    ],
)
def test_dates_keep_their_precision(roadmaps, raw: str, expected: Date, precision: str) -> None:
    data = roadmaps()
    edit(data / "ml/country.yml", "updated: 2008-03-15", f"updated: {raw}")
    updated = load(data).roadmaps["ml"].data.updated
    assert updated == expected and updated.precision == precision


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        ("2009-06", "2009", True),  # the year 2009 can end after June 2009
        ("2009-06", "2008", False),
        ("2009-06-15", "2009-06", True),
        ("2009-06-15", "2009-05", False),
    ],
)
def test_end_is_compared_at_both_precisions(roadmaps, start: str, end: str, ok: bool) -> None:
    data = roadmaps()
    edit(
        data / "fr/country.yml",
        "start: 2007-09\n    end: 2009-06",
        f"start: {start}\n    end: {end}",
    )
    report = load_dataset(data)
    assert (report.dataset is not None) is ok


def test_numbers_are_plain_and_not_negative(roadmaps) -> None:
    for raw, message in [
        ("0755", "not a number"),
        ("-3", "below zero"),
        ('"2"', "not a number"),
        ("1_000", "not a number"),
        ("2.5", None),
    ]:
        data = roadmaps()
        edit(data / "ml/country.yml", "matching_ratio: 2", f"matching_ratio: {raw}")
        report = load_dataset(data)
        if message is None:
            assert report.dataset is not None
            assert report.dataset.roadmaps["ml"].data.commitments[0].funding.matching_ratio == 2.5
        else:
            assert any(message in p.message for p in report.errors), raw
        import shutil

        shutil.rmtree(data)


def test_a_bare_name_is_the_same_in_every_language(contract_site: Path) -> None:
    for lang in ("fr", "ar"):
        html = (contract_site / lang / "fr" / "index.html").read_text("utf-8")
        assert "FORIM" in html
        assert '<span lang="en" dir="ltr">FORIM</span>' not in html
