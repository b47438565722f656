"""engine/tree.py: pages read by markdown-it-pyrs are written as the hook's markdown-it-py
path writes them (HTML, ids, table of contents, anchors, links and their warnings), and
what it does not reproduce goes to that path (or, as before, to Python-Markdown)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from site_builder.engine import commonmark, tree


@dataclass(eq=False)
class _File:
    src_uri: str

    def url_relative_to(self, other: Any) -> str:
        return f"../{self.src_uri.removesuffix('.md')}/"


class _Files:
    """Every page exists but those whose path says "missing"."""

    def __init__(self) -> None:
        self.known: dict[str, _File] = {}

    def get_file_from_path(self, path: str) -> _File | None:
        return None if "missing" in path else self.known.setdefault(path, _File(path))


def _both(markdown: str, marks: commonmark.Marks, caplog: pytest.LogCaptureFixture) -> tuple:
    """(what `convert` gives, what markdown-it-py's path gives), each as (HTML, table of
    contents, anchors, links to anchors, warnings)."""
    page, files = SimpleNamespace(file=_File("ml/page.md")), _Files()
    out = []
    for convert in (
        lambda: commonmark.convert(markdown, page, files, marks),
        lambda: commonmark._convert_tokens(
            markdown, page, files, marks, commonmark.Converted("", [], set())
        ),
    ):
        caplog.clear()
        with caplog.at_level(logging.WARNING, "mkdocs.plugins.site_builder"):
            done = convert()
        assert done is not None
        warnings = [record.getMessage() for record in caplog.records]
        links = {file.src_uri: anchors for file, anchors in done.links_to_anchors.items()}
        out.append((done.html, done.toc, done.anchors, links, warnings))
    return tuple(out)


MARKS = [
    commonmark.Marks(),
    commonmark.Marks("fr", "ltr", "Lien permanent", "en", (2, 3)),
]

WRITTEN = {
    "tight and loose lists": (
        "- a\n- b\n  - c\n  - d\n\n1. x\n\n2. y\n\n7. seven\n8. eight\n\n- \n- empty above\n"
    ),
    "blocks in tight list items": (
        "- text\n  > quote\n- text\n  # heading\n- text\n  <div>x</div>\n- text\n  ***\n"
        "- text\n  | a |\n  | - |\n  | 1 |\n"
    ),
    "blocks in loose list items": "- text\n\n  > quote\n- text\n\n  | a |\n  | - |\n  | 1 |\n",
    "blockquotes": "> a\n> b\n>\n> - x\n\n>\n\n> # h {#q}\n",
    "definition lists": (
        "Term\n:   one\n\nTerm 2\n\n:   loose\n\n    second\n\nT3\n:   a\n:   b\nT4\n"
        ":   - list\n    - in dd\n"
    ),
    "tables, aligned, short and long rows": (
        "| L | C | R | N |\n|:--|:-:|--:|---|\n| a *b* | `c|` | \\| | [x](y.md) |\n"
        "| short |\n| a | b | c | d | e |\n\n| only head |\n| --- |\n"
    ),
    "captions": (
        "A caption with *emphasis*\n{: .dr-caption }\n\n| a |\n| - |\n| 1 |\n\n"
        "Not a caption\n{: .other }\n\n| a |\n| - |\n\nCaption then text\n"
        "{: .dr-caption #cap }\n\ntext\n"
    ),
    "attribute lists": (
        'Para\n{: .a .b #c data-x="1 2" }\n\nTwo\nlines\n{:.x}\n\n'
        "- item\n\n  para in loose item\n  {: .z }\n"
    ),
    "headings: explicit ids, slugs made unique, closed, setext, empty": (
        "# Title {#t}\n\n## Same\n\n## Same\n\n### Same {#same}\n\n#### Closed ##\n\n"
        "##### With {#id} #####\n\nSetext {#st}\n===\n\nSetext two\n---\n\n"
        "## *em* and `code` & <b>html</b> {#x_y}\n\n## a &amp; b {#amp}\n\n## \\* star\n\n"
        "## [link](other.md#anchor) text\n\n######\n"
    ),
    "inline: escaping (quotes kept), entities, breaks, HTML": (
        'Some *em* **strong** ***both*** _u_ __uu__ `code <"&>` "quotes" \'single\' & &amp; '
        "&copy; &#65; &#x41; &nbsp; &bogus; < > \\* \\_ \\\\\nsoft  \nhard\\\nhard2 "
        "<span class=\"x\" title='t'>html</span> <!-- comment -->\n"
    ),
    "links: pages, anchors, titles, references, autolinks, images": (
        '[a](b.md) [a](b.md#c) [a](#top) [a](https://x.org/a?b=c&d=e "T&<\\"") '
        "[a](</with space.md>) [é](café.md) <https://auto.link/x?y> <me@mail.org> [ref][r] "
        '[r] ![img *alt* `c`](i.png "t") [![i](a.png)](b.md) [a](mailto:x@y.z) [a](/abs/path) '
        '[a](../up.md)\n\n[r]: ref.md#anchor "Ref title"\n'
    ),
    "links to missing pages and anchors": "[a](missing.md) [b](missing.md#x) [c](#nowhere)\n",
    "HTML blocks setting the language of headings": (
        '<section lang="ar" dir="rtl">\n\n## عنوان\n\n<div lang="en">\n\n## English {#en}\n\n'
        "</div>\n\n## بعد\n\n</section>\n\n## After\n\n<details>\n<summary>S</summary>\n\n"
        "text\n\n</details>\n\n<!-- comment\nblock -->\n"
    ),
    "indented code and rules": '    code <&">\n\na\n***\nb\n\n---\n\n___\n',
    "image descriptions": "![a &amp; b \\* c [link](x) <b>h</b>](x.png)\n",
    "nothing": "",
}


@pytest.mark.parametrize("marks", MARKS, ids=["default", "french-toc-depth"])
@pytest.mark.parametrize("markdown", list(WRITTEN.values()), ids=list(WRITTEN))
def test_tree_writes_what_markdown_it_py_writes(
    markdown: str, marks: commonmark.Marks, caplog: pytest.LogCaptureFixture
) -> None:
    assert tree.read(markdown).refused == ""
    written, expected = _both(markdown, marks, caplog)
    assert written == expected


def test_text_keeps_its_quotes_and_attributes_escape_them() -> None:
    read = tree.read('He said "yes" & [left](#x "a \\"title\\"")\n')
    assert "".join(read.pieces) == (
        '<p>He said "yes" &amp; <a href="#x" title="a &quot;title&quot;">left</a></p>\n'
    )


@pytest.mark.parametrize(
    ("markdown", "why"),
    [
        ("text \n{: .x }\n", "attribute list after spaces"),  # markdown-it-py keeps the space
        ("text  \n{: .x }\n", "attribute list after spaces"),
        ("text\n{: #my_id }\n", "attribute list"),  # `_` could close an emphasis before
        ("```\nfenced\n```\n", "fence"),
        ("a\r\nb\n", "line endings"),
    ],
)
def test_what_tree_does_not_reproduce_goes_to_markdown_it_py(
    markdown: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert tree.read(markdown).refused == why
    written, expected = _both(markdown, commonmark.Marks(), caplog)
    assert written == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "- <b>a</b> one\n- two\n{: .dr-legend }\n",  # a map's legend
        "1. a\n2. b [l](https://x.org)\n   {: .x #y data-k=v }\n\nafter\n",
    ],
)
def test_an_attribute_list_ending_a_list_item_is_set_on_it_as_python_markdown_does(
    markdown: str,
) -> None:
    """The hook's markdown-it-py path leaves these to Python-Markdown."""
    import markdown as python_markdown

    assert tree.read(markdown).refused == ""
    page = SimpleNamespace(file=_File("page.md"))
    converted = commonmark.convert(markdown, page, _Files())
    assert converted is not None
    extensions = ["attr_list", "def_list", "tables", "md_in_html"]
    assert converted.html == python_markdown.Markdown(extensions=extensions).convert(markdown)


@pytest.mark.parametrize(
    ("markdown", "why"),
    [
        ("## Heading {: .x }\n", tree.LEFTOVER),
        ("No space{: .y }\n", tree.LEFTOVER),
        ("- a\n- b\n{: hidden }\n", "attribute Python-Markdown writes its own way"),
        ("- a\n- b\n{: title='a&b' }\n", "attribute list"),
        ("- a\n  # h\n  c\n  {: .x }\n", "attribute list in a list item"),
    ],
)
def test_attribute_lists_neither_reader_places_go_to_python_markdown(
    markdown: str, why: str
) -> None:
    assert tree.read(markdown).refused == why
    page = SimpleNamespace(file=_File("page.md"))
    assert commonmark.convert(markdown, page, _Files()) is None


def test_without_markdown_it_pyrs_markdown_it_py_converts_every_page_the_same(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """As on Python 3.13 and later, for which markdown-it-pyrs 0.4 has no wheel."""
    markdown = "\n".join(WRITTEN.values())
    assert tree.read(markdown).refused == ""
    written, _ = _both(markdown, MARKS[1], caplog)
    monkeypatch.setattr(tree, "MarkdownIt", None)
    assert tree.read(markdown).refused == tree.UNAVAILABLE
    assert _both(markdown, MARKS[1], caplog) == (written, written)
