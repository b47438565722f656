"""The syntax-mistake corpus: each real mistake is reported on the line the author must
change, in plain words, with the hint that is right for it and the parser's words after."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mistakes import LYON, syntax_cases, validate_files

CASES = syntax_cases()


def test_corpus_has_at_least_25_mistakes() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_syntax_mistake_names_the_line_and_the_right_hint(case, tmp_path: Path) -> None:
    problems = validate_files({"fr/lyon.yml": case.text}, tmp_path)
    assert len(problems) == 1, [p.format() for p in problems]
    problem = problems[0]
    assert problem.path == "roadmaps/fr/lyon.yml"
    assert problem.message.startswith("YAML syntax error: ")
    assert "(the YAML parser says: " in problem.message
    assert (problem.line, problem.hint) == (case.line, case.hint)
    assert problem.source_line == case.text.splitlines()[case.line - 1]


def test_key_indented_too_far_is_not_told_to_quote() -> None:
    case = next(c for c in CASES if c.name == "key-indented-too-far")
    assert "quotes" not in case.hint
    assert case.hint == "indent `name:` by 4 spaces, like `id:` on line 16"


def test_missing_colon_is_reported_on_its_own_line() -> None:
    case = next(c for c in CASES if c.name == "missing-colon")
    assert case.text.splitlines()[case.line - 1] == "    status in-progress"


def test_every_duplicate_key_of_a_file_is_reported_in_one_run(tmp_path: Path) -> None:
    text = LYON
    text = text.replace("kind: municipality\n", "kind: municipality\nname: Lyon 2\n", 1)
    text = text.replace("    kind: agency\n", "    kind: agency\n    kind: network\n", 1)
    text = text.replace("    start: 2005\n", "    start: 2005\n    start: 2006\n", 1)
    problems = validate_files({"fr/lyon.yml": text}, tmp_path)
    lines = text.splitlines()

    def at(line: str) -> int:
        return lines.index(line) + 1

    # Named by their field, as every problem is: found where the first value is.
    assert [p.field for p in problems] == ["name", "institutions[0].kind", "commitments[0].start"]
    found = [(p.line, p.message, p.hint) for p in problems]
    assert found == [
        (
            at("name: Lyon 2"),
            "duplicate key 'name'",
            "'name' is already set on line 1; keep one of them",
        ),
        (
            at("    kind: network"),
            "duplicate key 'kind'",
            f"'kind' is already set on line {at('    kind: agency')}; keep one of them",
        ),
        (
            at("    start: 2006"),
            "duplicate key 'start'",
            f"'start' is already set on line {at('    start: 2005')}; keep one of them",
        ),
    ]


def test_a_key_set_twice_hides_no_other_problem_of_its_file(tmp_path: Path) -> None:
    """The first value is kept, and the rest of the file is checked in the same run: an
    unknown field and an impossible date are reported beside the duplicate."""
    text = LYON.replace("kind: municipality\n", "kind: municipality\nkind: region\n", 1)
    text += "bogus: 1\nupdated: 2099-02-30\n"
    problems = validate_files({"fr/lyon.yml": text}, tmp_path)
    messages = [p.message for p in problems]
    assert "duplicate key 'kind'" in messages
    assert "unknown field 'bogus'" in messages
    assert any("2099-02-30" in m for m in messages), messages


def test_the_first_value_of_a_key_set_twice_is_the_one_checked(tmp_path: Path) -> None:
    text = LYON.replace("kind: municipality\n", "kind: nowhere\nkind: municipality\n", 1)
    problems = validate_files({"fr/lyon.yml": text}, tmp_path)
    lines = text.splitlines()
    assert [(p.line, p.field) for p in problems] == [
        (lines.index("kind: nowhere") + 1, "kind"),
        (lines.index("kind: municipality") + 1, "kind"),
    ], [p.format() for p in problems]


def test_keys_set_twice_before_a_syntax_error_are_reported_with_it(tmp_path: Path) -> None:
    text = LYON.replace("kind: municipality\n", "kind: municipality\nkind: region\n", 1)
    text += "summary: {en: [unclosed\n"
    problems = validate_files({"fr/lyon.yml": text}, tmp_path)
    messages = [p.message for p in problems]
    assert messages[0] == "duplicate key 'kind'", messages
    assert len(messages) == 2 and messages[1].startswith("YAML syntax error: ")


def test_no_message_or_hint_names_a_class_of_the_code(tmp_path: Path) -> None:
    """Authors read field paths and their own words, never the model's class names
    (`AuthorityRoadmap`, `TwinningLink`): a mapping where a list item's text is expected,
    the file itself written as a list, and every mistake of the corpus."""
    import dataclasses

    from site_builder.format import model

    classes = {
        name
        for name, value in vars(model).items()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    }
    texts = [case.text for case in CASES] + [
        LYON.replace("commitments:\n", "commitments:\n  - just a commitment\n", 1),
        "- name: Lyon\n- country: FR\n",
    ]
    for number, text in enumerate(texts):
        problems = validate_files({"fr/lyon.yml": text}, tmp_path / str(number))
        assert problems
        for problem in problems:
            said = f"{problem.message} {problem.hint or ''}"
            assert not {word for word in classes if word in said}, problem.format()


def test_a_file_written_as_a_list_is_told_to_drop_the_dashes(tmp_path: Path) -> None:
    problems = validate_files({"fr/lyon.yml": "- name: Lyon\n- country: FR\n"}, tmp_path)
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (
            1,
            "expected a mapping of fields, found a list",
            "a file is one mapping of fields: remove the '- ' before each top-level field",
        )
    ]


_DEEP = "title:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 41))
NO_HINT_BEFORE = {
    "unknown-field-like-no-other": LYON + "colour: blue\n",
    "nested-too-deep": LYON.replace("title:\n", _DEEP, 1),
    "list-too-long": LYON.replace(
        "partner_countries: [ML, SN]", "partner_countries: [" + "ML, " * 1001 + "SN]", 1
    ),
    "a-list-for-a-single-value": LYON + "location:\n  - 48.8\n  - 2.4\n",
    "a-mapping-for-a-word": LYON.replace("kind: municipality", "kind: {a: b}", 1),
    "a-list-for-a-language-s-text": LYON.replace(
        "  en: Lyon and its residents from Mali", "  en: [Lyon]", 1
    ),
    "a-list-as-a-key": LYON + "[a, b]: c\n",
}


@pytest.mark.parametrize("text", list(NO_HINT_BEFORE.values()), ids=list(NO_HINT_BEFORE))
def test_every_error_says_what_to_write(text: str, tmp_path: Path) -> None:
    problems = validate_files({"fr/lyon.yml": text}, tmp_path)
    assert problems
    for problem in problems:
        assert problem.hint, problem.format()


@pytest.mark.parametrize(
    "text", ["", "---\n", "---\n...\n", "...\n", "# only a comment\n---\n", "--- # x\n\n"]
)
def test_an_empty_site_file_is_not_called_a_roadmap(tmp_path: Path, text: str) -> None:
    problems = validate_files({"site.yml": text}, tmp_path)
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (1, "file is empty", "write at least the file's required fields")
    ]


def test_a_long_line_is_quoted_around_the_problem_only() -> None:
    from site_builder.errors import EXCERPT_WIDTH, Problem

    line = "partner_countries: [" + "ML, " * 1500 + "XX]"
    column = line.index("XX") + 1
    shown = Problem("a.yml", 1, column, "partner_countries", "m", "h", source_line=line)
    quoted, caret = shown.format().splitlines()[1:3]
    assert len(quoted) <= 4 + EXCERPT_WIDTH + 2 and quoted.startswith("    …")
    assert quoted[caret.index("^") : caret.index("^") + 2] == "XX"
    short = Problem("a.yml", 1, 3, "f", "m", "h", source_line="ab: c").format().splitlines()
    assert short[1:3] == ["    ab: c", "      ^"]
