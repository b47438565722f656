"""Open data: the roadmaps as JSON and CSV files under `site/data/`, with the JSON Schema.

What is written (records and CSV columns) is declared in `views/open_data.py`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from site_builder.format.model import Dataset, RoadmapFile
from site_builder.format.schema import json_schema
from site_builder.publish.records import StoredRecords
from site_builder.render.links import data_path
from site_builder.views.across import Views
from site_builder.views.open_data import (
    Column,
    csv_files,
    data_package,
    normalise,
    roadmap_record,
)

# What spreadsheets read as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with a single quote
    (shown as text, the data page says so); anything else as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _csv(columns: list[Column], rows: list[Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(column.name) for column in columns])
    for row in rows:
        writer.writerow([neutralise(column.value(row)) for column in columns])
    return buffer.getvalue()


def _json(value: Any) -> str:
    """JSON text; refuses NaN and infinities (ValueError), which are not JSON."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False, allow_nan=False) + "\n"


_IN_LIST = "  "
"""What `_json` puts before each line of a roadmap's record in the list of them all."""


def _record(roadmap: RoadmapFile) -> str:
    return _json(roadmap_record(roadmap))


def _write_roadmaps(dataset: Dataset, data: Path, records: StoredRecords | None = None) -> None:
    """`roadmaps.json` (the site, the outcomes and every roadmap's record) and one file per
    roadmap, byte for byte as `_json` writes them, each record made and encoded once and
    written to both. `roadmaps.json` is written as it goes: held whole, with its records,
    it took 150 MB in the build's process at 2000 roadmaps while the workers ran. With
    `records`, a record made by an earlier build from the same roadmap is taken as it is."""
    roadmaps = sorted(dataset.roadmaps.values(), key=lambda r: r.id)
    head = _json({"site": normalise(dataset.site), "outcomes": normalise(dataset.outcomes)})
    with (data / "roadmaps.json").open("w", encoding="utf-8") as everything:
        everything.write(head[: -len("\n}\n")] + ',\n "roadmaps": [')
        for number, roadmap in enumerate(roadmaps):
            text = records.text(roadmap, _record) if records else _record(roadmap)
            target = data / data_path(roadmap.id)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
            everything.write(",\n" if number else "\n")
            everything.write(_IN_LIST + text[:-1].replace("\n", "\n" + _IN_LIST))
        everything.write("\n ]\n}\n" if roadmaps else "]\n}\n")


def write_data(
    dataset: Dataset,
    views: Views,
    site: Path,
    site_url: str | None = None,
    records: StoredRecords | None = None,
) -> None:
    """Write `data/` under the site: JSON for every roadmap, CSV tables, their
    Frictionless `datapackage.json` and the JSON Schema.

    `site_url` (`https://example.org/`), when known, gives the schema its `$id`;
    `records` (the build cache's) gives the roadmaps' records made before."""
    data = site / "data"
    (data / "roadmaps").mkdir(parents=True, exist_ok=True)
    _write_roadmaps(dataset, data, records)
    for name, (columns, rows) in csv_files(dataset, views).items():
        # With a byte-order mark, spreadsheets open the file as UTF-8 (Arabic included).
        (data / name).write_text(_csv(columns, rows), "utf-8-sig")
    title = dataset.site.title
    name = title.get(dataset.default_language) or next(iter(title.values()))
    package = data_package(dataset, views, name, site_url)
    (data / "datapackage.json").write_text(_json(package), "utf-8")
    schema_id = f"{site_url}data/roadmap.schema.json" if site_url else None
    schema = json_schema(list(dataset.languages), schema_id)
    (data / "roadmap.schema.json").write_text(_json(schema), "utf-8")
