"""The Jinja environment of the templates, one per language, and the compiled templates
that every language's environment shares."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup

from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import Localiser, translations
from site_builder.render.links import anchor
from site_builder.render.markup import escape_text
from site_builder.render.text import interface
from site_builder.views.open_data import DATA_FILE_DESCRIPTIONS


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for the environments of every language: each
    template is compiled once per build (before worker processes are forked), not once
    per language. Jinja checks each entry against the template's source."""

    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.entries:
            bucket.bytecode_from_string(self.entries[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.entries[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecode()


def compile_templates(language: str) -> None:
    """Compile every template now (into the shared cache), so that processes forked
    afterwards find them compiled."""
    env = environment(language)
    for name in env.list_templates(extensions=["j2"]):
        env.get_template(name)


def _cached_gettext(gettext: Any) -> Any:
    """What `_("…")` is in templates: the same Markup as Jinja's new-style gettext gives
    (`Markup(gettext(message)) % variables`), without the context it does not use, and
    kept for each message when there are no variables: a message is the same on every
    page of the language (about 70,000 calls per language at 500 roadmaps)."""
    known: dict[str, Markup] = {}

    def cached(message: str, **variables: Any) -> Markup:
        if variables:
            return Markup(gettext(message)) % variables
        text = known.get(message)
        if text is None:
            text = known[message] = Markup(gettext(message)) % {}
        return text

    return cached


@cache
def environment(language: str) -> Environment:
    """The template environment of a language, compiled once per process."""
    env = Environment(
        bytecode_cache=_BYTECODE,
        loader=PackageLoader("site_builder.render", "templates"),
        # The package's templates do not change while it runs: not looked at again on
        # each page that includes or imports them (a sixtieth of the render stage).
        auto_reload=False,
        autoescape=True,
        finalize=lambda value: value if isinstance(value, Markup) else escape_text(value),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        # `{#id}` is Markdown's heading id syntax, so Jinja comments are written `{## ##}`.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    catalog = translations(language)
    loc = Localiser(language, language, (language,))

    def gettext(message: str) -> Markup:
        return interface(loc, message, catalog.gettext(message))

    def ngettext(singular: str, plural: str, count: int) -> Markup:
        text = catalog.ngettext(singular, plural, count)
        known = language.startswith("en") or text not in (singular, plural)
        return interface(loc, f"{singular} {plural}", text, known)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = env.globals["gettext"] = _cached_gettext(gettext)
    env.globals["anchor"] = anchor
    env.globals["LABELS"] = LABELS
    env.globals["DATA_FILE_DESCRIPTIONS"] = DATA_FILE_DESCRIPTIONS
    return env
