"""What the render stage hands to the engine: one language's pages, navigation and names."""

from __future__ import annotations

from dataclasses import dataclass, field

from site_builder.errors import SiteBuilderError


class PageCollision(SiteBuilderError):
    """Two pages of one language would be published at the same address."""


def page_url(path: str) -> str:
    """The address, relative to the language's root, that a page's source path is published
    at with directory URLs: `index.md` → ``, `ml/index.md` and `ml.md` → `ml/`; other files
    (`feed.xml`) keep their path."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if stem == "index":
        return ""
    return stem[: -len("index")] if stem.endswith("/index") else stem + "/"


class Pages(dict[str, str]):
    """The pages of one language by source path. Every page is added once, and no two
    pages share an address: adding one that would raises PageCollision, so no generated
    page ever silently replaces another."""

    def __init__(self) -> None:
        super().__init__()
        self._owners: dict[str, str] = {}

    def __setitem__(self, path: str, text: str) -> None:
        url = page_url(path)
        owner = self._owners.get(url)
        if owner is not None:
            raise PageCollision(f"pages '{owner}' and '{path}' would both be published at '/{url}'")
        self._owners[url] = path
        super().__setitem__(path, text)


@dataclass(frozen=True)
class LanguageInfo:
    code: str
    name: str  # in the language itself
    direction: str


@dataclass
class RenderedLanguage:
    """What the engine needs to build one language: pages, navigation and names."""

    language: str
    default_language: str
    direction: str
    site_name: str  # plain, wholly in site_name_lang
    site_description: str | None  # plain, wholly in site_description_lang
    languages: list[LanguageInfo]
    site_name_lang: str = ""
    site_name_html: str = ""  # marked for the page's language (see render.text.mark)
    site_description_lang: str = ""
    pages: dict[str, str] = field(default_factory=Pages)
    nav: list[tuple[str, str]] = field(default_factory=list)  # (title as HTML, source path)
    strings: dict[str, str] = field(default_factory=dict)  # words the theme prints
    strings_lang: dict[str, str] = field(default_factory=dict)  # the language of each
    unlisted: list[str] = field(default_factory=list)  # pages left out of the navigation
