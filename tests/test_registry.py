"""The model, the words for its values and the interface catalogs agree with each other."""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from site_builder.format import model
from site_builder.format.fields import model_fields
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import LOCALES_DIR, available_catalogs
from tests.conftest import PROJECT_ROOT

LITERAL_LABELS = {
    "Role": "role",
    "RightStatus": "right",
    "InstitutionKind": "institution_kind",
    "Capacity": "capacity",
    "Level": "level",
    "DialogueFormat": "format",
    "Status": "status",
    "Assessor": "assessor",
    "Completion": "completion",
    "AuthorityKind": "authority_kind",
    "TwinningKind": "twinning_kind",
    "TwinningStatus": "twinning_status",
}


@pytest.mark.parametrize(("alias", "kind"), LITERAL_LABELS.items())
def test_every_enumeration_value_has_words(alias: str, kind: str) -> None:
    assert set(LABELS[kind]) == set(typing.get_args(getattr(model, alias)))


def test_every_enumeration_of_the_model_is_covered() -> None:
    seen = set()
    for cls in (
        model.Site,
        model.CountryRoadmap,
        model.AuthorityRoadmap,
        model.Institution,
        model.Organisation,
        model.DialogueModel,
        model.Commitment,
        model.Assessment,
        model.TwinningLink,
        model.Recognition,
    ):
        for spec in model_fields(cls).values():
            for arg in [spec.type, *typing.get_args(spec.type)]:
                if typing.get_origin(arg) is typing.Literal:
                    seen.add(arg)
    assert seen == {getattr(model, alias) for alias in LITERAL_LABELS}


def test_every_field_is_documented() -> None:
    for name in dir(model):
        cls = getattr(model, name)
        if (
            isinstance(cls, type)
            and hasattr(cls, "__dataclass_fields__")
            and cls.__module__ == model.__name__
        ):
            if name in ("Date", "RoadmapFile", "Dataset"):
                continue
            assert cls.__doc__, name
            for field_name, spec in model_fields(cls).items():
                assert spec.metadata.get("doc"), f"{name}.{field_name}"


def _messages(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def _plural_count(language: str) -> int:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language).num_plurals


def test_catalog_template_matches_the_code(tmp_path: Path) -> None:
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "--quiet",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(extracted),
            "--no-location",
            "--omit-header",
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
    )
    assert set(_messages(extracted)) == set(_messages(LOCALES_DIR / "messages.pot")), (
        "run `make catalogs` after changing interface strings"
    )


@pytest.mark.parametrize("language", ["en", "fr", "ar", "es"])
def test_catalogs_are_complete(language: str) -> None:
    assert language in available_catalogs()
    template = _messages(LOCALES_DIR / "messages.pot")
    catalog = _messages(LOCALES_DIR / language / "LC_MESSAGES" / "messages.po")
    assert set(catalog) == set(template)
    assert [msgid for msgid, text in catalog.items() if not text] == []
    plurals = {msgid: forms for msgid, forms in catalog.items() if isinstance(msgid, tuple)}
    assert plurals, "the catalogs should exercise plural forms"
    for msgid, forms in plurals.items():
        assert len(forms) == _plural_count(language) and all(forms), (language, msgid)
    for msgid, text in catalog.items():
        for placeholder in (
            "{name}",
            "{date}",
            "{ratio}",
            "{language}",
            "%(num)d",
            "{number}",
            "{total}",
        ):
            assert (placeholder in str(msgid)) == (placeholder in str(text)), (language, msgid)
