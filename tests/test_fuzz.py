"""Property tests: whatever the input, loading ends in a dataset or in reported problems,
and a dataset that loads renders in every language (the engine's part of the build is
covered by tests/test_valid_builds.py)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.errors import Problem
from site_builder.format.model import Dataset
from site_builder.load.validate import load_dataset
from site_builder.render.pages import Renderer
from site_builder.views.context import SiteContext
from tests.conftest import CONTRACT

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

FIELD_NAMES = [
    "name",
    "country",
    "kind",
    "title",
    "summary",
    "twinning",
    "partner",
    "since",
    "until",
    "status",
    "commitments",
    "id",
    "outcome",
    "lead",
    "partners",
    "funding",
    "amount",
    "en",
    "fr",
    "ar",
    "dialogue",
    "participants",
    "role",
    "languages",
]
SCALARS = st.one_of(
    st.sampled_from(
        [
            "ML",
            "NO",
            "on",
            "1:30",
            "0755",
            "1.10",
            "2008-02-30",
            "2008-03",
            "true",
            "fr/montreuil",
            "ml/yelimane",
            "",
            "~",
            "municipality",
            "in-progress",
            "codevelopment",
            "https://example.org",
            "javascript:alert(1)",
        ]
    ),
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)), children, max_size=6
        ),
    ),
    max_leaves=25,
)


def check(files: dict[str, bytes]) -> None:
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        shutil.copytree(CONTRACT, root / "roadmaps")
        for relative, content in files.items():
            (root / "roadmaps" / relative).write_bytes(content)
        report = load_dataset(root / "roadmaps")
        assert isinstance(report.dataset, Dataset) or report.errors
        assert all(
            isinstance(p, Problem) and p.line >= 1 and p.column >= 1 for p in report.problems
        )
        if report.dataset is None:
            assert report.errors
        else:
            context = SiteContext.of(report.dataset)
            for language in report.dataset.languages:
                rendered = Renderer(context, language, None).render()
                assert "index.md" in rendered.pages
    finally:
        shutil.rmtree(root)


@FUZZ
@given(STRUCTURES)
def test_random_structures_as_a_local_authority(data: object) -> None:
    check({"ml/yelimane.yml": yaml.safe_dump(data, allow_unicode=True).encode("utf-8")})


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), STRUCTURES, max_size=8))
def test_random_fields_in_a_country_roadmap(data: dict[str, object]) -> None:
    check(
        {
            "ml/country.yml": yaml.safe_dump(
                {"country": "ML", "role": "origin", "title": "T", **data}
            ).encode("utf-8")
        }
    )


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    check({"fr/montreuil.yml": text.encode("utf-8", errors="surrogatepass")})


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_in_site_settings(content: bytes) -> None:
    check({"site.yml": content})


@FUZZ
@given(st.data())
def test_random_edits_of_a_contract_file(data: st.DataObject) -> None:
    original = (CONTRACT / "ml" / "country.yml").read_bytes()
    position = data.draw(st.integers(0, len(original)))
    length = data.draw(st.integers(0, 20))
    insert = data.draw(
        st.sampled_from(
            [
                b"",
                b"\t",
                b":",
                b"- ",
                b"&a ",
                b"*a",
                b"'",
                b'"',
                b"\n  ",
                b"{",
                b"[",
                b"\x00",
                b"\xff",
                b"#",
                b"!!str ",
            ]
        )
    )
    check({"ml/country.yml": original[:position] + insert + original[position + length :]})
