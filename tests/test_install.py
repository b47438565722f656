"""The tool as a government installs it: a wheel in a fresh virtual environment, run in a
repository that holds only its data."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CONTRACT, PROJECT_ROOT


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path

    def run(self, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run the installed console script in `cwd`, outside this repository."""
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        return subprocess.run(
            [str(self.bin / "diaspora-roadmaps"), *map(str, args)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The package built as a wheel and installed in a new virtual environment.

    Offline, with only what this test environment holds: the wheel is built without build
    isolation (setuptools is a test dependency), installed without its dependencies, and
    the new environment sees this one's installed dependencies through a `.pth` line.
    Those are not processed as a site folder, so this checkout's editable install is not
    seen: `site_builder` is imported from the wheel only."""
    root = tmp_path_factory.mktemp("install")
    wheels = root / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(wheels), str(PROJECT_ROOT)],
        check=True,
        timeout=600,
    )
    shutil.rmtree(PROJECT_ROOT / "build", ignore_errors=True)
    (wheel,) = wheels.glob("diaspora_roadmaps-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
        + ["--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=600,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "test-dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", "utf-8"
    )
    return Installed(wheel, venv / "bin")


def test_the_wheel_holds_the_defaults_and_catalogs(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for expected in (
        "site_builder/defaults/mkdocs.yml",
        "site_builder/defaults/themes/main.html",
        "site_builder/defaults/themes/sitemap.xml",
        "site_builder/defaults/themes/assets/stylesheets/diaspora.css",
        "site_builder/defaults/docs/en/about.md",
        "site_builder/defaults/docs/ar/about.md",
        "site_builder/i18n/locales/messages.pot",
        "site_builder/i18n/locales/ar/LC_MESSAGES/messages.po",
        "site_builder/render/templates/country.md.j2",
        "site_builder/publish/templates/root_index.html.j2",
    ):
        assert expected in names, expected
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(installed.wheel).read(entry_points).decode()
    assert "diaspora-roadmaps = site_builder.cli:main" in text


def test_the_installed_dependencies_satisfy_the_wheel(installed: Installed) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(installed.bin / "python"), "check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sdist_holds_the_defaults(tmp_path: Path) -> None:
    import tarfile

    script = f"from setuptools import build_meta; print(build_meta.build_sdist({str(tmp_path)!r}))"
    built = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    sdist = tmp_path / built.stdout.strip().splitlines()[-1]
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for expected in (
        "site_builder/defaults/mkdocs.yml",
        "site_builder/defaults/themes/sitemap.xml",
        "site_builder/defaults/docs/fr/about.md",
        "site_builder/app/new_site/github-workflow.yml",
        "site_builder/i18n/locales/messages.pot",
    ):
        assert expected in names, expected


def test_console_script_and_module_give_the_version(installed: Installed, tmp_path: Path) -> None:
    from site_builder import __version__

    result = installed.run("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"diaspora-roadmaps {__version__}"
    module = subprocess.run(
        [str(installed.bin / "python"), "-m", "site_builder", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert module.stdout.strip() == f"diaspora-roadmaps {__version__}"
    where = subprocess.run(
        [str(installed.bin / "python"), "-c", "import site_builder; print(site_builder.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(installed.bin.parent)), where.stdout


def test_installed_tool_builds_a_folder_holding_only_roadmaps(
    installed: Installed, tmp_path: Path
) -> None:
    shutil.copytree(CONTRACT, tmp_path / "roadmaps")
    result = installed.run("build", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    site = tmp_path / "site"
    # Built-in pages, theme overrides and catalogs all came from the package.
    about = (site / "fr" / "about" / "index.html").read_text("utf-8")
    assert "À propos" in about
    assert (site / "en" / "assets" / "stylesheets" / "diaspora.css").is_file()
    arabic = (site / "ar" / "index.html").read_text("utf-8")
    assert 'dir="rtl"' in arabic and 'hreflang="fr"' in arabic
    assert (site / "data" / "roadmaps.json").is_file()
    assert {p.name for p in tmp_path.iterdir() if not p.name.startswith(".")} == {
        "roadmaps",
        "site",
    }


def _check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_init_then_validate_then_build_from_the_installed_wheel(
    installed: Installed, tmp_path: Path
) -> None:
    result = installed.run("init", "ministry", "--language", "fr", "--language", "ar", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    repo = tmp_path / "ministry"
    for expected in (
        "roadmaps/site.yml",
        "roadmaps/ml/country.yml",
        "README.md",
        "requirements.txt",
        ".github/workflows/site.yml",
        ".github/dependabot.yml",
        ".pre-commit-config.yaml",
        ".vscode/settings.json",
        "schema/roadmap.schema.json",
    ):
        assert (repo / expected).is_file(), expected
    # Every file's modeline points to the schema written beside the data.
    for path in (repo / "roadmaps").rglob("*.yml"):
        first = path.read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        assert (
            path.parent / first.split("=", 1)[1]
        ).resolve() == repo / "schema/roadmap.schema.json"
    settings = (repo / ".vscode/settings.json").read_text("utf-8")
    assert '"./schema/roadmap.schema.json"' in settings
    assert installed.run("validate", cwd=repo).returncode == 0
    built = installed.run("build", "--quiet", "--site-url", "https://example.org/mfa/", cwd=repo)
    assert built.returncode == 0, built.stderr
    assert 'lang="ar"' in (repo / "site/ar/index.html").read_text("utf-8")
    # What init wrote passes the validators the CI service and editors use.
    checks = [
        ("vendor.github-workflows", ".github/workflows/site.yml"),
        ("vendor.dependabot", ".github/dependabot.yml"),
    ]
    for schema, path in checks:
        check = _check_jsonschema("--builtin-schema", schema, repo / path)
        assert check.returncode == 0, check.stdout + check.stderr
    roadmaps = sorted((repo / "roadmaps").rglob("*.yml"))
    check = _check_jsonschema("--schemafile", repo / "schema/roadmap.schema.json", *roadmaps)
    assert check.returncode == 0, check.stdout + check.stderr


def test_init_never_overwrites(installed: Installed, tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "README.md").write_text("ours\n", "utf-8")
    result = installed.run("init", "repo", cwd=tmp_path)
    assert result.returncode == 2  # a fault around the builder, as `new` over a file
    assert "README.md" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in (tmp_path / "repo").iterdir()] == ["README.md"]
