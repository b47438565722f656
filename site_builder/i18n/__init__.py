"""Languages: gettext catalogs for interface strings, CLDR (Babel) for names, dates,
numbers and money, the labels of enumerations, text direction.

May import `format` and `errors`.
"""
