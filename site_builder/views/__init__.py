"""What is computed across roadmaps before any page is written: twinning links,
coordination, outcomes, counts, translation status, provenance from git, the open-data
columns.

May import `format`, `load`, `i18n` and `errors`; writes no file.
"""
