"""What the render stage hands to the engine: one language's pages, navigation and names."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    site_name: str
    site_description: str | None
    languages: list[LanguageInfo]
    pages: dict[str, str] = field(default_factory=dict)
    nav: list[tuple[str, str]] = field(default_factory=list)
    strings: dict[str, str] = field(default_factory=dict)
