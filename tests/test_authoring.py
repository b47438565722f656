"""Authoring: one schema from the model, scaffolding, messages, grouping, CI recipes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from site_builder.format.reference import (
    REFERENCE_FILE,
    SCHEMA_FILE,
    reference_markdown,
    schema_text,
)
from site_builder.load.quality import (
    _CASE_ALIKE_LETTERS,
    _PLACEHOLDER_WORDS,
    PLACEHOLDER,
    placeholder,
)
from site_builder.load.validate import load_dataset
from tests.conftest import CONTRACT, PROJECT_ROOT, edit
from tests.test_views import yaml12

SCHEMA = json.loads((PROJECT_ROOT / SCHEMA_FILE).read_text("utf-8"))


def test_committed_schema_and_reference_match_the_model() -> None:
    assert (PROJECT_ROOT / SCHEMA_FILE).read_text("utf-8") == schema_text(), "run `make reference`"
    assert (PROJECT_ROOT / REFERENCE_FILE).read_text("utf-8") == reference_markdown(), (
        "run `make reference`"
    )


@pytest.mark.parametrize("folder", [CONTRACT, PROJECT_ROOT / "roadmaps"], ids=["contract", "site"])
def test_schema_accepts_every_valid_file(folder: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for path in sorted(folder.rglob("*.yml")):
        jsonschema.validate(yaml12(path), SCHEMA)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("role: origin", "role: home"),
        ("partner_countries:", "partner_countrys:"),
        ("updated: 2008-03-15", "updated: 15/03/2008"),
        ("women_led: true", "women_led: yes please"),
        ("    kind: ministry", "    kind: ministery"),
        ("      currency: EUR", "      currency: euro"),
        ("  - id: mme", "  - id: MME"),
    ],
)
def test_schema_rejects_what_the_builder_rejects(roadmaps, old: str, new: str) -> None:
    data = roadmaps()
    edit(data / "ml/country.yml", old, new)
    assert load_dataset(data).errors
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml12(data / "ml/country.yml"), SCHEMA)


def test_every_model_field_is_in_the_reference_and_the_schema() -> None:
    from site_builder.format import model
    from site_builder.format.fields import model_fields

    reference = (PROJECT_ROOT / REFERENCE_FILE).read_text("utf-8")
    for cls in (
        model.Site,
        model.CountryRoadmap,
        model.AuthorityRoadmap,
        model.Commitment,
        model.TwinningLink,
        model.Assessment,
        model.DialogueModel,
    ):
        section = reference.split(f"## {cls.__name__}\n", 1)[1].split("\n## ", 1)[0]
        for name, spec in model_fields(cls).items():
            assert f"| `{name}` |" in section and spec.metadata["doc"] in section
            assert (
                SCHEMA["$defs"][cls.__name__]["properties"][name]["description"]
                == spec.metadata["doc"]
            )


def test_new_roadmaps_are_valid_and_never_overwrite(run, roadmaps) -> None:
    data = roadmaps()
    assert run("new", "country", "NO", "--role", "destination", "--roadmaps", data).code == 0
    assert (
        run(
            "new", "authority", "fr", "saint-denis", "--kind", "municipality", "--roadmaps", data
        ).code
        == 0
    )
    country, authority = data / "no" / "country.yml", data / "fr" / "saint-denis.yml"
    report = load_dataset(data, strict=False)
    assert report.errors == [] and {"no", "fr/saint-denis"} <= set(report.dataset.roadmaps)
    for path in (country, authority):
        first = path.read_text("utf-8").splitlines()[0]
        schema = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first).group(1)
        assert (path.parent / schema).resolve() == (PROJECT_ROOT / SCHEMA_FILE).resolve()
        jsonschema.validate(yaml12(path), SCHEMA)
    before = authority.read_bytes()
    again = run("new", "authority", "FR", "saint-denis", "--kind", "district", "--roadmaps", data)
    assert again.code == 2 and "already exists" in again.err and authority.read_bytes() == before
    for args, argument, why in (
        (["country", "XX", "--role", "origin"], "CC", "'XX' is not an ISO 3166-1 country code"),
        (["authority", "XX", "lyon", "--kind", "district"], "CC", "'XX' is not an ISO 3166-1"),
        (["authority", "FR", "Saint Denis", "--kind", "district"], "SLUG", "'Saint Denis' cannot"),
        (["authority", "FR", "Bad_Slug", "--kind", "municipality"], "SLUG", "'Bad_Slug' cannot"),
    ):
        before = sorted(data.rglob("*"))
        bad = run("new", *args, "--roadmaps", data)
        # A usage error, as argparse gives for the values it checks itself.
        assert bad.code == 2 and "Traceback" not in bad.err, bad.err
        assert bad.err.startswith(f"usage: diaspora-roadmaps new {args[0]} "), bad.err
        assert f"diaspora-roadmaps new {args[0]}: error: argument {argument}: {why}" in bad.err
        assert sorted(data.rglob("*")) == before  # nothing written


def test_a_new_user_scaffolds_links_and_fixes_a_mistake(run, roadmaps, tmp_path: Path) -> None:
    data = roadmaps()
    assert (
        run(
            "new", "authority", "FR", "saint-denis", "--kind", "municipality", "--roadmaps", data
        ).code
        == 0
    )
    mine = data / "fr" / "saint-denis.yml"
    written = mine.read_text("utf-8")
    # The commented example names a roadmap of this site, abroad.
    assert "#   - partner: ml/yelimane   # another roadmap of this site" in written
    assert "#     diaspora: ML\n" in written and "kayes" not in written
    mine.write_text(
        re.sub(
            r"# twinning:\n(#  .*\n)+",
            "twinning:\n  - partner: ml/yelimane\n    kind: town-twinning\n    status: active\n",
            written,
            count=1,
        ),
        "utf-8",
    )
    warned = run("validate", "--roadmaps", data)
    assert warned.code == 0 and "does not list this link back" in warned.err
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    yelimane = (site / "en/ml/yelimane/index.html").read_text("utf-8")
    assert "Saint Denis" in yelimane
    edit(mine, "kind: municipality", "kind: town")
    broken = run("validate", "--roadmaps", data)
    assert broken.code == 1
    assert re.search(
        r"fr/saint-denis\.yml:5:7: kind: 'town' is not one of municipality", broken.err
    )
    assert "    kind: town\n          ^" in broken.err.replace("\nkind: town", "\n    kind: town")
    assert "meaning: What kind of authority it is." in broken.err


def test_repeated_problems_are_grouped(run, roadmaps) -> None:
    data = roadmaps()
    text = (data / "ml/country.yml").read_text("utf-8")
    many = "\n".join(
        f"  - id: extra-{i}\n    title: Extra\n    outcome: nowhere\n    status: planned"
        for i in range(7)
    )
    (data / "ml/country.yml").write_text(
        text.replace("commitments:\n", f"commitments:\n{many}\n", 1), "utf-8"
    )
    result = run("validate", "--roadmaps", data)
    assert result.err.count("'nowhere' is not an outcome") == 3
    assert "... and 4 more problems like these with commitments[].outcome" in result.err
    assert "7 error(s)" in result.err


def test_progress_shows_one_line_per_language_on_a_terminal(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = run("build", "--roadmaps", CONTRACT, "--site-dir", tmp_path / "site")
    lines = [line for line in result.err.splitlines() if re.match(r"^\w\w: \d+ pages in ", line)]
    # Languages are built in parallel: each prints its line when it is done.
    assert sorted(line[:2] for line in lines) == ["ar", "en", "fr"]
    quiet = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", tmp_path / "site")
    assert not re.search(r"pages in|^built ", quiet.err, re.MULTILINE)  # problems only


def test_recipes_are_valid_and_validate_with_annotations() -> None:
    github = yaml12(PROJECT_ROOT / "recipes/github-actions.yml")
    assert {"pull_request", "push"} <= set(github["on"])
    steps = [step.get("run", "") for step in github["jobs"]["validate"]["steps"]]
    assert any("diaspora-roadmaps validate --format github" in run for run in steps)
    assert github["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(
        step.get("uses", "").startswith("actions/deploy-pages@")
        for step in github["jobs"]["deploy"]["steps"]
    )
    gitlab = yaml12(PROJECT_ROOT / "recipes/gitlab-ci.yml")
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert "diaspora-roadmaps validate" in " ".join(gitlab["validate"]["script"])
    makefile = (PROJECT_ROOT / "Makefile").read_text("utf-8")
    assert re.search(r"^install:", makefile, re.MULTILINE) and "$(SITE_ARGS)" in makefile


# The current major version of each action the recipes use (checked 2026-11).
CURRENT_MAJORS = {
    "actions/checkout": "v6",
    "actions/setup-python": "v6",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
    "actions/upload-artifact": "v7",
    "actions/download-artifact": "v7",
    "actions/cache": "v6",
}
RECIPES = {
    "recipes/github-actions.yml": "vendor.github-workflows",
    "recipes/github-actions-matrix.yml": "vendor.github-workflows",
    "recipes/gitlab-ci.yml": "vendor.gitlab-ci",
    "recipes/dependabot.yml": "vendor.dependabot",
}


@pytest.mark.parametrize(("recipe", "schema"), RECIPES.items(), ids=list(RECIPES))
def test_recipe_is_valid_for_its_ci_service(recipe: str, schema: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, recipe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "recipe", ["recipes/github-actions.yml", "recipes/github-actions-matrix.yml"]
)
def test_github_recipes_use_current_actions_a_pip_cache_and_no_test_dependencies(
    recipe: str,
) -> None:
    workflow = yaml12(PROJECT_ROOT / recipe)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                action, _, version = step["uses"].partition("@")
                assert CURRENT_MAJORS[action] == version, step["uses"]
            if step.get("uses", "").startswith("actions/setup-python@"):
                assert step["with"]["cache"] == "pip"
            run = step.get("run", "")
            assert "[dev]" not in run and "make install" not in run, run
            if "pip install" in run:
                assert run.strip() == "python -m pip install -r requirements.txt"


def test_recipes_are_what_init_writes() -> None:
    from site_builder.app.repository import TEMPLATES

    for recipe, template in [
        ("recipes/github-actions.yml", "github-workflow.yml"),
        ("recipes/dependabot.yml", "dependabot.yml"),
    ]:
        assert (PROJECT_ROOT / recipe).read_text("utf-8") == (TEMPLATES / template).read_text(
            "utf-8"
        ), recipe
    dependabot = yaml12(PROJECT_ROOT / "recipes/dependabot.yml")
    assert {u["package-ecosystem"] for u in dependabot["updates"]} == {"pip", "github-actions"}


def test_pre_commit_hook_definition() -> None:
    hooks = yaml12(PROJECT_ROOT / ".pre-commit-hooks.yaml")
    assert isinstance(hooks, list) and len(hooks) == 1
    hook = hooks[0]
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert re.match(hook["files"], "roadmaps/ml/kayes.yml")
    assert hook["entry"].split()[:2] == ["diaspora-roadmaps", "validate"]
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text("utf-8")
    assert 'diaspora-roadmaps = "site_builder.cli:main"' in pyproject


def test_matrix_recipe_builds_one_language_per_job_and_assembles() -> None:
    workflow = yaml12(PROJECT_ROOT / "recipes/github-actions-matrix.yml")
    job = workflow["jobs"]["language"]
    assert job["strategy"]["matrix"]["language"]
    runs = " ".join(step.get("run", "") for step in job["steps"])
    assert "--language ${{ matrix.language }}" in runs
    assert workflow["jobs"]["assemble"]["needs"] == "language"


def test_languages_built_apart_assemble_into_the_whole_site(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import tree_digest

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1215000000")
    whole = tmp_path / "whole"
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", whole).code == 0
    assembled = tmp_path / "assembled"
    assembled.mkdir()
    for language in ("en", "fr", "ar"):
        part = tmp_path / f"part-{language}"
        assert (
            run(
                "build",
                "--quiet",
                "--language",
                language,
                "--roadmaps",
                CONTRACT,
                "--site-dir",
                part,
            ).code
            == 0
        )
        assert sorted(p.name for p in part.iterdir() if p.is_dir()) == sorted(["data", language])
        shutil.copytree(part, assembled, dirs_exist_ok=True)
    assert tree_digest(assembled) == tree_digest(whole)


def test_quality_warnings_and_strict(run, roadmaps, monkeypatch: pytest.MonkeyPatch) -> None:
    data = roadmaps()
    # fr/country.yml: `bilateral-social-rights` ends 2009-06; make it still in progress.
    edit(
        data / "fr/country.yml",
        "    end: 2009-06\n    status: planned",
        "    end: 2009-06\n    status: in-progress",
    )
    relaxed = run("validate", "--roadmaps", data)
    assert relaxed.code == 0
    assert re.search(
        r"fr/country\.yml:\d+:\d+: warning: commitments\[1\]\.status: ended in "
        r"2009-06 but is still in progress, with no assessment",
        relaxed.err,
    )
    assert re.search(
        r"ml/yelimane\.yml:8:3: warning: summary: no text in the default "
        r"language \(en\)",
        relaxed.err,
    )
    assert run("validate", "--strict", "--roadmaps", data).code == 1
    # The date compared with is SOURCE_DATE_EPOCH's when it is set: in 2008 it had not ended.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1215000000")
    assert "still in progress" not in run("validate", "--roadmaps", data).err


def test_every_key_the_contract_uses_is_in_the_reference_and_the_schema() -> None:
    """The field list comes from the contract's files, not from the model, so a field the
    model lost (or never had) fails here."""
    import yaml

    languages = {"en", "fr", "ar", "es"}
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if str(key) not in languages:
                    keys.add(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(CONTRACT.rglob("*.yml")):
        walk(yaml.safe_load(path.read_text("utf-8")))
    reference = (PROJECT_ROOT / REFERENCE_FILE).read_text("utf-8")
    schema_properties = {
        name for definition in SCHEMA["$defs"].values() for name in definition.get("properties", {})
    }
    assert len(keys) > 50  # the contract really was read
    assert sorted(k for k in keys if f"| `{k}` |" not in reference) == []
    assert sorted(keys - schema_properties) == []


def test_placeholder_text_from_new_is_a_warning_and_an_error_when_strict(run, roadmaps) -> None:
    data = roadmaps()
    written = run("new", "country", "NO", "--role", "destination", "--roadmaps", data)
    lines = (data / "no" / "country.yml").read_text("utf-8").splitlines()
    todo = next(n for n, line in enumerate(lines, 1) if "TODO" in line)
    assert f"write the text marked TODO (line {todo})" in written.err
    warned = run("validate", "--roadmaps", data)
    assert warned.code == 0
    assert re.search(
        rf"no/country\.yml:{todo}:\d+: warning: title\.en: text left as a placeholder: "
        r"'TODO: title of the roadmap'",
        warned.err,
    ), warned.err
    assert "write the real text in place of 'TODO'" in warned.err
    strict = run("validate", "--strict", "--roadmaps", data)
    assert strict.code == 1 and re.search(
        rf"no/country\.yml:{todo}:\d+: title\.en: text left", strict.err
    )


PLACEHOLDERS = [
    "TODO: title", "todo", "ToDo later", "a FIXME here", "tbd.", "XXX", "Lorem Ipsum dolor",
    "lorem \u0131psum", "LOREM \u0130PSUM", "lorem ip\u017fum", "\u00e0 faire : TODO",
    "\u0644\u0627 TODO", "lorem  ipsum", "Lorem\tIpsum", "many residents lorem\n    ipsum come",
]  # fmt: skip
NOT_PLACEHOLDERS = ["todos", "mastodon", "xxxx", "nothing to see", "loremipsum", "lorem", ""]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, True) for text in PLACEHOLDERS] + [(text, False) for text in NOT_PLACEHOLDERS],
)
def test_a_placeholder_is_found_where_the_regular_expression_finds_it(
    text: str, expected: bool
) -> None:
    """The quick check gives the regular expression's match; `lorem ipsum` is found
    whatever spaces or line breaks are between its words (a text block's lines)."""
    found, matched = placeholder(text), PLACEHOLDER.search(text)
    assert (found and found.span()) == (matched and matched.span())
    assert (found is not None) is expected


def test_the_letters_a_placeholder_word_matches_when_case_is_ignored_are_all_folded() -> None:
    # The quick check folds these before looking for the words; a letter Python's `re`
    # also matches and the check did not fold would let a placeholder through.
    letters = set("".join(_PLACEHOLDER_WORDS).replace(" ", ""))
    any_letter = re.compile(f"[{''.join(sorted(letters))}]", re.IGNORECASE)
    alike = {chr(code) for code in range(0x80, 0x110000) if any_letter.fullmatch(chr(code))}
    assert alike and alike <= set(_CASE_ALIKE_LETTERS)


def test_new_authority_says_what_its_file_asks_for(run, roadmaps) -> None:
    data = roadmaps()
    written = run("new", "authority", "FR", "saint-denis", "--kind", "district", "--roadmaps", data)
    text = (data / "fr" / "saint-denis.yml").read_text("utf-8")
    assert "TODO" not in text and "TODO" not in written.err
    assert "remove the `# ` in front of the optional fields you need" in written.err
    assert "saint-denis" not in run("validate", "--strict", "--roadmaps", data).err


@pytest.mark.parametrize(
    ("old", "new", "where", "hint"),
    [
        # A field of the file indented under a text: YAML reads it as a language.
        (
            "partner_countries: [ML]",
            "  partner_countries: [ML]",
            "summary.partner_countries: 'partner_countries' is not a language of the site",
            "'partner_countries' is a field at the top of the file: if it belongs there, "
            "indent it like 'name' (line 2, column 1)",
        ),
        # A field of a twinning entry indented under its partner: an unknown field there.
        (
            "      country: DE\n    kind: town-twinning",
            "      country: DE\n      kind: town-twinning",
            "twinning[1].partner.kind: unknown field 'kind'",
            "'kind' is a field of twinning[1]: if it belongs there, indent it like 'partner' "
            "(line 24, column 5)",
        ),
    ],
)
def test_a_key_indented_too_far_is_named_as_such(run, roadmaps, old, new, where, hint) -> None:
    """Valid YAML with a key one level too deep: the message says which object the key
    belongs to and where its siblings start, not only that it is unknown there."""
    data = roadmaps()
    edit(data / "fr" / "montreuil.yml", old, new)
    result = run("validate", "--roadmaps", data)
    assert result.code == 1
    assert where in result.err and f"hint: {hint}" in result.err, result.err
