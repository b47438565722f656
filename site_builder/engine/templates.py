"""The theme's templates compiled once per process, not once per build.

MkDocs makes a new Jinja environment for each build, which compiles again every template
it renders: about 0.2 s a language (30 templates), for every language of the live
preview's every rebuild, and for every language that `build --jobs 1` builds in one
process. `bytecode_plugin` gives each build's environment a Jinja bytecode cache
(`kept_code`) held in this process's memory: the code of a template compiled by one
build is taken by the next.

Guarantee: compiled code is taken only for the same template name and file, with the
same source, compiled by an environment with the same settings
(`settings`: what Jinja's compiler reads of the environment: its syntax, extensions,
filters' and tests' names with how they are called, policies); any other template is
compiled as Jinja does without a cache. Nothing is written to disk. Neither MkDocs nor
Jinja is imported here (the engine's plugin imports MkDocs when made).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_KEPT: dict[tuple[str, str, str | None], tuple[str, Any]] = {}
"""(the environment's settings, the template's name, its file) → (its source, its
compiled code)."""


def settings(env: Any) -> str:
    """What Jinja's compiler reads of the environment `env`, as one string."""

    def calls(functions: dict[str, Any]) -> list[tuple[str, str]]:
        passed = ((name, getattr(f, "jinja_pass_arg", None)) for name, f in functions.items())
        return sorted((name, repr(kind)) for name, kind in passed)

    return repr(
        (
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.is_async,
            repr(env.autoescape),
            repr(env.finalize),
            env.code_generator_class,
            env.template_class,
            sorted(env.extensions),
            getattr(env, "newstyle_gettext", None),
            sorted((key, repr(value)) for key, value in env.policies.items()),
            calls(env.filters),
            calls(env.tests),
        )
    )


def kept_code(env: Any) -> KeptCode:
    """A bytecode cache for the Jinja environment `env` that takes the code kept in this
    process for the same settings and keeps what `env` compiles."""
    return KeptCode(settings(env))


@dataclass
class _Bucket:
    key: tuple[str, str, str | None]
    source: str
    code: Any


class KeptCode:
    """A Jinja bytecode cache (what Jinja's loaders call of one: `get_bucket`, then
    `set_bucket` with the code compiled when the bucket had none), held in `_KEPT`."""

    def __init__(self, settings: str):
        self.settings = settings

    def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> _Bucket:
        key = (self.settings, name, filename)
        kept = _KEPT.get(key)
        return _Bucket(key, source, kept[1] if kept is not None and kept[0] == source else None)

    def set_bucket(self, bucket: _Bucket) -> None:
        _KEPT[bucket.key] = (bucket.source, bucket.code)


def bytecode_plugin() -> Any:
    """A plugin that gives the build's Jinja environment the code kept in this process
    (`kept_code`); it runs last, once every other plugin has set the environment up."""
    from mkdocs.plugins import BasePlugin, event_priority

    class Bytecode(BasePlugin):
        @event_priority(-100)
        def on_env(self, env: Any, /, **_: Any) -> Any:
            env.bytecode_cache = kept_code(env)
            return env

    return Bytecode()
