"""Every duplicate key of a file, found in one pass over the parser's events.

Composing stops at the first duplicate; this pass finds the others, so that an author
fixes them all in one round. It reads only keys; anything else is left to `source`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]


@dataclass(frozen=True)
class Duplicate:
    key: str
    line: int  # 1-based, of the repeated key
    column: int  # 1-based
    first_line: int  # where the key was first set in the same mapping


@dataclass
class _Mapping:
    keys: dict[str, int] = field(default_factory=dict)
    expect_key: bool = True


def duplicate_keys(text: str) -> list[Duplicate]:
    """Each key set twice in the same mapping, in the order of the file. A syntax error
    ends the search: the duplicates before it are returned."""
    parser = _Parser(text)
    found: list[Duplicate] = []
    stack: list[_Mapping | None] = []  # None for a sequence

    def value_done() -> None:
        if stack and stack[-1] is not None:
            stack[-1].expect_key = not stack[-1].expect_key

    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                top = stack[-1] if stack else None
                if top is not None and top.expect_key:
                    top.expect_key = False  # a collection as a key: not ours to report
                is_mapping = isinstance(event, yaml.MappingStartEvent)
                stack.append(_Mapping() if is_mapping else None)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                value_done()
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                top = stack[-1] if stack else None
                if top is not None and top.expect_key and isinstance(event, yaml.ScalarEvent):
                    line = event.start_mark.line + 1
                    if event.value in top.keys:
                        found.append(
                            Duplicate(
                                event.value,
                                line,
                                event.start_mark.column + 1,
                                top.keys[event.value],
                            )
                        )
                    else:
                        top.keys[event.value] = line
                value_done()
    except yaml.YAMLError:
        pass
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    return found
