"""Benchmark harness: build a synthetic site of N roadmaps in L languages and measure it.

    .venv/bin/python benchmarks/run.py --roadmaps 500 --languages 3

Reports validate, render, engine and search-indexing time per language, total wall time,
peak memory, pages per second, the HTML weight of a roadmap page, search index bytes per
language, the bytes Chromium loads for a first view of a roadmap page and then for a first
search from it, the ratio of our total to plain `mkdocs build` of the rendered projects
(measured in the same run), and the wall time with languages built in parallel processes.
Results go to standard output as a Markdown table and, with --json, to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "fr", "ar", "es", "so")


def generate(folder: Path, roadmaps: int, languages: tuple[str, ...]) -> None:
    from site_builder.format.sample import write_sample

    per_country = 9  # one national roadmap and nine local authorities per country
    countries = max(1, round(roadmaps / (per_country + 1)))
    write_sample(folder, countries, per_country, languages)


def _worker(argv: list[str]) -> None:
    """One measured build in a fresh process, so that peak memory is this build's alone."""
    mode, roadmaps, site, jobs = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
    os.chdir(ROOT)
    started = time.perf_counter()
    result: dict[str, object] = {}
    if mode == "ours":
        from site_builder.app import build as pipeline
        from site_builder.app.config import BuildOptions, Project

        built = pipeline.build(
            BuildOptions(project=Project(roadmaps=roadmaps), site_dir=site, jobs=jobs)
        )
        result["timings"] = built.timings
        result["pages"] = sum(built.pages.values())
    elif mode == "preview":  # the live preview: a full build, then one file edited
        from site_builder.app.config import Project
        from site_builder.app.preview import Preview

        preview = Preview(Project(roadmaps=roadmaps), site, site.parent / "preview-projects")
        first = preview.rebuild()
        preview.search.wait()  # the reader edits once the preview is up, search included
        edited = sorted(roadmaps.glob("*/town-1.yml"))[len(list(roadmaps.glob("*/"))) // 2]
        text = edited.read_text("utf-8")
        edited.write_text(text.replace("title:\n  en: ", "title:\n  en: Edited ", 1), "utf-8")
        edited_at = time.perf_counter()
        again = preview.rebuild()
        preview.search.wait()
        searchable = time.perf_counter() - edited_at
        page = site / "en" / edited.parent.name / "town-1" / "index.html"
        assert "Edited " in page.read_text("utf-8"), "the edit did not reach the page"
        result["timings"] = {"first": first, "edit": again, "search": searchable}
    else:  # plain MkDocs on the projects `render` wrote, one language after another
        from site_builder.engine.mkdocs import build_project

        timings = {}
        for config in sorted(roadmaps.glob("*/mkdocs.yml")):
            begun = time.perf_counter()
            build_project(config, site / config.parent.name)
            timings[f"engine:{config.parent.name}"] = time.perf_counter() - begun
        result["timings"] = timings
    result["wall"] = time.perf_counter() - started
    usage = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    result["peak_mb"] = usage / 1024
    print(json.dumps(result))


def transfer(site: Path, page: str, query: str) -> tuple[int, int] | None:
    """Bytes of the bodies a real browser loads for a first view of `page`, then for a first
    search typed into its search box: (view, search). None without Chromium."""
    if not Path("/usr/bin/chromium").exists():
        return None
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, serve

    def loaded(responses: list) -> int:  # the bodies as received (uncompressed here)
        return sum(len(r.body()) for r in responses if r.status == 200)

    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        tab = browser.new_page()
        responses: list = []
        tab.on("response", lambda response: responses.append(response))  # workers. too
        tab.goto(f"{url}/{page}", wait_until="networkidle")
        view = loaded(responses)
        seen = len(responses)
        tab.click(".md-search__input")
        tab.keyboard.type(query)
        tab.wait_for_function(
            "(q) => document.getElementById('dr-search').dataset.shown === q",
            arg=query,
            timeout=120000,
        )
        tab.wait_for_load_state("networkidle")
        search = loaded(responses[seen:])
        browser.close()
    return view, search


def measured(mode: str, source: Path, site: Path, jobs: int = 1) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(source), str(site), str(jobs)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(f"the {mode} build failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roadmaps", type=int, default=100, help="number of roadmaps (N)")
    parser.add_argument("--languages", type=int, default=3, help="number of languages (L)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        help="processes for the parallel run (default: one per language)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    args.jobs = args.jobs or args.languages
    languages = LANGUAGES[: args.languages]
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1184025600")

    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        work = Path(tmp)
        generate(work / "roadmaps", args.roadmaps, languages)
        ours = measured("ours", work / "roadmaps", work / "site")
        parallel = measured("ours", work / "roadmaps", work / "site-parallel", args.jobs)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "site_builder",
                "render",
                "--roadmaps",
                str(work / "roadmaps"),
                "--out",
                str(work / "projects"),
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        plain = measured("plain", work / "projects", work / "site-plain")
        preview = measured("preview", work / "roadmaps", work / "site-preview")
        site = work / "site"
        authority = sorted((site / languages[0]).glob("*/town-1/index.html"))[0]
        results = {
            "roadmaps": args.roadmaps,
            "languages": args.languages,
            "pages": ours["pages"],
            "validate_s": ours["timings"]["validate"],
            "prepare_s": ours["timings"]["prepare"],
            "render_s": {
                k.split(":")[1]: v for k, v in ours["timings"].items() if k.startswith("render:")
            },
            "engine_s": {
                k.split(":")[1]: v for k, v in ours["timings"].items() if k.startswith("engine:")
            },
            "search_s": {
                k.split(":")[1]: v for k, v in ours["timings"].items() if k.startswith("search:")
            },
            "data_s": ours["timings"]["data"],
            "total_s": ours["wall"],
            "plain_mkdocs_s": plain["wall"],
            "ratio_to_plain": ours["wall"] / plain["wall"],
            "parallel_s": parallel["wall"],
            "parallel_jobs": args.jobs,
            "parallel_ratio": parallel["wall"] / ours["wall"],
            "peak_mb": max(ours["peak_mb"], parallel["peak_mb"]),
            "preview_first_s": preview["timings"]["first"],
            "preview_edit_s": preview["timings"]["edit"],
            "preview_search_s": preview["timings"]["search"],
            "pages_per_s": ours["pages"] / ours["wall"],
            "roadmap_page_bytes": authority.stat().st_size,
            "largest_pages": _largest(site / languages[0]),
            "search_index_bytes": {lang: _search_bytes(site / lang) for lang in languages},
            "transfer": {
                lang: transfer(site, f"{lang}/{authority.parent.parent.name}/town-1/", query)
                for lang, query in _QUERIES.items()
                if lang in languages
            },
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
        }
        measured_transfer = [v for v in results["transfer"].values() if v is not None]
        results["first_view_bytes"] = max((v[0] for v in measured_transfer), default=None)
        results["first_search_bytes"] = max((v[1] for v in measured_transfer), default=None)
        shutil.rmtree(work, ignore_errors=True)
    print(_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


# A word of every synthetic roadmap, in each language: the first search of the benchmark.
_QUERIES = {"en": "diaspora", "fr": "diaspora", "ar": "الجالية"}


def _largest(site: Path, count: int = 3) -> dict[str, int]:
    """The heaviest HTML pages of a language: what grows with the site."""
    sizes = sorted(
        ((p.stat().st_size, str(p.parent.relative_to(site))) for p in site.rglob("index.html")),
        reverse=True,
    )[:count]
    return {f"/{name}/": size for size, name in sizes}


def _search_bytes(site: Path) -> int:
    return sum(p.stat().st_size for p in (site / "search").glob("*.json")) + sum(
        p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file()
    )


def _kb(value: int | None) -> str:
    return "not measured (no Chromium)" if value is None else f"{value / 1024:.0f} KB"


def _transfer(r: dict, which: int) -> str:
    """KB per language of the first view (0) or of the first search (1)."""
    values = {k: v for k, v in r["transfer"].items() if v is not None}
    if not values:
        return _kb(None)
    return ", ".join(f"{k} {v[which] / 1024:.0f} KB" for k, v in values.items())


def _table(r: dict) -> str:
    rows = [
        ("roadmaps × languages", f"{r['roadmaps']} × {r['languages']} ({r['pages']} pages)"),
        ("validate", f"{r['validate_s']:.1f} s"),
        ("prepare (views, history)", f"{r['prepare_s']:.1f} s"),
        ("render, per language", ", ".join(f"{k} {v:.1f} s" for k, v in r["render_s"].items())),
        ("engine, per language", ", ".join(f"{k} {v:.1f} s" for k, v in r["engine_s"].items())),
        (
            "search index, per language",
            ", ".join(f"{k} {v:.1f} s" for k, v in r["search_s"].items()),
        ),
        ("open data", f"{r['data_s']:.1f} s"),
        ("total wall time", f"{r['total_s']:.1f} s"),
        ("plain `mkdocs build` of the same projects", f"{r['plain_mkdocs_s']:.1f} s"),
        ("ratio to plain MkDocs", f"{r['ratio_to_plain']:.2f}"),
        (
            f"languages in parallel ({r['parallel_jobs']} processes)",
            f"{r['parallel_s']:.1f} s ({r['parallel_ratio']:.2f} × one after another)",
        ),
        ("peak memory", f"{r['peak_mb']:.0f} MB"),
        (
            "preview: first build, then after editing one roadmap",
            f"{r['preview_first_s']:.1f} s, then {r['preview_edit_s']:.1f} s",
        ),
        ("preview: search updated after the edit", f"{r['preview_search_s']:.1f} s"),
        ("pages per second", f"{r['pages_per_s']:.1f}"),
        ("HTML of a roadmap page", f"{r['roadmap_page_bytes'] / 1024:.1f} KB"),
        ("first view of a roadmap page, in Chromium", _transfer(r, 0)),
        ("then a first search from that page", _transfer(r, 1)),
        (
            "search index files per language",
            ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in r["search_index_bytes"].items()),
        ),
    ]
    lines = ["| measure | value |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
