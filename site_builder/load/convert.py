"""Turning YAML nodes into model objects, reading every value as the type of its field.

The walk is driven by the annotations of `model`: a dataclass reads a mapping, a tuple
reads a list, a Literal reads one of its words, a value type parses the scalar's raw text.
Every problem is collected with its field path; a value that cannot be read becomes
`INVALID` and its parent carries on, so that one run reports everything.
"""

from __future__ import annotations

import re
from typing import Any

from site_builder.errors import Problem, closest_hint, shorten
from site_builder.format.fields import model_fields, shape
from site_builder.format.model import (
    MAX_LIST_ITEMS,
    AuthorityRoadmap,
    CountryRoadmap,
    Invalid,
    Name,
    RoadmapRef,
    Text,
)
from site_builder.load.source import AnyNode, Mapping, Scalar, Sequence, SourceFile

INVALID: Any = type(
    "Invalid", (), {"__repr__": lambda self: "INVALID", "__bool__": lambda s: False}
)()

_EMPTY = ("", "~", "null", "Null", "NULL")  # what YAML reads as no value
_EMPTY_HINT = "give a value, or remove the field if it does not apply"


_READERS = {  # a shape's kind: the Reader method that reads it, and the shape's attribute it takes
    "object": ("read_object", "cls"),
    "list": ("read_list", "item"),
    "words": ("read_word", "words"),
    "union": ("read_union", "options"),
    "text": ("read_text", "cls"),
}


class Reader:
    """Reads one file's nodes into model objects, collecting problems and positions."""

    roadmaps: tuple[str, ...] = ()  # the site's local authorities, to suggest one

    def __init__(self, source: SourceFile, languages: tuple[str, ...] | None, default: str):
        self.source = source
        self.languages = languages  # None when site.yml is broken: any key is then accepted
        self.default = default  # the language of a Text written as a bare string
        self.problems: list[Problem] = []
        self.positions: dict[str, tuple[int, int]] = {}
        # Items of lists read with an error in a required field, left out of the model:
        # by list path, their index and the fields read (`RoadmapFile.left_out`).
        self.left_out: dict[str, dict[int, dict[str, Any]]] = {}
        self._partial: dict[str, dict[str, Any]] = {}  # by path, objects that failed
        # The objects being read, outermost first: (path, field names, mapping node), to
        # tell a key indented too far from a misspelt one.
        self.enclosing: list[tuple[str, dict[str, Any], Mapping]] = []

    def problem(self, node: AnyNode, path: str, message: str, hint: str) -> None:
        """An error at `node`: every one tells the author what to write (`hint`)."""
        self.problems.append(
            Problem(
                self.source.path,
                node.line,
                node.column,
                path,
                message,
                hint,
                source_line=self.source.line(node.line),
            )
        )

    # The entry point: any annotation of the model.
    def read(self, node: AnyNode, annotation: Any, path: str) -> Any:
        self.positions[path] = (node.line, node.column)
        if isinstance(node, Scalar) and node.plain and node.value in _EMPTY:
            self.problem(node, path, "value is empty", _EMPTY_HINT)
            return INVALID
        found = shape(annotation)
        method, argument = _READERS.get(found.kind, ("read_scalar", "cls"))
        return getattr(self, method)(node, getattr(found, argument), path)

    def read_object(self, node: AnyNode, cls: type, path: str) -> Any:
        if not isinstance(node, Mapping):
            self.problem(
                node,
                path,
                f"expected a mapping of fields, found {_kind(node)}",
                _mapping_hint(node, path),
            )
            return INVALID
        fields = model_fields(cls)
        values: dict[str, Any] = {}
        failed_required = False
        for key, value_node in node.items:
            name = key.value
            child = f"{path}.{name}" if path else name
            if name not in fields:
                unset = [field for field in fields if field not in node.keys]
                hint = (
                    indented_too_far(self.enclosing, name)
                    or closest_hint(name, unset)
                    or other_kind(cls, name)
                    or _fields_hint(unset or list(fields))
                )
                self.problem(key, child, f"unknown field '{name}'", hint)
                continue
            self.enclosing.append((path, fields, node))
            value = self.read(value_node, fields[name].type, child)
            self.enclosing.pop()
            if value is INVALID:
                failed_required |= bool(fields[name].metadata.get("required"))
            else:
                values[name] = value
        for name, spec in fields.items():
            if spec.metadata.get("required") and name not in node.keys:
                where = f"{path}.{name}" if path else name
                self.problem(
                    node,
                    where,
                    f"required field '{name}' is missing",
                    f"add '{name}:' ({spec.metadata['doc'].rstrip('.').lower()})",
                )
                failed_required = True
        if failed_required:
            self._partial[path] = values
            return INVALID
        return cls(**values)

    def read_list(self, node: AnyNode, item_type: Any, path: str) -> Any:
        if not isinstance(node, Sequence):
            self.problem(
                node,
                path,
                f"expected a list, found {_kind(node)}",
                "write the items as '- item' lines or as [a, b]",
            )
            return INVALID
        if len(node.items) > MAX_LIST_ITEMS:
            self.problem(node, path, f"list has more than {MAX_LIST_ITEMS} items", _LONG_LIST)
            return INVALID
        items = [self.read(item, item_type, f"{path}[{i}]") for i, item in enumerate(node.items)]
        left = {
            i: self._partial.pop(f"{path}[{i}]", {}) for i, v in enumerate(items) if v is INVALID
        }
        if left:
            self.left_out[path] = left
        return tuple(item for item in items if item is not INVALID)

    def read_word(self, node: AnyNode, words: tuple[str, ...], path: str) -> Any:
        if not isinstance(node, Scalar):
            self.problem(node, path, *_not_a_word(node, path, words))
            return INVALID
        if node.value in words:
            return node.value
        hint = closest_hint(node.value.lower(), words) or f"one of: {', '.join(words)}"
        self.problem(node, path, f"'{shorten(node.value)}' is not one of {', '.join(words)}", hint)
        return INVALID

    def read_union(self, node: AnyNode, options: tuple[Any, ...], path: str) -> Any:
        wanted = Mapping if isinstance(node, Mapping) else Scalar
        for option in options:
            takes_mapping = shape(option).kind != "scalar"
            if takes_mapping == (wanted is Mapping):
                return self.read(node, option, path)
        self.problem(node, path, f"unexpected {_kind(node)}", _SEE_REFERENCE)
        return INVALID

    def read_text(self, node: AnyNode, cls: type[Text], path: str) -> Any:
        if isinstance(node, Scalar):
            text = self._text_value(node, path, cls)
            if text is None:
                return INVALID
            value = cls({self.default: text})
            if issubclass(cls, Name):
                value.neutral = True
            return value
        if isinstance(node, Mapping):
            result = cls()
            for key, value in node.items:
                child = f"{path}.{key.value}"
                self.positions[child] = (value.line, value.column)
                if self.languages is not None and key.value not in self.languages:
                    self.problem(
                        key,
                        child,
                        f"'{shorten(key.value)}' is not a language of the site",
                        indented_too_far(self.enclosing, key.value)
                        or closest_hint(key.value, self.languages)
                        or f"the site's languages are {', '.join(self.languages)} (site.yml)",
                    )
                    continue
                if not isinstance(value, Scalar):
                    hint = f"write the text on the same line: `{key.value}: text`"
                    self.problem(value, child, f"expected text, found {_kind(value)}", hint)
                    continue
                text = self._text_value(value, child, cls)
                if text is not None:
                    result[key.value] = text
            if not node.items:
                self.problem(node, path, "no text in any language", _SOME_LANGUAGE)
            return result if result else INVALID
        self.problem(
            node,
            path,
            "expected text, or one text per language",
            "write `field: text` or `field: {en: text, fr: texte}`",
        )
        return INVALID

    def _text_value(self, node: Scalar, path: str, cls: type[Text]) -> str | None:
        text = node.value.strip()
        if problem := _text_problem(text, cls.max_length):
            self.problem(node, path, *problem)
            return None
        text = closed_directions(text)
        # Plain text is one paragraph: folding its white space keeps tables and headings whole.
        return " ".join(text.split()) if cls is Text else text

    def read_scalar(self, node: AnyNode, cls: type, path: str) -> Any:
        if problem := _not_a_scalar_of(node, cls):
            self.problem(node, path, *problem)
            return INVALID
        if cls is bool:
            return node.value == "true"
        try:
            return cls.parse(node.value)
        except Invalid as exc:
            suggested = closest_hint(node.value, self.roadmaps) if cls is RoadmapRef else None
            self.problem(node, path, exc.message, suggested or exc.hint)
            return INVALID


def _not_a_scalar_of(node: AnyNode, cls: type) -> tuple[str, str] | None:
    """(message, hint) when `node` cannot be a value of `cls` whatever it says: not a single
    value, a yes-or-no not written `true` or `false`, a number written in quotes."""
    if not isinstance(node, Scalar):
        return _not_single(node, cls)
    raw = node.value
    if cls is bool and not (node.plain and raw in ("true", "false")):
        return f"'{shorten(raw)}' is not true or false", "write true or false, without quotes"
    if cls is not bool and not getattr(cls, "quoted", True) and not node.plain:
        return (
            f"'{shorten(raw)}' is not a {cls.title}",
            f"write a plain {cls.title} such as {cls.examples[0]}, without quotes",
        )
    return None


# Control characters other than tab and line breaks, which a text may not hold even written
# as an escape (`"\e"`, `"\0"`): the file itself may not hold them (load/source.py).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Bidirectional embeddings and overrides (closed by U+202C) and isolates (closed by U+2069).
_OPENERS = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c"}
_OPENERS |= {"\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069"}
_OPENER = re.compile("[" + "".join(_OPENERS) + "]")


def _text_problem(text: str, max_length: int) -> tuple[str, str] | None:
    """What is wrong with a text as written, as (message, hint); None when nothing is."""
    if not text:
        return "text is empty", "write the text, or remove the field"
    if control := _CONTROL.search(text):
        return (
            f"text holds the control character U+{ord(control.group()):04X}",
            "remove the escape that writes it (such as \\e or \\0 in a quoted text)",
        )
    if len(text) > max_length:
        return (
            f"text is longer than {max_length} characters",
            "shorten it; link to a full document instead",
        )
    return None


def closed_directions(text: str) -> str:
    """`text` with every bidirectional embedding, override or isolate it leaves open closed
    at its end (U+202C, U+2069; Unicode's bidirectional algorithm, UAX #9, lets one run to
    the end of the paragraph). Pages isolate each text (`<bdi>`), but plain text cannot: a
    page's `<title>`, an attribute, a search excerpt; an open U+202E ("Trojan Source",
    CVE-2021-42574) reversed the site's own words after it there."""
    if not _OPENER.search(text):
        return text
    open_: list[str] = []
    for character in text:
        if character in _OPENERS:
            open_.append(_OPENERS[character])
        elif open_ and character == open_[-1]:
            open_.pop()
        elif character == "\u2069" and "\u2069" in open_:  # closes embeddings inside it too
            del open_[open_.index("\u2069") :]
    return text + "".join(reversed(open_))


def indented_too_far(enclosing: list[tuple[str, dict[str, Any], Mapping]], name: str) -> str | None:
    """A hint when `name`, found where it does not belong, is a field of an object around
    it (`enclosing`, outermost first: path, fields, node): the line is most likely
    indented too far."""
    for path, fields, node in reversed(enclosing):
        if name in fields:
            first = node.items[0][0]
            where = f"of {path}" if path else "at the top of the file"
            return (
                f"'{name}' is a field {where}: if it belongs there, indent it like "
                f"'{first.value}' (line {first.line}, column {first.column})"
            )
    return None


_LONG_LIST = f"keep at most {MAX_LIST_ITEMS}: a longer list is most often pasted twice"
_SEE_REFERENCE = "see this field in the field reference (docs/reference.md) for what it holds"
_SOME_LANGUAGE = "write the text in one of the site's languages at least: `en: text`"


def _not_single(node: AnyNode, cls: type) -> tuple[str, str]:
    """The problem of a list or mapping where a scalar of `cls` is expected, and its hint."""
    examples = getattr(cls, "examples", ())
    example = f", such as `{examples[0]}`" if examples else ""
    hint = f"write one value on the same line as the field{example}"
    return f"expected a single value, found {_kind(node)}", hint


def _not_a_word(node: AnyNode, path: str, words: tuple[str, ...]) -> tuple[str, str]:
    """The problem of a list or mapping where one of `words` is expected, and its hint."""
    hint = f"write one of them after the colon: `{path.rsplit('.', 1)[-1]}: {words[0]}`"
    return f"expected one of {', '.join(words)}, found {_kind(node)}", hint


def _fields_hint(names: list[str]) -> str:
    """The fields that can be written here, for a name like none of them."""
    listed = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"the fields that can be written here are: {listed}"


def _kind(node: AnyNode) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return f"'{shorten(node.value)}'"


# A roadmap's fields that belong to the other kind of roadmap, and where that kind is written.
_OTHER_KINDS = (
    (AuthorityRoadmap, CountryRoadmap, "a country's roadmap (the folder's country.yml)"),
    (CountryRoadmap, AuthorityRoadmap, "a local authority's roadmap (a file beside country.yml)"),
)


def other_kind(cls: type, name: str) -> str | None:
    """The hint for a field `cls` does not have that the other kind of roadmap has."""
    for model, other, written in _OTHER_KINDS:
        if cls is model and name in model_fields(other):
            return f"'{name}' is a field of {written}, not of this file"
    return None


def _mapping_hint(node: AnyNode, path: str) -> str:
    """What to write where a mapping of fields is expected and `node` is something else."""
    if path:
        return f"write the fields of {path} on lines of their own, as 'field: value', indented"
    if isinstance(node, Sequence):
        return "a file is one mapping of fields: remove the '- ' before each top-level field"
    return "write the file's fields on lines of their own, as 'field: value'"
