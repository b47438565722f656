"""The application: one orchestrator that gathers everything then writes, used by the
build, the per-language build, `render` and the preview; scaffolding of new files.

May import every stage below it; the command line (`cli.py`) is the only thing above.
"""
