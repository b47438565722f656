"""Hand-written pages: the Markdown files of the docs folders (`<folder>/<lang>/<name>.md`),
laid one folder over the other, each in the page's language or else in another with a
notice. They are not templates: their text reaches the engine as written."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from site_builder.files import readable_file
from site_builder.format.framework import N_
from site_builder.i18n.localise import Passage, direction
from site_builder.render.text import in_language, mark
from site_builder.render.titles import Title, TitleHelpers


def hand_written_pages(
    helpers: TitleHelpers, docs_layers: Sequence[Path]
) -> list[tuple[str, Title, str]]:
    """The hand-written pages of the language of `helpers` (the render stage's helpers of
    its pages) as (file name, title, Markdown): each from `<layer>/<lang>/`, or else in the
    default language (or another) with a notice."""
    files = hand_written_files(docs_layers, helpers.dataset.languages)
    default = helpers.dataset.default_language
    pages = []
    for name in sorted({name for _, name in files}):
        chosen = next(
            (
                lang
                for lang in [helpers.loc.language, default, *helpers.dataset.languages]
                if (lang, name) in files
            ),
            None,
        )
        if chosen is None:
            continue
        text = files[chosen, name].read_text("utf-8")
        title_match = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        words = title_match.group(1).strip() if title_match else name[:-3]
        passage = Passage(words, chosen, chosen != helpers.loc.language)
        note = helpers.note
        title = Title(mark(passage, helpers.loc.language, note, markdown=False), words, chosen)
        if chosen != helpers.loc.language:
            # An HTML block: its text is not Markdown, so it is escaped for HTML only.
            message = N_("This page is not translated yet: it is shown in {language}.")
            speaking = helpers.loc.speaking(messages=(message,))
            shown_in = speaking.language_name(chosen)
            shown_in = in_language(shown_in, speaking.language, helpers.loc.language)
            notice = helpers.ui(message, markdown=False, language=shown_in)
            front = ""
            if not text.startswith("---\n"):
                page_helpers = type(helpers)(helpers.context, helpers.loc, name)
                front = f"---\ntitle: {page_helpers.meta(title)}\n---\n"
            text = (
                f'{front}<p class="dr-untranslated">{notice}</p>\n\n'
                f'<div lang="{chosen}" dir="{direction(chosen)}" markdown="1">\n\n'
                f"{text}\n\n</div>\n"
            )
        pages.append((name, title, text))
    return pages


def hand_written_files(
    layers: Sequence[Path], languages: Sequence[str]
) -> dict[tuple[str, str], Path]:
    """The hand-written page files by (language, file name), `layers` laid one over the
    other: a later layer's file replaces an earlier one's of the same path, and an empty
    file removes that page name from every language. `index.md` is never taken."""
    files: dict[tuple[str, str], Path] = {}
    removed: set[str] = set()
    for layer in layers:
        for language in languages:
            folder = layer / language
            if not folder.is_dir():
                continue
            for path in folder.glob("*.md"):
                if path.name == "index.md" or not readable_file(path, layer):
                    continue  # a link out of the layer is reported by `validate`
                if not path.read_text("utf-8").strip():
                    removed.add(path.name)
                files[language, path.name] = path
    return {key: path for key, path in files.items() if key[1] not in removed}
