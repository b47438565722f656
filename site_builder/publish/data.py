"""Open data: the roadmaps as JSON and CSV files under `site/data/`, with the JSON Schema.

What is written (records and CSV columns) is declared in `views/open_data.py`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from site_builder.format.model import Dataset
from site_builder.format.schema import json_schema
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


def write_data(dataset: Dataset, views: Views, site: Path, site_url: str | None = None) -> None:
    """Write `data/` under the site: JSON for every roadmap, CSV tables, their
    Frictionless `datapackage.json` and the JSON Schema.

    `site_url` (`https://example.org/`), when known, gives the schema its `$id`."""
    data = site / "data"
    (data / "roadmaps").mkdir(parents=True, exist_ok=True)
    roadmaps = sorted(dataset.roadmaps.values(), key=lambda r: r.id)
    everything = {
        "site": normalise(dataset.site),
        "outcomes": normalise(dataset.outcomes),
        "roadmaps": [roadmap_record(r) for r in roadmaps],
    }
    (data / "roadmaps.json").write_text(_json(everything), "utf-8")
    for roadmap in roadmaps:
        target = data / data_path(roadmap.id)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_json(roadmap_record(roadmap)), "utf-8")
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
