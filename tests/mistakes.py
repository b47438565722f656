"""The corpus of authors' mistakes, shared by the tests and the authoring guide.

Syntax mistakes are files under tests/fixtures/syntax/, named after the mistake; each
starts with three comments: `# Mistake: ...`, `# Line to change: N`, `# Hint: ...`.
Each is validated as `roadmaps/fr/lyon.yml` in a small site of its own. `EXAMPLES` are
mistakes of meaning, made from the valid `fixtures/mistakes/lyon.yml`.

`python -m tests.mistakes` (`make guide`) writes the section of docs/en/contribute.md
between its two markers from the real output for each; a test fails when it is stale.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import Problem
from site_builder.load.validate import load_dataset

FIXTURES = Path(__file__).parent / "fixtures"
SYNTAX = FIXTURES / "syntax"
LYON = (FIXTURES / "mistakes/lyon.yml").read_text("utf-8")
"""A valid authority roadmap that the examples of mistakes start from."""
SITE_YML = "title: {en: Lyon}\nlanguages: [en, fr]\n"
_HEADER = re.compile(
    r"# Mistake: (?P<title>.+)\n# Line to change: (?P<line>\d+)\n# Hint: (?P<hint>.+)\n"
)


@dataclass(frozen=True)
class SyntaxCase:
    name: str
    title: str
    line: int
    hint: str
    text: str


def syntax_cases() -> list[SyntaxCase]:
    cases = []
    for path in sorted(SYNTAX.glob("*.yml")):
        text = path.read_text("utf-8")
        match = _HEADER.match(text)
        assert match, f"{path} does not start with its Mistake/Line to change/Hint comments"
        cases.append(SyntaxCase(path.stem, match["title"], int(match["line"]), match["hint"], text))
    return cases


def validate_files(files: dict[str, str], work: Path) -> list[Problem]:
    """Validate a site made of `files` (paths under roadmaps/) in `work`, from `work` so
    that problems name `roadmaps/...`, as authors see them."""
    roadmaps = work / "roadmaps"
    if roadmaps.exists():
        shutil.rmtree(roadmaps)
    for name, text in {"site.yml": SITE_YML, **files}.items():
        target = roadmaps / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    cwd = Path.cwd()
    os.chdir(work)
    try:
        return load_dataset(Path("roadmaps")).problems
    finally:
        os.chdir(cwd)


KAYES = "name: Kayes\ncountry: ML\nkind: region\n"
KAYES_LINKED = KAYES + (
    "twinning:\n  - partner: fr/lyon\n    kind: decentralised-cooperation\n    status: active\n"
)
LYON_LINKED = LYON + (
    "twinning:\n  - partner: ml/kayes\n    kind: decentralised-cooperation\n    status: active\n"
)


def _lyon(old: str, new: str, text: str = LYON) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@dataclass(frozen=True)
class Example:
    title: str
    files: dict[str, str]  # paths under roadmaps/ → text
    explanation: str


EXAMPLES = [
    Example(
        "Text left as a placeholder",
        {
            "fr/lyon.yml": _lyon(
                "  en: Lyon and its residents from Mali", '  en: "TODO: title of the roadmap"'
            )
        },
        "`new country` marks the text to write with `TODO`; until it is replaced, `validate` "
        "warns (an error with `--strict`). So do `FIXME`, `TBD`, `XXX` and *lorem ipsum*.",
    ),
    Example(
        "HTML pasted into a text",
        {
            "fr/lyon.yml": _lyon(
                "    The town co-finances them.",
                '    The town co-finances them.<br>See <a href="https://example.org/lyon">the '
                "town's page</a>.",
            )
        },
        "Rich text is Markdown: HTML tags are never shown. The page shows the text without "
        "them; each warning names the line and what to write instead.",
    ),
    Example(
        "Markdown that the site does not show",
        {
            "fr/lyon.yml": _lyon(
                "    The town co-finances them.",
                "    The town co-finances them: ![map of the projects](https://example.org/map.png)"
                "\n    [Write to us](javascript:contact()).",
            )
        },
        "Rich text is paragraphs, emphasis, lists and links to http, https and mailto "
        "addresses. Images, links to other addresses, headings, rules, code blocks, tables, "
        "numbered lists that do not start at 1 and link definitions nothing links to are "
        "not shown as written; each warning says what the page shows instead and what to "
        "write.",
    ),
    Example(
        "A key written twice",
        {
            "fr/lyon.yml": _lyon(
                "    kind: agency\n",
                "    kind: agency\n    kind: network\n",
                _lyon("    start: 2005\n", "    start: 2005\n    start: 2006\n"),
            )
        },
        "Every key written twice in a file is reported in the same run.",
    ),
    Example(
        "A twinning partner misspelt",
        {
            "fr/lyon.yml": _lyon("partner: ml/kayes", "partner: ml/kaye", LYON_LINKED),
            "ml/kayes.yml": KAYES_LINKED,
        },
        "The hint names the closest roadmap of this site, never one from elsewhere. "
        "`ml/kayes.yml` lists its link to `fr/lyon` and is not warned that Lyon does not "
        "list it back: an entry with an error gives no follow-on warning at the other end.",
    ),
    Example(
        "A twinning link written at one end only",
        {"fr/lyon.yml": LYON_LINKED, "ml/kayes.yml": KAYES},
        "A warning (an error with `--strict`): add the link to the other file too.",
    ),
    Example(
        "A twinning partner with a roadmap here written as a town apart",
        {
            "fr/lyon.yml": _lyon(
                "partner: ml/kayes", "partner: {name: Kayes, country: ML}", LYON_LINKED
            ),
            "ml/kayes.yml": KAYES_LINKED,
        },
        "`{name, country}` is for a town without a roadmap on this site; written so, a "
        "link to one that has a roadmap shows as a link to a town apart, and neither end "
        "is compared with the other. A warning (an error with `--strict`).",
    ),
]

START = "<!-- mistakes:start: generated by `make guide` (tests/mistakes.py); do not edit -->"
END = "<!-- mistakes:end -->"
GUIDE = Path(__file__).parent.parent / "site_builder" / "defaults" / "docs" / "en" / "contribute.md"


def _shown(problems: list[Problem]) -> str:
    return "\n".join(problem.format() for problem in problems)


def guide_section() -> str:
    """The generated part of the authoring guide: every message, as `validate` prints it."""
    lines = [
        START,
        "",
        "### Mistakes of meaning",
        "",
    ]
    with tempfile.TemporaryDirectory() as work:
        for example in EXAMPLES:
            problems = validate_files(example.files, Path(work))
            lines += [f"#### {example.title}", "", example.explanation, "", "```text"]
            lines += [_shown(problems), "```", ""]
        lines += [
            "### Mistakes of YAML syntax",
            "",
            "The message names the line to change, which is not always the line where the "
            "YAML parser stopped; the parser's own words come after, in parentheses.",
            "",
        ]
        for case in syntax_cases():
            problems = validate_files({"fr/lyon.yml": case.text}, Path(work))
            lines += [f"#### {case.title.rstrip('.')}", "", "```text", _shown(problems), "```", ""]
    lines.append(END)
    return "\n".join(lines)


def guide_with_section(guide: str) -> str:
    before, rest = guide.split(START, 1)
    after = rest.split(END, 1)[1]
    return before + guide_section() + after


def main() -> int:
    GUIDE.write_text(guide_with_section(GUIDE.read_text("utf-8")), "utf-8")
    print(f"wrote {GUIDE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
