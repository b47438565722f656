"""Explaining a YAML syntax error in the author's words, from the lines around it.

The parser says where it gave up ("mapping values are not allowed in this context", one
line after the real mistake, often); authors need to know which line to change and how.
`explain` reads the text around the parser's mark (the indentation of the sibling lines,
a missing colon, an unclosed quote or bracket, a tab) and returns the line to change, a
plain-language message with the parser's own words after it, and a hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_LINE = re.compile(r"(?P<indent> *)(?P<dashes>(?:-(?: +|$))*)(?P<rest>.*)")
_KEY = re.compile(
    r"""(?P<key>"[^"]*"|'[^']*'|[^\s#'"\[\]{}:,&*!|>%@`][^:#]*?)"""
    r"""[ \t]*:(?:[ \t]+|$)(?P<value>.*)"""
)
_BLOCK = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")
_NO_SPACE_AFTER_COLON = re.compile(r"^(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:/].*)$")
_IDENTIFIER = re.compile(r"[A-Za-z_][\w-]*")


@dataclass(frozen=True)
class Explanation:
    line: int  # 1-based: the line the author must change
    column: int  # 1-based
    message: str
    hint: str


@dataclass(frozen=True)
class _Line:
    """One line of the file as block structure sees it."""

    number: int  # 1-based
    indent: int  # spaces before the first character
    column: int  # 0-based column of the key, or of the value after the dashes
    dashes: tuple[int, ...]  # 0-based columns of the `- ` list markers
    key: str | None
    value: str  # the text after `key:` (or after the dashes), comments included
    text: str

    @property
    def first(self) -> int:
        return self.dashes[0] if self.dashes else self.column

    @property
    def label(self) -> str:
        return f"`{self.key}:`" if self.key is not None else f"`{self.text.strip()}`"

    @property
    def has_value(self) -> bool:
        value = self.value.split(" #", 1)[0].strip()
        return bool(value) and not value.startswith("#") and not _BLOCK.match(value)


def _parse_line(number: int, text: str) -> _Line:
    match = _LINE.match(text)
    assert match is not None  # the pattern matches every string
    indent = len(match["indent"])
    dashes, position = [], indent
    for part in re.findall(r"-(?: +|$)", match["dashes"]):
        dashes.append(position)
        position += len(part)
    rest = match["rest"]
    key_match = _KEY.match(rest)
    if key_match:
        return _Line(
            number, indent, position, tuple(dashes), key_match["key"], key_match["value"], text
        )
    return _Line(number, indent, position, tuple(dashes), None, rest, text)


def _content_lines(lines: list[str], until: int) -> list[_Line]:
    """The lines before line `until` that hold keys or list items, skipping comments,
    blank lines and the text of block scalars (`|`, `>`)."""
    found: list[_Line] = []
    block_above: int | None = None  # text indented more than this is a block scalar's
    for number, text in enumerate(lines[: until - 1], start=1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parsed = _parse_line(number, text)
        if block_above is not None:
            if parsed.indent > block_above:
                continue
            block_above = None
        if parsed.key is not None and _BLOCK.match(parsed.value.strip()):
            block_above = parsed.column
        if parsed.key is not None or parsed.dashes:
            found.append(parsed)
    return found


@dataclass(frozen=True)
class _Level:
    column: int
    is_item: bool  # a `- ` marker, else a key
    line: _Line


def _levels(content: list[_Line]) -> list[_Level]:
    """The open block levels after the given lines, outermost first: the columns at which
    a following line may start (a sibling of one of them)."""
    stack: list[_Level] = []
    for line in content:
        starts_item = bool(line.dashes)
        while stack and (
            stack[-1].column > line.first
            or (stack[-1].column == line.first and (stack[-1].is_item or not starts_item))
        ):
            stack.pop()
        stack += [_Level(column, True, line) for column in line.dashes]
        if line.key is not None:
            stack.append(_Level(line.column, False, line))
    return stack


def _spaces(count: int) -> str:
    return "no spaces" if count == 0 else "1 space" if count == 1 else f"{count} spaces"


def explain(text: str, error: yaml.MarkedYAMLError) -> Explanation:
    """The line to change and what to write there, for a parser error on `text`.

    The message ends with the parser's own words; the hint says what to change."""
    problem, context = error.problem or "", error.context or ""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines() + [""]  # the parser may point just past the last line
    parser_words = f"the YAML parser says: {problem or context}"
    found = _explain(lines, line, column, problem, context, error.context_mark)
    if found is None:
        found = (
            line,
            column,
            "this line breaks the structure of the file",
            "check the indentation (spaces only, lined up with the lines of the same level) "
            "and the quotes on this line and the line above",
        )
    where, at, message, hint = found
    return Explanation(where, at, f"{message} ({parser_words})", hint)


Found = tuple[int, int, str, str] | None


def _explain(
    lines: list[str], line: int, column: int, problem: str, context: str, context_mark
) -> Found:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    for finder in (_tab, _quoted, _flow, _block_scalar_header, _no_space_after_colon):
        found = finder(lines, line, column, problem, context, context_mark)
        if found:
            return found
    if "could not find expected ':'" in problem and context_mark is not None:
        return _missing_colon(lines, context_mark.line + 1, context_mark.column + 1)
    if "mapping values are not allowed" in problem:
        return _colon_in_value(lines, line, column) or _indentation(lines, line)
    char = text[column - 1 : column]
    if char in ("]", "}") and "expected key" in problem:
        opening = "[" if char == "]" else "{"
        return (
            line,
            column,
            f"a closing `{char}` that no `{opening}` opened",
            f"remove this `{char}`",
        )
    if "cannot start any token" in problem and char in "@`%":
        return _reserved_start(lines, line, column, char)
    found = _after_quote(lines, line, column)
    if found:
        return found
    if text[: column - 1].strip() == "" or text[: column - 1].strip("- ") == "":
        return _indentation(lines, line)
    return None


def _tab(lines, line, column, problem, context, context_mark) -> Found:
    near = range(max(1, line - 1), min(len(lines), line) + 1)
    if "tab" not in problem and not any("\t" in lines[n - 1] for n in near):
        return None
    for number in sorted(near, key=lambda n: n != line):
        text = lines[number - 1]
        lead = len(text) - len(text.lstrip(" \t"))
        if "\t" in text[:lead] or (number == line and text[column - 1 : column] == "\t"):
            position = text.index("\t") + 1
            return (
                number,
                position,
                f"line {number} is indented with a tab",
                "indent with spaces only (tabs are not allowed in YAML); most editors can "
                "insert spaces when you press Tab",
            )
    return None


def _quoted(lines, line, column, problem, context, context_mark) -> Found:
    if "quoted scalar" not in context or context_mark is None:
        return None
    where, at = context_mark.line + 1, context_mark.column + 1
    quote = lines[where - 1][at - 1 : at] if where <= len(lines) else '"'
    if "escape" in problem:
        return (
            line,
            column,
            "a backslash inside double quotes starts an escape such as \\n",
            "write \\\\ for a backslash, or use single quotes around the value",
        )
    return (
        where,
        at,
        f"the quote `{quote}` opened here is never closed",
        f"add the closing `{quote}` at the end of the value on this line, or remove this one",
    )


def _flow(lines, line, column, problem, context, context_mark) -> Found:
    if "flow" not in context or context_mark is None:
        return None
    where, at = context_mark.line + 1, context_mark.column + 1
    opening = lines[where - 1][at - 1 : at] if where <= len(lines) else "["
    closing = "]" if opening == "[" else "}"
    kind = "list" if opening == "[" else "set of values"
    if closing in lines[where - 1][at:]:
        return (
            line,
            column,
            f"the {kind} opened with `{opening}` on line {where} is missing a comma "
            "between two of its values",
            f"separate the values with `, `, and put a value that contains `,`, `:` or "
            f"`{closing}` in quotes",
        )
    return (
        where,
        at,
        f"the `{opening}` opened here is never closed",
        f"add `{closing}` where the {kind} ends, at the end of this line in most cases",
    )


def _block_scalar_header(lines, line, column, problem, context, context_mark) -> Found:
    if "block scalar" not in context or context_mark is None:
        return None
    indicator = lines[context_mark.line][context_mark.column]
    return (
        context_mark.line + 1,
        column,
        f"text on the same line as `{indicator}`",
        f"start the text on the next line, indented further than its field, or remove "
        f"the `{indicator}`",
    )


def _no_space_after_colon(lines, line, column, problem, context, context_mark) -> Found:
    """`name:Lille`: without a space after the colon, the line is text, not a field."""
    if "mapping values are not allowed" not in problem and "expected ':'" not in problem:
        return None
    start = context_mark.line + 1 if context_mark is not None else line - 2
    for number in range(max(1, min(start, line)), line + 1):
        parsed = _parse_line(number, lines[number - 1])
        match = _NO_SPACE_AFTER_COLON.match(parsed.value if parsed.key is None else "")
        if match:
            return (
                number,
                parsed.column + len(match["key"]) + 1,
                f"no space after the colon of `{match['key']}:`",
                f"write a space after the colon: `{match['key']}: {match['value']}`",
            )
    return None


def _missing_colon(lines: list[str], line: int, column: int) -> Found:
    text = lines[line - 1]
    parsed = _parse_line(line, text)
    content = _content_lines(lines, line)
    block = next(
        (c for c in reversed(content) if c.key is not None and _BLOCK.match(c.value.strip())),
        None,
    )
    if block is not None and content and content[-1] is block and parsed.indent <= block.column:
        return (
            line,
            column,
            f"this text is not indented further than `{block.key}:` on line {block.number}, "
            f"so it is read as a new field",
            f"indent the text under `{block.key}: {block.value.strip()}` by "
            f"{_spaces(block.column + 2)}",
        )
    words = parsed.value.split(None, 1)
    if not words:
        return None
    if len(words) == 2 and words[1].startswith("="):
        words[1] = words[1][1:].strip()
    if len(words) == 1:
        return (
            line,
            column,
            f"`{words[0]}` is neither a field (`name: value`) nor a line of the text above",
            f"write it as `{words[0]}: value`, or join it to the text it belongs to",
        )
    return (
        line,
        column,
        f"`{words[0]}` has no colon after it, so this line is not a field",
        f"write `{words[0]}: {words[1].strip()}`",
    )


def _colon_in_value(lines: list[str], line: int, column: int) -> Found:
    """`title: Lille: a plan`, or a value going on over lines that contains `: `."""
    text = lines[line - 1]
    parsed = _parse_line(line, text)
    if parsed.key is not None and parsed.column < column - 1 - len(parsed.key):
        value = parsed.value.strip()
        quoted = '"' + value + '"' if '"' not in value else "'" + value.replace("'", "''") + "'"
        return (
            line,
            column,
            f"the value of `{parsed.key}:` contains `: `, which YAML reads as a new field",
            f"put the value in quotes: `{parsed.key}: {quoted}`",
        )
    above = _previous(lines, line)
    if above is not None and above.key is None and not above.dashes:
        if above.indent == parsed.indent and parsed.indent == _first_column(lines, above):
            return _missing_colon(lines, above.number, above.indent + 1)
        return (
            line,
            column,
            f"the text that goes on from line {above.number} contains `: `, which YAML reads "
            "as a new field",
            "put the whole text in quotes, or write it as a block under `|`",
        )
    if parsed.key is not None and not _IDENTIFIER.fullmatch(parsed.key.strip("\"'")):
        return (
            line,
            column,
            f"this text contains `: `, which YAML reads as a new field `{parsed.key}`",
            "put the whole value in quotes, or write it as a block under `|`",
        )
    return None


def _first_column(lines: list[str], line: _Line) -> int:
    """The column of the line above `line` that holds a key, or `line`'s own indent."""
    content = _content_lines(lines, line.number)
    return content[-1].column if content else line.indent


def _previous(lines: list[str], line: int) -> _Line | None:
    for number in range(line - 1, 0, -1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return _parse_line(number, lines[number - 1])
    return None


def _after_quote(lines: list[str], line: int, column: int) -> Found:
    text = lines[line - 1]
    before = text[: column - 1].rstrip()
    parsed = _parse_line(line, text)
    value = parsed.value.strip()
    if not before or before[-1] not in "\"'" or not value or value[0] != before[-1]:
        return None
    quote = before[-1]
    inner = value[1:-1] if value.endswith(quote) else value
    kind = "double" if quote == '"' else "single"
    if quote == '"':
        fixed = "'" + inner.replace("'", "''") + "'"
        escape = '\\"'
    else:
        fixed = '"' + inner.replace('"', '\\"') + '"'
        escape = "''"
    return (
        line,
        len(before),
        f"text after the closing `{quote}`: the value ends at this quote",
        f"inside {kind} quotes write `{escape}` for "
        f"`{quote}`, or put the whole value in the other quotes: `{fixed}`",
    )


def _reserved_start(lines: list[str], line: int, column: int, char: str) -> Found:
    parsed = _parse_line(line, lines[line - 1])
    value = parsed.value.strip()
    shown = f"{parsed.key}: " if parsed.key is not None else ""
    name = "a backquote" if char == "`" else f"`{char}`"
    example = f'{shown}"{value}"'
    return (
        line,
        column,
        f"a value cannot start with {name} in YAML",
        f"put the value in quotes: {example if char == '`' else '`' + example + '`'}",
    )


def _indentation(lines: list[str], line: int) -> Found:
    """A line whose indentation lines it up with no block above it, or with the wrong
    kind of block (a field among list items, a list item among fields)."""
    parsed = _parse_line(line, lines[line - 1])
    content = _content_lines(lines, line)
    levels = _levels(content)
    if not levels:
        return None
    is_item = bool(parsed.dashes)
    label = "`- `" if is_item else parsed.label
    start = parsed.first
    same = [level for level in levels if level.column == start]
    if any(level.is_item == is_item for level in same):
        return None  # lined up with a sibling: the mistake is not the indentation
    deepest = levels[-1]
    if same:
        return _wrong_kind(parsed, same[-1], levels, label)
    if start > deepest.column:
        return _too_far(lines, parsed, levels, label)
    candidates = [level for level in levels if level.is_item == is_item] or levels
    target = min(candidates, key=lambda level: (abs(level.column - start), -level.column))
    sibling = target.line
    what = "`- `" if target.is_item else f"`{sibling.key}:`"
    direction = "further than" if start > target.column else "less than"
    return (
        line,
        start + 1,
        f"{label} is indented by {_spaces(start)}: {direction} {what} on line "
        f"{sibling.number} ({_spaces(target.column)}), and lined up with nothing above it",
        f"indent {label} by {_spaces(target.column)}, like {what} on line {sibling.number}",
    )


def _too_far(lines: list[str], parsed: _Line, levels: list[_Level], label: str) -> Found:
    deepest = levels[-1]
    items = [level for level in levels if level.is_item]
    if parsed.dashes and items:
        deepest = items[-1]  # a list item lines up with the items of its list
    above = deepest.line
    what = "`- `" if deepest.is_item else f"`{above.key}:`"
    after = _next_content(lines, parsed.number)
    alone = after is None or after.first <= deepest.column
    if not deepest.is_item and above.has_value and not alone:
        # Several lines deeper than a field that has a value: they belong under it.
        return (
            above.number,
            len(above.text) - len(above.text.lstrip()) + 1,
            f"`{above.key}:` has a value on its own line and also lines indented under it "
            f"(from line {parsed.number})",
            f"remove the value after `{above.key}:` if the lines below belong to it, or "
            f"line them up with `{above.key}:`",
        )
    return (
        parsed.number,
        parsed.first + 1,
        f"{label} is indented by {_spaces(parsed.first)}, further than {what} on line "
        f"{above.number} ({_spaces(deepest.column)})"
        + (", which already has a value" if above.has_value and not deepest.is_item else ""),
        f"indent {label} by {_spaces(deepest.column)}, like {what} on line {above.number}",
    )


def _wrong_kind(parsed: _Line, same: _Level, levels: list[_Level], label: str) -> Found:
    other = same.line
    if parsed.dashes:
        items = [level for level in levels if level.is_item and level.column < same.column]
        if items:
            item = items[-1]
            return (
                parsed.number,
                parsed.first + 1,
                f"this list item is lined up with `{other.key}:` on line {other.number}, "
                f"not with the `- ` of line {item.line.number}",
                f"indent `- ` by {_spaces(item.column)}, like the `- ` on line {item.line.number}",
            )
        return (
            parsed.number,
            parsed.first + 1,
            f"a list item among fields: `{other.key}:` on line {other.number} is at the same "
            "indentation",
            "a list goes under a field: write the name of the field it belongs to (such as "
            "`partner_countries:`) on the line above the first item, and indent the items",
        )
    keys = [level for level in levels if not level.is_item and level.column < same.column]
    outer = (
        f"line it up with `{keys[-1].line.key}:` on line {keys[-1].line.number} "
        f"({_spaces(keys[-1].column)})"
        if keys
        else "remove its indentation"
    )
    return (
        parsed.number,
        parsed.first + 1,
        f"{label} is lined up with the list items above (line {other.number}) but does "
        "not start with `- `",
        f"if it is another field, {outer}; if it is another item of the list, start it with `- `",
    )


def _next_content(lines: list[str], line: int) -> _Line | None:
    for number in range(line + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return _parse_line(number, lines[number - 1])
    return None
