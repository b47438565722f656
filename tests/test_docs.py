"""The documentation shows what the tool really does."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, edit


def test_guide_error_example_is_real_output(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = (PROJECT_ROOT / "site_builder/defaults/docs/en/contribute.md").read_text("utf-8")
    block = re.search(
        r"```text\n\$ diaspora-roadmaps validate[^\n]*\n(.*?)```", guide, re.DOTALL
    ).group(1)
    shutil.copytree(PROJECT_ROOT / "roadmaps", tmp_path / "roadmaps")
    edit(tmp_path / "roadmaps/ml/country.yml", "    kind: ministry", "    kind: ministery")
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.code == 1
    assert result.err == block


def test_readme_quick_start_has_the_two_commands() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text("utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^make \w+", quick, re.MULTILINE)
    assert commands == ["make site", "make test"]
    assert "make serve" in quick
    makefile = (PROJECT_ROOT / "Makefile").read_text("utf-8")
    for target in ("site", "test", "serve"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE)
    assert "make test" in (PROJECT_ROOT / ".ci/run").read_text("utf-8")


def test_readme_commands_match_the_command_line() -> None:
    from site_builder.cli import _parser

    readme = (PROJECT_ROOT / "README.md").read_text("utf-8")
    documented = set(re.findall(r"^diaspora-roadmaps ([a-z][\w-]*)", readme, re.MULTILINE))
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert documented == set(commands)


def test_guide_messages_section_is_generated_from_the_corpus() -> None:
    from tests.mistakes import END, EXAMPLES, START, guide_section, syntax_cases

    guide = (PROJECT_ROOT / "site_builder/defaults/docs/en/contribute.md").read_text("utf-8")
    assert START in guide and END in guide
    written = START + guide.split(START, 1)[1].split(END, 1)[0] + END
    assert written == guide_section(), "run `make guide`"
    titles = re.findall(r"^#### (.+)$", written, re.MULTILINE)
    assert len(titles) == len(EXAMPLES) + len(syntax_cases())
    for needed in ("placeholder", "HTML", "twice", "misspelt", "one end only"):
        assert any(needed in title for title in titles), needed


def test_no_file_keeps_a_merge_conflict_marker() -> None:
    """A conflict left in a tracked file (a guide, a template, a golden page) would be
    published as it is: every tracked text file is free of conflict markers."""
    files = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)
    found = []
    for name in files:
        path = PROJECT_ROOT / name
        if path.suffix in {".png", ".json", ".mo"} or not path.is_file():
            continue
        text = path.read_text("utf-8", errors="replace")
        found += [f"{name}: {m.group(0)!r}" for m in marker.finditer(text)]
    assert found == [], found
