"""Reading YAML files into plain nodes with positions, and nothing more.

No value is typed here: every scalar stays the text the author wrote, so that the
validator can read it as the type its field has (`NO` in a Country field is Norway,
`1.10` in a Text field is the text "1.10"). Anchors, aliases, explicit tags and several
documents in one file are refused while composing, so an alias bomb costs nothing. A key
set twice in one mapping is reported and its first value kept, and composing goes on, so
that the rest of the file is still checked in the same run. The C parser of libyaml does
the tokenising when it is available.

Lines and columns are the ones an editor shows: only LF, CR LF and CR end a line. YAML 1.1
also breaks lines at NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR
(U+2029), which shifts every later line and ends a comment early; these three are read
as the ordinary characters YAML 1.2 says they are. A UTF-8 byte-order mark is allowed.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NoReturn

import yaml

from site_builder.load.syntax import explain

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 32


@dataclass(frozen=True)
class Node:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class Scalar(Node):
    value: str
    plain: bool  # written without quotes or block style


@dataclass(frozen=True)
class Sequence(Node):
    items: tuple[AnyNode, ...]


@dataclass(frozen=True)
class Mapping(Node):
    items: tuple[tuple[Scalar, AnyNode], ...]
    keys: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


AnyNode = Scalar | Sequence | Mapping


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of a text as an editor shows them (LF, CR LF, CR end a line)."""
    return _LINE_BREAK.split(text)


@dataclass(frozen=True)
class SourceFile:
    """A file's text, kept so that problems can quote the offending line."""

    path: str
    text: str

    @cached_property
    def lines(self) -> list[str]:
        """The lines, split once (a file with 32,000 problems quotes 32,000 lines)."""
        return split_lines(self.text)

    def line(self, number: int) -> str | None:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else None


class LoadError(Exception):
    def __init__(self, line: int, column: int, message: str, hint: str | None):
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint
        self.field = ""  # the field path, where it is known (a key set twice)
        self.also: tuple[LoadError, ...] = ()  # more problems of the same file


class DuplicateKey(LoadError):
    """A key set twice in one mapping (its first value is the one kept); `first`: the
    key where it was first set, which names the field (`_name_fields`)."""

    first: Scalar


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file, at most one more than MAX_FILE_BYTES.

    Never blocks: a FIFO, a socket or a device is refused with a LoadError without
    being read (opened non-blocking, checked with fstat). Raises OSError when the file
    cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise LoadError(
                1, 1, "not a regular file: not read", "a roadmap is a regular .yml file"
            )
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(descriptor, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def read_source(path: Path, display: str) -> SourceFile:
    """Read and decode a file, refusing what YAML editors would not show faithfully.

    Raises LoadError (too large, not UTF-8, control characters, not a regular file) and
    OSError (cannot be opened)."""
    return decode_source(read_bytes(path), display)


def decode_source(data: bytes, display: str) -> SourceFile:
    """Decode the bytes of a file (see read_source)."""
    if len(data) > MAX_FILE_BYTES:
        raise LoadError(
            1,
            1,
            f"file is more than the limit of {MAX_FILE_BYTES} bytes",
            "split the roadmap or shorten its texts; a roadmap is a summary, not an archive",
        )
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as Windows editors write
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            line, column, "file is not valid UTF-8", "save the file with the UTF-8 encoding"
        ) from None
    _check_characters(text)
    return SourceFile(display, text)


# Control characters (Unicode category Cc) other than tab and line breaks, lone surrogates
# and the two non-characters: what editors do not show and YAML does not allow.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _check_characters(text: str) -> None:
    match = _FORBIDDEN.search(text)
    if match:
        before = split_lines(text[: match.start()])
        line, column = len(before), len(before[-1]) + 1
        raise LoadError(
            line,
            column,
            f"control character U+{ord(match.group()):04X} is not allowed",
            "remove the invisible character (it often comes from copy and paste)",
        )


_YAML11_BREAKS = "\x85\u2028\u2029"


def _stand_ins(text: str) -> tuple[str, dict[int, str] | None]:
    """The text with NEL, LS and PS replaced by private-use characters it does not
    contain (so the parser sees no line break there), and the table that puts them back."""
    present = [c for c in _YAML11_BREAKS if c in text]
    if not present:
        return text, None
    used = set(text)
    free = (chr(c) for c in range(0xE000, 0xF900) if chr(c) not in used)
    forward = {c: next(free, c) for c in present}
    return text.translate(str.maketrans(forward)), {ord(v): k for k, v in forward.items()}


# A line that holds nothing of a document: blank, a comment, or a document's start or end.
_EMPTY_LINE = re.compile(r"\s*(?:#.*)?|(?:---|\.\.\.)(?:\s+#.*)?\s*")


def compose(source: SourceFile) -> tuple[AnyNode, list[DuplicateKey]]:
    """Compose the single YAML document of a file into nodes; and its keys set twice in
    one mapping, in the order of the file, of which the first value is kept. Raises
    LoadError for what leaves no document to read (a syntax error, an alias, an anchor, a
    tag, ...), with the keys set twice before it in `also`."""
    if all(_EMPTY_LINE.fullmatch(line) for line in source.lines):  # stops at the first
        raise LoadError(1, 1, "file is empty", "write at least the file's required fields")
    text, restore = _stand_ins(source.text)
    parser = _Parser(text)
    duplicates: list[DuplicateKey] = []
    try:
        parser.get_event()  # StreamStart
        if _peek_is(parser, yaml.StreamEndEvent):
            raise LoadError(1, 1, "file is empty", "write at least the file's required fields")
        parser.get_event()  # DocumentStart
        root = _compose_node(parser, 0, restore, duplicates)
        parser.get_event()  # DocumentEnd
        if not _peek_is(parser, yaml.StreamEndEvent):
            event = parser.get_event()
            raise LoadError(
                event.start_mark.line + 1,
                event.start_mark.column + 1,
                "more than one YAML document in the file",
                "remove the `---` separator: one file holds one roadmap",
            )
        if duplicates:
            _name_fields(root, duplicates)
        return root, duplicates
    except yaml.MarkedYAMLError as exc:
        error = _syntax_error(source, exc)
        error.also = tuple(duplicates)
        raise error from None
    except LoadError as exc:
        exc.also = (*duplicates, *exc.also)
        raise
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()


def _name_fields(root: AnyNode, duplicates: list[DuplicateKey]) -> None:
    """Set each key set twice's field path (`commitments[0].status`), found where its first
    key is in `root` (walked only when a file has such keys)."""
    wanted: dict[int, list[DuplicateKey]] = {}
    for duplicate in duplicates:
        wanted.setdefault(id(duplicate.first), []).append(duplicate)
    stack: list[tuple[AnyNode, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Mapping):
            for key, value in node.items:
                child = f"{path}.{key.value}" if path else key.value
                for duplicate in wanted.get(id(key), ()):
                    duplicate.field = child
                stack.append((value, child))
        elif isinstance(node, Sequence):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(node.items))


def _peek_is(parser: _Parser, kind: type) -> bool:
    return isinstance(parser.peek_event(), kind)


def _syntax_error(source: SourceFile, exc: yaml.MarkedYAMLError) -> LoadError:
    found = explain(source.text, exc)
    return LoadError(found.line, found.column, f"YAML syntax error: {found.message}", found.hint)


def _duplicate_error(key: Scalar, first: Scalar) -> DuplicateKey:
    error = DuplicateKey(
        key.line,
        key.column,
        f"duplicate key '{key.value}'",
        f"'{key.value}' is already set on line {first.line}; keep one of them",
    )
    error.first = first
    return error


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_SEQUENCE, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MAPPING_END = yaml.MappingEndEvent


def _compose_node(
    parser: _Parser, depth: int, restore: dict[int, str] | None, duplicates: list[DuplicateKey]
) -> AnyNode:
    # Called for every node of every file: events compared by their exact class (the
    # parser makes no subclasses), the refusals checked at once and explained apart.
    event = parser.get_event()
    kind = type(event)
    if (
        depth > MAX_DEPTH
        or kind is _ALIAS
        or event.anchor is not None
        or (event.tag is not None and not (kind is _SCALAR and event.tag == "!"))
    ):
        _refuse(event, depth)
    mark = event.start_mark
    line, column = mark.line + 1, mark.column + 1
    if kind is _SCALAR:
        value = event.value.translate(restore) if restore else event.value
        return Scalar(line, column, value, plain=not event.style and event.tag is None)
    peek = parser.peek_event
    if kind is _SEQUENCE:
        items = []
        while type(peek()) is not _SEQUENCE_END:
            items.append(_compose_node(parser, depth + 1, restore, duplicates))
        parser.get_event()
        return Sequence(line, column, tuple(items))
    items_m: list[tuple[Scalar, AnyNode]] = []
    keys: dict[str, int] = {}
    while type(peek()) is not _MAPPING_END:
        key = _compose_node(parser, depth + 1, restore, duplicates)
        if type(key) is not Scalar:
            raise LoadError(
                key.line,
                key.column,
                "a key must be a plain name, not a list or mapping",
                "write `name: value`, with a plain name before the colon",
            )
        if key.value == "<<" and key.plain:
            raise LoadError(
                key.line,
                key.column,
                "YAML merge keys (<<) are not allowed",
                "write the fields out in full",
            )
        value = _compose_node(parser, depth + 1, restore, duplicates)
        if key.value in keys:
            first = items_m[keys[key.value]][0]
            duplicates.append(_duplicate_error(key, first))
            continue  # the first value is kept, as the hint says where it is
        keys[key.value] = len(items_m)
        items_m.append((key, value))
    parser.get_event()
    return Mapping(line, column, tuple(items_m), keys)


def _refuse(event: yaml.Event, depth: int) -> NoReturn:
    """The LoadError for a node too deep, an alias, an anchor or an explicit tag, in that
    order."""
    line, column = event.start_mark.line + 1, event.start_mark.column + 1
    if depth > MAX_DEPTH:
        raise LoadError(
            line,
            column,
            f"nested more than {MAX_DEPTH} levels deep",
            "no field is nested so deep: check the indentation of the lines above",
        )
    if isinstance(event, yaml.AliasEvent):
        raise LoadError(
            line,
            column,
            "YAML aliases (*name) are not allowed",
            "write the value out in full where it is needed",
        )
    if event.anchor is not None:
        raise LoadError(
            line,
            column,
            f"YAML anchors (&{event.anchor}) are not allowed",
            "write the value out in full where it is needed",
        )
    raise LoadError(
        line,
        column,
        f"explicit YAML tag {event.tag} is not allowed",
        "remove the tag: every field already has its type",
    )
