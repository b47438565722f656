"""Benchmark harness: build a synthetic site of N roadmaps in L languages and measure it.

    .venv/bin/python benchmarks/run.py --roadmaps 500 --languages 3

In one run, on the same roadmaps: the independent baseline (`benchmarks/baseline.py`,
plain MkDocs-Material building one Markdown page per roadmap and language, one language
after another), then our build with the default command (no flags: every core, the build
cache on, starting cold), where its time goes by stage, the peak memory of all its
processes (in a run of its own: sampling the processes' memory slows the build it
samples), the heaviest pages, a rebuild from the warm cache after one roadmap changed,
what Chromium loads for a first view of a roadmap page and then for a first search from
it, in each language (search is Pagefind's, indexed after the engine and counted in our
time), and the live preview: its first build, one roadmap edited, and when its search is
up to date again. Results go to standard output as a Markdown table and, with --json, to
a file.
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
import threading
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
    """One measured run in a fresh process: `ours roadmaps site cache_dir` (a build with
    the default options but the folders given) or `preview roadmaps site` (the live
    preview's first build, then one roadmap edited)."""
    mode, roadmaps, site, *rest = argv
    roadmaps_dir, site_dir = Path(roadmaps), Path(site)
    os.chdir(ROOT)
    from site_builder.app.config import BuildOptions, Project

    started = time.perf_counter()
    if mode == "ours":
        from site_builder.app import build as pipeline

        options = BuildOptions(
            project=Project(roadmaps=roadmaps_dir), site_dir=site_dir, cache_dir=Path(rest[0])
        )
        built = pipeline.build(options)
        wall = time.perf_counter() - started
        result = {"wall": wall, "timings": built.timings, "pages": sum(built.pages.values())}
    else:
        from site_builder.app.preview import Preview

        preview = Preview(Project(roadmaps=roadmaps_dir), site_dir, site_dir.parent / "previews")
        first = preview.rebuild()
        preview.search.wait()  # the reader edits once the preview is up, search included
        edited = edit_one(roadmaps_dir)
        edited_at = time.perf_counter()
        again = preview.rebuild()
        preview.search.wait()
        searchable = time.perf_counter() - edited_at
        page = site_dir / "en" / edited.parent.name / "town-1" / "index.html"
        assert "Edited " in page.read_text("utf-8"), "the edit did not reach the page"
        result = {"wall": time.perf_counter() - started, "first": first, "edit": again}
        result["search"] = searchable
    print(json.dumps(result))


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants' process ids, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


class MemorySampler:
    """The peak, over time, of the memory of a process and all its descendants: the sum of
    their proportional set sizes (PSS: pages shared between forked processes counted once
    in all), read from /proc every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak = pid, interval, 0
        self.parts: dict[str, int] = {}  # at the peak: bytes by process name (`pagefind`)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            parts: dict[str, int] = {}
            for pid in process_tree(self.pid):
                try:
                    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                    name = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    continue
                for line in rollup.splitlines():
                    if line.startswith("Pss:"):
                        parts[name] = parts.get(name, 0) + int(line.split()[1]) * 1024
                        break
            if sum(parts.values()) > self.peak:
                self.peak, self.parts = sum(parts.values()), parts
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def measured(command: list[str], memory: bool = False) -> dict:
    """Run a command; its JSON answer with its wall time and CPU time, and with `memory`
    its peak memory (`MemorySampler`, whose reads of /proc took 13 s of CPU during a
    build of 2000 roadmaps and made it 7 % longer: a timed run is not sampled)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    sampler = MemorySampler(process.pid) if memory else None
    out, _ = process.communicate()
    wall = time.perf_counter() - started
    peak = sampler.stop() if sampler else 0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{command} failed with {process.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["process_wall"] = wall
    result["cpu"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if sampler is not None:
        result["peak_mb"] = peak / 2**20
        result["peak_parts_mb"] = {name: size / 2**20 for name, size in sampler.parts.items()}
    return result


def ours(roadmaps: Path, site: Path, cache: Path, memory: bool = False) -> dict:
    args = ["ours", str(roadmaps), str(site), str(cache)]
    return measured([sys.executable, __file__, "--worker", *args], memory)


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


def edit_one(roadmaps: Path) -> Path:
    """Change the English title of one local authority roadmap; return its file."""
    towns = sorted(roadmaps.glob("*/town-1.yml"))
    edited = towns[len(towns) // 2]
    text = edited.read_text("utf-8")
    edited.write_text(text.replace("title:\n  en: ", "title:\n  en: Edited ", 1), "utf-8")
    return edited


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roadmaps", type=int, default=100, help="number of roadmaps (N)")
    parser.add_argument("--languages", type=int, default=3, help="number of languages (L)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measures")
    parser.add_argument(
        "--full-build-only",
        action="store_true",
        help="measure the baseline, our default build and the browser only (no rebuild, preview)",
    )
    args = parser.parse_args()
    languages = LANGUAGES[: args.languages]
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1184025600")

    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        work = Path(tmp)
        roadmaps = work / "roadmaps"
        generate(roadmaps, args.roadmaps, languages)
        load_before = os.getloadavg()[0]
        base = measured(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "baseline.py"),
                str(roadmaps),
                str(work / "baseline"),
                *languages,
            ]
        )
        full = ours(roadmaps, work / "site", work / "cache")
        rebuild = preview = None
        if not args.full_build_only:
            edit_one(roadmaps)
            rebuild = ours(roadmaps, work / "site-rebuilt", work / "cache")
            fresh = work / "preview-roadmaps"
            generate(fresh, args.roadmaps, languages)
            preview = measured(
                [sys.executable, __file__, "--worker", "preview", str(fresh), str(work / "p")]
            )
        # The same build again, from an empty cache, its memory sampled.
        sampled = ours(roadmaps, work / "site-sampled", work / "cache-sampled", memory=True)
        load_after = os.getloadavg()[0]
        site = work / "site"
        authority = sorted((site / languages[0]).glob("*/town-1/index.html"))[0]
        results = {
            "roadmaps": args.roadmaps,
            "languages": args.languages,
            "pages": full["pages"],
            "baseline_s": base["wall"],
            "baseline_cpu_s": base["cpu"],
            "baseline_pages": base["pages"],
            "total_s": full["process_wall"],
            "cpu_s": full["cpu"],
            "ratio_to_baseline": full["process_wall"] / base["wall"],
            "cpu_ratio_to_baseline": full["cpu"] / base["cpu"],
            "timings": full["timings"],
            "peak_mb": sampled["peak_mb"],
            "peak_parts_mb": sampled["peak_parts_mb"],
            "rebuild_s": None if rebuild is None else rebuild["process_wall"],
            "rebuild_ratio": None
            if rebuild is None
            else rebuild["process_wall"] / full["process_wall"],
            "rebuild_cpu_ratio": None if rebuild is None else rebuild["cpu"] / full["cpu"],
            "preview_first_s": None if preview is None else preview["first"],
            "preview_edit_s": None if preview is None else preview["edit"],
            "preview_search_s": None if preview is None else preview["search"],
            "roadmap_page_bytes": authority.stat().st_size,
            "largest_roadmap_page": _largest(site, languages, roadmap_pages=True, count=1),
            "largest_pages": _largest(site, languages),
            "search_index_bytes": {lang: _search_bytes(site / lang) for lang in languages},
            "transfer": {
                lang: None
                if args.no_browser
                else transfer(site, f"{lang}/{authority.parent.parent.name}/town-1/", query)
                for lang, query in _QUERIES.items()
                if lang in languages
            },
            "load_average": [load_before, load_after],
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


def _largest(
    site: Path, languages: tuple[str, ...], roadmap_pages: bool = False, count: int = 3
) -> dict[str, int]:
    """The heaviest generated HTML pages of the site (or of its roadmap pages,
    `/<lang>/<cc>/<slug>/` and `/<lang>/<cc>/`): what would grow with the site. The
    hand-written guides (`site_builder/defaults/docs/`) weigh what their authors wrote and
    are left out."""
    guides = {p.stem for p in (ROOT / "site_builder" / "defaults" / "docs").glob("*/*.md")}
    sizes = []
    for lang in languages:
        for page in (site / lang).rglob("*.html"):
            name = page.relative_to(site).as_posix()
            parts = name.split("/")
            is_roadmap = len(parts) in (3, 4) and len(parts[1]) == 2 and parts[-1] == "index.html"
            if (roadmap_pages and not is_roadmap) or (len(parts) > 2 and parts[1] in guides):
                continue
            sizes.append((page.stat().st_size, "/" + name.removesuffix("index.html")))
    return {name: size for size, name in sorted(sizes, reverse=True)[:count]}


def _search_bytes(site: Path) -> int:
    return sum(p.stat().st_size for p in (site / "search").glob("*.json")) + sum(
        p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file()
    )


def _kb(value: int | None) -> str:
    return "not measured" if value is None else f"{value / 1024:.0f} KB"


def stages(timings: dict[str, float]) -> str:
    """Seconds by stage; per-language stages summed over languages (they overlap in time
    when languages are built in parallel)."""
    totals: dict[str, float] = {}
    for key, seconds in timings.items():
        stage = key.split(":")[0]
        totals[stage] = totals.get(stage, 0.0) + seconds
    return ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in totals.items())


def _transfer(r: dict, which: int) -> str:
    """KB per language of the first view (0) or of the first search (1)."""
    values = {k: v for k, v in r["transfer"].items() if v is not None}
    if not values:
        return _kb(None)
    return ", ".join(f"{k} {v[which] / 1024:.0f} KB" for k, v in values.items())


def _parts(r: dict) -> str:
    """The peak by process name: `python 480 MB, pagefind 914 MB`."""
    parts = r.get("peak_parts_mb") or {}
    return ", ".join(f"{name} {mb:.0f} MB" for name, mb in sorted(parts.items()))


def _table(r: dict) -> str:
    rows = [
        ("roadmaps × languages", f"{r['roadmaps']} × {r['languages']} ({r['pages']} pages)"),
        (
            "baseline: plain MkDocs-Material, one page per roadmap and language",
            f"{r['baseline_s']:.1f} s ({r['baseline_pages']} pages, "
            f"CPU {r['baseline_cpu_s']:.1f} s)",
        ),
        ("ours, default command", f"{r['total_s']:.1f} s (CPU {r['cpu_s']:.1f} s)"),
        (
            "ratio to the baseline (wall; CPU)",
            f"{r['ratio_to_baseline']:.2f}; {r['cpu_s'] / r['baseline_cpu_s']:.2f}",
        ),
        ("where the time goes (summed over languages)", stages(r["timings"])),
    ]
    rows += [
        ("peak memory, all processes (PSS)", f"{r['peak_mb']:.0f} MB ({_parts(r)})"),
        (
            "rebuild after one roadmap changed, warm cache",
            "not measured"
            if r["rebuild_s"] is None
            else f"{r['rebuild_s']:.1f} s ({r['rebuild_ratio']:.0%} of a full build; "
            f"CPU {r['rebuild_cpu_ratio']:.0%})",
        ),
        ("HTML of a roadmap page", f"{r['roadmap_page_bytes'] / 1024:.1f} KB"),
        (
            "largest roadmap page",
            ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in r["largest_roadmap_page"].items()),
        ),
        (
            "largest pages",
            ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in r["largest_pages"].items()),
        ),
        (
            "preview: first build, then after editing one roadmap; search up to date",
            "not measured"
            if r["preview_edit_s"] is None
            else f"{r['preview_first_s']:.1f} s, then {r['preview_edit_s']:.1f} s; "
            f"{r['preview_search_s']:.1f} s",
        ),
        ("first view of a roadmap page, in Chromium", _transfer(r, 0)),
        ("then a first search from that page", _transfer(r, 1)),
        (
            "search index files per language",
            ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in r["search_index_bytes"].items()),
        ),
        ("load average before, after", " , ".join(f"{v:.1f}" for v in r["load_average"])),
    ]
    lines = ["| measure | value |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
