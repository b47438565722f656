"""The mark of each status: a shape that differs in form, not only in colour, drawn the
same way in tables, charts and legends, always next to the status written in words.

The shapes are CSS masks (`.dr-mark.dr-status-<status>` in the theme's stylesheet), so a
mark costs a few bytes however many rows a page has: an empty ring (planned), a half
filled ring (in progress), a disc with a tick (completed), a cross (not achieved), a ring
struck through (withdrawn).
"""

from __future__ import annotations

from markupsafe import Markup

from site_builder.render.markup import fill


def status_mark(status: str) -> Markup:
    """The status's shape alone, hidden from screen readers (the words beside it are read)."""
    return fill('<span class="dr-mark dr-status-{}" aria-hidden="true"></span>', status)


def status_badge(status: str, words: Markup) -> Markup:
    """The status's mark followed by its words, kept together on one line: one element,
    its mark drawn before the words by the stylesheet (`.dr-status::before`), as a page
    may have dozens."""
    return fill('<span class="dr-status dr-status-{}">{}</span>', status, words)
