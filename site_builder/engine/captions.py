"""A Markdown extension that gives tables a `<caption>`: a paragraph marked
`{: .dr-caption }` right before a table becomes that table's caption.

Markdown tables have no caption syntax; screen readers announce a table by its caption,
so every data table of the site is preceded by one of these paragraphs.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

CAPTION_CLASS = "dr-caption"


class _Captions(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            children = list(parent)
            for paragraph, table in zip(children, children[1:], strict=False):
                if (
                    paragraph.tag == "p"
                    and CAPTION_CLASS in (paragraph.get("class") or "").split()
                    and table.tag == "table"
                ):
                    caption = etree.Element("caption")
                    caption.text, caption.tail = paragraph.text, None
                    caption.extend(list(paragraph))
                    table.insert(0, caption)
                    parent.remove(paragraph)


class CaptionExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        # After attr_list (8), which sets the class; before toc (5).
        md.treeprocessors.register(_Captions(md), "dr_captions", 7)


def makeExtension(**kwargs: object) -> CaptionExtension:  # noqa: N802 - Markdown's API
    return CaptionExtension(**kwargs)
