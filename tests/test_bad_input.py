"""Bad input fails `validate` and `build` with file, line and field, and leaves the site alone.

Each case edits one file of a copy of the contract's roadmaps. The expected line is the
line the edit lands on, so the cases stay right when the fixture changes.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, edit, tree_digest


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    old: str
    new: str
    field: str
    message: str  # a regular expression the message must match
    hint: str | None = None
    line_offset: int = 0  # when the problem is reported on a line after the edit's first
    line: int | None = None  # when it is reported elsewhere (a missing field: its mapping)


CASES = [
    Case(
        "duplicate-key",
        "ml/country.yml",
        "role: origin\n",
        "role: origin\nrole: destination\n",
        "",
        "duplicate key 'role'",
        "already set on line",
        line_offset=1,
    ),
    Case(
        "unknown-field",
        "ml/country.yml",
        "partner_countries:",
        "partner_countrys:",
        "partner_countrys",
        "unknown field 'partner_countrys'",
        "did you mean 'partner_countries'",
    ),
    Case(
        "wrong-enumeration",
        "ml/country.yml",
        "    kind: ministry",
        "    kind: ministery",
        "institutions[0].kind",
        "'ministery' is not one of ministry",
        "did you mean 'ministry'",
    ),
    Case(
        "dangling-lead",
        "ml/country.yml",
        "    lead: mme",
        "    lead: mmee",
        "commitments[0].lead",
        "'mmee' is not an institution or organisation of this file",
        "did you mean 'mme'",
    ),
    Case(
        "dangling-participant",
        "ml/country.yml",
        "participants: [mme, hcme,",
        "participants: [mme, hcm,",
        "dialogue[0].participants[1]",
        "'hcm' is not an institution",
    ),
    Case(
        "dangling-outcome",
        "ml/country.yml",
        "outcome: monitoring",
        "outcome: monitorin",
        "commitments[1].outcome",
        "'monitorin' is not an outcome",
        "did you mean 'monitoring'",
    ),
    Case(
        "dangling-twinning-partner",
        "fr/montreuil.yml",
        "partner: ml/yelimane",
        "partner: ml/yelimanee",
        "twinning[0].partner",
        "no roadmap 'ml/yelimanee' on this site",
        "did you mean 'ml/yelimane'",
    ),
    Case(
        "malformed-date",
        "ml/country.yml",
        "updated: 2008-03-15",
        "updated: 2008-3-15",
        "updated",
        "'2008-3-15' is not a date",
        "YYYY-MM",
    ),
    Case(
        "impossible-date",
        "ml/country.yml",
        "updated: 2008-03-15",
        "updated: 2008-02-30",
        "updated",
        "is not a day of the calendar",
        "February 2008 has 29 days",
    ),
    Case(
        "end-before-start",
        "fr/country.yml",
        "end: 2009-06",
        "end: 2006",
        "commitments[1].end",
        "2006 is before start 2007-09",
    ),
    Case(
        "unknown-language",
        "ml/country.yml",
        "      fr: Nombre de projets cofinancés",
        "      de: Anzahl der Projekte",
        "commitments[0].indicators[0].de",
        "'de' is not a language of the site",
    ),
    Case(
        "lower-case-country",
        "ml/country.yml",
        "partner_countries: [FR, BE, CI, ES]",
        "partner_countries: [FR, be, CI, ES]",
        "partner_countries[1]",
        "'be' is not a valid country code",
        "upper case: BE",
    ),
    Case(
        "folder-and-country-disagree",
        "be/country.yml",
        "country: BE",
        "country: FR",
        "country",
        "country FR does not match the folder 'be/'",
    ),
    Case(
        "duplicate-id",
        "ml/country.yml",
        "  - id: hcme",
        "  - id: mme",
        "institutions[1].id",
        "id 'mme' is already used by institutions\\[0\\]",
    ),
    Case(
        "missing-required",
        "ml/country.yml",
        "role: origin\n",
        "",
        "role",
        "required field 'role' is missing",
        "add 'role:'",
        line=2,
    ),
    Case(
        "empty-value",
        "ml/country.yml",
        "updated: 2008-03-15",
        "updated:",
        "updated",
        "value is empty",
    ),
    Case(
        "anchor",
        "ml/country.yml",
        "partner_countries: [FR, BE, CI, ES]",
        "partner_countries: &c [FR, BE, CI, ES]",
        "",
        "YAML anchors \\(&c\\) are not allowed",
    ),
    Case(
        "field-of-the-other-kind-of-roadmap",
        "fr/montreuil.yml",
        "country: FR\n",
        "country: FR\nrole: origin\n",
        "role",
        "unknown field 'role'",
        "'role' is a field of a country's roadmap",
        line_offset=1,
    ),
    Case(
        "duplicate-commitment-id",
        "ml/country.yml",
        "  - id: forum-follow-up",
        "  - id: matching-fund",
        "commitments[1].id",
        "id 'matching-fund' is used twice in commitments",
        "commitments[0] has it already: give each commitment its own id",
    ),
    Case(
        "duplicate-language",
        "site.yml",
        "languages: [en, fr, ar]",
        "languages: [en, fr, ar, fr]",
        "languages[3]",
        "language 'fr' is listed twice",
        "languages[1] is 'fr'",
    ),
    Case(
        "duplicate-partner-after-a-partner-without-a-roadmap",
        "fr/montreuil.yml",
        "    since: 1959\n    status: dormant\n",
        "    since: 1959\n    status: dormant\n"
        "  - partner: ml/yelimane\n    kind: town-twinning\n    status: active\n",
        "twinning[2].partner",  # the list's own index, not one among partners on the site
        "a link with 'ml/yelimane' is already listed",
        "twinning[0] is a link with it",
        line_offset=2,
    ),
    Case(
        "duplicate-partner-without-a-roadmap",
        "fr/montreuil.yml",
        "    since: 1959\n    status: dormant\n",
        "    since: 1959\n    status: dormant\n"
        "  - partner: {name: ' cottbus', country: DE}\n    kind: partnership\n"
        "    status: active\n",
        "twinning[2].partner",
        "a link with 'cottbus \\(DE\\)' is already listed",
        "twinning[1] is a link with it",
        line_offset=2,
    ),
    Case(
        # Names that make the same anchor on the page (outside check: Diéma and Diema
        # gave two elements with one id, and validation said nothing).
        "duplicate-partner-spelt-with-other-accents-or-punctuation",
        "fr/montreuil.yml",
        "    since: 1959\n    status: dormant\n",
        "    since: 1959\n    status: dormant\n"
        "  - partner: {name: 'Cöttbus!', country: DE}\n    kind: partnership\n"
        "    status: active\n",
        "twinning[2].partner",
        "a link with 'Cöttbus! \\(DE\\)' is already listed",
        "twinning[1] is a link with it",
        line_offset=2,
    ),
    Case(
        "duplicate-outcome-group",
        "site.yml",
        "languages: [en, fr, ar]\n",
        "languages: [en, fr, ar]\noutcome_groups:\n  - id: local\n    title: Local\n"
        "  - id: local\n    title: Again\n",
        "outcome_groups[1].id",
        "outcome group id 'local' is used twice",
        "outcome_groups[0] has it already",
        line_offset=4,
    ),
    Case(
        "language-code-in-upper-case",
        "site.yml",
        "languages: [en, fr, ar]",
        "languages: [en, FR, ar]",
        "languages[1]",
        "'FR' is not a valid language code",
        "write the language in lower case: fr",
    ),
    Case(
        "boolean-yes",
        "ml/country.yml",
        "women_led: true",
        "women_led: yes",
        "organisations[1].women_led",
        "'yes' is not true or false",
    ),
]


def _expected_line(original: str, case: Case) -> int:
    if case.line is not None:
        return case.line
    return original.count("\n", 0, original.index(case.old)) + 1 + case.line_offset


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported_and_leaves_the_site(
    case: Case, roadmaps, run, tmp_path: Path, contract_site: Path
) -> None:
    data = roadmaps()
    target = data / case.file
    line = _expected_line(target.read_text("utf-8"), case)
    edit(target, case.old, case.new)
    site = tmp_path / "site"
    shutil.copytree(contract_site, site)
    before = tree_digest(site)

    checked = run("validate", "--roadmaps", data)
    built = run("build", "--roadmaps", data, "--site-dir", site)

    field = f"{case.field}: " if case.field else ""
    pattern = rf"^{re.escape(str(target))}:{line}:\d+: {re.escape(field)}.*{case.message}"
    for result in (checked, built):
        assert result.code == 1
        assert re.search(pattern, result.err, re.MULTILINE), result.err
        if case.hint:
            assert "hint: " in result.err and case.hint in result.err
        assert "Traceback" not in result.err
    assert tree_digest(site) == before
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".site.build")) == []


def test_all_problems_of_all_files_are_reported_sorted(roadmaps, run) -> None:
    data = roadmaps()
    edit(data / "ml/country.yml", "    kind: council", "    kind: councel")
    edit(data / "ml/country.yml", "partner_countries:", "partner_countrys:")
    edit(data / "fr/montreuil.yml", "status: dormant", "status: asleep")
    edit(data / "be/country.yml", "published: 2007-06", "published: June 2007")
    result = run("validate", "--roadmaps", data)
    assert result.code == 1
    headlines = [line for line in result.err.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    # Four errors, and the contract's own warning (Yélimané's summary is in French only).
    assert len(headlines) == 5 and sum("warning:" in h for h in headlines) == 1
    keys = [(h.split(":")[0], int(h.split(":")[1])) for h in headlines]
    assert keys == sorted(keys)
    assert "4 error(s), 1 warning(s) in 4 file(s)" in result.err


def test_one_syntax_error_per_file_and_other_files_still_checked(roadmaps, run) -> None:
    data = roadmaps()
    edit(data / "ml/yelimane.yml", "kind: district", "kind: [district")
    edit(data / "be/country.yml", "role: destination", "role: host")
    result = run("validate", "--roadmaps", data)
    assert result.code == 1
    assert re.search(r"ml/yelimane\.yml:\d+:\d+: YAML syntax error", result.err)
    assert re.search(r"be/country\.yml:3:7: role: 'host' is not one of", result.err)
    assert result.err.count("YAML syntax error") == 1


def test_one_sided_twinning_is_a_warning_and_an_error_when_strict(roadmaps, run, tmp_path) -> None:
    data = roadmaps()
    text = (data / "ml/yelimane.yml").read_text("utf-8")
    start = text.index("twinning:")
    end = text.index("dialogue:")
    (data / "ml/yelimane.yml").write_text(text[:start] + text[end:], "utf-8")

    relaxed = run("validate", "--roadmaps", data)
    assert relaxed.code == 0
    assert re.search(
        r"fr/montreuil\.yml:16:14: warning: twinning\[0\]\.partner: "
        r"\S*ml/yelimane\.yml does not list this link back",
        relaxed.err,
    )
    strict = run("validate", "--strict", "--roadmaps", data)
    assert strict.code == 1
    assert "fr/montreuil.yml:16:14: twinning[0].partner:" in strict.err
    site = tmp_path / "site"
    assert run("build", "--strict", "--roadmaps", data, "--site-dir", site).code == 1
    assert not site.exists()
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    # The link shows at both ends even though only one declares it, flagged as one-sided.
    yelimane = (site / "en/ml/yelimane/index.html").read_text("utf-8")
    assert "Montreuil" in yelimane and "Only the partner" in yelimane


@pytest.mark.parametrize(
    "partner",
    [
        "{name: Montreuil, country: FR}",
        "{name: '  montreuil ', country: FR}",
        "{name: {en: Montreuil, fr: MONTREUIL}, country: FR}",
    ],
)
def test_a_partner_written_as_a_town_apart_that_has_a_roadmap_here_is_a_warning(
    roadmaps, run, partner: str
) -> None:
    """Written as a town without a roadmap, the link would be shown as one to a town
    apart and neither end compared: the warning names the roadmap and how to link it."""
    data = roadmaps()
    edit(data / "ml/yelimane.yml", "  - partner: fr/montreuil", f"  - partner: {partner}")
    relaxed = run("validate", "--roadmaps", data)
    assert relaxed.code == 0
    assert re.search(
        r"ml/yelimane\.yml:14:\d+: warning: twinning\[0\]\.partner\.name: (?i:montreuil) \(FR\) "
        r"has a roadmap on this site, \S*fr/montreuil\.yml, but this link names it as a town "
        r"without one",
        relaxed.err,
    ), relaxed.err
    assert "write partner: fr/montreuil, so that the two roadmaps are linked" in relaxed.err
    assert run("validate", "--strict", "--roadmaps", data).code == 1


@pytest.mark.parametrize(
    "partner",
    ["{name: Montreuil, country: BE}", "{name: Montreuil-sous-Bois, country: FR}"],
)
def test_a_town_apart_in_another_country_or_of_another_name_is_not_warned(
    roadmaps, run, partner: str
) -> None:
    data = roadmaps()
    edit(data / "ml/yelimane.yml", "  - partner: fr/montreuil", f"  - partner: {partner}")
    result = run("validate", "--roadmaps", data)
    assert "has a roadmap on this site" not in result.err


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("    kind: decentralised-cooperation", "    kind: decentralized-cooperation", "kind"),
        ("  - partner: fr/montreuil", "  - partner: fr/montreuill", "partner"),
    ],
    ids=["kind-misspelt", "partner-misspelt"],
)
def test_an_error_at_one_end_of_a_twinning_link_gives_no_follow_on_warning(
    roadmaps, run, old: str, new: str, field: str
) -> None:
    data = roadmaps()
    edit(data / "ml/yelimane.yml", old, new)
    result = run("validate", "--roadmaps", data)
    assert result.code == 1
    assert re.search(rf"ml/yelimane\.yml:\d+:\d+: twinning\[0\]\.{field}: ", result.err)
    assert "does not list this link back" not in result.err
    assert "add a twinning entry" not in result.err


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("ML/Kayes", "did you mean 'ml/kayes'?"),
        ("ml_kayes", "did you mean 'ml/kayes'?"),
        ("ml/kayes.yml", "did you mean 'ml/kayes'?"),
        ("ml/kaye", "did you mean 'ml/kayes'?"),
        ("ml/yelimane", "write {name, country} for a partner without a roadmap here"),
        ("Yelimane!", "write the folder and file name of the partner's roadmap: cc/slug"),
    ],
)
def test_partner_hints_name_only_roadmaps_of_this_site(
    roadmaps, run, written: str, hint: str
) -> None:
    data = roadmaps(PROJECT_ROOT / "roadmaps")
    assert not (data / "ml/yelimane.yml").exists()
    edit(data / "fr/lille.yml", "  - partner: ml/kayes", f"  - partner: {written}")
    result = run("validate", "--roadmaps", data)
    assert result.code == 1
    assert f"hint: {hint}" in result.err, result.err
    hints = [line for line in result.err.splitlines() if line.strip().startswith("hint:")]
    assert not any("yelimane" in line for line in hints)


def test_a_misspelt_field_is_never_taken_for_one_the_mapping_has_already(roadmaps, run) -> None:
    """`colour` is close to `country`, which the file sets: suggesting it would lead the
    author to write `country` twice."""
    data = roadmaps()
    edit(data / "fr/montreuil.yml", "country: FR\n", "country: FR\ncolour: blue\n")
    result = run("validate", "--roadmaps", data)
    assert result.code == 1 and "unknown field 'colour'" in result.err
    assert "did you mean 'country'" not in result.err


def _site_of(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "small"
    for name, text in {"site.yml": "title: T\nlanguages: [en]\n", **files}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")
    return folder


COMMITMENTS_WITH_AN_ERROR = """country: "NO"
role: origin
title: T
commitments:
  - id: a
    title: t
    outcome: dialogue
    status: planned
  - id: a
    title: u
    outcome: no-such-outcome
    status: done
"""


def test_a_list_item_with_an_error_still_has_its_ids_and_references_checked(
    run, tmp_path: Path
) -> None:
    """An item with an error in a required field is left out of the model; its other
    fields are checked all the same, in the same run (outside check)."""
    folder = _site_of(tmp_path, {"no/country.yml": COMMITMENTS_WITH_AN_ERROR})
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    assert (
        "no/country.yml:9:9: commitments[1].id: id 'a' is used twice in commitments" in result.err
    )
    assert "commitments[0] has it already" in result.err
    assert "no/country.yml:11:14: commitments[1].outcome: 'no-such-outcome' is not an outcome" in (
        result.err
    )
    assert "no/country.yml:12:13: commitments[1].status: 'done' is not one of" in result.err
    assert "3 error(s)" in result.err


def test_items_after_one_with_an_error_are_named_by_their_index_as_written(
    run, tmp_path: Path
) -> None:
    links = """name: Paris
country: FR
kind: municipality
twinning:
  - partner: ml
    kind: town-twinning
    status: active
  - partner: fr/x
    kind: town-twinning
    status: active
"""
    result = run("validate", "--roadmaps", _site_of(tmp_path, {"fr/x.yml": links}))
    assert "fr/x.yml:5:14: twinning[0].partner: 'ml' is not a valid roadmap id" in result.err
    assert (
        "fr/x.yml:8:14: twinning[1].partner: a local authority cannot be twinned with itself"
    ) in result.err
    assert "2 error(s)" in result.err


def test_a_reference_to_an_item_with_an_error_is_not_reported_missing(run, tmp_path: Path) -> None:
    roadmap = """country: ML
role: origin
title: T
institutions:
  - {id: min, name: "Ministry\\u0007"}
  - {id: min2, name: "Other", kind: no-such-kind}
commitments:
  - id: c
    title: t
    outcome: dialogue
    status: planned
    lead: min
    partners: [min2]
"""
    result = run("validate", "--roadmaps", _site_of(tmp_path, {"ml/country.yml": roadmap}))
    assert "ml/country.yml:5:21: institutions[0].name: text holds the control character" in (
        result.err
    )
    assert "is not an institution or organisation" not in result.err


def test_an_assessment_with_an_error_still_counts_as_an_assessment(roadmaps, run) -> None:
    """Second outside check: an assessment left out for its own error made its commitment
    "still in progress, with no assessment", a follow-on warning."""
    data = roadmaps()
    edit(data / "ml/country.yml", "        by: joint\n", "        by: nobody\n")
    result = run("validate", "--roadmaps", data)
    assert result.code == 1
    assert "commitments[0].assessments[0].by: 'nobody' is not one of" in result.err
    assert "with no assessment" not in result.err
