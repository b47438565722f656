"""Loading: YAML source with positions, conversion into the model, validation across
files, quality warnings.

May import `format` and `errors`; no MkDocs, no Jinja, no gettext catalogs.
"""
