"""No traceback, ever: an environment fault is one line and exit 2, a bad argument value
a usage error as argparse prints it and exit 2; a fault of the project's `mkdocs.yml` is
invalid data (exit 1) reported as a roadmap's; a fault of the builder is a short report
with the version and exit 3, its traceback only with `--debug`; every name printed is
escaped so that control characters cannot act on the terminal, and a message of several
lines (an engine's) is printed as lines."""

from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from site_builder import __version__
from site_builder.errors import Problem, printable
from tests.conftest import CONTRACT, PROJECT_ROOT, tree_digest


def one_line_fault(result, *words: str) -> None:  # noqa: ANN001 - a conftest Run
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for word in words:
        assert word in lines[0], (word, lines[0])


def usage_error(result, command: str, argument: str, *words: str) -> None:  # noqa: ANN001
    """A bad argument value: the command's usage, then `argument NAME: why`, exit 2."""
    assert result.code == 2, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert result.err.startswith(f"usage: diaspora-roadmaps {command} "), result.err
    error = result.err.strip().splitlines()[-1]
    assert error.startswith(f"diaspora-roadmaps {command}: error: argument {argument}: "), error
    for word in words:
        assert word in error, (word, error)


def _raise(code: int, strerror: str):
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, strerror, str(args[0]) if args else None)

    return fail


def test_read_only_site_folder(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.publish import staging

    real_open = os.open

    def read_only_beside_the_site(path, *args, **kwargs):  # noqa: ANN001, ANN202
        if Path(path).parent == tmp_path:  # the site's folder, not the roadmaps
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(staging.os, "open", read_only_beside_the_site)
    result = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", tmp_path / "site")
    one_line_fault(result, "Read-only file system", ".site.lock")


def test_full_site_folder(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs import utils

    monkeypatch.setattr(utils, "write_file", _raise(errno.ENOSPC, "No space left on device"))
    result = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", tmp_path / "site")
    one_line_fault(result, "No space left on device")
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != ".site-cache")
    assert left == [".site.lock"]  # nothing left but the lock (and the build cache)


def test_full_temporary_folder_for_serve(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "mkdtemp", _raise(errno.ENOSPC, "No space left on device"))
    result = run("serve", "--roadmaps", CONTRACT, "--dev-addr", f"127.0.0.1:{_free_port()}")
    one_line_fault(result, "No space left on device")


def test_site_folder_whose_parent_is_a_file(run, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", "utf-8")
    result = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", tmp_path / "file/site")
    one_line_fault(result, "is not a folder")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_busy_port(run) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--roadmaps", CONTRACT, "--dev-addr", f"127.0.0.1:{port}")
    one_line_fault(result, f"127.0.0.1:{port}", "in use")


@pytest.mark.parametrize("address", ["localhost", "localhost:http", "localhost:", ":8000", "h:0"])
def test_dev_addr_without_a_port_number(run, address: str) -> None:
    result = run("serve", "--roadmaps", CONTRACT, "--dev-addr", address)
    usage_error(result, "serve", "--dev-addr", "HOST:PORT", repr(address))


def test_a_language_the_site_has_not_is_a_bad_option_value(run, tmp_path: Path) -> None:
    """Known only once the roadmaps are read (in a process of their own), it is still
    named as the option it is, not as a problem of the data."""
    site = tmp_path / "site"
    for jobs in ("1", "2"):
        args = ["--roadmaps", CONTRACT, "--site-dir", site, "--jobs", jobs]
        result = run("build", "--quiet", "--language", "zz", "--language", "fr", *args)
        usage_error(
            result, "build", "--language", "'zz' is not a language of the site", "en, fr, ar"
        )
        assert "site.yml" not in result.err and not site.exists()


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "1e9", "yesterday", "٣"])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_source_date_epoch_out_of_range(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, command: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    extra = ["--site-dir", str(tmp_path / "site")] if command == "build" else []
    one_line_fault(run(command, "--roadmaps", CONTRACT, *extra), "SOURCE_DATE_EPOCH")


@pytest.mark.parametrize("command", ["build", "validate", "serve", "render", "i18n-status"])
def test_outside_a_project(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    extra = {"render": ["--out", "out"], "serve": ["--dev-addr", f"127.0.0.1:{_free_port()}"]}
    one_line_fault(run(command, *extra.get(command, [])), "roadmaps folder not found")
    assert list(tmp_path.iterdir()) == []


def test_roadmaps_given_but_no_project_files(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder without mkdocs.yml, docs/ or themes/ builds with the built-in ones
    (issue 15: a data-only repository); an unreadable mkdocs.yml there is one line."""
    monkeypatch.chdir(tmp_path)
    result = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", "site")
    assert result.code == 0 and "Traceback" not in result.err
    assert (tmp_path / "site" / "en" / "about" / "index.html").is_file()
    (tmp_path / "mkdocs.yml").write_text("theme: [unclosed\n", "utf-8")
    result = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", "site")
    assert result.code == 1 and "Traceback" not in result.err
    assert "mkdocs.yml:1:8: YAML syntax error: the `[` opened here is never closed" in result.err


# What the tester found in the project's mkdocs.yml (the headline of each problem), and
# what every command that reads it must then say.
BAD_SETTINGS = {
    "a-number-for-the-theme": ("theme: 5\n", ["mkdocs.yml:1:8: theme: expected a mapping"]),
    "an-unclosed-list-and-a-number-for-plugins": (
        "theme:\n  name: material\n  palette: [\nplugins: 3\n",
        ["mkdocs.yml:3:12: YAML syntax error: the `[` opened here is never closed"],
    ),
    "an-extension-not-installed": (
        "markdown_extensions: [nosuchext]\n",
        ["mkdocs.yml:1:23: markdown_extensions[0]: 'nosuchext' is not an installed Markdown"],
    ),
    "wrong-kinds-of-settings-the-theme-reads": (
        "theme:\n  palette: 5\n  features: 5\nextra: [1]\n",
        [
            "mkdocs.yml:2:12: theme.palette: expected a mapping",
            "mkdocs.yml:3:13: theme.features: expected a list of texts, found '5'",
            "mkdocs.yml:4:8: extra: expected a mapping of settings, found a list",
        ],
    ),
}


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder (the contract's roadmaps, the built-in settings) built once."""
    from site_builder.cli import main

    root = tmp_path_factory.mktemp("project")
    shutil.copytree(CONTRACT, root / "roadmaps")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["build", "--quiet", "--site-dir", "../p2site"]) == 0
    finally:
        os.chdir(cwd)
    return root


@pytest.mark.parametrize(("text", "headlines"), BAD_SETTINGS.values(), ids=list(BAD_SETTINGS))
def test_a_wrong_mkdocs_yml_is_invalid_data_and_the_site_stays(
    run, built_project: Path, monkeypatch: pytest.MonkeyPatch, text: str, headlines: list[str]
) -> None:
    """Every problem of the project's mkdocs.yml in one run, as `path:line:col: setting:
    message` with the line and a hint, before anything is built: exit 1 (invalid data),
    never an internal error; the site built before is left as it was."""
    monkeypatch.chdir(built_project)
    site = built_project.parent / "p2site"
    before = tree_digest(site)
    (built_project / "mkdocs.yml").write_text(text, "utf-8")
    try:
        for command in (["build", "--quiet", "--site-dir", "../p2site"], ["validate"]):
            result = run(*command)
            assert result.code == 1, result.err
            assert "Traceback" not in result.err and "internal error" not in result.err
            assert "\\x0a" not in result.err and "the engine failed" not in result.err
            errors = [line for line in result.err.splitlines() if line.startswith("mkdocs.yml:")]
            assert len(errors) == len(headlines), result.err
            for line, headline in zip(errors, headlines, strict=True):
                assert line.startswith(headline), (line, headline)
            assert result.err.count("    hint: ") >= len(headlines)
    finally:
        (built_project / "mkdocs.yml").unlink()
    assert tree_digest(site) == before


def test_an_engine_report_of_several_lines_is_printed_as_lines(
    run, built_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MkDocs lists the pages left out of the navigation one per line: printed so, each
    line after the first indented, not as one line of `\\x0a`."""
    monkeypatch.chdir(built_project)
    (built_project / "mkdocs.yml").write_text('not_in_nav: "/nothing/"\n', "utf-8")
    try:
        result = run("build", "--quiet", "--jobs", "1", "--site-dir", "../p2site")
    finally:
        (built_project / "mkdocs.yml").unlink()
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert "\\x0a" not in result.err
    lines = result.err.strip().splitlines()
    assert lines[0].startswith("error: the engine failed for ") and len(lines) > 1
    assert "      - ml/yelimane.md" in lines, lines  # MkDocs indents by 2, and we by 4


def test_new_over_a_dangling_link(run, roadmaps, tmp_path: Path) -> None:
    data = roadmaps()
    (data / "no").mkdir()
    outside = tmp_path / "outside.yml"
    (data / "no" / "country.yml").symlink_to(outside)
    result = run("new", "country", "NO", "--role", "origin", "--roadmaps", data)
    one_line_fault(result, "already exists")
    assert not outside.exists()


@pytest.mark.parametrize("folder", ["link out", "dangling", "loop", "inside"])
def test_new_never_writes_through_a_country_folder_that_is_a_link_out(
    run, roadmaps, tmp_path: Path, folder: str
) -> None:
    """What validation refuses (`de` a link out of the roadmaps) `new` does not write."""
    data = roadmaps()
    outside = tmp_path / "outside" / "de"
    outside.mkdir(parents=True)
    target = {
        "link out": outside,
        "dangling": tmp_path / "nowhere",
        "loop": data / "de",
        "inside": data / "fr",  # another country's folder: its files are not Germany's
    }
    (data / "de").symlink_to(target[folder])
    for args in (
        ["country", "DE", "--role", "destination"],
        ["authority", "DE", "bonn", "--kind", "municipality"],
    ):
        result = run("new", *args, "--roadmaps", data)
        one_line_fault(result, "nothing was written")
        assert list(outside.iterdir()) == [] and not (data / "fr" / "bonn.yml").exists()


@pytest.mark.parametrize("slug", ["index", "con", "nul", "country"])
def test_new_refuses_a_slug_that_cannot_name_a_page_or_a_file(run, roadmaps, slug: str) -> None:
    data = roadmaps()
    before = sorted(data.rglob("*"))
    result = run("new", "authority", "FR", slug, "--kind", "municipality", "--roadmaps", data)
    assert result.code == 2 and "argument SLUG" in result.err, result.err
    assert sorted(data.rglob("*")) == before


def test_an_internal_error_is_a_short_report(run, monkeypatch: pytest.MonkeyPatch, tmp_path):
    from site_builder.app import build

    def broken(*args: object) -> None:
        raise ZeroDivisionError("the builder's own fault")

    monkeypatch.setattr(build, "prepare", broken)
    args = ["build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", tmp_path / "site"]
    result = run(*args)
    assert result.code == 3 and "Traceback" not in result.err
    assert "internal error: ZeroDivisionError: the builder's own fault" in result.err
    assert __version__ in result.err and "report" in result.err and "--debug" in result.err
    for debug in (["--debug", *args], [*args, "--debug"]):
        result = run(*debug)
        assert result.code == 3 and "Traceback" in result.err and "def broken" not in result.err
        assert 'raise ZeroDivisionError("the builder' in result.err


@pytest.mark.parametrize("where", ["build_project", "render"])
def test_an_internal_error_in_a_worker(
    run, monkeypatch: pytest.MonkeyPatch, tmp_path, where: str
) -> None:
    from site_builder.app import language

    def broken(*args: object, **options: object) -> None:
        raise KeyError("deep inside")

    # In the engine's process (forked by a server that inherits the patch), or here.
    monkeypatch.setattr(language, where, broken)
    args = ["build", "--quiet", "--jobs", "2", "--roadmaps", CONTRACT]
    args += ["--site-dir", tmp_path / "site"]
    result = run(*args)
    assert result.code == 3 and "Traceback" not in result.err and "KeyError" in result.err
    result = run("--debug", *args)
    assert result.code == 3 and "Traceback" in result.err and "deep inside" in result.err


def test_the_boundary_holds_in_a_real_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--roadmaps", CONTRACT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "99999999999999999999"},
        timeout=120,
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr


# --- Names printed escaped -----------------------------------------------------------

HOSTILE = "evil\x1b]0;PWNED\x07\x1b[2K\rok\u202e.yml"


def test_printable_escapes_controls_and_keeps_text() -> None:
    assert printable(HOSTILE) == "evil\\x1b]0;PWNED\\x07\\x1b[2K\\x0dok\\u202e.yml"
    assert printable("Montreuil – مونتروي, Yélimané") == "Montreuil – مونتروي, Yélimané"
    problem = Problem(HOSTILE, 1, 1, "f\x1b", "bad \x9b name", "hint \x07", source_line="a\x1bb")
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", problem.format())


def _raw_controls(text: str) -> list[str]:
    return re.findall(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_file_names_with_control_characters_are_printed_escaped(run, roadmaps, fmt: str) -> None:
    data = roadmaps()
    (data / "ml" / HOSTILE).write_text("country: [\n", "utf-8")
    (data / f"folder\x1b[31m\r{HOSTILE[:-4]}").mkdir()
    (data / f"folder\x1b[31m\r{HOSTILE[:-4]}" / "x.yml").write_text("a: [\n", "utf-8")
    result = run("validate", "--roadmaps", data, "--format", fmt)
    assert result.code == 1
    printed = result.out + result.err
    assert _raw_controls(printed) == []
    assert "\\x1b]0;PWNED\\x07" in printed or "\\u001b]0;PWNED\\u0007" in printed


def test_site_folder_name_with_control_characters(run, tmp_path: Path) -> None:
    mine = tmp_path / "mine\x1b]0;PWNED\x07"
    mine.mkdir()
    (mine / "work.txt").write_text("mine", "utf-8")
    result = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", mine)
    assert result.code == 2 and _raw_controls(result.err) == []
    assert "mine\\x1b]0;PWNED\\x07" in result.err


def test_no_file_is_left_in_the_project(tmp_path: Path) -> None:
    """The tests above run from the project root: none of them wrote there (a `make site`
    before `make test` leaves its own lock beside `site/`, and nothing else)."""
    left = {p.name for p in PROJECT_ROOT.glob(".site.*")}
    if (PROJECT_ROOT / "site" / ".site-builder").is_file():
        left.discard(".site.lock")
    assert left == set()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_theme_template_that_does_not_parse_is_the_project_s_error(
    run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: str
) -> None:
    """A theme override of the project (`themes/`) with a Jinja syntax error: said as the
    template, its line and why, with a hint, the same whatever the processes; not a bug
    of the builder."""
    shutil.copytree(CONTRACT, tmp_path / "roadmaps")
    broken = tmp_path / "themes" / "partials" / "copyright.html"
    broken.parent.mkdir(parents=True)
    broken.write_text("{% if x %}broken\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("build", "--quiet", "--jobs", jobs, "--roadmaps", "roadmaps")
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert "internal error" not in result.err
    assert "theme template partials/copyright.html, line 1: Unexpected end of template" in (
        result.err
    )
    assert "themes/ folder" in result.err and not (tmp_path / "site").exists()
