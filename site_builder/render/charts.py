"""Charts drawn at build time as HTML and CSS, readable without JavaScript.

Their words are page text, not pictures of text: they wrap on a phone, keep the reader's
font size (never below the page's), and follow the page's direction, a time axis included
(earliest at the start of the line: the left in English, the right in Arabic; the chart
says so). Bars are placed with logical CSS properties (`inset-inline-start`,
`inline-size`), so one piece of markup serves both directions. Every mark carries its
words and figures; colour only helps.

Functions take words already localised and escaped for Markdown (Markup) and return
blocks of the page's Markdown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from site_builder.render.markup import fill


def meter(part: float, whole: float) -> Markup:
    """A bar as long as `part` is of `whole`, for a table cell next to the figure it draws;
    hidden from screen readers, which read the figure."""
    share = 0.0 if not whole else max(0.0, min(1.0, part / whole))
    return Markup(
        '<span class="dr-meter" aria-hidden="true">'
        '<span style="inline-size: {:.1f}%"></span></span>'
    ).format(100 * share)


@dataclass(frozen=True)
class Span:
    label: Markup  # the row's words as Markdown, a link to its details
    facts: Markup  # its status (mark and words) and dates, as the reader's locale writes them
    start: float  # fractional years
    end: float | None  # None: open-ended
    style: str = ""  # a CSS class (the status), never the only cue


@dataclass(frozen=True)
class Axis:
    """The years a timeline covers: from `first` (included) to `last` (excluded)."""

    first: int
    last: int

    @classmethod
    def of(cls, spans: list[Span]) -> Axis:
        first = math.floor(min(s.start for s in spans))
        last = math.ceil(max(s.end if s.end is not None else s.start + 1 for s in spans))
        return cls(first, max(last, first + 1))

    def position(self, year: float) -> float:
        """Percent of the axis from its start."""
        return 100 * (year - self.first) / (self.last - self.first)

    def ticks(self, most: int = 6) -> list[int]:
        """Years to write under the axis: at most `most`, evenly spaced, each labelled
        from its place on, none after LAST_TICK so that no label runs past the axis's end."""
        step = max(1, math.ceil((self.last - self.first) / most))
        years = range(self.first, self.last, step)
        return [year for year in years if self.position(year) <= LAST_TICK]


LAST_TICK = 85.0
"""Percent of the axis after which no year is written: a year's label is about 40 CSS px
wide, 12 % of the axis on a 360 px phone (the outside check measured 2041 of an axis from
1991 to 2046 past the chart's end)."""


def timeline(
    spans: list[Span], years: dict[int, str], title: Markup, description: Markup
) -> Markup:
    """One row per span: its words and facts, then its bar on a shared year axis, as a
    Markdown block (an HTML figure whose parts are Markdown, so that links and escapes work
    as on the rest of the page). `years` writes each year as the reader's locale does."""
    axis = Axis.of(spans)
    rows = []
    for span in spans:
        start = axis.position(span.start)
        end = axis.position(span.end) if span.end is not None else 100.0
        width = max(end - start, 1.0)
        open_class = " dr-open" if span.end is None else ""
        rows.append(
            fill(
                '1. {} <span class="dr-row-facts">{}</span><span class="dr-track" '
                'aria-hidden="true"><span class="dr-span {}{}" '
                'style="inset-inline-start: {}%; inline-size: {}%"></span></span>\n',
                span.label,
                span.facts,
                span.style,
                open_class,
                f"{start:.1f}",
                f"{width:.1f}",
            )
        )
    ticks = Markup("").join(
        fill(
            '<span style="inset-inline-start: {}%">{}</span>',
            f"{axis.position(year):.1f}",
            years[year],
        )
        for year in axis.ticks()
    )
    return Markup(
        '\n<figure class="dr-figure dr-timeline" markdown="1">\n'
        '<figcaption markdown="span">{}</figcaption>\n\n{}\n{{: .dr-chart-note }}\n\n{}\n'
        '<div aria-hidden="true" class="dr-axis" data-pagefind-ignore="all">{}</div>\n\n</figure>\n'
    ).format(title, description, Markup("").join(rows), ticks)
