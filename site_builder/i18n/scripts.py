"""Which script a language is written in, and the runs of a text that are in another one.

A translated interface string or a CLDR value (a currency symbol) may keep words of
another script on purpose: `JSON`, `UTF-8`, `ISO 3166-1`, `F CFA`. Those runs are codes and
names, which `foreign_runs` finds so that the page can mark them as such.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel.core import get_global

# ISO 15924 codes, and the first word of the Unicode names of that script's letters.
_SCRIPT_NAMES = {
    "Latn": "LATIN", "Arab": "ARABIC", "Cyrl": "CYRILLIC", "Grek": "GREEK", "Hebr": "HEBREW",
    "Deva": "DEVANAGARI", "Ethi": "ETHIOPIC", "Thai": "THAI", "Armn": "ARMENIAN",
    "Geor": "GEORGIAN", "Beng": "BENGALI", "Tfng": "TIFINAGH",
}  # fmt: skip
# Characters that join the letters of one code: `UTF-8`, `roadmaps/ml.json`, `3166-1`.
_JOINERS = re.compile(r"[\w./@:+-]")


@cache
def script_of(language: str) -> str | None:
    """The script `language` is written in (`"ARABIC"` for `ar`), None when unknown."""
    likely = get_global("likely_subtags")
    code = language.replace("-", "_")
    full = likely.get(code) or likely.get(code.split("_")[0]) or ""
    script = next((p for p in full.split("_")[1:] if len(p) == 4), "")
    return _SCRIPT_NAMES.get(script)


@cache
def likely_locale(language: str) -> str:
    """`language` (a BCP 47 tag: `ar`, `pt-BR`, `sr-Latn`) as language and territory,
    `ll_CC` (`ar_EG`, `pt_BR`, `sr_RS`), the form Open Graph's `og:locale` asks for; the
    territory is the one given, else CLDR's likely one; the tag with `_` when CLDR knows
    none. Source: CLDR likely subtags, through Babel."""
    likely = get_global("likely_subtags")
    parts = language.replace("-", "_").split("_")
    territory = next((p for p in parts[1:] if len(p) == 2 or p.isdigit()), None)
    if territory is None:
        for key in ("_".join(parts), parts[0]):
            found = likely.get(key)
            if found:
                territory = next((p for p in found.split("_")[1:] if len(p) == 2), None)
                break
    return f"{parts[0]}_{territory.upper()}" if territory else "_".join(parts)


@cache  # a few hundred distinct letters in a site
def letter_script(char: str) -> str | None:
    """The script of a letter (`"LATIN"`), None for digits, punctuation and marks."""
    if not unicodedata.category(char).startswith("L"):
        return None
    return unicodedata.name(char, "?").split(" ")[0]


def foreign_runs(text: str, language: str) -> list[tuple[int, int]]:
    """(start, end) of each run of `text` written in another script than `language`'s:
    letters of that script and the digits and joiners between them."""
    expected = script_of(language)
    if expected is None:
        return []
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        script = letter_script(text[i])
        if script is None or script == expected:
            i += 1
            continue
        start = end = i
        while end < len(text) and _JOINERS.match(text[end]):
            if letter_script(text[end]) == expected:
                break
            end += 1
        # Joiners at the end (a full stop after `JSON`) are the sentence's, not the code's.
        while end > start + 1 and not text[end - 1].isalnum():
            end -= 1
        runs.append((start, max(end, start + 1)))
        i = max(end, start + 1)
    return runs
