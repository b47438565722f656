"""The independent baseline: plain MkDocs-Material, one Markdown page per roadmap and language.

What a team would get without this builder: every roadmap file written out as one Markdown
page per language by a generic walk over its YAML (headings for sections, lists for lists,
the language's text of each multilingual value), and one stock MkDocs-Material project per
language (its search plugin in that language, a one-page navigation, the Markdown
extensions of the base `mkdocs.yml`), built one language after another in one process.
Nothing here imports the builder, so that the baseline does not move when the builder does.

    .venv/bin/python benchmarks/baseline.py ROADMAPS OUT en fr ar   # prints JSON timings
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _text(value: Any, language: str, languages: tuple[str, ...]) -> str | None:
    """The language's text of a multilingual mapping (else its first), or None."""
    if isinstance(value, dict) and value and set(value) <= set(languages):
        return str(value.get(language) or next(iter(value.values())))
    if isinstance(value, str | int | float | bool):
        return str(value)
    return None


def markdown_page(data: dict, language: str, languages: tuple[str, ...]) -> str:
    """A generic Markdown page of one roadmap: its name as title, each field in turn."""
    title = _text(data.get("name"), language, languages) or _text(
        data.get("title"), language, languages
    )
    lines = [f"# {title or 'Roadmap'}", ""]
    _walk(data, 2, language, languages, lines)
    return "\n".join(lines) + "\n"


def _walk(value: Any, level: int, language: str, languages: tuple, lines: list[str]) -> None:
    for key, item in value.items():
        label = str(key).replace("_", " ").capitalize()
        text = _text(item, language, languages)
        if text is not None:
            lines += [f"**{label}**: {text}" if "\n" not in text else f"**{label}**\n\n{text}", ""]
        elif isinstance(item, list):
            lines += [f"{'#' * min(level, 6)} {label}", ""]
            for number, entry in enumerate(item, start=1):
                text = _text(entry, language, languages)
                if text is not None:
                    lines.append(f"- {text}")
                elif isinstance(entry, dict):
                    name = _text(entry.get("name") or entry.get("title"), language, languages)
                    lines += ["", f"{'#' * min(level + 1, 6)} {name or f'{label} {number}'}", ""]
                    _walk(entry, level + 2, language, languages, lines)
            lines.append("")
        elif isinstance(item, dict):
            lines += [f"{'#' * min(level, 6)} {label}", ""]
            _walk(item, level + 1, language, languages, lines)


def write_projects(roadmaps: Path, out: Path, languages: tuple[str, ...]) -> list[Path]:
    """One MkDocs project per language under `out/<lang>/`; returns their `mkdocs.yml`."""
    files = sorted(p for p in roadmaps.glob("*/*.yml"))
    data = {p: yaml.load(p.read_text("utf-8"), Loader=LOADER) for p in files}
    configs = []
    for language in languages:
        docs = out / language / "docs"
        for path, roadmap in data.items():
            page = docs / path.parent.name / f"{path.stem}.md"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(markdown_page(roadmap, language, languages), "utf-8")
        (docs / "index.md").write_text(f"# Roadmaps\n\n{len(data)} roadmaps.\n", "utf-8")
        config = {
            "site_name": "Diaspora engagement roadmaps",
            "docs_dir": "docs",
            "site_dir": "site",
            "use_directory_urls": True,
            "theme": {"name": "material", "language": language, "font": False},
            "plugins": [{"search": {"lang": [language if language != "ar" else "ar", "en"]}}],
            "markdown_extensions": [
                "tables",
                "attr_list",
                "def_list",
                "admonition",
                "md_in_html",
                {"toc": {"permalink": True}},
            ],
            "nav": [{"Home": "index.md"}],
            "not_in_nav": "/*/\n",
        }
        target = out / language / "mkdocs.yml"
        target.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
        configs.append(target)
    return configs


def build_all(configs: list[Path], site: Path) -> dict[str, float]:
    """Build each project with MkDocs, one after another; seconds per language."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    seconds = {}
    for config_file in configs:
        started = time.perf_counter()
        config = load_config(str(config_file), site_dir=str(site / config_file.parent.name))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        seconds[config_file.parent.name] = time.perf_counter() - started
    return seconds


def main(argv: list[str]) -> int:
    roadmaps, out, languages = Path(argv[0]), Path(argv[1]), tuple(argv[2:])
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    configs = write_projects(roadmaps, out / "projects", languages)
    started = time.perf_counter()
    seconds = build_all(configs, out / "site")
    wall = time.perf_counter() - started
    pages = sum(1 for _ in (out / "site").rglob("index.html"))
    print(json.dumps({"wall": wall, "seconds": seconds, "pages": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
