"""Translation status: how much of the interface and of the data each language has."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from babel.messages.pofile import read_po

from site_builder.format.fields import texts
from site_builder.format.model import Dataset, Name, Position, Text
from site_builder.i18n.localise import LOCALES_DIR


@dataclass(frozen=True)
class MissingText:
    path: str  # as given to the builder, for the command line
    file_name: str  # inside the roadmaps folder, for the site
    line: int
    field: str


@dataclass
class LanguageStatus:
    language: str
    interface_total: int
    interface_translated: int
    data_total: int
    data_translated: int
    missing: list[MissingText] = field(default_factory=list)

    @property
    def interface_share(self) -> float:
        return self.interface_translated / self.interface_total if self.interface_total else 1.0

    @property
    def data_share(self) -> float:
        return self.data_translated / self.data_total if self.data_total else 1.0


def _translatable(text: Text) -> bool:
    return not (isinstance(text, Name) and text.neutral)


@cache
def _interface_counts(language: str) -> tuple[int, int]:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        total = sum(1 for message in read_po(handle) if message.id)
    po = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return total, 0
    with po.open("rb") as handle:
        translated = sum(1 for message in read_po(handle) if message.id and message.string)
    return total, translated


def translation_status(dataset: Dataset) -> list[LanguageStatus]:
    sources: list[tuple[str, str, dict[str, Position], object]] = [
        (dataset.site_path, "site.yml", dataset.site_positions, dataset.site)
    ]
    sources += [
        (r.path, r.file_name, r.positions, r.data)
        for r in sorted(dataset.roadmaps.values(), key=lambda r: r.path)
    ]
    result = []
    for language in dataset.languages:
        status = LanguageStatus(language, *_interface_counts(language), 0, 0)
        for path, file_name, positions, data in sources:
            found: list[MissingText] = []
            for field_path, text in texts(data):
                if not _translatable(text):
                    continue
                status.data_total += 1
                if language in text:
                    status.data_translated += 1
                else:
                    line = positions.get(field_path, (1, 1))[0]
                    found.append(MissingText(path, file_name, line, field_path))
            status.missing.extend(sorted(found, key=lambda m: m.line))
        result.append(status)
    return result
