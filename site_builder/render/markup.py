"""Making data safe to place in generated Markdown pages.

Two rules cover every value that comes from YAML:
- plain Text is escaped for HTML *and* Markdown, so it is shown as written and can never
  become a tag, a link or emphasis;
- RichText is converted to clean HTML by `format.richhtml.rich_html`. The result goes
  into the page as a raw HTML block, which the engine passes through untouched.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markupsafe import Markup, escape

# Python-Markdown's backslash-escapable characters, plus `|` of the tables extension.
# `<`, `>` and `&` are turned into entities before, and entities contain none of these.
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_BACKSLASHED = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+-.!|"})


def fill(template: str, *values: object, **named: object) -> Markup:
    """`Markup(template).format(*values, **named)`: each value HTML-escaped unless it is
    Markup, the template kept as it is. The same text in a fraction of the time (Markup's
    own `format` runs a Python formatter per call); no format specs (`{:.1f}`)."""
    escaped = {key: escape(value) for key, value in named.items()}
    return Markup(str.format(template, *map(escape, values), **escaped))


def escape_text(value: object) -> Markup:
    """Escape a value for HTML and for Markdown, folding line breaks into spaces."""
    return _escaped_text(str(value))


@lru_cache(maxsize=65536)  # names, titles and figures come back on page after page
def _escaped_text(value: str) -> Markup:
    # Only ASCII white space folds: CLDR's no-break spaces (`240 000 €`) stay.
    text = " ".join(_ASCII_SPACE.split(value)).strip(" ")
    return Markup(html.escape(text, quote=False).translate(_BACKSLASHED))


# What the engine's Markdown reads inside a line before it sees an inline HTML tag: code
# spans, backslash escapes, links and references; and `|`, which splits a table row.
# As numeric character references they are plain characters to Markdown, and the browser
# decodes them back, so an attribute holds exactly the parsed value.
_MARKDOWN_IN_ATTRIBUTES = str.maketrans({c: f"&#{ord(c)};" for c in "`\\[]|"})


def escape_attribute(value: object) -> Markup:
    """Escape a value for a double-quoted HTML attribute in a Markdown page: HTML quoting,
    and the characters Markdown would read first (see above) as character references."""
    return Markup(html.escape(str(value), quote=True).translate(_MARKDOWN_IN_ATTRIBUTES))
