"""Everything that depends on the reader's language: interface strings, CLDR and fallback.

Interface strings live in gettext catalogs (`locales/<lang>/LC_MESSAGES/messages.po`),
compiled in memory when first needed, so translators work on plain `.po` files. Names of
countries and languages, dates, numbers and money come from CLDR through Babel.
"""

from __future__ import annotations

import decimal
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from site_builder.format.model import Date, Name, Text

LOCALES_DIR = Path(__file__).parent / "locales"


@cache
def translations(language: str) -> NullTranslations:
    """The interface catalog of a language; English message ids when there is none."""
    po = LOCALES_DIR / language.replace("-", "_") / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        po = LOCALES_DIR / language.split("-")[0] / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language.replace("-", "_"))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def available_catalogs() -> list[str]:
    return sorted(p.name for p in LOCALES_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())


@cache
def locale_of(language: str) -> Locale:
    return Locale.parse(language.replace("-", "_"))


@cache
def direction(language: str) -> str:
    return "rtl" if locale_of(language).character_order == "right-to-left" else "ltr"


def own_name(language: str) -> str:
    """A language's name in itself, as a language switcher shows it."""
    name = locale_of(language).get_display_name(locale_of(language)) or language
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Passage:
    """A Text resolved for a page: the words, their real language, whether it fell back."""

    value: str
    language: str
    fallback: bool
    neutral: bool = False  # a proper name written the same in every language


@cache
def _identical(language: str) -> frozenset[str]:
    """Messages whose translation is the same as the English (such as "Wikidata")."""
    po = LOCALES_DIR / language.split("-")[0] / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return frozenset()
    with po.open("rb") as handle:
        catalog = read_po(handle)
    return frozenset(
        str(m.id) for m in catalog if m.id and isinstance(m.id, str) and m.string == m.id
    )


@cache
def _localiser(language: str, default: str, languages: tuple[str, ...]) -> Localiser:
    return Localiser(language, default, languages)


class Localiser:
    """Formats data for one page language, following the contract's fallback order."""

    def __init__(self, language: str, default: str, languages: tuple[str, ...]):
        self.language = language
        self.default = default
        self.order = [language, default, *languages]
        self.locale = locale_of(language)
        self.catalog = translations(language)
        self.direction = direction(language)
        # What CLDR wrote for each value, kept: pages show the same dates and sums again.
        self._written: dict[tuple[object, ...], str] = {}

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.catalog.ngettext(singular, plural, count)

    def passage(self, text: Text) -> Passage:
        if isinstance(text, Name) and text.neutral:
            return Passage(next(iter(text.values())), self.language, False, neutral=True)
        for language in self.order:
            if language in text:
                return Passage(text[language], language, language != self.language)
        language, value = next(iter(text.items()))
        return Passage(value, language, True)

    def translated(self, message: str) -> bool:
        """Whether the catalog has `message` in this language (English needs none)."""
        if self.language.split("-")[0] == "en":
            return True
        return self.catalog.gettext(message) != message or message in _identical(self.language)

    def knows_plural(self, singular: str) -> bool:
        """Whether the catalog has the plural message `singular` in this language."""
        if self.language.split("-")[0] == "en":
            return True
        return (singular, 0) in getattr(self.catalog, "_catalog", {})

    def speaking(self, *texts: Text | None, messages: tuple[str, ...] = ()) -> Localiser:
        """The Localiser of the language that plain text made of `texts` (and the interface
        strings `messages`) must be written in.

        Plain text (a `<title>`, a feed entry, a chart label) cannot mark a passage with its
        language, so a sentence whose passages fell back is written wholly in the language
        of the first one that did, its pattern included; a sentence whose pattern the
        catalog lacks, wholly in English; otherwise in the page's language.
        """
        if not all(self.translated(message) for message in messages):
            return _localiser("en", self.default, tuple(self.order[2:]))
        for text in texts:
            if text:
                passage = self.passage(text)
                if passage.fallback:
                    return _localiser(passage.language, self.default, tuple(self.order[2:]))
        return self

    def country(self, code: str) -> str:
        return self.locale.territories.get(code, code)

    def language_name(self, code: str) -> str:
        return self.locale.languages.get(code.replace("-", "_"), code)

    def date(self, value: Date) -> str:
        key = ("date", value)
        text = self._written.get(key)
        if text is None:
            text = self._written[key] = self._date(value)
        return text

    def _date(self, value: Date) -> str:
        if value.precision == "year":
            return format_skeleton("y", value.earliest(), locale=self.locale)
        if value.precision == "month":
            return format_skeleton("yMMMM", value.earliest(), locale=self.locale)
        return format_date(value.earliest(), "long", locale=self.locale)

    def number(self, value: float) -> str:
        key = ("number", type(value), value)
        text = self._written.get(key)
        if text is None:
            with decimal.localcontext(_WIDE):
                text = self._written[key] = format_decimal(value, locale=self.locale)
        return text

    def money(self, amount: float, currency: str | None) -> str:
        key = ("money", type(amount), amount, currency)
        text = self._written.get(key)
        if text is None:
            with decimal.localcontext(_WIDE):
                text = self._written[key] = self._money(amount, currency)
        return text

    def _money(self, amount: float, currency: str | None) -> str:
        if currency is None:
            return self.number(amount)
        whole = float(amount).is_integer()
        return _currency_spacing(
            format_currency(
                amount,
                currency,
                locale=self.locale,
                currency_digits=not whole,
                format=None if not whole else self._whole_money_pattern(),
            )
        )

    def _whole_money_pattern(self) -> str:
        pattern = self.locale.currency_formats["standard"].pattern
        return pattern.split(";")[0].replace(".00", "").replace(",00", "")

    def sort_key(self, text: str) -> str:
        """A sort key that ignores case and accents, good enough for lists of names."""
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return "".join(c for c in decomposed if not unicodedata.combining(c))


# Babel writes numbers with the decimal module, whose default precision (28 digits) made it
# fail on amounts from 1e27 up (and on totals that reach them); a double is at most 1.8e308.
_WIDE = decimal.Context(prec=400)

_LETTER_THEN_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def _currency_spacing(text: str) -> str:
    """CLDR's currency spacing, which Babel leaves out: a no-break space between a
    currency symbol that ends (or starts) with a letter and the digits beside it, so that
    `F CFA900,000,000` reads `F CFA 900,000,000` (`€1,500,000` stays as it is)."""
    return _LETTER_THEN_DIGIT.sub("\u00a0", text)
