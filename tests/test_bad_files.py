"""The bad-input corpus: broken, hostile and surprising files, each reported where it is.

Every case writes one file into a copy of the contract's roadmaps, then checks that
`validate` and `build` exit with 1, name the file, line and field, print no traceback, and
leave a previously built site byte-for-byte unchanged.
"""

from __future__ import annotations

import re
import shutil
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.load.validate import load_dataset
from tests.conftest import CONTRACT, tree_digest

YELIMANE = (CONTRACT / "ml/yelimane.yml").read_text("utf-8")


def yelimane(old: str, new: str) -> bytes:
    assert old in YELIMANE, old
    return YELIMANE.replace(old, new, 1).encode("utf-8")


def alias_bomb(levels: int = 30) -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


@dataclass(frozen=True)
class FileCase:
    name: str
    path: str  # where the file is written, under the roadmaps folder
    content: bytes
    line: int
    field: str
    message: str  # a regular expression
    hint: str | None = None
    reported: str | None = None  # the path named in the message, when not the file's


CASES = [
    # Malformed YAML
    FileCase(
        "tab-indentation",
        "ml/yelimane.yml",
        yelimane("kind: district", "kind:\n\t- district"),
        7,
        "",
        "YAML syntax error",
        "indent with spaces only",
    ),
    FileCase(
        "unclosed-quote",
        "ml/yelimane.yml",
        yelimane("kind: district", 'kind: "district'),
        6,
        "",
        "YAML syntax error",
        'add the closing `"`',
    ),
    FileCase("empty-file", "ml/yelimane.yml", b"", 1, "", "file is empty"),
    FileCase("comments-only", "ml/yelimane.yml", b"# nothing yet\n", 1, "", "file is empty"),
    FileCase(
        "two-documents",
        "ml/yelimane.yml",
        YELIMANE.encode() + b"---\nname: Other\n",
        30,
        "",
        "more than one YAML document",
    ),
    FileCase(
        "list-at-top", "ml/yelimane.yml", b"- name: Kayes\n", 1, "", "expected a mapping of fields"
    ),
    FileCase("key-is-a-list", "ml/yelimane.yml", b"[a]: 1\n", 1, "", "a key must be a plain name"),
    FileCase(
        "deep-nesting",
        "ml/yelimane.yml",
        b"name: " + b"[" * 60 + b"]" * 60 + b"\n",
        1,
        "",
        "nested more than 32 levels",
    ),
    # Duplicate keys, anchors, aliases, tags
    FileCase(
        "duplicate-nested-key",
        "ml/yelimane.yml",
        yelimane("    status: active\n", "    status: active\n    status: ended\n"),
        18,
        "",
        "duplicate key 'status'",
        "already set on line 17",
    ),
    FileCase("alias-bomb", "ml/yelimane.yml", alias_bomb(), 1, "", r"YAML anchors \(&a0\)"),
    FileCase(
        "self-referencing-alias",
        "ml/yelimane.yml",
        b"name: &loop [*loop]\n",
        1,
        "",
        r"YAML anchors \(&loop\)",
    ),
    FileCase("merge-key", "ml/yelimane.yml", b"<<: {name: x}\n", 1, "", "merge keys"),
    FileCase(
        "explicit-tag",
        "ml/yelimane.yml",
        yelimane("country: ML", "country: !!str ML"),
        5,
        "",
        "explicit YAML tag",
    ),
    FileCase(
        "python-tag",
        "ml/yelimane.yml",
        yelimane("country: ML", "country: !!python/object/apply:os.system [ls]"),
        5,
        "",
        "explicit YAML tag tag:yaml.org,2002:python/object/apply:os.system",
    ),
    # Encoding and invisible characters
    FileCase(
        "not-utf8", "ml/yelimane.yml", YELIMANE.encode("latin-1"), 3, "", "not valid UTF-8", "UTF-8"
    ),
    FileCase(
        "nul-character",
        "ml/yelimane.yml",
        yelimane("kind: district", "kind: dis\x00trict"),
        6,
        "",
        "control character U\\+0000",
    ),
    FileCase(
        "escape-character",
        "ml/yelimane.yml",
        yelimane("kind: district", "kind: \x1b[31mred"),
        6,
        "",
        "control character U\\+001B",
    ),
    FileCase(
        "bidi-override-in-id",
        "ml/yelimane.yml",
        yelimane("  - id: returnees-meeting", "  - id: returnees\u202emeeting"),
        21,
        "dialogue[0].id",
        "is not a valid id",
    ),
    FileCase(
        "zero-width-in-id",
        "ml/yelimane.yml",
        yelimane("  - id: returnees-meeting", "  - id: returnees\u200b-meeting"),
        21,
        "dialogue[0].id",
        "is not a valid id",
    ),
    FileCase(
        "oversized-file",
        "ml/yelimane.yml",
        YELIMANE.encode() + b"#" * 600_000 + b"\n",
        1,
        "",
        "more than the limit",
        "split the roadmap",
    ),
    FileCase(
        "oversized-text",
        "ml/yelimane.yml",
        yelimane("    fr: chaque année", "    fr: " + "très long " * 300),
        29,
        "dialogue[0].cadence.fr",
        "longer than 2000 characters",
    ),
    FileCase(
        "oversized-list",
        "ml/yelimane.yml",
        yelimane("partner_countries: [FR]", "partner_countries: [" + "FR, " * 1001 + "FR]"),
        11,
        "partner_countries",
        "more than 1000 items",
    ),
    # Values of the wrong type
    FileCase(
        "mapping-for-a-word",
        "ml/yelimane.yml",
        yelimane("kind: district", "kind: {a: b}"),
        6,
        "kind",
        "expected one of municipality",
    ),
    FileCase(
        "list-for-a-mapping",
        "fr/montreuil.yml",
        (CONTRACT / "fr/montreuil.yml")
        .read_bytes()
        .replace(b"twinning:\n", b"twinning: x\nold:\n"),
        15,
        "twinning",
        "expected a list",
    ),
    FileCase(
        "scalar-for-a-list",
        "ml/yelimane.yml",
        yelimane("partner_countries: [FR]", "partner_countries: FR"),
        11,
        "partner_countries",
        "expected a list",
    ),
    FileCase(
        "list-for-text",
        "ml/yelimane.yml",
        yelimane("kind: district", "kind: district\ntitle: [a]"),
        7,
        "title",
        "expected text",
    ),
    FileCase(
        "text-for-a-boolean",
        "ml/yelimane.yml",
        yelimane(
            "twinning:", "organisations:\n  - id: x\n    name: X\n    women_led: 'true'\ntwinning:"
        ),
        16,
        "organisations[0].women_led",
        "is not true or false",
    ),
    # Dates
    FileCase(
        "impossible-date",
        "ml/yelimane.yml",
        yelimane("since: 1985", "since: 1985-02-29"),
        16,
        "twinning[0].since",
        "is not a day of the calendar",
        "has 28 days",
    ),
    FileCase(
        "month-13",
        "ml/yelimane.yml",
        yelimane("since: 1985", "since: 1985-13"),
        16,
        "twinning[0].since",
        "has no month 13",
    ),
    FileCase(
        "until-before-since",
        "ml/yelimane.yml",
        yelimane("since: 1985", "since: 1985\n    until: 1984-12"),
        17,
        "twinning[0].until",
        "before since 1985",
    ),
    # Names of files and folders
    FileCase(
        "upper-case-slug",
        "ml/Kayes.yml",
        b"name: Kayes\ncountry: ML\nkind: region\n",
        1,
        "",
        "'Kayes.yml' is not a valid file name",
        "rename it to kayes.yml",
    ),
    FileCase(
        "dotted-slug",
        "ml/ka.yes.yml",
        b"name: Kayes\ncountry: ML\nkind: region\n",
        1,
        "",
        "is not a valid file name",
    ),
    FileCase(
        "dot-dot-slug",
        "ml/...yml",
        b"name: Kayes\ncountry: ML\nkind: region\n",
        1,
        "",
        "is not a valid file name",
    ),
    FileCase(
        "folder-not-a-country",
        "xx/kayes.yml",
        b"name: Kayes\ncountry: ML\nkind: region\n",
        1,
        "",
        "folder 'xx' is not a country code",
        reported="xx",
    ),
    FileCase(
        "yaml-extension",
        "ml/kayes.yaml",
        b"name: Kayes\ncountry: ML\nkind: region\n",
        1,
        "",
        "roadmap files end in .yml",
        "rename it to kayes.yml",
    ),
    FileCase(
        "file-outside-a-folder",
        "kayes.yml",
        b"name: Kayes\ncountry: ML\nkind: region\n",
        1,
        "",
        "roadmap files belong in a country folder",
    ),
    FileCase(
        "folder-and-country-disagree",
        "ml/kayes.yml",
        b"name: Kayes\ncountry: SN\nkind: region\n",
        2,
        "country",
        "country SN does not match the folder 'ml/'",
    ),
    # Settings
    FileCase(
        "unknown-site-language",
        "site.yml",
        (CONTRACT / "site.yml").read_bytes().replace(b"[en, fr, ar]", b"[en, fr, ar, xx]"),
        9,
        "languages[3]",
        "'xx' is not a language code known to CLDR",
    ),
    FileCase(
        "default-language-not-listed",
        "site.yml",
        (CONTRACT / "site.yml").read_bytes() + b"default_language: es\n",
        11,
        "default_language",
        "'es' is not in languages",
    ),
    # References
    FileCase(
        "partner-with-dot-dot",
        "ml/yelimane.yml",
        yelimane("partner: fr/montreuil", "partner: fr/../ml"),
        14,
        "twinning[0].partner",
        "is not a valid roadmap id",
    ),
    FileCase(
        "partner-is-a-country",
        "ml/yelimane.yml",
        yelimane("partner: fr/montreuil", "partner: fr"),
        14,
        "twinning[0].partner",
        "is not a valid roadmap id",
        "never a country",
    ),
    FileCase(
        "twinned-with-itself",
        "ml/yelimane.yml",
        yelimane("partner: fr/montreuil", "partner: ml/yelimane"),
        14,
        "twinning[0].partner",
        "cannot be twinned with itself",
    ),
    FileCase(
        "participant-not-declared",
        "ml/yelimane.yml",
        yelimane("    level: local", "    level: local\n    participants: [mayor]"),
        26,
        "dialogue[0].participants[0]",
        "'mayor' is not an institution or organisation",
        "declare it under institutions or organisations first",
    ),
]

YAML_11_SURPRISES = ["NO", "on", "1:30", "0755", "1.10", "~", "yes"]
TYPED_FIELDS = [  # (field in ml/yelimane.yml, how to write it, accepted values)
    ("twinning[0].diaspora", "    diaspora: ML", "    diaspora: {}", {"NO"}),
    ("twinning[0].since", "    since: 1985", "    since: {}", set()),
    ("twinning[0].kind", "    kind: decentralised-cooperation", "    kind: {}", set()),
    ("partner_countries[0]", "partner_countries: [FR]", "partner_countries: [{}]", {"NO"}),
    ("dialogue[0].id", "  - id: returnees-meeting", "  - id: {}", {"on", "0755", "yes"}),
    ("twinning[0].partner", "  - partner: fr/montreuil", "  - partner: {}", set()),
]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) + len(YAML_11_SURPRISES) * len(TYPED_FIELDS) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file(case: FileCase, roadmaps, run, tmp_path: Path, contract_site: Path) -> None:
    data = roadmaps()
    target = data / case.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.content)
    site = tmp_path / "site"
    shutil.copytree(contract_site, site)
    before = tree_digest(site)

    results = [
        run("validate", "--roadmaps", data),
        run("build", "--roadmaps", data, "--site-dir", site),
    ]

    field = f"{re.escape(case.field)}: " if case.field else ""
    named = data / case.reported if case.reported else target
    pattern = rf"^{re.escape(str(named))}:{case.line}:\d+: {field}.*{case.message}"
    for result in results:
        assert result.code == 1
        assert re.search(pattern, result.err, re.MULTILINE), result.err
        if case.hint:
            assert case.hint in result.err
        assert "Traceback" not in result.err
    assert tree_digest(site) == before


@pytest.mark.parametrize("surprise", YAML_11_SURPRISES)
@pytest.mark.parametrize(
    ("field", "old", "new", "accepted"), TYPED_FIELDS, ids=[f[0] for f in TYPED_FIELDS]
)
def test_yaml_11_surprises_are_read_as_the_field_type(
    roadmaps, surprise: str, field: str, old: str, new: str, accepted: set[str]
) -> None:
    data = roadmaps()
    target = data / "ml/yelimane.yml"
    target.write_bytes(yelimane(old, new.format(surprise)))
    report = load_dataset(data)
    line = YELIMANE[: YELIMANE.index(old)].count("\n") + 1
    problems = [p for p in report.errors if p.path.endswith("ml/yelimane.yml")]
    if surprise in accepted:
        assert problems == []
    else:
        assert [(p.line, p.field) for p in problems][:1] == [(line, field)], problems


def test_surprises_in_text_fields_stay_text(roadmaps) -> None:
    for surprise in YAML_11_SURPRISES[:-2] + ["yes", "2008-03-15", "1e3", "0x1F", ".inf"]:
        data = roadmaps()
        (data / "ml/yelimane.yml").write_bytes(
            yelimane("  fr: Cercle de Yélimané", f"  fr: {surprise}")
        )
        report = load_dataset(data)
        if surprise == "~":
            assert report.dataset is None  # `~` is YAML's empty value, refused as empty
        else:
            assert report.dataset is not None, surprise
            assert report.dataset.roadmaps["ml/yelimane"].data.name["fr"] == surprise
        shutil.rmtree(data)


def test_alias_bomb_is_rejected_in_bounded_time_and_memory(tmp_path: Path) -> None:
    from site_builder.load.source import LoadError, compose, read_source

    bomb = tmp_path / "bomb.yml"
    bomb.write_bytes(alias_bomb(60))
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(LoadError):
        compose(read_source(bomb, "bomb.yml"))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 5_000_000
