"""Hypothesis strategies for VALID roadmap folders, driven by the model.

`format/sample.py` walks the model's fields (through `format/fields.py`) and asks a
`Choices` object which optional fields to write and how long each list is; here those
answers are drawn by Hypothesis: every optional field left out, every one written, or a
random subset, with lists of one or of many items, and texts in some languages only. The
folder it writes is valid by construction (references resolve, dates are in order), so
building it must succeed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hypothesis import strategies as st

from site_builder.format.sample import Choices, write_sample

Mode = Literal["none", "all", "random"]
MODES: tuple[Mode, ...] = ("none", "all", "random")
MANY = 3  # "many" items in a list: enough for pagination-free neighbours of every kind


class DrawnChoices(Choices):
    """Choices drawn from Hypothesis: `none` leaves out every optional field, `all` writes
    every one, `random` draws each; list lengths are drawn as 1 or MANY either way."""

    def __init__(self, data: st.DataObject, mode: Mode) -> None:
        self.data, self.mode = data, mode

    def include(self, path: str) -> bool:
        if self.mode != "random":
            return self.mode == "all"
        return self.data.draw(st.booleans(), label=f"include {_generic(path)}")

    def length(self, path: str) -> int:
        return self.data.draw(st.sampled_from([1, MANY]), label=f"length {_generic(path)}")


def _generic(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


@dataclass(frozen=True)
class SiteShape:
    countries: int
    authorities: int
    languages: tuple[str, ...]


SHAPES = st.builds(
    SiteShape,
    countries=st.integers(1, 2),
    authorities=st.integers(0, 2),
    languages=st.permutations(["en", "fr", "ar"]).flatmap(
        lambda order: st.integers(1, 3).map(lambda n: tuple(order[:n]))
    ),
)


def write_valid_site(root: Path, data: st.DataObject, mode: Mode) -> SiteShape:
    """Write a valid roadmaps folder under `root`, drawn from `data`; returns its shape."""
    shape = data.draw(SHAPES, label="site shape")
    choices = DrawnChoices(data, mode)
    write_sample(root, shape.countries, shape.authorities, shape.languages, choices=choices)
    return shape
