"""Names made for paths: a file or folder's name for an id (`path_name`), an anchor's for
words (`slug`), and a field's path as the file writes it (`written_path`: when reading
left items of a list out of the model, `RoadmapFile.left_out`, the model's `twinning[0]`
is the file's `twinning[1]` when the file's first item had an error)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping

_INDEX = re.compile(r"\[(\d+)\]")


def written_path(
    left_out: Mapping[str, Mapping[int, object]], field_path: str, prefix: str = ""
) -> str:
    """`field_path`, a path in the model below `prefix` (a path as written), as the file
    writes it: each list's index counts the items before it left out of that list
    (`left_out`: by a list's path as written, the indices of its items left out)."""
    written, start = prefix, 0
    for match in _INDEX.finditer(field_path if left_out else ""):
        written += field_path[start : match.start()]
        index = int(match.group(1))
        for left in sorted(left_out.get(written, ())):
            index += left <= index
        written += f"[{index}]"
        start = match.end()
    return written + field_path[start:]


PATH_NAME_LENGTH = 100


def path_name(name: str) -> str:
    """The file or folder name for an id: the id itself up to PATH_NAME_LENGTH characters;
    a longer id is cut and ends with a short hash of the whole id, so that names stay
    within file-system limits, stay the same from build to build and never collide."""
    if len(name) <= PATH_NAME_LENGTH:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return f"{name[: PATH_NAME_LENGTH - 11].rstrip('-')}-{digest}"


def slug(words: str) -> str:
    """`words` as lower-case ASCII letters, digits and hyphens (`Cottbus` → `cottbus`,
    `Yélimané` → `yelimane`); words with no such letter (Arabic, Chinese) give a short
    digest of themselves, the same on every build. Names with the same slug make the same
    anchor, so validation tells them apart by it too (`load.checks`)."""
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_words.lower()).strip("-")
    return result or hashlib.sha1(words.encode()).hexdigest()[:8]
