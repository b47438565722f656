"""The value types of the format: the scalars a field can hold (ids, codes, dates,
numbers, URLs), the texts (plain, rich, names), the enumerations, and the limits
every reader of the format shares (list length, year range, lowest number).

Each value type parses the raw text of a YAML scalar (`parse(raw)`, raising `Invalid`
with a message and a hint for the author) and declares its pattern and limits once: the
validator, the JSON Schema and the field reference all read them from here.
"""

from __future__ import annotations

import calendar
import decimal
import math
import re
import sys
from dataclasses import dataclass
from datetime import date as _date
from typing import ClassVar, Literal

from site_builder.errors import shorten
from site_builder.format.codes import COUNTRIES, currencies, is_known_language

MAX_LIST_ITEMS = 1000
"""The most items any list may hold."""


class Invalid(Exception):
    """A scalar that does not fit its type; carries a message and the hint that says what
    to write (required, as for every problem of reading: `load.convert.Reader.problem`)."""

    def __init__(self, message: str, hint: str | None):
        super().__init__(message)
        self.message, self.hint = message, hint


# --- Scalar value types ------------------------------------------------------------------


class Code(str):
    """Base of string value types that are checked by a pattern and parsed from raw text."""

    title: ClassVar[str] = "code"
    pattern: ClassVar[str] = ".*"
    examples: ClassVar[tuple[str, ...]] = ()
    max_length: ClassVar[int] = 200
    reserved: ClassVar[frozenset[str]] = frozenset()  # words the pattern allows but not this type

    @classmethod
    def parse(cls, raw: str) -> Code:
        if len(raw) > cls.max_length:
            raise Invalid(
                f"{cls.title} is longer than {cls.max_length} characters",
                f"shorten it to {cls.max_length} characters at most",
            )
        if not re.fullmatch(cls.pattern, raw):
            raise Invalid(f"'{shorten(raw)}' is not a valid {cls.title}", cls.hint(raw))
        if raw in cls.reserved:
            raise Invalid(f"'{raw}' cannot name a page or a file", reserved_hint(raw))
        return cls(raw)

    @classmethod
    def hint(cls, raw: str) -> str | None:
        # Each example quoted: a location's comma would run two examples together.
        examples = " or ".join(f"`{example}`" for example in cls.examples)
        return f"for example {examples}" if cls.examples else None


class Id(Code):
    """Lower case ASCII letters, digits and single hyphens, such as `matching-fund`."""

    title = "id"
    pattern = r"[a-z0-9]+(?:-[a-z0-9]+)*"
    examples = ("matching-fund", "mme")
    max_length = 1000  # the format sets no limit: this only bounds hostile input

    @classmethod
    def hint(cls, raw: str) -> str | None:
        suggestion = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
        if suggestion and suggestion != raw and raw.isascii():
            return f"ids use lower case letters, digits and hyphens: try '{suggestion}'"
        return "ids use lower case ASCII letters, digits and hyphens only"


WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{device}{n}" for device in ("com", "lpt") for n in range(10)]
)
"""Names Windows reserves for devices: a file so named cannot be checked out there."""

RESERVED_NAMES = WINDOWS_DEVICE_NAMES | {"index"}
"""What an id that names a page or a file may not be (`index` is the page of a folder)."""


def reserved_hint(name: str) -> str:
    if name in WINDOWS_DEVICE_NAMES:
        return (
            f"Windows reserves '{name}' for a device, so a file of that name cannot be "
            f"checked out there: choose another name, such as '{name}-1'"
        )
    return f"'{name}' is the page of a folder: choose another name, such as '{name}-1'"


class PageId(Code):
    """An id that also names a page or a file of the site (an outcome's page, a roadmap's
    file): like any id, but not `index` nor a device name Windows reserves (`con`, `prn`,
    `aux`, `nul`, `com0`…`com9`, `lpt0`…`lpt9`)."""

    title = "id"
    pattern = Id.pattern
    examples = Id.examples
    max_length = Id.max_length
    reserved = RESERVED_NAMES
    hint = Id.__dict__["hint"]


class Country(Code):
    """ISO 3166-1 alpha-2 country code in upper case (`ML`, `FR`, `NO`), or `XK`."""

    title = "country code"
    pattern = r"[A-Z]{2}"
    examples = ("ML", "FR", "NO")

    @classmethod
    def parse(cls, raw: str) -> Country:
        if raw.upper() in COUNTRIES and raw != raw.upper():
            raise Invalid(
                f"'{raw}' is not a valid country code", f"write it in upper case: {raw.upper()}"
            )
        code = super().parse(raw)
        if code not in COUNTRIES:
            raise Invalid(
                f"'{raw}' is not an assigned ISO 3166-1 country code",
                "use the two-letter code of the country, such as ML for Mali",
            )
        return Country(code)


class Currency(Code):
    """ISO 4217 currency code (`EUR`, `XOF`)."""

    title = "currency code"
    pattern = r"[A-Z]{3}"
    examples = ("EUR", "XOF", "USD")

    @classmethod
    def parse(cls, raw: str) -> Currency:
        if raw != raw.upper() and raw.upper() in currencies():
            raise Invalid(
                f"'{raw}' is not a valid currency code", f"write it in upper case: {raw.upper()}"
            )
        code = super().parse(raw)
        if code not in currencies():
            raise Invalid(f"'{raw}' is not an ISO 4217 currency code", cls.hint(raw))
        return Currency(code)


class LanguageCode(Code):
    """A language code such as `en`, `fr`, `ar` or `pt-BR` that CLDR knows."""

    title = "language code"
    pattern = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"
    examples = ("en", "fr", "ar")

    @classmethod
    def hint(cls, raw: str) -> str | None:
        """The code with its language in lower case, when that is how it is written."""
        language, dash, rest = raw.partition("-")
        lowered = language.lower() + dash + rest
        if lowered != raw and re.fullmatch(cls.pattern, lowered):
            return f"write the language in lower case: {lowered}"
        return super().hint(raw)

    @classmethod
    def parse(cls, raw: str) -> LanguageCode:
        code = super().parse(raw)
        if not is_known_language(code):
            raise Invalid(f"'{raw}' is not a language code known to CLDR", cls.hint(raw))
        return LanguageCode(code)


class Url(Code):
    """An `https://`, `http://` or `mailto:` address; nothing else."""

    title = "URL"
    pattern = r"(?:https?://[^\s/?#@]+(?:[/?#]\S*)?|mailto:[^\s@/]+@[^\s@/]+\.[^\s@/]+)"
    examples = ("https://example.org/plan",)
    max_length = 2000

    @classmethod
    def hint(cls, raw: str) -> str | None:
        if raw.startswith("www."):
            return f"add the scheme: https://{raw}"
        return "only https://, http:// and mailto: addresses are accepted"


class Email(Code):
    """One e-mail address."""

    title = "e-mail address"
    # No `\"`: an escaped quote is not a valid ECMA-262 (Unicode) regex, which JSON
    # Schema validators in JavaScript use.
    pattern = r'[^\s@<>,;:"]+@[^\s@<>,;:"]+\.[^\s@<>,;:"]+'
    examples = ("roadmap@example.org",)


class RoadmapRef(Code):
    """The id of a local authority roadmap of this site: `cc/slug`, such as `ml/yelimane`."""

    title = "roadmap id"
    pattern = r"[a-z]{2}/[a-z0-9]+(?:-[a-z0-9]+)*"
    examples = ("ml/yelimane",)
    max_length = 3 + Id.max_length

    @classmethod
    def hint(cls, raw: str) -> str | None:
        if re.fullmatch(r"[a-zA-Z]{2}", raw):
            return "a twinning partner is a local authority (cc/slug), never a country"
        return "write the folder and file name of the partner's roadmap: cc/slug"


class WikidataId(Code):
    """A Wikidata item id such as `Q90`."""

    title = "Wikidata id"
    pattern = r"Q[1-9][0-9]*"
    examples = ("Q90",)


class Location(Code):
    """Latitude and longitude in decimal degrees, north and east positive, separated by a
    comma: `48.8617, 2.4422` (Montreuil)."""

    title = "location"
    pattern = r"-?[0-9]{1,2}(?:\.[0-9]+)?, ?-?[0-9]{1,3}(?:\.[0-9]+)?"
    examples = ("48.8617, 2.4422", "15.1, -10.57")
    max_length = 40

    @classmethod
    def parse(cls, raw: str) -> Location:
        code = super().parse(raw)
        latitude, longitude = (float(part) for part in code.split(","))
        faults = [
            (f"{name} {value} is out of range", f"{name} goes from -{limit} to {limit}")
            for name, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180))
            if not -limit <= value <= limit
        ]
        if faults:  # both told at once
            raise Invalid("; ".join(m for m, _ in faults), "; ".join(h for _, h in faults))
        return Location(code)

    @property
    def latitude(self) -> float:
        return float(self.split(",")[0])

    @property
    def longitude(self) -> float:
        return float(self.split(",")[1])


@dataclass(frozen=True, order=True)
class Date:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the precision written is the precision shown."""

    year: int
    month: int | None = None
    day: int | None = None

    title: ClassVar[str] = "date"
    pattern: ClassVar[str] = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
    examples: ClassVar[tuple[str, ...]] = ("2008", "2008-03", "2008-03-15")
    first_year: ClassVar[int] = 1800
    last_year: ClassVar[int] = 2200

    @classmethod
    def parse(cls, raw: str) -> Date:
        if not re.fullmatch(cls.pattern, raw):
            raise Invalid(
                f"'{shorten(raw)}' is not a date",
                "write YYYY, YYYY-MM or YYYY-MM-DD, for example 2008-03",
            )
        parts = [int(p) for p in raw.split("-")]
        year, month, day = parts[0], *(parts[1:] + [None, None])[:2]
        if not cls.first_year <= year <= cls.last_year:
            raise Invalid(
                f"year {year} is out of range",
                f"write a year between {cls.first_year} and {cls.last_year}",
            )
        if month is not None and not 1 <= month <= 12:
            raise Invalid(f"'{raw}' has no month {month}", "months go from 01 to 12")
        if day is not None and month is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise Invalid(
                    f"'{raw}' is not a day of the calendar",
                    f"{calendar.month_name[month]} {year} has {last} days",
                )
        return cls(year, month, day)

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        return "year" if self.month is None else "month" if self.day is None else "day"

    def earliest(self) -> _date:
        return _date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> _date:
        month = self.month or 12
        return _date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


class Number(float):
    """A plain number such as `240000` or `2.5`: not quoted, no separators, not below
    zero, and kept exactly by a double, as the site keeps it (a number too large for one
    is refused, never infinity, and so is one with more significant digits than it keeps:
    `12345678901234567890` would be shown and published as `12345678901234567168`)."""

    title: ClassVar[str] = "number"
    pattern: ClassVar[str] = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"
    minimum: ClassVar[float] = 0
    quoted: ClassVar[bool] = False  # a quoted "240000" is text, not a number
    examples: ClassVar[tuple[str, ...]] = ("240000", "2.5")

    @classmethod
    def parse(cls, raw: str) -> Number:
        if not re.fullmatch(cls.pattern, raw):
            hint = (
                "write the number without leading zeros"
                if re.fullmatch(r"0[0-9]+", raw)
                else "write a plain number such as 240000 or 2.5, without quotes or separators"
            )
            raise Invalid(f"'{shorten(raw)}' is not a number", hint)
        number = float(raw)
        if not math.isfinite(number):
            raise Invalid(f"'{shorten(raw)}' is too large a number", "check the digits")
        if number < cls.minimum:
            raise Invalid("number is below zero", "write the amount without a minus sign")
        if decimal.Decimal(repr(number)) != decimal.Decimal(raw):
            raise Invalid(
                f"'{shorten(raw)}' has more significant digits than the site keeps exactly",
                f"round it to at most {sys.float_info.dig} significant digits, "
                "or write it in a larger unit",
            )
        return cls(number)


class Text(dict[str, str]):
    """Plain text: a string in the site's default language, or `{lang: string}`."""

    max_length: ClassVar[int] = 2000


class RichText(Text):
    """Like Text, but Markdown: paragraphs, emphasis, lists, links; raw HTML is never rendered."""

    max_length = 20000


class Name(Text):
    """A proper name: a single string is the same in every language (no translation is
    expected); `{lang: name}` gives its spelling per language."""

    max_length = 300
    neutral: bool = False


# --- Enumerations ---------------------------------------------------------------------------

Role = Literal["origin", "destination", "both"]
RightStatus = Literal["allowed", "restricted", "not-allowed", "unknown"]
InstitutionKind = Literal[
    "ministry", "agency", "council", "embassy", "consulate", "parliament", "other"
]
Capacity = Literal["established", "growing", "needs-support"]
Level = Literal["local", "national", "regional", "international"]
DialogueFormat = Literal[
    "forum", "council", "consultation", "platform", "network", "online", "other"
]
Status = Literal["planned", "in-progress", "completed", "not-achieved", "withdrawn"]
Assessor = Literal["government", "diaspora", "independent", "joint"]
Completion = Literal["not-started", "limited", "substantial", "complete"]
AuthorityKind = Literal["municipality", "district", "province", "region", "other"]
TwinningKind = Literal["town-twinning", "decentralised-cooperation", "partnership"]
TwinningStatus = Literal["active", "dormant", "ended"]
