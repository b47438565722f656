"""The theme's templates compiled once per process (engine/templates.py): taken by a later
build only for the same file and source, compiled by an environment of the same settings."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from site_builder.engine.templates import kept_code


def _environment(folder: Path, **settings: object) -> tuple[jinja2.Environment, list[str]]:
    """An environment over `folder` with the kept code, and the names it compiles."""
    filters = settings.pop("filters", {})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), **settings)  # type: ignore[arg-type]
    env.filters.update(filters)  # type: ignore[arg-type]
    env.bytecode_cache = kept_code(env)
    compiled: list[str] = []
    compile_ = env.compile

    def counting(source: str, name: str | None = None, filename: str | None = None) -> object:
        compiled.append(str(name))
        return compile_(source, name, filename)

    env.compile = counting  # type: ignore[method-assign]
    return env, compiled


def test_a_template_is_compiled_once_for_every_build_of_the_process(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{% for x in items %}{{ x | upper }}{% endfor %}")
    first, compiled = _environment(tmp_path)
    assert first.get_template("page.html").render(items=["a", "b"]) == "AB"
    assert compiled == ["page.html"]
    again, compiled = _environment(tmp_path)
    assert again.get_template("page.html").render(items=["c"]) == "C"
    assert compiled == []  # taken as compiled by the first


@pytest.mark.parametrize(
    "change",
    ["source", "trim_blocks", "extension", "filter called with the context", "file"],
)
def test_a_template_is_compiled_again_when_anything_that_makes_its_code_differs(
    tmp_path: Path, change: str
) -> None:
    (tmp_path / "page.html").write_text("{% if x %}\n{{ x | shout }}{% endif %}")
    plain = {"filters": {"shout": lambda value: f"{value}!"}}
    first, _ = _environment(tmp_path, **plain)
    assert first.get_template("page.html").render(x="a") == "\na!"
    settings: dict[str, object] = dict(plain)
    folder = tmp_path
    if change == "source":
        (tmp_path / "page.html").write_text("{{ x | shout }}{{ x | shout }}")
    elif change == "trim_blocks":
        settings["trim_blocks"] = True
    elif change == "extension":
        settings["extensions"] = ["jinja2.ext.loopcontrols"]
    elif change == "filter called with the context":
        settings["filters"] = {"shout": jinja2.pass_context(lambda context, value: f"{value}?")}
    else:  # the same name and source in another theme folder
        folder = tmp_path / "other"
        folder.mkdir()
        (folder / "page.html").write_text((tmp_path / "page.html").read_text())
    again, compiled = _environment(folder, **settings)
    shown = again.get_template("page.html").render(x="a")
    assert compiled == ["page.html"]
    expected = {
        "source": "a!a!",
        "trim_blocks": "a!",
        "extension": "\na!",
        "filter called with the context": "\na?",
        "file": "\na!",
    }
    assert shown == expected[change]
