"""The package's layout: one package per stage, imports that only point down the pipeline,
no cycles, the engine alone imports MkDocs, one module reads the model's annotations, and
no module or class too large to live in."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "site_builder"

# Bottom to top: a module may import what is at its own place or below it.
LAYERS = [
    "errors",
    "files",
    "format",
    "load",
    "i18n",
    "views",
    "render",
    "engine",
    "publish",
    "app",
    "report",
    "cli",
    "__main__",
]
ONLY_IN = {
    "mkdocs": {"engine"},
    "material": {"engine"},
    "jinja2": {"render", "publish"},
}
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 200


@dataclass(frozen=True)
class Arrow:
    source: str  # dotted module name, such as site_builder.render.pages
    target: str
    path: Path
    line: int


def module_name(package: Path, path: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    """`site_builder.render.pages` → `render`; the package itself is its own top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(package: Path) -> list[Arrow]:
    """Every import in the package's modules (also inside functions and TYPE_CHECKING)."""
    arrows = []
    for path in sorted(package.rglob("*.py")):
        source = module_name(package, path)
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = source.split(".")
                    if path.name != "__init__.py":
                        base = base[:-1]
                    base = base[: len(base) - node.level + 1]
                    module = ".".join([*base, node.module] if node.module else base)
                else:
                    module = node.module or ""
                # `from site_builder.engine import mkdocs` imports a module, not a name.
                targets = []
                for alias in node.names:
                    candidate = f"{module}.{alias.name}"
                    sub = package.parent / Path(*candidate.split("."))
                    is_module = sub.with_suffix(".py").is_file() or sub.is_dir()
                    targets.append(candidate if is_module else module)
            else:
                continue
            for target in targets:
                arrows.append(Arrow(source, target, path, node.lineno))
    return arrows


def upward_imports(package: Path) -> list[str]:
    """Messages for every import of the package that points up the list of LAYERS."""
    problems = []
    for arrow in imports(package):
        if not arrow.target.startswith(package.name + ".") and arrow.target != package.name:
            continue
        source, target = layer_of(arrow.source), layer_of(arrow.target)
        if source in LAYERS and target in LAYERS and LAYERS.index(target) > LAYERS.index(source):
            problems.append(
                f"{arrow.path}:{arrow.line}: {arrow.source} ({source}) imports "
                f"{arrow.target} ({target}), which is above it"
            )
    return problems


def cycles(package: Path) -> list[list[str]]:
    """Every cycle of modules importing each other (strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for arrow in imports(package):
        if arrow.target.startswith(package.name) and arrow.target != arrow.source:
            graph.setdefault(arrow.source, set()).add(arrow.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_imports_only_point_down() -> None:
    assert upward_imports(PACKAGE) == []


def test_no_import_cycles() -> None:
    assert cycles(PACKAGE) == []


def test_every_package_is_a_layer_with_a_docstring() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        assert init.parent.name in LAYERS, f"{init.parent.name} is not in LAYERS"
        docstring = ast.get_docstring(ast.parse(init.read_text("utf-8")))
        assert docstring and "import" in docstring.lower(), f"{init} must say what it may import"


def test_engine_libraries_are_imported_by_their_stage_only() -> None:
    for arrow in imports(PACKAGE):
        library = arrow.target.split(".")[0]
        if library in ONLY_IN:
            assert layer_of(arrow.source) in ONLY_IN[library], (
                f"{arrow.path}:{arrow.line}: {arrow.source} imports {library}"
            )


def test_one_module_reads_the_annotations() -> None:
    readers = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "__annotations__" in path.read_text("utf-8")
        or "get_type_hints" in path.read_text("utf-8")
    ]
    assert readers == ["format/fields.py"]


def test_modules_and_classes_stay_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text("utf-8")
        assert text.count("\n") <= MAX_MODULE_LINES, f"{path} is over {MAX_MODULE_LINES} lines"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                assert size <= MAX_CLASS_LINES, f"{path}:{node.lineno}: {node.name} is {size} lines"


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "site_builder"
    for name, text in files.items():
        target = package / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return package


def test_the_checks_fail_on_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "format/__init__.py": '"""May import nothing."""\n',
            "format/model.py": "import os\n\nfrom site_builder.render import pages\n",
            "render/__init__.py": "",
            "format/codes.py": "",
            "render/pages.py": "from site_builder.format import codes\nfrom . import text\n",
            "render/text.py": "from .pages import x\n",
        },
    )
    problems = upward_imports(package)
    assert len(problems) == 1
    assert problems[0].startswith(f"{package / 'format' / 'model.py'}:3: ")
    assert "(format) imports site_builder.render.pages (render)" in problems[0]
    assert cycles(package) == [["site_builder.render.pages", "site_builder.render.text"]]


@pytest.mark.parametrize("layer", ["load", "format"])
def test_model_and_loader_import_neither_mkdocs_nor_jinja(layer: str) -> None:
    for arrow in imports(PACKAGE):
        if layer_of(arrow.source) == layer:
            assert arrow.target.split(".")[0] not in {"mkdocs", "material", "jinja2"}, arrow
