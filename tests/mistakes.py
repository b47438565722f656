"""The corpus of authors' mistakes, shared by the tests and the authoring guide.

Syntax mistakes are files under tests/fixtures/syntax/, named after the mistake; each
starts with three comments: `# Mistake: ...`, `# Line to change: N`, `# Hint: ...`.
Each is validated as `roadmaps/fr/lyon.yml` in a small site of its own.
"""

from __future__ import annotations

import os
import re
import shutil
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
