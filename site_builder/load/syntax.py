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

from site_builder.load.layout import (
    BLOCK,
    Found,
    content_lines,
    indentation,
    parse_line,
    previous_line,
    spaces,
)

_NO_SPACE_AFTER_COLON = re.compile(r"^(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:/].*)$")
_IDENTIFIER = re.compile(r"[A-Za-z_][\w-]*")


@dataclass(frozen=True)
class Explanation:
    line: int  # 1-based: the line the author must change
    column: int  # 1-based
    message: str
    hint: str


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
        return _colon_in_value(lines, line, column) or indentation(lines, line)
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
        return indentation(lines, line)
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
        parsed = parse_line(number, lines[number - 1])
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
    parsed = parse_line(line, text)
    content = content_lines(lines, line)
    block = next(
        (c for c in reversed(content) if c.key is not None and BLOCK.match(c.value.strip())),
        None,
    )
    if block is not None and content and content[-1] is block and parsed.indent <= block.column:
        return (
            line,
            column,
            f"this text is not indented further than `{block.key}:` on line {block.number}, "
            f"so it is read as a new field",
            f"indent the text under `{block.key}: {block.value.strip()}` by "
            f"{spaces(block.column + 2)}",
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
    parsed = parse_line(line, text)
    if parsed.key is not None and parsed.column < column - 1 - len(parsed.key):
        value = parsed.value.strip()
        quoted = '"' + value + '"' if '"' not in value else "'" + value.replace("'", "''") + "'"
        return (
            line,
            column,
            f"the value of `{parsed.key}:` contains `: `, which YAML reads as a new field",
            f"put the value in quotes: `{parsed.key}: {quoted}`",
        )
    above = previous_line(lines, line)
    words = above.value.split() if above is not None and above.key is None else []
    if above is not None and words and _IDENTIFIER.fullmatch(words[0]):
        # `status in-progress` above a field: the colon is missing there, not here.
        if above.dashes and len(words) > 1 and parsed.first > above.dashes[-1]:
            return _missing_colon(lines, above.number, above.column + 1)
        if not above.dashes and above.indent == parsed.indent:
            return _missing_colon(lines, above.number, above.indent + 1)
    if above is not None and above.key is None and not above.dashes:
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


def _after_quote(lines: list[str], line: int, column: int) -> Found:
    text = lines[line - 1]
    before = text[: column - 1].rstrip()
    parsed = parse_line(line, text)
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
    parsed = parse_line(line, lines[line - 1])
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
