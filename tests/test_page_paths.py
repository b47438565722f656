"""Every generated page has its own address: numbered outcome pages live in the outcome's
own folder, ids that would name another page (`index`) or that Windows cannot check out
(`con`, `nul`, `com1`…) are refused, long ids are accepted and kept short in paths, and
one mechanism refuses any two pages at the same address."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from site_builder.format.paths import PATH_NAME_LENGTH, path_name
from site_builder.render.output import PageCollision, Pages, page_url

CONTRACT_OUTCOMES = ["bilateral-sectors", "codevelopment", "monitoring"]


def with_outcomes(folder: Path, *extra: str) -> None:
    site = yaml.safe_load((folder / "site.yml").read_text("utf-8"))
    site["outcomes"] = [
        {"id": outcome, "group": "national", "title": f"Outcome {outcome}"}
        for outcome in [*CONTRACT_OUTCOMES, *extra]
    ]
    (folder / "site.yml").write_text(yaml.safe_dump(site, allow_unicode=True), "utf-8")


def add_commitments(folder: Path, outcome: str, count: int, prefix: str) -> None:
    path = folder / "ml" / "country.yml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["commitments"] += [
        {
            "id": f"{prefix}-{i}",
            "title": {"en": f"Commitment {prefix} {i}"},
            "outcome": outcome,
            "status": "planned",
        }
        for i in range(count)
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def test_page_two_of_an_outcome_never_replaces_another_outcome(
    roadmaps, run, tmp_path: Path
) -> None:
    from site_builder.views.across import OUTCOME_PAGE_SIZE

    folder = roadmaps()
    with_outcomes(folder, "water", "water-2")
    add_commitments(folder, "water", OUTCOME_PAGE_SIZE + 1, "well")
    add_commitments(folder, "water-2", 1, "pipe")
    site = tmp_path / "site"
    result = run("build", "--quiet", "--roadmaps", folder, "--site-dir", site)
    assert result.code == 0, result.err
    for language in ("en", "ar"):
        other = (site / language / "outcomes" / "water-2" / "index.html").read_text("utf-8")
        assert "Outcome water-2" in other and "Commitment pipe 0" in other
        second = (site / language / "outcomes" / "water" / "page-2" / "index.html").read_text(
            "utf-8"
        )
        assert "Outcome water" in second and f"Commitment well {OUTCOME_PAGE_SIZE}" in second
        first = (site / language / "outcomes" / "water" / "index.html").read_text("utf-8")
        assert "page-2/" in first  # the link to the next page


@pytest.mark.parametrize("reserved", ["index", "con", "nul", "aux", "prn", "com1", "lpt9"])
def test_outcome_ids_that_would_name_another_page_or_no_file_are_refused(
    roadmaps, run, reserved: str
) -> None:
    folder = roadmaps()
    with_outcomes(folder, reserved)
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    assert f"outcomes[3].id: '{reserved}' cannot name a page or a file" in result.err
    assert "hint: " in result.err and f"'{reserved}-1'" in result.err


@pytest.mark.parametrize("name", ["index", "con", "nul", "com1", "lpt1"])
def test_roadmap_file_names_that_would_name_another_page_or_no_file_are_refused(
    roadmaps, run, name: str
) -> None:
    folder = roadmaps()
    (folder / "ml" / "yelimane.yml").rename(folder / "ml" / f"{name}.yml")
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    assert f"ml/{name}.yml:1:1: '{name}.yml' cannot be the file name of a roadmap" in result.err
    assert "Windows" in result.err or "page of a folder" in result.err


def test_a_112_character_id_is_accepted_and_its_paths_stay_short(
    roadmaps, run, tmp_path: Path
) -> None:
    long_id = "-".join(["strengthen-the-capacity-of-diaspora-associations"] * 2) + "-2009-2012-x"
    long_id += "-" + "a" * (111 - len(long_id))
    assert len(long_id) == 112
    folder = roadmaps()
    with_outcomes(folder, long_id)
    add_commitments(folder, long_id, 1, long_id)
    slug = (long_id + "-") * 2 + "town"  # a file name of 230 characters
    shutil.copy(folder / "ml" / "yelimane.yml", folder / "ml" / f"{slug}.yml")
    site = tmp_path / "site"
    result = run("build", "--quiet", "--roadmaps", folder, "--site-dir", site)
    assert result.code == 0, result.err
    name = path_name(long_id)
    assert len(name) <= PATH_NAME_LENGTH
    page = site / "en" / "outcomes" / name / "index.html"
    assert f"Outcome {long_id}" in page.read_text("utf-8")
    assert all(len(part) <= 255 for p in site.rglob("*") for part in p.parts)
    assert (site / "fr" / "ml" / path_name(slug) / "index.html").is_file()
    assert (site / "data" / "roadmaps" / "ml" / f"{path_name(slug)}.json").is_file()
    assert all(len(part) <= PATH_NAME_LENGTH + 5 for p in site.rglob("*") for part in p.parts)


def test_path_names_are_stable_distinct_and_short() -> None:
    a, b = "x" * 300, "x" * 299 + "y"
    assert path_name("water") == "water"
    assert path_name(a) == path_name(a) != path_name(b)
    assert len(path_name(a)) <= PATH_NAME_LENGTH and path_name(a).startswith("x" * 80)


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("index.md", ""),
        ("outcomes.md", "outcomes/"),
        ("outcomes/index.md", "outcomes/"),
        ("ml/index.md", "ml/"),
        ("ml.md", "ml/"),
        ("outcomes/water/page-2.md", "outcomes/water/page-2/"),
        ("feed.xml", "feed.xml"),
    ],
)
def test_page_addresses(path: str, url: str) -> None:
    assert page_url(path) == url


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("outcomes.md", "outcomes/index.md"),
        ("ml/index.md", "ml.md"),
        ("twinning.md", "twinning.md"),
    ],
)
def test_two_pages_at_one_address_are_refused(first: str, second: str) -> None:
    pages = Pages()
    pages[first] = "one"
    with pytest.raises(PageCollision, match="both be published"):
        pages[second] = "two"


def test_a_hand_written_page_named_like_a_generated_one_is_reported(
    roadmaps, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "docs" / "en").mkdir(parents=True)
    (project / "docs" / "en" / "twinning.md").write_text("# Mine\n", "utf-8")
    folder = roadmaps()
    monkeypatch.chdir(project)  # built-in mkdocs.yml and themes (issue 15)
    result = run("build", "--quiet", "--roadmaps", folder, "--site-dir", tmp_path / "site")
    assert result.code == 1
    assert "twinning.md" in result.err and "both be published" in result.err
    assert "Traceback" not in result.err
