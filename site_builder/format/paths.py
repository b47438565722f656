"""Field paths as the file writes them, when reading left items of a list out of the
model (`RoadmapFile.left_out`): the model's `twinning[0]` is the file's `twinning[1]`
when the file's first item had an error."""

from __future__ import annotations

import re
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
