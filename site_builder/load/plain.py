"""Model objects as plain data (JSON's dicts, lists, strings, numbers, booleans) and back.

The walk is driven by the model's field descriptions (`format.fields`), as `convert` is:
`to_plain(value, annotation)` writes any value of an annotation of the model, and
`from_plain(data, annotation)` reads it back into the same objects, checking every part
against its field: a mapping has only fields of its class and all its required ones, a
word is one of its words, a date parses, a text maps strings to strings. Anything else
raises `Unreadable`, so that data written by another version of the model, edited or
truncated is refused whole, never half read. Nothing is ever evaluated or imported: the
classes made are those the annotations name.

The plain form, by kind of field (see `format.fields.Shape`):

- object: a mapping of its fields, a field left out when it holds its default (None, or
  an empty list);
- list: a list;
- word, identifier, code, URL: the string;
- number: the number; true or false: the boolean; date: its text (`2008-03`);
- one of several types: `[index of the type among the field's types, plain value]`;
- text: a mapping of language to string, or `[that mapping, {attribute: value}]` when the
  text carries attributes of its class (a name written as one string for every language
  is `neutral`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

from site_builder.format.fields import model_fields, shape
from site_builder.format.model import Invalid, Text


class Unreadable(ValueError):
    """Plain data that is not the plain form of the annotation it is read as."""


Decoder = Callable[[Any], Any]


def to_plain(value: Any, annotation: Any) -> Any:
    """The plain form of `value`, a value of `annotation` as `convert` reads it.

    Raises TypeError for a value that does not fit its annotation."""
    return _encoder(annotation)(value)


def from_plain(data: Any, annotation: Any) -> Any:
    """The value of `annotation` whose plain form is `data`; raises Unreadable for data
    that is not one (see the module's docstring)."""
    try:
        return _decoder(annotation)(data)
    except Unreadable:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, Invalid, RecursionError) as exc:
        raise Unreadable(f"not a {annotation!r}: {exc}") from None


# --- Writing --------------------------------------------------------------------------------


@cache
def _encoder(annotation: Any) -> Callable[[Any], Any]:
    found = shape(annotation)
    encode = _kind_encoder(found)
    if not found.optional:
        return encode
    return lambda value: None if value is None else encode(value)


def _kind_encoder(found: Any) -> Callable[[Any], Any]:
    if found.kind == "object":
        return _object_encoder(found.cls)
    if found.kind == "list":
        item = _encoder(found.item)
        return lambda value: [item(v) for v in value]
    if found.kind == "union":
        return _union_encoder(found.options)
    if found.kind == "text":
        return _encode_text
    if found.kind == "words":
        return str
    if found.kind == "scalar":
        cls = found.cls
        if cls is bool:
            return bool
        if issubclass(cls, float):
            return float
        return str  # a code is its string; a date its text, which `parse` reads back
    raise TypeError(f"no plain form for {found.cls!r}")


def _object_encoder(cls: type) -> Callable[[Any], Any]:
    fields = [
        (name, bool(spec.metadata.get("required")), _encoder(spec.type))
        for name, spec in model_fields(cls).items()
    ]

    def encode(value: Any) -> dict[str, Any]:
        if type(value) is not cls:
            raise TypeError(f"{type(value).__name__} is not {cls.__name__}")
        plain = {}
        for name, required, encode_field in fields:
            field_value = getattr(value, name)
            if not required and (field_value is None or field_value == ()):
                continue  # left out: the field's default
            plain[name] = encode_field(field_value)
        return plain

    return encode


def _union_encoder(options: tuple[Any, ...]) -> Callable[[Any], Any]:
    classes = [(shape(option).cls, _encoder(option)) for option in options]

    def encode(value: Any) -> list[Any]:
        for index, (cls, encode_option) in enumerate(classes):
            if type(value) is cls:
                return [index, encode_option(value)]
        raise TypeError(f"{type(value).__name__} is none of {options!r}")

    return encode


def _encode_text(value: Text) -> Any:
    if vars(value):
        return [dict(value), dict(vars(value))]
    return dict(value)


# --- Reading --------------------------------------------------------------------------------


@cache
def _decoder(annotation: Any) -> Decoder:
    found = shape(annotation)
    decode = _kind_decoder(found)
    if not found.optional:
        return decode
    return lambda data: None if data is None else decode(data)


def _kind_decoder(found: Any) -> Decoder:
    if found.kind == "object":
        return _object_decoder(found.cls)
    if found.kind == "list":
        return _list_decoder(found.item)
    if found.kind == "union":
        return _union_decoder(found.options)
    if found.kind == "text":
        return _text_decoder(found.cls)
    if found.kind == "words":
        words = frozenset(found.words)
        return lambda data: data if type(data) is str and data in words else _refuse(data)
    if found.kind == "scalar":
        return _scalar_decoder(found.cls)
    raise TypeError(f"no plain form for {found.cls!r}")


def _refuse(data: Any) -> Any:
    raise Unreadable(f"unexpected {type(data).__name__}")


def _object_decoder(cls: type) -> Decoder:
    fields = {name: _decoder(spec.type) for name, spec in model_fields(cls).items()}

    def decode(data: Any) -> Any:
        if type(data) is not dict:
            _refuse(data)
        values = {}
        for name, plain in data.items():
            if name not in fields:
                raise Unreadable(f"{cls.__name__} has no field {name!r}")
            values[name] = fields[name](plain)
        return cls(**values)  # TypeError when a required field is missing

    return decode


def _list_decoder(item: Any) -> Decoder:
    read = _decoder(item)

    def decode(data: Any) -> tuple[Any, ...]:
        if type(data) is not list:
            _refuse(data)
        return tuple([read(plain) for plain in data])

    return decode


def _union_decoder(options: tuple[Any, ...]) -> Decoder:
    def decode(data: Any) -> Any:
        if type(data) is not list or len(data) != 2 or type(data[0]) is not int:
            _refuse(data)
        if not 0 <= data[0] < len(options):
            raise Unreadable(f"no option {data[0]}")
        return _decoder(options[data[0]])(data[1])

    return decode


def _text_decoder(cls: type[Text]) -> Decoder:
    def decode(data: Any) -> Text:
        attributes: dict[str, Any] = {}
        if type(data) is list and len(data) == 2 and type(data[1]) is dict:
            data, attributes = data
        if type(data) is not dict or not data:
            _refuse(data)
        for text in data.values():
            if type(text) is not str:
                _refuse(text)
        value = cls(data)
        for name, attribute in attributes.items():
            # Only an attribute the class declares, of the type of the class's own value.
            declared = getattr(cls, name, None) if not name.startswith("_") else None
            if declared is None or callable(declared) or type(attribute) is not type(declared):
                raise Unreadable(f"{cls.__name__} has no attribute {name!r}")
            setattr(value, name, attribute)
        return value

    return decode


def _scalar_decoder(cls: type) -> Decoder:
    if cls is bool:
        return lambda data: data if type(data) is bool else _refuse(data)
    if issubclass(cls, float):

        def number(data: Any) -> Any:
            if type(data) not in (int, float) or not math.isfinite(data):
                _refuse(data)
            return cls(data)

        return number
    if issubclass(cls, str):
        return lambda data: cls(data) if type(data) is str else _refuse(data)

    known: dict[str, Any] = {}  # values read so far (dates: few, frozen, shared)

    def parsed(data: Any) -> Any:
        if type(data) is not str:
            _refuse(data)
        value = known.get(data)
        if value is None:
            value = cls.parse(data)  # type: ignore[attr-defined]
            if str(value) != data:
                raise Unreadable(f"{data!r} is not how a {cls.__name__} is written")
            if len(known) < 10_000:
                known[data] = value
        return value

    return parsed
