"""The build, top to bottom: load → validate → render → engine → publish.

Everything is gathered and checked before anything is written; each language is
rendered and built on its own, into a staging folder that replaces the site only when
every language has succeeded.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.app.config import BuildOptions, Project
from site_builder.engine import mkdocs as engine
from site_builder.errors import InvalidData, Problem
from site_builder.format.model import Dataset
from site_builder.load.validate import Report, load_dataset
from site_builder.publish.data import write_data
from site_builder.publish.root import write_root_files
from site_builder.publish.staging import Publisher
from site_builder.render.pages import render_language
from site_builder.views.context import SiteContext
from site_builder.views.provenance import last_changes, last_commit_time

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
    timings: dict[str, float] = field(default_factory=dict)  # seconds, by stage


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


@dataclass(frozen=True)
class _LanguageJob:
    language: str
    project: Project
    work: Path
    staging: Path
    site_url: str | None
    base_path: str


@dataclass(frozen=True)
class _LanguageDone:
    language: str
    pages: int
    render_seconds: float
    engine_seconds: float


# The context of the build in progress, inherited by forked workers instead of pickled.
_CONTEXT: SiteContext | None = None


def _build_language(job: _LanguageJob) -> _LanguageDone:
    """Render and build one language: the unit of work, in this process or a worker."""
    assert _CONTEXT is not None
    started = time.perf_counter()
    configs = render_projects(_CONTEXT, job.project, job.work, (job.language,), job.site_url)
    rendered = time.perf_counter()
    target = job.staging / job.language
    engine.build_project(configs[job.language], target, f"{job.base_path}{job.language}/")
    pages = sum(1 for _ in target.rglob("index.html"))
    return _LanguageDone(job.language, pages, rendered - started, time.perf_counter() - rendered)


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the whole site and publish it; raise InvalidData before writing anything."""
    global _CONTEXT
    project = options.project
    started = time.perf_counter()
    dataset, warnings = load_or_fail(project, strict=options.strict)
    languages = _chosen_languages(dataset, options.languages)
    result = BuildResult(options.site_dir, list(languages), warnings=warnings)
    result.timings["validate"] = time.perf_counter() - started
    started = time.perf_counter()
    _CONTEXT = context = SiteContext.of(dataset, last_changes(project.roadmaps))
    result.timings["prepare"] = time.perf_counter() - started
    epoch = str(source_date_epoch(project.roadmaps))
    with (
        _environment(SOURCE_DATE_EPOCH=epoch),
        Publisher(options.site_dir) as publisher,
        tempfile.TemporaryDirectory(prefix="site-builder-") as work,
    ):
        jobs = [
            _LanguageJob(
                language,
                project,
                Path(work),
                publisher.staging,
                options.site_url,
                options.base_path,
            )
            for language in languages
        ]
        for done in _run(jobs, options.jobs):
            result.pages[done.language] = done.pages
            result.seconds[done.language] = done.render_seconds + done.engine_seconds
            result.timings[f"render:{done.language}"] = done.render_seconds
            result.timings[f"engine:{done.language}"] = done.engine_seconds
            if progress:
                progress(
                    f"{done.language}: {done.pages} pages in {result.seconds[done.language]:.1f} s"
                )
        started = time.perf_counter()
        write_root_files(dataset, publisher.staging, options.site_url)
        write_data(dataset, context.views, publisher.staging)
        result.timings["data"] = time.perf_counter() - started
        publisher.publish()
    _CONTEXT = None
    return result


def _run(jobs: list[_LanguageJob], workers: int) -> Iterator[_LanguageDone]:
    """Each language on its own: one after another, or in forked worker processes."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield _build_language(job)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        yield from pool.map(_build_language, jobs)


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
    committed = last_commit_time(roadmaps)
    if committed is not None:
        return committed
    return FALLBACK_EPOCH
