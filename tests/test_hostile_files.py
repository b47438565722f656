"""Hostile folder entries and what editors show: links out of the roadmaps folder, FIFOs,
loops, folders named like files; line numbers with Unicode line separators; byte-order
marks; language codes that differ only in case; many problems in one file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.load import source as source_module
from site_builder.load.validate import load_dataset
from tests.conftest import PROJECT_ROOT, edit

SECRET = "hunter2-top-secret"


def _secret_file(tmp_path: Path) -> Path:
    """A file outside the roadmaps folder whose content must never be shown."""
    secret = tmp_path / "outside" / "secret.yml"
    secret.parent.mkdir()
    secret.write_text(f"password: {SECRET}\nkey: [{SECRET}\n", "utf-8")
    return secret


def _no_leak(result, secret: str = SECRET) -> None:
    assert secret not in result.out + result.err
    assert "Traceback" not in result.out + result.err


def test_link_to_a_file_outside_is_refused_by_name_without_reading_it(
    roadmaps, run, tmp_path: Path
) -> None:
    folder = roadmaps()
    link = folder / "fr" / "x.yml"
    link.symlink_to(_secret_file(tmp_path))
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    _no_leak(result)
    assert "fr/x.yml:1:1: 'x.yml' is a symbolic link out of the roadmaps folder" in result.err
    assert "secret.yml" not in result.err  # the target is not even named


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ"])
def test_links_to_system_files_are_refused(
    roadmaps, run, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITE_BUILDER_TEST_SECRET", SECRET)
    folder = roadmaps()
    (folder / "fr" / "x.yml").symlink_to(target)
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    _no_leak(result)
    assert "root:" not in result.err
    assert "symbolic link out of the roadmaps folder" in result.err


def test_site_settings_and_country_folder_linked_out_are_refused(
    roadmaps, run, tmp_path: Path
) -> None:
    folder = roadmaps()
    (folder / "site.yml").unlink()
    (folder / "site.yml").symlink_to(_secret_file(tmp_path))
    shutil.move(folder / "be", tmp_path / "outside" / "be")
    (tmp_path / "outside" / "be" / "secret.yml").write_text(f"x: {SECRET}\n", "utf-8")
    (folder / "be").symlink_to(tmp_path / "outside" / "be")
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    _no_leak(result)
    assert "site.yml:1:1: 'site.yml' is a symbolic link out of the roadmaps folder" in result.err
    assert "be:1:1: 'be' is a symbolic link out of the roadmaps folder" in result.err


def test_a_link_inside_the_roadmaps_folder_is_followed(roadmaps, run) -> None:
    folder = roadmaps()
    shared = folder / ".shared"
    shared.mkdir()
    shutil.move(folder / "ml" / "yelimane.yml", shared / "yelimane.yml")
    (folder / "ml" / "yelimane.yml").symlink_to(Path("..") / ".shared" / "yelimane.yml")
    assert run("validate", "--roadmaps", folder).code == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.symlink_to(p.name), "'x.yml' is a loop of symbolic links"),
        (lambda p: p.symlink_to("missing.yml"), "'x.yml' is a symbolic link to nothing"),
        (lambda p: p.mkdir(), "'x.yml' is a folder, not a roadmap file"),
        (lambda p: os.mkfifo(p), "'x.yml' is not a regular file"),
    ],
    ids=["loop", "dangling", "folder", "fifo"],
)
def test_entries_that_are_not_files_get_one_line_each(roadmaps, make, message: str) -> None:
    """Run as a separate process with a timeout: opening a FIFO would block forever."""
    folder = roadmaps()
    make(folder / "fr" / "x.yml")
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "validate", "--roadmaps", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "x.yml" in line]
    assert len(lines) == 1
    assert f"fr/x.yml:1:1: {message}" in lines[0]


def test_a_fifo_is_never_opened_even_when_read_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yml"
    os.mkfifo(fifo)
    with pytest.raises(source_module.LoadError, match="not a regular file"):
        source_module.read_bytes(fifo)


# --- Line numbers as an editor shows them ---------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_line_separator_in_a_quoted_value_does_not_shift_later_lines(
    roadmaps, run, separator: str
) -> None:
    folder = roadmaps()
    path = folder / "ml" / "yelimane.yml"
    edit(path, "  en: Yélimané circle", f'  en: "Yélimané{separator}circle"')
    edit(path, "since: 1985", "since: 1985-13")
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    assert "ml/yelimane.yml:16:12: twinning[0].since:" in result.err


def test_next_line_character_is_refused_where_the_editor_shows_it(roadmaps, run) -> None:
    folder = roadmaps()
    path = folder / "ml" / "yelimane.yml"
    edit(path, "  en: Yélimané circle", '  en: "Yélimané\x85circle"')
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    assert "ml/yelimane.yml:3:16: control character U+0085 is not allowed" in result.err


def test_line_separator_in_a_comment_is_not_a_syntax_error(roadmaps, run) -> None:
    folder = roadmaps()
    path = folder / "ml" / "yelimane.yml"
    edit(path, "# Illustrative example", "# Illustrative\u2028: example [")
    result = run("validate", "--roadmaps", folder)
    assert result.code == 0, result.err


def test_line_separator_is_kept_in_the_value(roadmaps) -> None:
    folder = roadmaps()
    edit(folder / "ml" / "yelimane.yml", "  en: Yélimané circle", '  en: "Yélimané\u2028circle"')
    report = load_dataset(folder)
    assert report.dataset is not None
    assert report.dataset.roadmaps["ml/yelimane"].data.name["en"] == "Yélimané\u2028circle"


def test_byte_order_mark_is_accepted_and_columns_are_unchanged(roadmaps, run) -> None:
    folder = roadmaps()
    path = folder / "ml" / "yelimane.yml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run("validate", "--roadmaps", folder).code == 0
    edit(path, "# Illustrative example data: not an official publication.\n", "")
    edit(path, "name:", "nmae:")
    result = run("validate", "--roadmaps", folder)
    assert "ml/yelimane.yml:1:1: nmae:" in result.err


def test_byte_order_mark_in_site_settings_is_accepted(roadmaps, run) -> None:
    folder = roadmaps()
    path = folder / "site.yml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run("validate", "--roadmaps", folder).code == 0


@pytest.mark.parametrize("second", ["en-gb", "en-Gb"])
def test_language_codes_differing_in_case_are_one_language(roadmaps, run, second: str) -> None:
    folder = roadmaps()
    languages = f"languages: [en, fr, ar, en-GB, {second}]"
    edit(folder / "site.yml", "languages: [en, fr, ar]", languages)
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    assert f"language '{second}' is listed twice" in result.err


# --- Many problems in one file ----------------------------------------------------------------


def _many_unknown_fields(folder: Path, count: int) -> Path:
    path = folder / "ml" / "yelimane.yml"
    extra = "".join(f"k{i}: 1\n" for i in range(count))
    path.write_text(path.read_text("utf-8") + extra, "utf-8")
    return path


def test_lines_are_split_once_per_file_however_many_problems(
    roadmaps, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = roadmaps()
    _many_unknown_fields(folder, 2000)
    calls = []
    original = source_module.split_lines
    monkeypatch.setattr(
        source_module, "split_lines", lambda text: calls.append(1) or original(text)
    )
    report = load_dataset(folder)
    assert len(report.errors) >= 2000
    assert len(calls) <= 10  # once per file read (5 files), never once per problem


def test_32000_problems_in_one_file_validate_quickly_and_print_capped(roadmaps, run) -> None:
    """A smoke test with a generous bound (it took 112 s when lines were split per problem)."""
    folder = roadmaps()
    path = _many_unknown_fields(folder, 32_000)
    assert path.stat().st_size > 250_000
    started = time.perf_counter()
    result = run("validate", "--roadmaps", folder)
    elapsed = time.perf_counter() - started
    assert result.code == 1
    assert elapsed < 30, elapsed
    printed = [line for line in result.err.splitlines() if line.startswith(str(path))]
    assert len(printed) < 100
    more = rf"^{re.escape(str(path))}: \.\.\. and 3\d{{4}} more problems"
    assert re.search(more, result.err, re.MULTILINE)
    assert "--format json" in result.err
    everything = run("validate", "--roadmaps", folder, "--format", "json")
    assert len(json.loads(everything.out)) >= 32_000


@pytest.mark.parametrize(
    ("written", "character"),
    [
        ('"Yélimané\\e[31mcircle"', "U+001B"),  # a terminal colour escape
        ('"Yélimané\\0circle"', "U+0000"),
        ('"Yélimané\\x85circle"', "U+0085"),  # next line, a line break YAML 1.1 read
    ],
)
def test_control_characters_written_as_escapes_are_refused(
    roadmaps, run, written: str, character: str
) -> None:
    """A text may not hold control characters, even written as escapes in a quoted text
    (the file itself may not hold them)."""
    folder = roadmaps()
    edit(folder / "ml" / "yelimane.yml", "  en: Yélimané circle", f"  en: {written}")
    result = run("validate", "--roadmaps", folder)
    assert result.code == 1
    assert f"ml/yelimane.yml:3:7: name.en: text holds the control character {character}" in (
        result.err
    )
    assert "hint:" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        # A right-to-left override left open, written as an escape: closed at the end.
        ('"Evil\\u202Egnp.exe"', "Evil\u202egnp.exe\u202c"),
        # An isolate left open, written as it is, holding an open embedding.
        ("Evil\u2067a\u202ab", "Evil\u2067a\u202ab\u202c\u2069"),
        # Closed already: kept as written; a stray closer changes nothing.
        ('"a\\u202Eb\\u202C c\\u2069"', "a\u202eb\u202c c\u2069"),
        # Direction marks reorder nothing after them.
        ('"Yélimané\\u200F circle"', "Yélimané\u200f circle"),
    ],
)
def test_directions_a_text_leaves_open_are_closed_at_its_end(
    roadmaps, written: str, kept: str
) -> None:
    """Bidirectional overrides, embeddings and isolates a text opens are closed at its end,
    so that where it is printed as plain text (a page's title, an attribute, a search
    excerpt) the words after it keep their order."""
    folder = roadmaps()
    edit(folder / "ml" / "yelimane.yml", "  en: Yélimané circle", f"  en: {written}")
    report = load_dataset(folder)
    assert report.dataset is not None
    assert report.dataset.roadmaps["ml/yelimane"].data.name["en"] == kept


def test_links_out_of_the_docs_and_themes_folders_are_reported_and_never_read(
    roadmaps, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The project's hand-written pages and theme overrides are inputs like the roadmaps:
    a link out of their folder, a dangling link or a FIFO is an error named by its own
    path, and neither validation nor the build reads what it points to."""
    folder = roadmaps()
    secret = _secret_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    docs, themes = tmp_path / "docs" / "fr", tmp_path / "themes" / "partials"
    docs.mkdir(parents=True)
    themes.mkdir(parents=True)
    (docs / "leak.md").symlink_to(secret)
    (docs / "gone.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(docs / "pipe.md")
    (themes / "copyright.html").symlink_to(secret)
    (tmp_path / "docs" / "en").mkdir()
    (tmp_path / "docs" / "en" / "about-us.md").write_text("# About us\n\nKept.\n", "utf-8")
    (docs / "about-us.md").symlink_to("../en/about-us.md")  # inside: read
    for command in ("validate", "build"):
        site = ("--site-dir", tmp_path / "site") if command == "build" else ()
        result = run(command, "--roadmaps", folder, *site)
        assert result.code == 1, result.err
        _no_leak(result)
        for path, why in [
            ("docs/fr/leak.md", "'leak.md' is a symbolic link out of the docs folder"),
            ("docs/fr/gone.md", "'gone.md' is a symbolic link to nothing"),
            ("docs/fr/pipe.md", "'pipe.md' is not a regular file"),
            (
                "themes/partials/copyright.html",
                "'copyright.html' is a symbolic link out of the theme overrides folder",
            ),
        ]:
            assert f"{path}:1:1: {why}" in result.err, result.err
        assert "about-us.md" not in result.err
        assert not (tmp_path / "site").exists()


def test_the_render_stage_reads_no_entry_that_validation_refuses(tmp_path: Path) -> None:
    from site_builder.engine.project import _unreadable
    from site_builder.render.handwritten import hand_written_files

    secret = _secret_file(tmp_path)
    layer = tmp_path / "docs"
    (layer / "en").mkdir(parents=True)
    (layer / "en" / "leak.md").symlink_to(secret)
    (layer / "en" / "kept.md").write_text("# Kept\n", "utf-8")
    (layer / "fr").mkdir()
    (layer / "fr" / "kept.md").symlink_to("../en/kept.md")
    files = hand_written_files([layer], ["en", "fr"])
    assert sorted(files) == [("en", "kept.md"), ("fr", "kept.md")]
    from site_builder.views.translation import _documents  # the translation status's pages

    assert _documents((layer,), ("en", "fr")) == {"kept.md": 1}
    copy = tmp_path / "copy"
    shutil.copytree(layer, copy, ignore=_unreadable(layer))
    assert sorted(p.name for p in (copy / "en").iterdir()) == ["kept.md"]
