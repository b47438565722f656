"""Never lose data: the site folder is replaced whole, so a build refuses (exit 2, nothing
touched) any folder whose loss would lose more than a site that an earlier build made."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_builder.errors import UnsafeSiteDir
from site_builder.publish.staging import CACHE_MARKER, MARKER, Publisher, check_site_dir
from tests.conftest import CONTRACT, PROJECT_ROOT, tree_digest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding its roadmaps and a file of its own."""
    root = tmp_path / "project"
    shutil.copytree(CONTRACT, root / "roadmaps")
    (root / "notes.txt").write_text("kept", "utf-8")
    return root


def refused(run, watched: Path, *args: str | Path) -> str:
    """Run `build` with `args`; assert exit 2 and `watched` byte-identical afterwards."""
    before = tree_digest(watched)
    result = run("build", "--quiet", *args)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert result.err.startswith("error: refusing") or result.err.startswith("error: cannot")
    assert len(result.err.strip().splitlines()) == 1
    # The option to change, whatever the reason: the user typed it, or its default.
    assert re.search(r"with --(site|cache)-dir\b", result.err), result.err
    assert tree_digest(watched) == before
    return result.err


def test_site_folder_is_the_roadmaps(run, project: Path) -> None:
    data = project / "roadmaps"
    err = refused(run, project, "--roadmaps", data, "--site-dir", data)
    assert "it is" in err and str(data) in err


def test_site_folder_inside_the_roadmaps(run, project: Path) -> None:
    data = project / "roadmaps"
    err = refused(run, project, "--roadmaps", data, "--site-dir", data / "fr")
    assert "inside" in err


def test_site_folder_holding_the_roadmaps_is_the_project_root(run, project: Path) -> None:
    err = refused(run, project, "--roadmaps", project / "roadmaps", "--site-dir", project)
    assert f"it is the project folder {project}" in err


def test_site_folder_is_the_current_folder(
    run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    err = refused(run, project, "--roadmaps", project / "roadmaps", "--site-dir", ".")
    assert "the current folder" in err


def test_site_folder_above_the_current_folder(
    run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    refused(run, project, "--roadmaps", project / "roadmaps", "--site-dir", "..")


def test_site_folder_holding_a_git_repository(run, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n", "utf-8")
    err = refused(run, tmp_path, "--roadmaps", CONTRACT, "--site-dir", repo)
    assert ".git" in err


def test_site_folder_is_the_project_of_the_builder(run) -> None:
    # The real project (with .git, the example roadmaps, the code): from its root.
    before = sorted(p.name for p in PROJECT_ROOT.iterdir())
    result = run("build", "--quiet", "--site-dir", ".")
    assert result.code == 2 and "the current folder" in result.err
    assert sorted(p.name for p in PROJECT_ROOT.iterdir()) == before


def test_site_folder_is_the_root_folder(run) -> None:
    before = sorted(p.name for p in Path("/").iterdir())
    result = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", "/")
    assert result.code == 2 and "root folder" in result.err
    assert sorted(p.name for p in Path("/").iterdir()) == before


def test_site_folder_is_a_home_folder(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home" / "someone"
    home.mkdir(parents=True)
    (home / ".bashrc").write_text("# mine\n", "utf-8")
    monkeypatch.setenv("HOME", str(home))
    err = refused(run, tmp_path, "--roadmaps", CONTRACT, "--site-dir", home)
    assert "home folder" in err
    refused(run, tmp_path, "--roadmaps", CONTRACT, "--site-dir", home.parent)


def test_non_empty_folder_no_build_made(run, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    (mine / "deep").mkdir(parents=True)
    (mine / "deep" / "thesis.tex").write_text("years of work", "utf-8")
    err = refused(run, tmp_path, "--roadmaps", CONTRACT, "--site-dir", mine)
    assert MARKER in err


def test_a_link_to_the_roadmaps_is_the_roadmaps(run, project: Path) -> None:
    link = project.parent / "link"
    link.symlink_to(project / "roadmaps", target_is_directory=True)
    refused(run, project, "--roadmaps", project / "roadmaps", "--site-dir", link)
    assert link.is_symlink()


def test_site_folder_whose_parent_is_a_file(run, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file", "utf-8")
    err = refused(run, tmp_path, "--roadmaps", CONTRACT, "--site-dir", tmp_path / "file" / "site")
    assert "is not a folder" in err


# Linux's /proc: no folder can be made in it, even by root (for whom permissions do not).
NOWHERE = Path("/proc")
needs_nowhere = pytest.mark.skipif(
    not (NOWHERE / "self").is_dir(), reason="needs a place where no folder can be made"
)


@needs_nowhere
@pytest.mark.parametrize("cache", [(), ("--no-cache",)], ids=["default cache", "no cache"])
def test_a_site_folder_that_cannot_be_written_is_named_with_its_option(
    run, cache: tuple[str, ...]
) -> None:
    """Not "another build is writing" (the lock's file could not be made), nor the
    default cache folder beside it: the site folder typed, why, and the option."""
    site = NOWHERE / "dr-site"
    result = run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", site, *cache)
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.startswith(f"error: cannot write the site folder {site}: "), result.err
    assert result.err.rstrip().endswith("choose another with --site-dir")
    assert "another build" not in result.err and "cache" not in result.err


@needs_nowhere
def test_a_cache_folder_that_cannot_be_written_is_named_with_its_options(
    run, tmp_path: Path
) -> None:
    site, cache = tmp_path / "site", NOWHERE / "dr-cache"
    result = run(
        "build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", site, "--cache-dir", cache
    )
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.startswith(f"error: cannot write the build cache {cache}: "), result.err
    assert "--cache-dir" in result.err and "--no-cache" in result.err
    assert not site.exists()  # nothing published


@pytest.mark.parametrize(
    ("option", "place"),
    [
        ("--cache-dir", "file"),
        ("--cache-dir", "file/cache"),
        ("--site-dir", "file/site"),
        ("--site-dir", "file"),
        ("--cache-dir", "/dev/null"),
        ("--site-dir", "/dev/null"),
    ],
)
def test_a_folder_that_is_a_file_or_under_one_is_refused_naming_its_option(
    run, tmp_path: Path, option: str, place: str
) -> None:
    (tmp_path / "file").write_text("a file", "utf-8")
    where = Path(place) if place.startswith("/") else tmp_path / place
    others = ["--site-dir", tmp_path / "site"] if option == "--cache-dir" else []
    err = refused(run, tmp_path, "--roadmaps", CONTRACT, option, where, *others)
    assert f"with {option}" in err
    assert (tmp_path / "file").read_text("utf-8") == "a file"


def test_site_folder_that_is_a_file(run, tmp_path: Path) -> None:
    (tmp_path / "site").write_text("a file", "utf-8")
    refused(run, tmp_path, "--roadmaps", CONTRACT, "--site-dir", tmp_path / "site")


def test_empty_folder_and_earlier_build_are_replaced(run, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", site).code == 0
    assert (site / MARKER).is_file() and (site / "en" / "index.html").is_file()
    (site / "stale.html").write_text("from the earlier build", "utf-8")
    assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", site).code == 0
    assert not (site / "stale.html").exists()


def test_a_link_given_as_the_site_folder_is_kept_and_its_target_built(run, tmp_path: Path) -> None:
    """The link is the user's: the build replaces the folder it points to, not the link."""
    real, link = tmp_path / "real", tmp_path / "link"
    real.mkdir()
    link.symlink_to(real)
    for _ in range(2):  # an empty folder, then the site the first build made
        assert run("build", "--quiet", "--roadmaps", CONTRACT, "--site-dir", link).code == 0
        assert link.is_symlink() and link.resolve() == real.resolve()
        assert (real / MARKER).is_file() and (real / "en" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "link",
        "real",
    ]


def test_checked_again_just_before_the_swap(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / MARKER).write_text("made by a build", "utf-8")
    with Publisher(site) as publisher:
        (publisher.staging / "new.html").write_text("new", "utf-8")
        # Meanwhile, someone puts their own work there.
        (site / MARKER).unlink()
        (site / "precious.txt").write_text("mine", "utf-8")
        before = tree_digest(site)
        with pytest.raises(UnsafeSiteDir):
            publisher.publish()
    assert tree_digest(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


@pytest.mark.parametrize(
    "where",
    ["roadmaps", "roadmaps/fr", "project", "docs", "docs/en", "themes", "mkdocs.yml"],
)
def test_guard_protects_every_input(tmp_path: Path, where: str) -> None:
    root = tmp_path / "project"
    for folder in ("roadmaps/fr", "docs/en", "themes"):
        (root / folder).mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: x\n", "utf-8")
    inputs = [root / "roadmaps", root / "docs", root / "themes", root / "mkdocs.yml"]
    target = root if where == "project" else root / where
    with pytest.raises(UnsafeSiteDir):
        check_site_dir(target, keep=[root], inputs=inputs)
    check_site_dir(root / "site", keep=[root], inputs=inputs)  # the usual place is fine


# --- The build cache: a build writes and removes files in it ---------------------------


@pytest.mark.parametrize(
    "case",
    [
        "a folder of the user's files",
        "the roadmaps",
        "inside the roadmaps",
        "the site folder",
        "inside the site folder",
        "holding the site folder",
    ],
)
def test_a_cache_folder_no_build_made_or_that_the_build_needs_is_refused(
    run, project: Path, tmp_path: Path, case: str
) -> None:
    """As the site folder: exit 2, one line, nothing touched (the user's `data` file and
    `projects` file were replaced by cache folders; a cache in the roadmaps made them
    invalid)."""
    roadmaps, site = project / "roadmaps", tmp_path / "out" / "site"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "data").write_text("my notes", "utf-8")
    (mine / "projects").write_text("x", "utf-8")
    cache = {
        "a folder of the user's files": mine,
        "the roadmaps": roadmaps,
        "inside the roadmaps": roadmaps / "cache",
        "the site folder": site,
        "inside the site folder": site / "cache",
        "holding the site folder": site.parent,
    }[case]
    err = refused(run, tmp_path, "--roadmaps", roadmaps, "--site-dir", site, "--cache-dir", cache)
    assert "as the build cache" in err and str(cache) in err


def test_a_cache_folder_made_by_a_build_or_empty_is_used(
    run, project: Path, tmp_path: Path
) -> None:
    """An empty folder becomes a cache (with its marker), a cache from a build before the
    marker (only its own folders) is taken as one."""
    roadmaps = project / "roadmaps"
    for cache, made_before in ((tmp_path / "empty", False), (tmp_path / "old", True)):
        cache.mkdir()
        if made_before:
            for name in ("read", "data", "projects", "en", "fr"):
                (cache / name).mkdir()
        site = tmp_path / f"site-{cache.name}"
        result = run(
            "build", "--quiet", "--roadmaps", roadmaps, "--site-dir", site, "--cache-dir", cache
        )
        assert result.code == 0, result.err
        assert (cache / CACHE_MARKER).is_file() and (cache / "read").is_dir()


def test_render_writes_only_into_a_folder_it_made_or_an_empty_one(run, tmp_path: Path) -> None:
    """`render --out` writes over the projects' files and removes what they no longer hold:
    a folder with files no render made is refused like a site folder, named with --out."""
    out = tmp_path / "projects"
    (out / "en").mkdir(parents=True)
    (out / "en" / "mkdocs.yml").write_text("the user's own", "utf-8")
    before = tree_digest(out)
    result = run("render", "--roadmaps", CONTRACT, "--out", out)
    assert result.code == 2 and "with --out" in result.err, result.err
    assert tree_digest(out) == before
    fresh = tmp_path / "fresh"
    for _ in range(2):  # new, then one render made
        assert run("render", "--roadmaps", CONTRACT, "--out", fresh).code == 0
        assert (fresh / "en" / "mkdocs.yml").is_file()
    result = run("render", "--roadmaps", CONTRACT, "--out", CONTRACT)
    assert result.code == 2 and "with --out" in result.err, result.err


@pytest.mark.parametrize("option", ["--site-dir", "--cache-dir"])
@pytest.mark.parametrize("below", ["", "sub"])
def test_a_loop_of_links_as_a_folder_is_refused_naming_its_option(
    run, tmp_path: Path, option: str, below: str
) -> None:
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    folder = tmp_path / "loop-a" / below if below else tmp_path / "loop-a"
    site = () if option == "--site-dir" else ("--site-dir", tmp_path / "site")
    err = refused(run, tmp_path, "--roadmaps", CONTRACT, option, folder, *site)
    assert "loop of symbolic links" in err


def test_a_loop_of_links_as_the_projects_folder_is_refused(run, tmp_path: Path) -> None:
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    result = run("render", "--roadmaps", CONTRACT, "--out", tmp_path / "loop-a" / "x")
    assert result.code == 2 and "loop of symbolic links" in result.err, result.err
    assert "with --out" in result.err


def test_a_dangling_link_as_the_site_folder_is_called_so(run, tmp_path: Path) -> None:
    (tmp_path / "site").symlink_to(tmp_path / "nowhere")
    err = refused(run, tmp_path, "--roadmaps", CONTRACT, "--site-dir", tmp_path / "site")
    assert "it is a symbolic link to nothing" in err


def test_a_site_folder_below_a_dangling_link_is_refused(run, tmp_path: Path) -> None:
    """It would be made wherever the link points."""
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    err = refused(run, tmp_path, "--roadmaps", CONTRACT, "--site-dir", tmp_path / "dangling/s")
    assert "is a symbolic link to nothing" in err
    assert not (tmp_path / "nowhere").exists()
