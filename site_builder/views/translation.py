"""Translation status: how much of the interface and of the data each language has.

The interface is every string the reader sees that is not roadmap data: the builder's
catalog (headings, labels, navigation entries, the footer), the engine theme's own
strings (`theme`, counted by the engine) and the hand-written document pages, each
counted by its paragraphs, translated when the page exists in that language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from site_builder.files import readable_file
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
class TranslationStatus:
    language: str
    interface_total: int
    interface_translated: int
    data_total: int
    data_translated: int
    missing: list[MissingText] = field(default_factory=list)
    missing_documents: list[str] = field(default_factory=list)  # such as `contribute.md`

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


def _paragraphs(page: Path) -> int:
    return sum(1 for block in page.read_text("utf-8").split("\n\n") if block.strip())


def _documents(docs_dirs: tuple[Path, ...], languages: tuple[str, ...]) -> dict[str, int]:
    """Each hand-written page (`about.md`) with its number of paragraphs, counted in the
    first language that has it (in the last folder of `docs_dirs` that has it)."""
    sizes: dict[str, int] = {}
    for language in languages:
        for docs_dir in reversed(docs_dirs):
            for page in sorted((docs_dir / language).glob("*.md")):
                if page.name != "index.md" and readable_file(page, docs_dir):
                    sizes.setdefault(page.name, _paragraphs(page))
    return sizes


def _layers(docs: Path | Sequence[Path] | None) -> tuple[Path, ...]:
    if docs is None:
        return ()
    return (docs,) if isinstance(docs, Path) else tuple(docs)


def translation_status(
    dataset: Dataset,
    docs_dir: Path | Sequence[Path] | None = None,
    theme: Callable[[str], tuple[int, int]] | None = None,
) -> list[TranslationStatus]:
    """The status of each language of the dataset. `docs_dir` holds the hand-written pages
    (`<docs_dir>/<lang>/*.md`), or is a sequence of such folders laid one over the other
    (the built-in pages first); `theme(language)` gives the engine theme's (total,
    translated) strings."""
    layers = _layers(docs_dir)
    sources: list[tuple[str, str, dict[str, Position], object]] = [
        (dataset.site_path, "site.yml", dataset.site_positions, dataset.site)
    ]
    sources += [
        (r.path, r.file_name, r.positions, r.data)
        for r in sorted(dataset.roadmaps.values(), key=lambda r: r.path)
    ]
    # Each file's translatable texts, found once for every language.
    found_texts = [
        (path, file_name, positions, [(f, t) for f, t in texts(data) if _translatable(t)])
        for path, file_name, positions, data in sources
    ]
    documents = _documents(layers, (dataset.default_language, *dataset.languages))
    result = []
    for language in dataset.languages:
        status = TranslationStatus(language, *_interface_counts(language), 0, 0)
        if theme is not None:
            total, translated = theme(language)
            status.interface_total += total
            status.interface_translated += translated
        for name, size in documents.items():
            status.interface_total += size
            if any((layer / language / name).is_file() for layer in layers):
                status.interface_translated += size
            else:
                status.missing_documents.append(name)
        for path, file_name, positions, translatable in found_texts:
            found: list[MissingText] = []
            for field_path, text in translatable:
                status.data_total += 1
                if language in text:
                    status.data_translated += 1
                else:
                    line = positions.get(field_path, (1, 1))[0]
                    found.append(MissingText(path, file_name, line, field_path))
            status.missing.extend(sorted(found, key=lambda m: m.line))
        result.append(status)
    return result
