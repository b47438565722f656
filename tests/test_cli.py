"""The command line as people run it: real processes, exit codes, formats, preview."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CONTRACT, PROJECT_ROOT, edit


def cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *map(str, args)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_validate_passes_on_the_contract() -> None:
    result = cli("validate", "--roadmaps", CONTRACT)
    assert result.returncode == 0 and "5 roadmap(s) valid" in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        "",
        "\t- tab",
        "a: [1, 2",
        "- just a list\n",
        "x: &a 1\ny: *a\n",
        "\ufeffcountry: ML\n",
        "country: ML\x00\n",
    ],
)
def test_bad_files_never_give_a_traceback(roadmaps, content: str) -> None:
    data = roadmaps()
    (data / "ml" / "country.yml").write_bytes(content.encode("utf-8"))
    result = cli("validate", "--roadmaps", data)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"ml/country\.yml:\d+:\d+: ", result.stderr)


def test_missing_roadmaps_folder_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = cli("build", "--roadmaps", tmp_path / "nowhere", "--site-dir", tmp_path / "site")
    assert result.returncode == 2 and "roadmaps folder not found" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["validate", "build"])
def test_roadmaps_given_as_a_file_is_named_as_such(tmp_path: Path, command: str) -> None:
    """--roadmaps pointing at site.yml (a common slip) names the folder to pass instead."""
    site = tmp_path / "site"
    extra = ("--site-dir", site) if command == "build" else ()
    result = cli(command, "--roadmaps", CONTRACT / "site.yml", *extra)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--roadmaps is not a folder" in result.stderr
    assert f"--roadmaps {CONTRACT}" in result.stderr
    assert not site.exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--jobs", "-1", "expected a whole number, 0 or more: '-1'"),
        ("--jobs", "two", "expected a whole number, 0 or more: 'two'"),
        ("--site-url", "javascript:alert(1)", "must start with https:// or http://"),
        ("--site-url", "example.org", "must start with https:// or http://"),
        # Echoed escaped, as every message: the terminal gets no control character.
        (
            "--site-url",
            "https://example.org/\x1b[31m",
            "must not hold '\\x1b': percent-encode them: https://example.org/\\x1b[31m",
        ),
        ("--engine", "\x1b[2J", "invalid choice: '\\x1b[2J' (choose from 'mkdocs', 'properdocs')"),
        # Known once the roadmaps are read: the same usage error all the same.
        (
            "--language",
            "zz",
            "'zz' is not a language of the site; the site's languages are en, fr, ar",
        ),
    ],
)
def test_bad_option_values_are_usage_errors(tmp_path: Path, option, value, message) -> None:
    """Every bad option value exits 2 with argparse's usage line, before anything is
    built."""
    site = tmp_path / "site"
    result = cli("build", "--roadmaps", CONTRACT, "--site-dir", site, option, value)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("usage:") and f"argument {option}: {message}" in result.stderr
    assert not site.exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--language", "zz", "unknown language code(s): zz; use BCP 47 codes"),
        ("--country", "XX", "'XX' is not an ISO 3166-1 country code, such as ML or FR"),
    ],
)
def test_bad_init_values_are_usage_errors(tmp_path: Path, option, value, message) -> None:
    result = cli("init", tmp_path / "ministry", option, value)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("usage: diaspora-roadmaps init ")
    assert f"diaspora-roadmaps init: error: argument {option}: {message}" in result.stderr
    assert not (tmp_path / "ministry").exists()


def test_json_and_github_formats(roadmaps) -> None:
    data = roadmaps()
    edit(data / "ml/country.yml", "    kind: ministry", "    kind: ministery")
    as_json = cli("validate", "--format", "json", "--roadmaps", data)
    problems = json.loads(as_json.stdout)
    assert [p["severity"] for p in problems] == ["error", "warning"]
    assert problems[1]["path"].endswith("ml/yelimane.yml") and problems[1]["field"] == "summary"
    assert as_json.returncode == 1
    assert problems[0]["field"] == "institutions[0].kind" and problems[0]["severity"] == "error"
    assert problems[0]["hint"] == "did you mean 'ministry'?"
    github = cli("validate", "--format", "github", "--roadmaps", data)
    line, warning = github.stdout.strip().splitlines()
    assert warning.startswith("::warning file=") and "ml/yelimane.yml,line=8,col=3" in warning
    assert re.fullmatch(
        r"::error file=[^,:]*ml/country\.yml,line=40,col=11,title=roadmap error::"
        r"institutions\[0\]\.kind: 'ministery' is not one of ministry, .*"
        r"%0Ahint: did you mean 'ministry'\?",
        line,
    ), line


def test_render_writes_plain_projects_that_mkdocs_builds_alone(tmp_path: Path) -> None:
    out = tmp_path / "projects"
    assert cli("render", "--roadmaps", CONTRACT, "--out", out).returncode == 0
    for lang in ("en", "fr", "ar"):
        config = out / lang / "mkdocs.yml"
        assert (out / lang / "docs" / "ml" / "yelimane.md").is_file()
        built = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert built.returncode == 0, built.stderr
        assert (out / lang / "site" / "ml" / "yelimane" / "index.html").is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_rebuilds_when_a_yaml_file_changes(roadmaps) -> None:
    data = roadmaps()
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "site_builder",
            "serve",
            "--roadmaps",
            str(data),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/en/ml/"
        first = _fetch(url, time.monotonic() + 60)
        assert "engaging Malians abroad" in first and "livereload" in first
        edit(data / "ml/country.yml", "engaging Malians abroad", "working with Malians abroad")
        deadline = time.monotonic() + 30
        while "working with Malians abroad" not in _fetch(url, deadline):
            assert time.monotonic() < deadline, "the preview did not rebuild"
            time.sleep(0.3)
        # A broken file keeps the last good preview and says why.
        edit(data / "ml/country.yml", "role: origin", "role: somewhere")
        time.sleep(3)
        assert "working with Malians abroad" in _fetch(url, time.monotonic() + 10)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    assert "'somewhere' is not one of origin" in err
    assert "Traceback" not in err
