"""Shared helpers: copies of roadmap folders to edit, builds into tmp_path, tree digests."""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.cli import main

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
CONTRACT = FIXTURES / "contract"
PROJECT_ROOT = TESTS.parent
EXAMPLE = PROJECT_ROOT / "roadmaps"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run from the project root, the example site project (roadmaps/)."""
    monkeypatch.chdir(PROJECT_ROOT)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    def _run(*args: str | Path) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return _run


@pytest.fixture
def roadmaps(tmp_path: Path):
    """A fresh copy of a fixture folder (the contract's by default) to edit in a test."""

    def _copy(source: Path = CONTRACT) -> Path:
        target = tmp_path / "roadmaps"
        shutil.copytree(source, target)
        return target

    return _copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def without_isolation(html: str) -> str:
    """A page without the `<bdi>` elements that isolate inserted names and texts, for tests
    that look at what surrounds them."""
    return re.sub(r"</?bdi\b[^>]*>", "", html)


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def contract_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contract roadmaps built once for the tests that only read the result."""
    site = tmp_path_factory.mktemp("contract") / "site"
    import os

    cwd = os.getcwd()
    os.chdir(PROJECT_ROOT)
    try:
        assert main(["build", "--quiet", "--roadmaps", str(CONTRACT), "--site-dir", str(site)]) == 0
    finally:
        os.chdir(cwd)
    return site


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site built from roadmaps with script-injection payloads in every text field."""
    import os

    from site_builder.format.sample import write_sample
    from tests.test_injection import hostile_texts

    root = tmp_path_factory.mktemp("hostile")
    write_sample(root / "roadmaps", 2, 2, ("en", "ar"), text=hostile_texts())
    cwd = os.getcwd()
    os.chdir(PROJECT_ROOT)
    try:
        assert (
            main(
                [
                    "build",
                    "--quiet",
                    "--roadmaps",
                    str(root / "roadmaps"),
                    "--site-dir",
                    str(root / "site"),
                ]
            )
            == 0
        )
    finally:
        os.chdir(cwd)
    return root / "site"


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example roadmaps (roadmaps/) built once."""
    import os

    from site_builder.cli import main

    site = tmp_path_factory.mktemp("example") / "site"
    cwd = os.getcwd()
    os.chdir(PROJECT_ROOT)
    try:
        assert main(["build", "--quiet", "--roadmaps", str(EXAMPLE), "--site-dir", str(site)]) == 0
    finally:
        os.chdir(cwd)
    return site


def write_montreuil_summary(data: Path, summary: str) -> list[str]:
    """Put `summary` (YAML lines from `  en: |` on) in place of the summary of
    `fr/montreuil.yml` in a copy of the contract's roadmaps; the file's lines after."""
    path = data / "fr/montreuil.yml"
    text = path.read_text("utf-8")
    start = text.index("  en: |\n    Many Montreuil")
    end = text.index("partner_countries:")
    path.write_text(text[:start] + summary + text[end:], "utf-8")
    return path.read_text("utf-8").splitlines()
