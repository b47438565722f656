"""The theme's macros (`partials/marks.html`, `partials/icon.html`) are imported without
the page's context, so that Jinja makes their module once a build rather than at every
import: what they need of the page comes as arguments, and they give what they gave."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import material
from jinja2 import Environment, FileSystemLoader

THEME = Path(__file__).parent.parent / "site_builder" / "defaults" / "themes"
MATERIAL = Path(material.__file__).parent / "templates"
CONFIG = SimpleNamespace(
    theme=SimpleNamespace(language="fr"), extra={"directions": {"ar": "rtl", "en": "ltr"}}
)


def _render(source: str) -> str:
    env = Environment(loader=FileSystemLoader([str(THEME), str(MATERIAL)]))
    return env.from_string(source).render(config=CONFIG)


def test_a_text_in_another_language_than_the_pages_is_marked_on_its_element() -> None:
    use = '{% from "partials/marks.html" import lang_of %}'
    assert _render(use + '<p{{ lang_of("ar", config) }}>') == '<p lang="ar" dir="rtl">'
    assert _render(use + '<p{{ lang_of("sw", config) }}>') == '<p lang="sw" dir="auto">'
    assert _render(use + '<p{{ lang_of("fr", config) }}{{ lang_of(none, config) }}>') == "<p>"


def test_an_icon_is_drawn_from_the_shared_file_at_the_address_given() -> None:
    use = '{% from "partials/icon.html" import icon %}'
    assert _render(use + '{{ icon(none, "menu", "../assets/images/icons.svg") }}') == (
        '<svg viewBox="0 0 24 24"><use href="../assets/images/icons.svg#menu"/></svg>'
    )


def test_an_icon_the_configuration_names_is_written_into_the_page_as_material_does() -> None:
    use = '{% from "partials/icon.html" import icon %}'
    svg = (MATERIAL / ".icons" / "material" / "star.svg").read_text().rstrip("\n")
    assert _render(use + '{{ icon("material/star", "menu", "unused") }}') == svg


def test_the_theme_imports_its_macros_without_the_pages_context() -> None:
    imports = [
        line
        for page in THEME.rglob("*.html")
        for line in page.read_text().splitlines()
        if "import" in line and ("marks.html" in line or "icon.html" in line)
    ]
    assert len(imports) >= 8
    assert not [line for line in imports if "with context" in line]
