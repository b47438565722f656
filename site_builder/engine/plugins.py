"""Plugins the builder adds to every MkDocs build it runs (see `mkdocs.build_project`)."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Any

from site_builder.engine.marks import html_direction


def hold_plugin() -> Any:
    """A plugin that keeps the engine's memory bounded by one page rather than the site:
    MkDocs converts every page before it lays out the first, and would hold every page's
    Markdown and HTML until the end. Once a page is converted its Markdown is let go (as
    the `commonmark.py` hook does for its pages) and its HTML is kept compressed until the
    page is laid out, then let go. Only added when no other plugin or hook could read a
    page's Markdown or HTML later (`foreign_plugins`)."""
    from mkdocs.plugins import BasePlugin, event_priority

    class Hold(BasePlugin):
        @event_priority(-100)  # after every other handler of the event
        def on_page_content(self, html: str, /, *, page: Any, **_: Any) -> str:
            page.markdown = ""  # not None: MkDocs reads a title from None
            if not html:
                return html
            page.site_builder_held = zlib.compress(html.encode("utf-8"), 1)
            return ""

        @event_priority(100)  # before every other handler, which may read the content
        def on_page_context(self, context: Any, /, *, page: Any, **_: Any) -> Any:
            held = getattr(page, "site_builder_held", None)
            if held is not None:
                page.content = zlib.decompress(held).decode("utf-8")
                page.site_builder_held = b""
            return context

        @event_priority(-100)
        def on_post_page(self, output: str, /, *, page: Any, **_: Any) -> str:
            if getattr(page, "site_builder_held", None) is not None:
                page.content = ""  # written; anchors were gathered when converting
            return output

    return Hold()


def nav_plugin() -> Any:
    """A plugin that lays out the site's navigation once for all the pages that are not
    in it and to which its links come out the same (see `NavReuse`); the theme's
    `partials/nav.html` asks it. About 7 % of the engine's time otherwise."""
    from mkdocs.plugins import BasePlugin

    class Nav(BasePlugin):
        def on_env(self, env: Any, /, **_: Any) -> Any:
            reuse = NavReuse(env.filters["url"])
            env.filters["url"] = reuse.url
            env.globals["site_builder_nav_find"] = reuse.find
            env.globals["site_builder_nav_keep"] = reuse.keep
            return env

    return Nav()


class NavReuse:
    """The navigation's HTML, kept with every `url` filter call its rendering made: the
    address given and the relative link it gave. On a page that is not in the navigation
    (neither it nor a section above it active), the navigation depends on the page only
    through those links, so when each address gives the same link from this page as
    when it was kept, the kept HTML is what rendering it would give. Any other page
    (in the navigation, or without a page: the 404 template) is rendered as usual."""

    def __init__(self, url_filter: Any):
        from mkdocs.utils.templates import contextfilter as pass_context  # jinja2's

        self._url_filter = url_filter
        self._kept: dict[tuple[str, ...], dict[tuple[str, ...], str]] = {}
        self._recording: list[tuple[str, str]] | None = None
        # Jinja marks functions, not bound methods, as taking the context.
        self.url = pass_context(lambda context, value: self._url(context, value))
        self.find = pass_context(lambda context: self._find(context))

    def _url(self, context: Any, value: Any) -> str:
        result = self._url_filter(context, value)
        if self._recording is not None:
            self._recording.append((str(value), result))
        return result

    def _find(self, context: Any) -> str | None:
        """The kept navigation for the page of `context`, else None; then `keep` is to be
        called with the navigation as rendered."""
        self._recording = None
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or _in_navigation(page, nav):
            return None
        for addresses, kept in self._kept.items():
            links = tuple(self._url_filter(context, address) for address in addresses)
            if (html := kept.get(links)) is not None:
                return html
        self._recording = []
        return None

    def keep(self, html: str) -> str:
        recorded, self._recording = self._recording, None
        if recorded is not None:
            addresses = tuple(address for address, _ in recorded)
            self._kept.setdefault(addresses, {})[tuple(link for _, link in recorded)] = html
        return html


def _in_navigation(page: Any, nav: Any) -> bool:
    def items(level: list[Any]) -> Any:
        for item in level:
            yield item
            yield from items(getattr(item, "children", None) or [])

    return page in nav.pages or any(getattr(item, "active", False) for item in items(nav.items))


_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)
# A line break with the spaces, tabs and line breaks after it: indentation and lines of
# nothing but white space, one pattern (an alternation of the two left the spaces of a
# blank line as a line of its own: 49 blank lines a page).
_INDENT = re.compile(r"\n[ \t\n]+")


def trim_html(html: str) -> str:
    """The theme's indentation and blank lines removed (about a sixth of a page): white
    space from a line break to the next text becomes that line break, which a browser
    shows as the same space, and the page starts with its first tag; text inside <pre>
    is left as it is; the direction on `<html>` too. A function of the page alone."""
    parts = _PRE.split(html)
    trimmed = "".join(
        part if part.startswith("<pre") else _INDENT.sub("\n", part) for part in parts
    )
    return html_direction(trimmed.lstrip())


def trim_plugin() -> Any:
    """A plugin that trims every HTML page and HTML template the engine writes, as it
    writes them: the output depends on the pages only, never on clocks or file times."""
    from mkdocs.plugins import BasePlugin

    class Trim(BasePlugin):
        def on_post_page(self, output: str, /, **_: Any) -> str:
            return trim_html(output)

        def on_post_template(self, output: str, /, *, template_name: str, **_: Any) -> str:
            return trim_html(output) if template_name.endswith(".html") else output

    return Trim()


@dataclass(frozen=True)
class Part:
    """One of `count` parts of a language's pages, built by processes of their own at
    the same time into the same site folder (`mkdocs.build_project`). A page belongs to
    one part, by a digest of its path in `docs/` (CRC-32), so that every process finds the
    same parts without being told the pages. Part 0 also writes what is not a page: the
    theme's templates (404 page, sitemap) and the static files."""

    number: int
    count: int

    def __post_init__(self) -> None:
        if not 0 <= self.number < self.count:
            raise ValueError(f"part {self.number} of {self.count}")

    def holds(self, source: str) -> bool:
        """Whether the page of `source` (its path in `docs/`, with `/`) is this part's."""
        return zlib.crc32(source.encode("utf-8")) % self.count == self.number


def part_plugin(part: Part) -> Any:
    """A plugin that makes a dirty MkDocs build write `part`'s pages only: every other
    file counts as unchanged, so that MkDocs neither reads nor writes it, and part 0
    alone writes the theme's templates. For a project whose pages depend on their own
    Markdown and the configuration alone (`cache.cacheable`): a page is then the same
    whichever pages the same process built."""
    from mkdocs.plugins import BasePlugin, event_priority

    class PartOnly(BasePlugin):
        @event_priority(-100)  # after every other handler: files they add count too
        def on_files(self, files: Any, /, *, config: Any) -> Any:
            for file in files:
                page = file.is_documentation_page()
                if (page and not part.holds(file.src_uri)) or (not page and part.number):
                    file.is_modified = _unchanged  # this instance only
            if part.number:
                config.theme.static_templates.clear()
            return files

    return PartOnly()


def _unchanged() -> bool:
    return False
