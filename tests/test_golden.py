"""Golden output: the contract roadmaps and the example site, built into temporary folders,
compared file by file with the expected trees in `tests/golden/`.

Only what the builder makes is compared (pages, open data, feeds, sitemaps, root files);
the theme's own assets and the search index (`pagefind/`) are left out. After an intended
change of the output, `make golden` writes the expected trees again; review the diff
before committing.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.conftest import CONTRACT, PROJECT_ROOT

GOLDEN = Path(__file__).parent / "golden"
SITES = {"contract": CONTRACT, "example": PROJECT_ROOT / "roadmaps"}
EPOCH = "1184025600"  # a fixed build date, so that the output depends on the input only
SKIPPED_PARTS = {"assets", "pagefind"}  # the theme's files; the search index


# The built-in hand-written pages (`contribute`, `reference`...) come out the same for
# every roadmaps folder: the contract's tree holds them, the example's leaves them out.
HAND_WRITTEN = {
    page.stem for page in (PROJECT_ROOT / "site_builder" / "defaults" / "docs").glob("*/*.md")
}
HAND_WRITTEN_KEPT_IN = "contract"


def compared_files(site: Path, name: str = HAND_WRITTEN_KEPT_IN) -> dict[str, Path]:
    """The files of a built site that the golden tree `name` holds, by relative path."""
    files = {}
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site)
        parts = relative.parts
        if not path.is_file() or SKIPPED_PARTS & set(parts) or path.suffix == ".gz":
            continue
        if name != HAND_WRITTEN_KEPT_IN and len(parts) > 2 and parts[1] in HAND_WRITTEN:
            continue
        files[relative.as_posix()] = path
    return files


def build_golden(name: str, tmp: Path, engine: str = "mkdocs") -> Path:
    """Build one of SITES from a copy outside git (no history, so no dates from git)."""
    roadmaps = tmp / f"{name}-roadmaps"
    shutil.copytree(SITES[name], roadmaps)
    site = tmp / f"{name}-site"
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        code = main(
            ["build", "--quiet", "--engine", engine, "--roadmaps", str(roadmaps)]
            + ["--site-dir", str(site)]
        )
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    assert code == 0
    return site


def write_golden(tmp: Path) -> None:
    for name in SITES:
        site = build_golden(name, tmp)
        target = GOLDEN / name
        shutil.rmtree(target, ignore_errors=True)
        for relative, path in compared_files(site, name).items():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)


# The one line where the engines' output differs: the name of the generator.
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
@pytest.mark.parametrize("name", sorted(SITES))
def test_built_site_matches_golden_tree(name: str, engine: str, tmp_path: Path) -> None:
    """The golden trees are MkDocs' output; ProperDocs must give the same files."""
    site = build_golden(name, tmp_path, engine)
    built = compared_files(site, name)
    expected = compared_files(GOLDEN / name, name)
    assert sorted(built) == sorted(expected), "the set of files differs; run `make golden`"
    for relative, path in built.items():
        got, want = path.read_bytes(), expected[relative].read_bytes()
        if engine != "mkdocs":
            got, want = GENERATOR.sub(b"", got), GENERATOR.sub(b"", want)
        if got != want:
            diff = "\n".join(
                list(
                    difflib.unified_diff(
                        want.decode("utf-8", "replace").splitlines(),
                        got.decode("utf-8", "replace").splitlines(),
                        f"golden/{name}/{relative}",
                        "built",
                        lineterm="",
                    )
                )[:40]
            )
            pytest.fail(f"{relative} differs from the golden tree:\n{diff}")


_PRE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL)


@pytest.mark.parametrize("name", sorted(SITES))
def test_engine_pages_hold_no_blank_or_indented_line_outside_pre(name: str) -> None:
    """Every page the engine laid out (in every language of the tree, Arabic included) is
    trimmed (`engine.plugins.trim_html`): outside `<pre>`, no line is blank, holds only
    white space, or starts with it, and the page starts with its doctype. (The theme's
    blank lines were once kept, 49 a roadmap page, and put a roadmap page of the
    benchmark over its 40 KB.)"""
    pages = [page for page in (GOLDEN / name).glob("*/**/*.html")]
    assert len(pages) > 50
    for page in pages:
        text = page.read_text("utf-8")
        assert text.startswith("<!doctype html>"), page
        lines = _PRE_BLOCK.sub("<pre/>", text).split("\n")
        for number, line in enumerate(lines[:-1], 1):
            assert line.strip() and line[0] not in " \t", f"{page}: line {number}: {line!r}"


if __name__ == "__main__":  # `make golden`
    import tempfile

    os.chdir(PROJECT_ROOT)
    with tempfile.TemporaryDirectory() as work:
        write_golden(Path(work))
