"""The engine: the only package that imports MkDocs and Material. Writes a rendered
language as a plain MkDocs project, builds it, serves a folder with live reload.

May import every package listed above it (`format` … `render`) and `errors`.
"""
