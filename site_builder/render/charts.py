"""Pictures drawn at build time as inline SVG: readable without JavaScript, never by colour
alone (every mark carries its words and figures), each with a title and a description.

Functions take words already localised and return SVG markup; every string that goes in
is escaped here.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


def _svg(
    width: int,
    height: int,
    title: str | Words,
    description: str | Words,
    body: list[str],
    css_class: str,
) -> Markup:
    title, title_marks = _marked(title)
    description, description_marks = _marked(description)
    # Ids from the content, so that a page is the same on every build.
    n = hashlib.sha1(f"{css_class}{title}{description}".encode()).hexdigest()[:10]
    return Markup(
        f'<svg class="dr-chart {css_class}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" '
        f'role="img" aria-labelledby="chart-title-{n} chart-desc-{n}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-title-{n}"{title_marks}>{escape(title)}</title>'
        f'<desc id="chart-desc-{n}"{description_marks}>{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


@dataclass(frozen=True)
class Words:
    """Words drawn in a chart, with their marks (see render.text.mark): `language` and
    `direction` when they are not the page's, with `note` ("not translated yet") drawn
    after them; `name` for a proper name, not to be translated."""

    text: str
    language: str | None = None
    direction: str | None = None
    note: str | Words = ""
    name: bool = False


def _marked(words: str | Words) -> tuple[str, str]:
    """The text of `words` and the attributes that give its language, if not the page's."""
    if isinstance(words, str) or not words.language:
        return str(words if isinstance(words, str) else words.text), ""
    marks = f' lang="{escape(words.language)}" direction="{escape(words.direction or "ltr")}"'
    return words.text, marks


def _label(label: str | Words, limit: int) -> tuple[str, str]:
    """The attributes, `>` and content of a `<text>` holding `label` cut to `limit`
    characters; and the text as drawn, to measure it."""
    words = label if isinstance(label, Words) else Words(label)
    short = _short(words.text, limit)
    classes = "dr-chart-label notranslate" if words.name else "dr-chart-label"
    marks = ""
    if words.language:
        marks = f' lang="{escape(words.language)}" direction="{escape(words.direction or "ltr")}"'
    if not words.note:
        return f'class="{classes}"{marks}>{escape(short)}', short
    note, note_marks = _marked(words.note)
    content = (
        f"<tspan{marks}>{escape(short)}</tspan> "
        f'<tspan class="dr-untranslated"{note_marks}>{escape(note)}</tspan>'
    )
    return f'class="{classes}">{content}', f"{short} {note}"


@dataclass(frozen=True)
class Bar:
    label: str | Words
    value: float
    shown: str  # the value as the reader's locale writes it
    style: str = ""  # a CSS class that adds a pattern, never the only cue


def bar_chart(bars: list[Bar], title: str | Words, description: str | Words) -> Markup:
    """Horizontal bars, each with its label and figure written beside it."""
    row, label_width, bar_width = 28, 240, 360
    height = row * len(bars) + 10
    top = max((b.value for b in bars), default=0) or 1
    body = []
    for i, bar in enumerate(bars):
        y = 5 + i * row
        width = round(bar_width * bar.value / top, 1)
        label, _ = _label(bar.label, 32)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" {label}</text>'
            f'<rect class="dr-bar {escape(bar.style)}" x="{label_width}" y="{y + 4}" '
            f'width="{width}" height="{row - 10}"/>'
            f'<text class="dr-chart-value" x="{label_width + width + 6}" y="{y + 18}">'
            f"{escape(bar.shown)}</text>"
        )
    return _svg(label_width + bar_width + 80, height, title, description, body, "dr-bars")


@dataclass(frozen=True)
class Span:
    label: str | Words
    start: float  # fractional years
    end: float | None  # None: open-ended
    period: str  # the dates as the reader's locale writes them, at their precision
    style: str = ""


def timeline(spans: list[Span], title: str | Words, description: str | Words) -> Markup:
    """One row per span on a year axis: its label above, its dates beside the bar."""
    row, width, margin = 46, 720, 10
    axis_width = width - 2 * margin
    starts = [s.start for s in spans]
    ends = [s.end if s.end is not None else s.start + 1 for s in spans]
    first, last = math.floor(min(starts)), math.ceil(max(ends))
    last = max(last, first + 1)
    scale = axis_width / (last - first)
    height = row * len(spans) + 30
    body = []
    step = max(1, math.ceil((last - first) / 10))
    for year in range(first, last + 1, step):
        x = margin + (year - first) * scale
        body.append(
            f'<line class="dr-axis" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 22}"/>'
            f'<text class="dr-chart-value" x="{x:.1f}" y="{height - 6}" '
            f'text-anchor="middle">{year}</text>'
        )
    for i, span in enumerate(spans):
        y = i * row
        x1 = margin + (span.start - first) * scale
        end = span.end if span.end is not None else last
        bar = max(3.0, (end - span.start) * scale)
        open_class = " dr-open" if span.end is None else ""
        label, drawn = _label(span.label, 60)
        label_x = min(x1, width - margin - 7.5 * len(drawn))
        body.append(
            f'<text x="{max(margin, label_x):.1f}" y="{y + 15}" {label}</text>'
            f'<rect class="dr-bar {escape(span.style)}{open_class}" x="{x1:.1f}" y="{y + 21}" '
            f'width="{bar:.1f}" height="12"><title>{escape(span.period)}</title></rect>'
            f'<text class="dr-chart-value" x="{min(x1 + bar + 6, width - margin):.1f}" '
            f'y="{y + 31}" text-anchor="{"start" if x1 + bar + 160 < width else "end"}">'
            f"{escape(span.period)}</text>"
        )
    return _svg(width, height, title, description, body, "dr-timeline")


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Node:
    key: str
    label: str | Words
    external: bool = False


def network(
    nodes: list[Node],
    edges: list[tuple[str, str, str | Words]],
    title: str | Words,
    description: str | Words,
) -> Markup:
    """Places on a circle, a line for each link (its kind written as a tooltip title)."""
    size, radius = 640, 220
    centre = size / 2
    places = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / max(len(nodes), 1) - math.pi / 2
        places[node.key] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    body = []
    for a, b, kind in edges:
        (x1, y1), (x2, y2) = places[a], places[b]
        text, marks = _marked(kind)
        body.append(
            f'<line class="dr-link" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}"><title{marks}>{escape(text)}</title></line>'
        )
    for node in nodes:
        x, y = places[node.key]
        anchor = "start" if x >= centre else "end"
        dx = 10 if x >= centre else -10
        shape = "dr-node dr-external" if node.external else "dr-node"
        body.append(
            f'<circle class="{shape}" cx="{x:.1f}" cy="{y:.1f}" r="6"/>'
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" '
            f"{_label(node.label, 28)[0]}</text>"
        )
    return _svg(size, size, title, description, body, "dr-network")
