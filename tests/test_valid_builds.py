"""Valid data never crashes the build: property-based valid roadmaps (any subset of the
optional fields, lists of one or many items, texts in some languages only) go through the
whole build of every language, render and engine, and must exit 0 without a traceback.

`make test` runs a few examples per mode; `make fuzz` runs many (FUZZ_EXAMPLES per mode).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.cli import main
from site_builder.load.validate import load_dataset
from tests.conftest import edit
from tests.strategies import MODES, Mode, write_valid_site

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
BUILDS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,  # `make test` is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
COUNTER = Path(os.environ.get("FUZZ_COUNT_FILE", os.devnull))


def _count_example() -> None:
    if os.environ.get("FUZZ_COUNT_FILE"):
        with COUNTER.open("a", encoding="utf-8") as handle:
            handle.write("1\n")


@pytest.mark.parametrize("mode", MODES)
@BUILDS
@given(data=st.data())
def test_valid_roadmaps_build_in_every_language(
    mode: Mode, data: st.DataObject, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(tempfile.mkdtemp(prefix="valid-build-"))
    try:
        roadmaps = root / "roadmaps"
        shape = write_valid_site(roadmaps, data, mode)
        report = load_dataset(roadmaps)
        assert not report.errors, [p.format() for p in report.errors]
        code = main(
            ["build", "--quiet", "--roadmaps", str(roadmaps), "--site-dir", str(root / "site")]
        )
        err = capsys.readouterr().err
        assert code == 0, err
        assert "Traceback" not in err
        for language in shape.languages:
            assert (root / "site" / language / "index.html").is_file()
        _count_example()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_dialogue_without_its_optional_format_builds(roadmaps, run, tmp_path: Path) -> None:
    """It crashed dialogue.md.j2 with a TypeError once."""
    folder = roadmaps()
    edit(folder / "ml" / "yelimane.yml", "    format: forum\n", "")
    result = run("build", "--quiet", "--roadmaps", folder, "--site-dir", tmp_path / "site")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
