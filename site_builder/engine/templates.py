"""The theme's templates compiled once per process, not once per build.

MkDocs makes a new Jinja environment for each build, which compiles again every template
it renders: about 0.2 s a language (30 templates), for every language of the live
preview's every rebuild, and for every language that `build --jobs 1` builds in one
process. `bytecode_plugin` gives each build's environment a Jinja bytecode cache
(`kept_code`) held in this process's memory: the code of a template compiled by one
build is taken by the next.

Guarantee: compiled code is taken only for the same template name and file, with the
same source (Jinja's checksum of it), compiled by an environment with the same settings
(`settings`: what Jinja's compiler reads of the environment: its syntax, extensions,
filters' and tests' names with how they are called, policies); any other template is
compiled as Jinja does without a cache. Nothing is written to disk. No MkDocs import at
module level.
"""

from __future__ import annotations

from typing import Any

_KEPT: dict[tuple[str, str], tuple[str, Any]] = {}
"""(the environment's settings, Jinja's key of the template: its name and file) → (the
checksum of its source, its compiled code)."""


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


def kept_code(env: Any) -> Any:
    """A Jinja bytecode cache for `env` that takes the code kept in this process for the
    same settings and keeps what `env` compiles."""
    from jinja2 import BytecodeCache

    class KeptCode(BytecodeCache):
        def __init__(self, settings: str):
            self.settings = settings

        def load_bytecode(self, bucket: Any) -> None:
            kept = _KEPT.get((self.settings, bucket.key))
            if kept is not None and kept[0] == bucket.checksum:
                bucket.code = kept[1]

        def dump_bytecode(self, bucket: Any) -> None:
            _KEPT[(self.settings, bucket.key)] = (bucket.checksum, bucket.code)

    return KeptCode(settings(env))


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
