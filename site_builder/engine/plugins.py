"""Plugins the builder adds to every MkDocs build it runs (see `mkdocs.build_project`)."""

from __future__ import annotations

import zlib
from typing import Any


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
