"""The one reading of the model's annotations: every other module asks here.

`model_fields(cls)` gives a model class's fields with their types resolved, in the order
authors see them; `shape(annotation)` says what a field's type is made of (an object, a
list, one of some words, one of several types, a scalar); `field_doc` finds a field's
meaning from its path; `texts` walks a model value for its Text values. Nothing else in
the package reads `__annotations__` or resolves type hints (a test checks it).
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from site_builder.format.model import Text

ShapeKind = Literal["object", "list", "words", "union", "text", "scalar", "other"]


@dataclass(frozen=True)
class Shape:
    """What a field's type is made of.

    `kind` is `object` (a model dataclass, `cls`), `list` (a tuple of `item`), `words`
    (a Literal of `words`), `union` (one of `options`), `text` (a Text subclass, `cls`),
    `scalar` (bool, float or a value type with `parse`, `cls`) or `other`. `optional`
    says whether None is allowed.
    """

    kind: ShapeKind
    optional: bool = False
    cls: Any = None
    item: Any = None
    words: tuple[str, ...] = ()
    options: tuple[Any, ...] = ()


def strip_optional(annotation: Any) -> Any:
    """`X | None` → `X`; `X | Y | None` → `X | Y`; anything else as it is."""
    if typing.get_origin(annotation) in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
        if len(args) < len(typing.get_args(annotation)):
            return typing.Union[tuple(args)]  # noqa: UP007 - built at run time
    return annotation


@cache  # asked for every value read; annotations are few and hashable
def shape(annotation: Any) -> Shape:
    """The Shape of an annotation from `model_fields` (see Shape)."""
    optional = type(None) in typing.get_args(annotation)
    annotation = strip_optional(annotation)
    origin = typing.get_origin(annotation)
    if origin is tuple:
        return Shape("list", optional, item=typing.get_args(annotation)[0])
    if origin is Literal:
        return Shape("words", optional, words=typing.get_args(annotation))
    if origin in (types.UnionType, typing.Union):
        return Shape("union", optional, options=typing.get_args(annotation))
    if annotation in (bool, float) or hasattr(annotation, "parse"):
        return Shape("scalar", optional, cls=annotation)  # value types parse their raw text
    if dataclasses.is_dataclass(annotation):
        return Shape("object", optional, cls=annotation)
    if isinstance(annotation, type) and issubclass(annotation, Text):
        return Shape("text", optional, cls=annotation)
    return Shape("other", optional, cls=annotation)


@cache
def model_fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The fields of a model class with their annotations resolved to real types.

    A class's own fields come before those it inherits, so that a country roadmap reads
    `country`, `role`, `title`, then the fields every roadmap has.
    """
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    own = [name for name in cls.__dict__.get("__annotations__", {}) if name in fields]
    result = {}
    for name in [*own, *(n for n in fields if n not in own)]:
        fields[name].type = hints[name]
        result[name] = fields[name]
    return result


def field_doc(root: type, field_path: str) -> str | None:
    """The description of the field at `commitments[0].lead` (indexes ignored) under `root`."""
    current: Any = root
    doc = None
    for part in re.sub(r"\[\d+\]", "", field_path).split("."):
        found = shape(current)
        while found.kind == "list":
            found = shape(found.item)
        if found.kind == "union":
            found = next((shape(a) for a in found.options if dataclasses.is_dataclass(a)), found)
        if not (found.kind == "object" and part in model_fields(found.cls)):
            return doc if found.kind == "text" else None  # `title.en` is about the title
        spec = model_fields(found.cls)[part]
        doc, current = spec.metadata.get("doc"), spec.type
    return doc


def texts(value: object, path: str = "") -> Iterator[tuple[str, Text]]:
    """Every Text inside a model object, with its field path (`commitments[0].title`)."""
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from texts(item, f"{path}[{index}]")
    elif (names := _field_names(type(value))) is not None:
        for name in names:
            yield from texts(getattr(value, name), f"{path}.{name}" if path else name)


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass (None for any other class), looked up once per class."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls))
