"""Open data that is safe to open: no formula runs in a spreadsheet from the CSV files, and
no number that JSON cannot hold (a 400-digit amount is refused when validating)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from site_builder.publish.data import _json, neutralise
from tests.conftest import edit

FORMULAS = [  # (file, text as in the contract, formula)
    ("ml/country.yml", "Matching fund for diaspora community projects", '=HYPERLINK("http://x")'),
    (
        "ml/country.yml",
        "Fonds de contrepartie pour les projets communautaires de la diaspora",
        "+1+2",
    ),
    ("ml/yelimane.yml", "Annual meeting with visiting emigrants", "@SUM(A1:A9)"),
    ("ml/yelimane.yml", "Rencontre annuelle avec les émigrés de passage", "-2+3"),
]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_start_is_prefixed_with_a_quote(start: str) -> None:
    assert neutralise(f"{start}1+2") == f"'{start}1+2"


@pytest.mark.parametrize("cell", ["a=b", "plain", "", "2008-03", 240000.0, 3, "'quoted"])
def test_other_cells_are_unchanged(cell: object) -> None:
    assert neutralise(cell) == cell


def test_csv_downloads_run_no_formula_and_the_data_page_says_so(
    roadmaps, run, tmp_path: Path
) -> None:
    folder = roadmaps()
    for name, old, formula in FORMULAS:
        edit(folder / name, old, "'" + formula.replace("'", "''") + "'")
    site = tmp_path / "site"
    result = run("build", "--quiet", "--roadmaps", folder, "--site-dir", site)
    assert result.code == 0, result.err
    cells: list[str] = []
    for name in ("commitments.csv", "twinning.csv", "dialogue.csv"):
        with (site / "data" / name).open(encoding="utf-8-sig", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for _, _, formula in FORMULAS:
        assert "'" + formula in cells, formula
    # The JSON keeps the texts as written.
    everything = (site / "data" / "roadmaps.json").read_text("utf-8")
    assert '"=HYPERLINK(\\"http://x\\")"' in everything
    for language, words in [
        ("en", "starts with an apostrophe"),
        ("fr", "commence par une apostrophe"),
        ("ar", "بفاصلة عليا"),
    ]:
        page = (site / language / "data" / "index.html").read_text("utf-8")
        assert words in page, language


def test_a_400_digit_amount_is_refused_when_validating(roadmaps, run, tmp_path: Path) -> None:
    folder = roadmaps()
    edit(folder / "fr/montreuil.yml", "amount: 240000", "amount: 1" + "0" * 400)
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    assert "fr/montreuil.yml:64:15: commitments[0].funding.amount:" in result.err
    assert "too large a number" in result.err
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", folder, "--site-dir", site).code == 1
    assert not site.exists()


@pytest.mark.parametrize(
    "written", ["12345678901234567890", "123456789012345678901234567890", "0.12345678901234567"]
)
def test_an_amount_the_site_would_not_keep_exactly_is_refused_when_validating(
    roadmaps, run, written: str
) -> None:
    """A double keeps 15 significant digits: more were shown and published changed
    (`12345678901234567890` as `12345678901234567168`), or failed the build."""
    folder = roadmaps()
    edit(folder / "fr/montreuil.yml", "amount: 240000", f"amount: {written}")
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    assert "fr/montreuil.yml:64:15: commitments[0].funding.amount:" in result.err
    assert "more significant digits than the site keeps exactly" in result.err
    assert "round it to at most 15 significant digits" in result.err


def test_a_very_large_amount_kept_exactly_is_shown_and_published_as_written(
    roadmaps, run, tmp_path: Path
) -> None:
    """Up to 1.8e308, the largest double: 10**30 failed the build (the decimal module's
    default precision), and 10**24 was published as 999999999999999983222784."""
    folder = roadmaps()
    edit(folder / "fr/montreuil.yml", "amount: 240000", "amount: 1" + "0" * 30)
    edit(folder / "ml/country.yml", "matching_ratio: 2", "matching_ratio: 1" + "0" * 24)
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", folder, "--site-dir", site).code == 0
    page = (site / "en" / "fr" / "montreuil" / "index.html").read_text("utf-8")
    assert "€1,000,000,000,000,000,000,000,000,000,000" in page
    arabic = (site / "ar" / "fr" / "montreuil" / "index.html").read_text("utf-8")
    assert "1,000,000,000,000,000,000,000,000,000,000" in arabic.replace("٬", ",")
    published = (site / "data" / "roadmaps.json").read_text("utf-8")
    assert '"amount": 1' + "0" * 30 + "," in published
    assert '"matching_ratio": 1' + "0" * 24 + "\n" in published
    with open(site / "data" / "commitments.csv", encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "1" + "0" * 30 in cells and "1" + "0" * 24 in cells


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_json_refuses_numbers_that_are_not_json(value: float) -> None:
    with pytest.raises(ValueError):
        _json({"amount": value})


def test_published_json_holds_only_finite_numbers(contract_site: Path) -> None:
    def finite(value: object) -> None:
        if isinstance(value, float):
            assert math.isfinite(value)
        elif isinstance(value, dict):
            [finite(v) for v in value.values()]
        elif isinstance(value, list):
            [finite(v) for v in value]

    text = (contract_site / "data" / "roadmaps.json").read_text("utf-8")
    assert "Infinity" not in text and "NaN" not in text
    finite(json.loads(text, parse_constant=lambda name: pytest.fail(name)))


def test_money_totals_are_exact_sums_of_the_amounts_as_written() -> None:
    """Second outside check: 10**30 and 1 in one currency and ratio summed to 10**30 (a
    sum of doubles); each amount is kept exactly, and so is their sum."""
    from site_builder.i18n.localise import Localiser
    from site_builder.views.across import exact_sum

    english = Localiser("en", "en", ("en",))
    assert english.money(exact_sum([1e30, 1.0]), "EUR") == "€1" + ",000" * 9 + ",001"
    assert english.money(exact_sum([0.1, 0.2, 1000.0]), "EUR") == "€1,000.30"
    assert exact_sum([0.1, 0.2]) == exact_sum([0.3]) and exact_sum([]) == 0
