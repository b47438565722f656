"""The block layout of YAML lines, read from the text alone: where each line's keys and
`- ` list markers start, which block levels are open at a line, and what an indentation
that lines up with none of them probably meant.

Used by `syntax` to explain parser errors; it never decides whether a file is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Found = tuple[int, int, str, str] | None
"""(line, column, message, hint) of an explanation, or None when the rule does not apply."""

_LINE = re.compile(r"(?P<indent> *)(?P<dashes>(?:-(?: +|$))*)(?P<rest>.*)")
_KEY = re.compile(
    r"""(?P<key>"[^"]*"|'[^']*'|[^\s#'"\[\]{}:,&*!|>%@`][^:#]*?)"""
    r"""[ \t]*:(?:[ \t]+|$)(?P<value>.*)"""
)
BLOCK = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")


@dataclass(frozen=True)
class Line:
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
    def start(self) -> str:
        """How the line starts, for messages: `- id:`, `name:`."""
        dash = "- " if self.dashes else ""
        key = f"{self.key}:" if self.key is not None else self.value.strip()
        return f"`{dash}{key}`"

    @property
    def has_value(self) -> bool:
        value = self.value.split(" #", 1)[0].strip()
        return bool(value) and not value.startswith("#") and not BLOCK.match(value)


def parse_line(number: int, text: str) -> Line:
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
        return Line(
            number, indent, position, tuple(dashes), key_match["key"], key_match["value"], text
        )
    return Line(number, indent, position, tuple(dashes), None, rest, text)


def content_lines(lines: list[str], until: int) -> list[Line]:
    """The lines before line `until` that hold keys or list items, skipping comments,
    blank lines and the text of block scalars (`|`, `>`)."""
    found: list[Line] = []
    block_above: int | None = None  # text indented more than this is a block scalar's
    for number, text in enumerate(lines[: until - 1], start=1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parsed = parse_line(number, text)
        if block_above is not None:
            if parsed.indent > block_above:
                continue
            block_above = None
        if parsed.key is not None and BLOCK.match(parsed.value.strip()):
            block_above = parsed.column
        if parsed.key is not None or parsed.dashes:
            found.append(parsed)
    return found


@dataclass(frozen=True)
class Level:
    column: int
    is_item: bool  # a `- ` marker, else a key
    line: Line


def levels(content: list[Line]) -> list[Level]:
    """The open block levels after the given lines, outermost first: the columns at which
    a following line may start (a sibling of one of them)."""
    stack: list[Level] = []
    for line in content:
        starts_item = bool(line.dashes)
        while stack and (
            stack[-1].column > line.first
            or (stack[-1].column == line.first and (stack[-1].is_item or not starts_item))
        ):
            stack.pop()
        stack += [Level(column, True, line) for column in line.dashes]
        if line.key is not None:
            stack.append(Level(line.column, False, line))
    return stack


def spaces(count: int) -> str:
    return "no spaces" if count == 0 else "1 space" if count == 1 else f"{count} spaces"


def first_column(lines: list[str], line: Line) -> int:
    """The column of the line above `line` that holds a key, or `line`'s own indent."""
    content = content_lines(lines, line.number)
    return content[-1].column if content else line.indent


def previous_line(lines: list[str], line: int) -> Line | None:
    for number in range(line - 1, 0, -1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return parse_line(number, lines[number - 1])
    return None


def indentation(lines: list[str], line: int) -> Found:
    """A line whose indentation lines it up with no block above it, or with the wrong
    kind of block (a field among list items, a list item among fields)."""
    parsed = parse_line(line, lines[line - 1])
    content = content_lines(lines, line)
    open_levels = levels(content)
    if not open_levels:
        return None
    is_item = bool(parsed.dashes)
    label = "`- `" if is_item else parsed.label
    start = parsed.first
    same = [level for level in open_levels if level.column == start]
    if any(level.is_item == is_item for level in same):
        return None  # lined up with a sibling: the mistake is not the indentation
    deepest = open_levels[-1]
    above = _misplaced_above(lines, parsed, content, deepest) or _block_text(lines, parsed)
    if above:
        return above
    if same:
        return _wrong_kind(parsed, same[-1], open_levels, label)
    if start > deepest.column:
        return _too_far(lines, parsed, open_levels, label)
    candidates = [level for level in open_levels if level.is_item == is_item] or open_levels
    after = next_line(lines, line)
    target = min(
        candidates,
        key=lambda level: (
            abs(level.column - start),
            not _alike(parsed, level.line),  # `fr:` goes with `en:`
            after is None or after.first != level.column,  # the lines below go on there
            -level.column,
        ),
    )
    sibling = target.line
    what = "`- `" if target.is_item else f"`{sibling.key}:`"
    direction = "further than" if start > target.column else "less than"
    return (
        line,
        start + 1,
        f"{label} is indented by {spaces(start)}: {direction} {what} on line "
        f"{sibling.number} ({spaces(target.column)}), and lined up with nothing above it",
        f"indent {label} by {spaces(target.column)}, like {what} on line {sibling.number}",
    )


_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?")


def _alike(line: Line, other: Line) -> bool:
    """Two keys of the same kind: language codes, as in `en:` and `fr:`."""
    keys = (line.key or "", other.key or "")
    return all(_LANGUAGE.fullmatch(key) for key in keys)


def usual_step(lines: list[str]) -> int:
    """How much deeper the file usually indents the first line under a `key:`: 2 when
    it cannot tell."""
    content = content_lines(lines, len(lines) + 1)
    steps: dict[int, int] = {}
    for parent, child in zip(content, content[1:], strict=False):
        if parent.key is not None and not parent.has_value and child.first > parent.column:
            step = child.first - parent.column
            steps[step] = steps.get(step, 0) + 1
    return max(steps, key=lambda step: (steps[step], step == 2)) if steps else 2


def _misplaced_above(lines: list[str], parsed: Line, content: list[Line], deepest) -> Found:
    """The line above is the one out of place when it is the first under its field (or of
    the file) and moving it to where this line is gives the file's usual indentation."""
    above = content[-1]
    if deepest.line is not above:
        return None
    if above.first == parsed.first and bool(above.dashes) == bool(parsed.dashes):
        return None  # lined up with the line above: not about the line above
    moved = above.first + (parsed.first - deepest.column)
    if len(content) == 1:
        if above.first > 0 and parsed.first == 0 and not parsed.dashes and not above.dashes:
            return (
                above.number,
                above.first + 1,
                f"{above.start} is indented by {spaces(above.first)}, but the fields at the top "
                "of a file start at the beginning of the line, as the line below does",
                f"remove the spaces before {above.start}",
            )
        return None
    parent = content[-2]
    if parent.key is None or parent.has_value or above.first < parent.column:
        return None
    step = usual_step(lines)
    if moved - parent.column != step or above.first - parent.column == step:
        return None
    return (
        above.number,
        above.first + 1,
        f"{above.start} is the first line under `{parent.key}:` (line {parent.number}) and "
        + (
            f"is indented {spaces(above.first - parent.column)} deeper than it"
            if above.first > parent.column
            else "is not indented deeper than it"
        )
        + f", where the rest of the file uses {spaces(step)}; the lines below it are lined "
        "up the usual way",
        f"indent {above.start} by {spaces(moved)}: the lines below it are lined up for that",
    )


def _block_text(lines: list[str], parsed: Line) -> Found:
    """A line of a `|` text indented less than the text's first line, which ends it."""
    if parsed.key is not None or parsed.dashes:
        return None
    first: Line | None = None
    for number in range(parsed.number - 1, 0, -1):
        text = lines[number - 1]
        if not text.strip():
            continue
        line = parse_line(number, text)
        if line.key is not None and BLOCK.match(line.value.strip()):
            if first is None or parsed.indent <= line.column or parsed.indent >= first.indent:
                return None
            if parsed.indent == line.column + usual_step(lines):
                return (
                    first.number,
                    first.indent + 1,
                    f"the first line of the text under `{line.key}:` (line {line.number}) is "
                    f"indented by {spaces(first.indent)}, more than the lines after it "
                    f"({spaces(parsed.indent)}), which ends the text there",
                    f"indent line {first.number} by {spaces(parsed.indent)}, like the lines "
                    "after it",
                )
            return (
                parsed.number,
                parsed.indent + 1,
                f"this line of the text under `{line.key}:` (line {line.number}) is indented "
                f"less than the text's first line (line {first.number}, "
                f"{spaces(first.indent)}), so the text ends above it",
                f"indent every line of the text by {spaces(first.indent)}, like line "
                f"{first.number}",
            )
        first = line
    return None


def _too_far(lines: list[str], parsed: Line, levels: list[Level], label: str) -> Found:
    deepest = levels[-1]
    items = [level for level in levels if level.is_item]
    if parsed.dashes and items:
        deepest = items[-1]  # a list item lines up with the items of its list
    above = deepest.line
    what = "`- `" if deepest.is_item else f"`{above.key}:`"
    after = next_line(lines, parsed.number)
    alone = after is None or after.first <= deepest.column
    if not deepest.is_item and above.has_value and parsed.has_value and not alone:
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
        f"{label} is indented by {spaces(parsed.first)}, further than {what} on line "
        f"{above.number} ({spaces(deepest.column)})"
        + (", which already has a value" if above.has_value and not deepest.is_item else ""),
        f"indent {label} by {spaces(deepest.column)}, like {what} on line {above.number}",
    )


def _wrong_kind(parsed: Line, same: Level, levels: list[Level], label: str) -> Found:
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
                f"indent `- ` by {spaces(item.column)}, like the `- ` on line {item.line.number}",
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
        f"({spaces(keys[-1].column)})"
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


def next_line(lines: list[str], line: int) -> Line | None:
    for number in range(line + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return parse_line(number, lines[number - 1])
    return None
