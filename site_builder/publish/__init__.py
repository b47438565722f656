"""Publishing: building beside the target and swapping it in, the files at the root of
the site, the open data files.

May import `format` … `engine` and `errors`.
"""
