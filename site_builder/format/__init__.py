"""The roadmap format: value types, fields, codes, the outcome framework, and what is
generated from them (JSON Schema, field reference, sample data).

Owns the one reading of the model's annotations (`fields.py`). Imports nothing of the
package but `errors`; no YAML reader, no MkDocs, no Jinja.
"""
