"""Structured data for search engines and dataset catalogues: schema.org JSON-LD."""

from __future__ import annotations

import json

from markupsafe import Markup

from site_builder.i18n.localise import Localiser
from site_builder.views.context import SiteContext
from site_builder.views.open_data import csv_files


def dataset_json_ld(context: SiteContext, loc: Localiser, site_url: str | None) -> Markup:
    """A `<script type="application/ld+json">` block describing the open data as a
    schema.org `Dataset`, for the data page (`<lang>/data/`). Download addresses are
    absolute with `site_url` (`https://example.org/`), else relative to that page. The
    JSON is escaped for a script element (no `<`, `>` or `&`)."""
    dataset = context.dataset
    root = site_url or "../../"
    files = [
        ("roadmaps.json", "application/json"),
        *[(name, "text/csv") for name in csv_files(dataset, context.views)],
        ("datapackage.json", "application/json"),
        ("roadmap.schema.json", "application/schema+json"),
    ]
    description = dataset.site.description or dataset.site.title
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": loc.passage(dataset.site.title).value,
        "description": loc.passage(description).value,
        "inLanguage": list(dataset.languages),
        "isAccessibleForFree": True,
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": media_type,
                "contentUrl": f"{root}data/{name}",
            }
            for name, media_type in files
        ],
    }
    if site_url:
        data["url"] = f"{site_url}{loc.language}/data/"
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')
