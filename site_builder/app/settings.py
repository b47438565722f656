"""A `mkdocs.yml` of MkDocs settings (the project's, the built-in one), read and checked
before anything is built.

The project's `mkdocs.yml` is written by its authors, as the roadmaps are, and its faults
are reported as theirs are: every one in one run, as `path:line:col: field.path: message`
with the line and a hint (`InvalidData`: exit status 1), never as a fault of the builder.
A YAML syntax error is explained by the roadmaps' own explainer (`load.syntax`). Each
setting that the builder reads (`engine.project`), or that the theme reads without
checking it, must be of the kind `SHAPES` gives it (null, which removes a setting, is
always allowed; see `app.config`), and each Markdown extension listed must be installed.
What MkDocs checks itself when it loads a language's project (the theme's name, a
plugin, `extra_css`...) is left to it: its message names the setting.
`markdown_extensions` and `plugins`, which MkDocs takes as a list or as a mapping, are
returned as lists, the form the builder reads.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from site_builder.engine.project import (
    MARKDOWN_EXTENSIONS,
    PLUGINS,
    THEMES,
    extension_installed,
    installed,
)
from site_builder.errors import InvalidData, Problem, closest_hint, shorten
from site_builder.load.source import LoadError, SourceFile, read_source
from site_builder.load.syntax import explain

_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class Shape:
    """What a setting must be (`fits`), as a message says it (`expected`), and how to
    write it (`hint`); `items`: what each item of the list (or entry of the mapping,
    as a mapping of one) must be."""

    expected: str
    hint: str
    fits: Callable[[yaml.Node], bool]
    items: Shape | None = None


def _text(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _STR


def _mapping(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode)


def _name(node: yaml.Node) -> bool:
    """A name, or a mapping of one name to its options (checked apart: `_OPTIONS`)."""
    if not isinstance(node, yaml.MappingNode):
        return _text(node)
    return len(node.value) == 1 and _text(node.value[0][0])


_SETTINGS = Shape(
    "a mapping of settings",
    "write its settings on the lines below it, indented, as `name: value`",
    _mapping,
)
_TEXT = Shape("a text", "write the text after the colon, on the same line", _text)
_TEXTS = Shape(
    "a list of texts",
    "write the items as '- item' lines or as [a, b]",
    lambda node: isinstance(node, yaml.SequenceNode),
    Shape("a text", "write the item as text", _text),
)
_NAME = Shape(
    "a name, or a name and its options",
    "write the name alone, or as 'name:' with its options indented below, as `key: value`",
    _name,
)
_NAMES = Shape(
    "a list of names",
    "write one name per '- name' line, or '- name:' with its options indented below",
    lambda node: isinstance(node, yaml.SequenceNode | yaml.MappingNode),
    _NAME,
)
_OPTIONS = Shape(
    "options as a mapping",
    "write the options on the lines below the name, indented, as `key: value`",
    lambda node: _mapping(node) or node.tag == _NULL,
)
_PALETTE = Shape(
    "a mapping of palette settings, or a list of them",
    "write `scheme: default`, `primary: indigo`... indented below it",
    lambda node: (
        _mapping(node) or (isinstance(node, yaml.SequenceNode) and all(map(_mapping, node.value)))
    ),
)

# Characters that would end an attribute or a line of a page, or split an address.
_NOT_IN_AN_ADDRESS = frozenset(" \t\n\r\"'<>\\`{}|^")


def site_url_fault(value: str) -> str | None:
    """Why `value` cannot be the site's address (`--site-url`, `site_url`); None when it
    is an http or https address with a host (and a port from 0 to 65535, if any), with
    neither a query nor a fragment (the pages' paths are added after it), and none of the
    characters that a page's HTML or its links would read apart: white space, quotes,
    `<`, `>`, backslashes, control and invisible formatting characters (a bidirectional
    override). It is written into every page's `<link rel="canonical">` and `robots.txt`."""
    if not value[:8].lower().startswith(("https://", "http://")):
        return "must start with https:// or http://"
    bad = sorted(
        {c for c in value if c in _NOT_IN_AN_ADDRESS or unicodedata.category(c)[0] in "CZ"}
    )
    if bad:
        return f"must not hold {' '.join(repr(c) for c in bad)}: percent-encode them"
    parts = urlsplit(value)
    if "?" in value or "#" in value:
        return "must not hold a query (?) or a fragment (#): the pages' paths follow it"
    try:
        parts.port  # noqa: B018 - raises for a port that is not one
    except ValueError:
        return "has a port that is not a number from 0 to 65535"
    if not parts.hostname:
        return "has no host name after the scheme"
    return None


_SITE_URL = Shape(
    "an http or https address",
    "write the address the site is published at, such as https://example.org/roadmaps/",
    lambda node: _text(node) and site_url_fault(node.value) is None,
)

SHAPES: dict[tuple[str, ...], Shape] = {
    ("site_url",): _SITE_URL,
    ("site_name",): _TEXT,
    ("site_description",): _TEXT,
    ("site_author",): _TEXT,
    ("copyright",): _TEXT,
    ("repo_name",): _TEXT,
    ("repo_url",): _TEXT,
    ("edit_uri",): _TEXT,
    ("extra_css",): _TEXTS,
    ("extra_javascript",): _TEXTS,
    ("theme",): _SETTINGS,
    ("theme", "name"): _TEXT,
    ("theme", "palette"): _PALETTE,  # read by Material's templates as it is
    ("theme", "features"): _TEXTS,  # likewise
    ("markdown_extensions",): _NAMES,
    ("plugins",): _NAMES,
    ("hooks",): _TEXTS,
    ("extra",): _SETTINGS,
    ("not_in_nav",): _TEXT,
}
"""Where a setting is (its keys, from the top) → what it must be."""

_LISTS_OF_NAMES = ("markdown_extensions", "plugins")


def read_settings(path: Path) -> dict[str, Any]:
    """The settings of the `mkdocs.yml` at `path`; raises InvalidData with every problem
    of the file (see the module)."""
    display, problems = str(path), []
    try:
        source = read_source(path, display)
    except LoadError as exc:  # not UTF-8, a control character
        unread = Problem(display, exc.line, exc.column, "", exc.message, exc.hint)
        raise InvalidData([unread]) from None
    except OSError as exc:
        hint = "check that the file can be read by the user who runs the build"
        unread = Problem(display, 1, 1, "", f"cannot read the file: {exc.strerror}", hint)
        raise InvalidData([unread]) from None

    def problem(node: yaml.Node, field: str, message: str, hint: str | None) -> None:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        problems.append(
            Problem(display, line, column, field, message, hint, source_line=source.line(line))
        )

    root, settings = _parse(source, problems)
    if root is not None and not _mapping(root):
        problem(root, "", f"expected a mapping of MkDocs settings, found {_kind(root)}", _ROOT)
    elif root is not None:
        for keys, shape in SHAPES.items():
            node = _setting(root, keys)
            if node is not None:
                _check(node, shape, ".".join(keys), problem)
        _check_installed(root, path.parent, problem)
        _check_duplicates(root, "", problem)
    if problems:
        raise InvalidData(problems)
    for key in _LISTS_OF_NAMES:
        if isinstance(settings.get(key), dict):
            settings[key] = [{name: options} for name, options in settings[key].items()]
    return settings


_ROOT = "write the settings on lines of their own, as `name: value`"
_INSTALL = "install the Python package that provides it (beside this tool), or remove it"


def _check_installed(root: yaml.Node, folder: Path, problem: Callable[..., None]) -> None:
    """Markdown extensions, plugins and the theme that are not installed, and hooks that
    are not files (relative to `folder`, the file's)."""
    for node, field in _names(_setting(root, ("markdown_extensions",)), "markdown_extensions"):
        if not extension_installed(node.value):
            hint = closest_hint(node.value, installed(MARKDOWN_EXTENSIONS)) or _INSTALL
            message = f"'{shorten(node.value)}' is not an installed Markdown extension"
            problem(node, field, message, hint)
    for group, keys, what in (
        (PLUGINS, ("plugins",), "plugin"),
        (THEMES, ("theme", "name"), "theme"),
    ):
        node = _setting(root, keys)
        found = _names(node, keys[0]) if what == "plugin" else [(node, ".".join(keys))]
        names = installed(group)
        for name, field in found:
            if name is not None and _text(name) and name.value not in names:
                hint = closest_hint(name.value, names) or _INSTALL
                problem(name, field, f"{what} '{shorten(name.value)}' is not installed", hint)
    hooks = _setting(root, ("hooks",))
    for item, field in _entries(hooks, "hooks") if _TEXTS.fits(hooks) else []:
        if _text(item) and not (folder / item.value).is_file():
            hint = "write the path of a Python file, from the folder of mkdocs.yml"
            problem(item, field, f"hook '{shorten(item.value)}' is not a file", hint)


def _check_duplicates(node: yaml.Node, field: str, problem: Callable[..., None]) -> None:
    """Every key set twice in a mapping, at any depth (MkDocs would take the last)."""
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_duplicates(item, f"{field}[{index}]", problem)
    elif isinstance(node, yaml.MappingNode):
        first: dict[object, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            where = f"{field}.{name}" if field else str(name)
            if name in first:
                hint = f"'{name}' is already set on line {first[name]}; keep one of them"
                problem(key, where, f"duplicate key '{shorten(str(name))}'", hint)
            elif name is not None:
                first[name] = key.start_mark.line + 1
            _check_duplicates(value, where, problem)


def _parse(source: SourceFile, problems: list[Problem]) -> tuple[yaml.Node | None, Any]:
    """The file's nodes (with their positions) and its values; (None, {}) for an empty
    file, or with its problem added."""

    def problem(line: int, column: int, message: str, hint: str) -> None:
        excerpt = source.line(line)
        problems.append(Problem(source.path, line, column, "", message, hint, source_line=excerpt))

    loader = yaml.SafeLoader(source.text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else {})
    except yaml.constructor.ConstructorError as exc:  # a tag: `!ENV`, `!!python/name:`
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hint = "write the value itself: the builder reads plain YAML, without tags"
        problem(line, column, f"YAML tag not supported (the YAML parser says: {exc.problem})", hint)
    except yaml.MarkedYAMLError as exc:
        found = explain(source.text, exc)
        problem(found.line, found.column, f"YAML syntax error: {found.message}", found.hint)
    except yaml.YAMLError as exc:
        problem(1, 1, f"not valid YAML: {exc}", "check the file's characters and encoding")
    finally:
        loader.dispose()
    return None, {}


def _setting(root: yaml.Node | None, keys: tuple[str, ...]) -> yaml.Node | None:
    """The node of the setting at `keys`; None where it is not set, is null, or is
    below a setting that is not a mapping (a problem of its own)."""
    node = root
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        found = [value for name, value in node.value if _text(name) and name.value == key]
        if not found:
            return None
        node = found[-1]  # a key set twice: the last one counts, as for MkDocs
    return None if node is None or node.tag == _NULL else node


def _entries(node: yaml.Node, field: str) -> list[tuple[yaml.Node, str]]:
    """The items of a list, or the entries of a mapping each as a mapping of one, with
    their field paths."""
    if isinstance(node, yaml.SequenceNode):
        return [(item, f"{field}[{index}]") for index, item in enumerate(node.value)]
    return [
        (
            yaml.MappingNode("tag:yaml.org,2002:map", [(key, value)], key.start_mark),
            f"{field}.{key.value}",
        )
        for key, value in node.value
    ]


def _check(node: yaml.Node, shape: Shape, field: str, problem: Callable[..., None]) -> None:
    if not shape.fits(node):
        problem(node, field, f"expected {shape.expected}, found {_kind(node)}", shape.hint)
    elif shape.items is not None:
        for item, where in _entries(node, field):
            _check(item, shape.items, where, problem)
    elif shape is _NAME and _mapping(node):  # a name and its options
        _check(node.value[0][1], _OPTIONS, field, problem)


def _names(node: yaml.Node | None, field: str) -> list[tuple[yaml.Node, str]]:
    """The name nodes of a list of names (extensions, plugins) that has the right shape."""
    if node is None or not _NAMES.fits(node):
        return []
    names = []
    for item, where in _entries(node, field):
        if _name(item):
            names.append((item.value[0][0] if _mapping(item) else item, where))
    return names


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{shorten(str(node.value))}'"
