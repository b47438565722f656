"""The build, top to bottom: load → validate → render → engine → publish.

Everything is gathered and checked before anything is written; each language is
rendered and built on its own, into a staging folder that replaces the site only when
every language has succeeded.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from site_builder import engine
from site_builder.config import BuildOptions, Project
from site_builder.errors import InvalidData, Problem
from site_builder.export import write_data
from site_builder.model import Dataset
from site_builder.provenance import last_changes
from site_builder.publish import Publisher
from site_builder.render import SiteContext, render_language
from site_builder.site_root import write_root_files
from site_builder.validate import Report, load_dataset

# When neither SOURCE_DATE_EPOCH nor git tells the date of the data: 2007-07-10, the
# first Global Forum on Migration and Development, where the seed paper was discussed.
FALLBACK_EPOCH = 1184025600


@dataclass
class BuildResult:
    site_dir: Path
    languages: list[str]
    pages: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


Progress = Callable[[str], None]


def validate(project: Project, *, strict: bool = False) -> Report:
    return load_dataset(project.roadmaps, strict=strict)


def load_or_fail(project: Project, *, strict: bool) -> tuple[Dataset, list[Problem]]:
    report = validate(project, strict=strict)
    if report.dataset is None:
        raise InvalidData(report.problems)
    return report.dataset, report.warnings


def render_projects(
    context: SiteContext,
    project: Project,
    out: Path,
    languages: tuple[str, ...] = (),
    site_url: str | None = None,
) -> dict[str, Path]:
    """Write each language's plain MkDocs project under `out/<lang>/`."""
    configs = {}
    for language in languages or context.dataset.languages:
        rendered = render_language(context, language, project.docs)
        configs[language] = engine.write_project(
            rendered, project.base_config, project.themes, out / language, site_url
        )
    return configs


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the whole site and publish it; raise InvalidData before writing anything."""
    project = options.project
    dataset, warnings = load_or_fail(project, strict=options.strict)
    languages = _chosen_languages(dataset, options.languages)
    result = BuildResult(options.site_dir, list(languages), warnings=warnings)
    context = SiteContext.of(dataset, last_changes(project.roadmaps))
    epoch = str(source_date_epoch(project.roadmaps))
    with (
        _environment(SOURCE_DATE_EPOCH=epoch),
        Publisher(options.site_dir) as publisher,
        tempfile.TemporaryDirectory(prefix="site-builder-") as work,
    ):
        for language in languages:
            started = time.perf_counter()
            configs = render_projects(context, project, Path(work), (language,), options.site_url)
            engine.build_project(
                configs[language], publisher.staging / language, f"{options.base_path}{language}/"
            )
            result.pages[language] = sum(
                1 for _ in (publisher.staging / language).rglob("index.html")
            )
            result.seconds[language] = time.perf_counter() - started
            if progress:
                progress(
                    f"{language}: {result.pages[language]} pages in "
                    f"{result.seconds[language]:.1f} s"
                )
        write_root_files(dataset, publisher.staging, options.site_url)
        write_data(dataset, context.views, publisher.staging)
        publisher.publish()
    return result


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _chosen_languages(dataset: Dataset, wanted: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [code for code in wanted if code not in dataset.languages]
    if unknown:
        raise InvalidData(
            [
                Problem(
                    dataset.site_path,
                    1,
                    1,
                    "languages",
                    f"language '{code}' is not a language of the site",
                    f"the site's languages: {', '.join(dataset.languages)}",
                )
                for code in unknown
            ]
        )
    return wanted or dataset.languages


def source_date_epoch(roadmaps: Path) -> int:
    """The date stamped into the build: SOURCE_DATE_EPOCH, else the data's last commit."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "."],
            cwd=roadmaps,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return FALLBACK_EPOCH
