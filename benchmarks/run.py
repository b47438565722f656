"""Benchmark harness: build a synthetic site of N roadmaps in L languages and measure it.

    .venv/bin/python benchmarks/run.py --roadmaps 500 --languages 3

In one run, on the same roadmaps: the independent baseline (`benchmarks/baseline.py`,
plain MkDocs-Material building one Markdown page per roadmap and language, one language
after another), then our build with the default command (no flags: every core, the build
cache on, starting cold), where its time goes by stage, the peak memory of all its
processes, the heaviest pages, a rebuild from the warm cache after one roadmap changed,
and what a browser loads for a first view and a first search. While the base
`mkdocs.yml` still runs Material's search plugin, our build is also measured without it
(the search is being moved out of the engine) and the rebuild is measured that way.
Results go to standard output as a Markdown table and, with --json, to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "fr", "ar", "es", "so")


def generate(folder: Path, roadmaps: int, languages: tuple[str, ...]) -> None:
    from site_builder.format.sample import write_sample

    per_country = 9  # one national roadmap and nine local authorities per country
    countries = max(1, round(roadmaps / (per_country + 1)))
    write_sample(folder, countries, per_country, languages)


def _worker(argv: list[str]) -> None:
    """One measured build of ours, in a fresh process, with the default options but the
    folders given: `roadmaps site base_config cache_dir`."""
    roadmaps, site, base_config, cache = (Path(arg) for arg in argv)
    os.chdir(ROOT)
    from site_builder.app import build as pipeline
    from site_builder.app.config import BuildOptions, Project

    options = BuildOptions(
        project=Project(roadmaps=roadmaps, base_config=base_config), site_dir=site
    )
    if "cache_dir" in BuildOptions.__dataclass_fields__:
        options = BuildOptions(**{**options.__dict__, "cache_dir": cache})
    started = time.perf_counter()
    built = pipeline.build(options)
    wall = time.perf_counter() - started
    print(json.dumps({"wall": wall, "timings": built.timings, "pages": sum(built.pages.values())}))


class MemorySampler:
    """The peak, over time, of the memory of a process and all its descendants: the sum of
    their proportional set sizes (PSS: pages shared between forked processes counted once
    in all), read from /proc every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        return tree

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self._tree():
                try:
                    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                except OSError:
                    continue
                for line in rollup.splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def measured(command: list[str]) -> dict:
    """Run a command; its JSON answer with its wall time, CPU time and peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    sampler = MemorySampler(process.pid)
    out, _ = process.communicate()
    wall = time.perf_counter() - started
    peak = sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{command} failed with {process.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["process_wall"] = wall
    result["cpu"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    result["peak_mb"] = peak / 2**20
    return result


def ours(roadmaps: Path, site: Path, base_config: Path, cache: Path) -> dict:
    args = [str(roadmaps), str(site), str(base_config), str(cache)]
    return measured([sys.executable, __file__, "--worker", *args])


def transfer(site: Path, page: str, query: str | None = None) -> int | None:
    """Bytes of the bodies a real browser loads for a first view of `page` (and a search)."""
    if not Path("/usr/bin/chromium").exists():
        return None
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, serve

    # Resource Timing counts every body the page loaded (uncompressed), the worker's too.
    count = """() => performance.getEntriesByType('navigation')
        .concat(performance.getEntriesByType('resource'))
        .reduce((sum, entry) => sum + entry.decodedBodySize, 0)"""
    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        tab = browser.new_page()
        tab.goto(f"{url}/{page}", wait_until="networkidle")
        if query:
            tab.click(".md-search__input")
            tab.keyboard.type(query)
            tab.keyboard.press("End")
            tab.wait_for_timeout(1500)
        total = int(tab.evaluate(count))
        browser.close()
    return total


def _without_search(base: Path, out: Path) -> Path | None:
    """A copy of the base configuration without Material's search plugin; None when it
    has none."""
    config = yaml.safe_load(base.read_text("utf-8")) or {}
    plugins = config.get("plugins") or ["search"]
    kept = [p for p in plugins if (next(iter(p)) if isinstance(p, dict) else p) != "search"]
    if len(kept) == len(plugins):
        return None
    config["plugins"] = kept
    out.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return out


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
        help="measure the baseline and our default build only (no rebuild, no browser)",
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
        full = ours(roadmaps, work / "site", ROOT / "mkdocs.yml", work / "cache")
        no_search_config = _without_search(ROOT / "mkdocs.yml", work / "no-search.yml")
        no_search = rebuild = None
        cache, cached_config = work / "cache", ROOT / "mkdocs.yml"
        if no_search_config is not None and not args.full_build_only:
            cache, cached_config = work / "cache-no-search", no_search_config
            no_search = ours(roadmaps, work / "site-no-search", no_search_config, cache)
        if not args.full_build_only:
            edit_one(roadmaps)
            rebuild = ours(roadmaps, work / "site-rebuilt", cached_config, cache)
        args.no_browser = args.no_browser or args.full_build_only
        load_after = os.getloadavg()[0]
        site = work / "site"
        authority = sorted((site / languages[0]).glob("*/town-1/index.html"))[0]
        reference = no_search or full
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
            "no_search_s": None if no_search is None else no_search["process_wall"],
            "no_search_ratio": None
            if no_search is None
            else no_search["process_wall"] / base["wall"],
            "timings": full["timings"],
            "no_search_timings": None if no_search is None else no_search["timings"],
            "peak_mb": max(full["peak_mb"], reference["peak_mb"]),
            "baseline_peak_mb": base["peak_mb"],
            "rebuild_s": None if rebuild is None else rebuild["process_wall"],
            "rebuild_ratio": None
            if rebuild is None
            else rebuild["process_wall"] / reference["process_wall"],
            "roadmap_page_bytes": authority.stat().st_size,
            "largest_roadmap_page": _largest(site, languages, roadmap_pages=True, count=1),
            "largest_pages": _largest(site, languages),
            "search_index_bytes": {lang: _search_bytes(site / lang) for lang in languages},
            "first_view_bytes": None
            if args.no_browser
            else transfer(site, f"{languages[0]}/{authority.parent.parent.name}/town-1/"),
            "first_search_bytes": None
            if args.no_browser
            else transfer(site, f"{languages[0]}/", "diaspora"),
            "load_average": [load_before, load_after],
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
        }
    print(_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


def _largest(
    site: Path, languages: tuple[str, ...], roadmap_pages: bool = False, count: int = 3
) -> dict[str, int]:
    """The heaviest generated HTML pages of the site (or of its roadmap pages,
    `/<lang>/<cc>/<slug>/` and `/<lang>/<cc>/`): what would grow with the site. The
    hand-written guides of `docs/` weigh what their authors wrote and are left out."""
    guides = {p.stem for p in (ROOT / "docs").glob("*/*.md")}
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
    if r["no_search_s"] is not None:
        rows += [
            (
                "ours without Material's search plugin",
                f"{r['no_search_s']:.1f} s ({r['no_search_ratio']:.2f} × the baseline)",
            ),
            ("where the time goes, without search", stages(r["no_search_timings"])),
        ]
    rows += [
        ("peak memory, all processes (PSS)", f"{r['peak_mb']:.0f} MB"),
        (
            "rebuild after one roadmap changed, warm cache",
            "not measured"
            if r["rebuild_s"] is None
            else f"{r['rebuild_s']:.1f} s ({r['rebuild_ratio']:.0%} of a full build)",
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
        ("first view of a roadmap page, in Chromium", _kb(r["first_view_bytes"])),
        ("first view of the home page and a first search", _kb(r["first_search_bytes"])),
        (
            "search index per language",
            ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in r["search_index_bytes"].items()),
        ),
        ("load average before, after", " , ".join(f"{v:.1f}" for v in r["load_average"])),
    ]
    lines = ["| measure | value |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
