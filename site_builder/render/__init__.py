"""Rendering: a Dataset, its views and one language in, the Markdown pages of that
language out (with sanitised HTML blocks, SVG figures and an Atom feed).

May import `format`, `load`, `i18n`, `views` and `errors`; knows no engine.
"""
