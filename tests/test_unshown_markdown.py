"""Markdown that the site does not show as written (images, links to other than http, https
or mailto addresses, headings, rules, code blocks, tables, lists that do not start at 1,
link definitions nothing uses): a warning at the line and column of the construct, with
what to write instead, derived from what the renderer does."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.format import richhtml, unshown
from site_builder.format.fields import texts
from site_builder.format.model import RichText
from site_builder.format.richhtml import rich_html
from site_builder.format.unshown import may_hold_unshown, unshown_markdown
from site_builder.load.validate import load_dataset
from tests.conftest import CONTRACT, EXAMPLE, write_montreuil_summary


@pytest.fixture(autouse=True)
def _no_cache() -> None:
    rich_html.cache_clear()


def _only(text: str) -> unshown.Unshown:
    found = unshown_markdown(text)
    assert len(found) == 1, found
    return found[0]


def _text_of(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html)


# (text, kind, in the message, in the hint, line and column of the construct in the text)
CASES = {
    "image": (
        "See ![img](https://evil.example/x.png) here.",
        "image",
        "image ![img](https://evil.example/x.png) is never shown, ",
        "link to it instead: [img](https://evil.example/x.png)",
        (0, 4),
    ),
    "image_by_reference": (
        "See ![a map][map].\n\n[map]: https://example.org/map.png",
        "image",
        "its text 'a map'",
        "[a map](https://example.org/map.png)",
        (0, 4),
    ),
    "image_in_a_link": (
        "[![Kayes](https://example.org/k.png)](https://example.org)",
        "image",
        "its text 'Kayes'",
        "link to it instead",
        (0, 1),
    ),
    "javascript_link": (
        "Text\nand [click](javascript:alert(3)) more.",
        "link shown as written",
        "link [click](javascript:alert(3)) is not shown as a link: the page shows it as written",
        "only http, https and mailto links are shown: [click](https://…)",
        (1, 4),
    ),
    "javascript_link_in_capitals": (
        "[click](JAVASCRIPT:alert(3))",
        "link shown as written",
        "shows it as written",
        "only http, https and mailto links are shown",
        (0, 0),
    ),
    "data_link": (
        "[page](data:text/html,hi)",
        "link shown as written",
        "shows it as written",
        "[page](https://…)",
        (0, 0),
    ),
    "vbscript_link": (
        "- [v](vbscript:msgbox)",
        "link shown as written",
        "shows it as written",
        "[v](https://…)",
        (0, 2),
    ),
    "javascript_autolink": (
        "Go <javascript:alert(1)>",
        "link shown as written",
        "link <javascript:alert(1)> is not shown as a link",
        "only http, https and mailto links are shown: <https://…>",
        (0, 3),
    ),
    "javascript_link_by_reference": (
        "[click][x]\n\n[x]: javascript:alert(1)",
        "link shown as written",
        "link [click][x] is not shown as a link",
        "[click](https://…)",
        (0, 0),
    ),
    "telephone_link": (
        "Call [the office](tel:+33123456).",
        "link shown as text",
        "the page shows only its text 'the office'",
        "only http, https and mailto links are shown: [the office](https://…)",
        (0, 5),
    ),
    "ftp_link": (
        "> [files](ftp://example.org/)",
        "link shown as text",
        "only its text 'files'",
        "[files](https://…)",
        (0, 2),
    ),
    "link_to_another_host_without_scheme": (
        "[p](//evil.example/)",
        "link shown as text",
        "only its text 'p'",
        "https",
        (0, 0),
    ),
    "heading": (
        "Intro.\n\n## Results\n\nText.",
        "heading",
        "heading '## Results' is shown as plain text: rich text has no headings",
        "write it in bold on a line of its own: **Results**",
        (2, 0),
    ),
    "underlined_heading": (
        "Results\n=======\n\nText.",
        "heading",
        "heading 'Results' is shown as plain text",
        "remove the line of === under it",
        (0, 0),
    ),
    "line_of_dashes_under_text": (
        "First part.\n---\nSecond part.",
        "heading",
        "heading 'First part.' is shown as plain text",
        "remove the line of --- under it",
        (0, 0),
    ),
    "horizontal_rule": (
        "First part.\n\n* * *\n\nSecond part.",
        "rule",
        "horizontal rule '* * *' is never shown",
        "leave a blank line between paragraphs",
        (2, 0),
    ),
    "fenced_code": (
        "Run:\n\n```sh\nmake site\nmake test\n```",
        "code",
        "code block '```sh' is not shown as a block: its lines run together",
        "between single backticks",
        (2, 0),
    ),
    "indented_code": (
        "A paragraph.\n\n    indented by mistake",
        "code",
        "code block 'indented by mistake' is not shown as a block",
        "remove the spaces at the start of the line",
        (2, 4),
    ),
    "table": (
        "Wells:\n\n| village | wells |\n| --- | --- |\n| Kayes | 12 |",
        "table",
        "table '| village | wells |' is not shown as a table: its rows run together",
        "write each row as an item of a list",
        (2, 0),
    ),
    "numbered_list_from_3": (
        "3. three\n4. four",
        "list start",
        "numbered list starting at 3 is numbered from 1 on the site",
        "start it at 1",
        (0, 0),
    ),
    "line_starting_with_a_year": (
        "2007. The town signs the agreement.",
        "list start",
        "numbered list starting at 2007 is numbered from 1",
        "write a backslash before the full stop: 2007\\. …",
        (0, 0),
    ),
    "unused_link_definition": (
        "The plan.\n\n[plan]: https://example.org/plan",
        "definition",
        "link definition '[plan]: https://example.org/plan' is never shown: nothing in the "
        "text links to [plan]",
        "link to it in the text with [plan], or remove the line",
        (2, 0),
    ),
}


@pytest.mark.parametrize(("text", "kind", "message", "hint", "place"), CASES.values(), ids=CASES)
def test_markdown_the_site_does_not_show_is_warned_where_it_is_with_what_to_write(
    text: str, kind: str, message: str, hint: str, place: tuple[int, int]
) -> None:
    found = _only(text)
    assert found.kind == kind
    assert message in found.message, found.message
    assert hint in found.instead, found.instead
    assert (found.line, found.column) == place
    assert text.split("\n")[found.line][found.column :].startswith(found.near)


def _image(alt: str) -> Callable[[str], bool]:
    """The image is not shown, and its text is shown if and only if the warning says so."""

    def rendered(html: str) -> bool:
        kept = alt in _text_of(html)
        text = _only(next(c[0] for c in CASES.values() if f"[{alt}]" in c[0]))
        said = f"only its text '{alt}'" if kept else f"nor its text '{alt}'"
        return "<img" not in html and said in text.message

    return rendered


# What the renderer does to each case: the warnings say no more than what it drops or alters.
RENDERED = {
    "image": _image("img"),
    "image_by_reference": _image("a map"),
    "image_in_a_link": _image("Kayes"),
    "javascript_link": lambda html: "[click](javascript:alert(3))" in html and "<a" not in html,
    "javascript_link_in_capitals": lambda html: "<a" not in html,
    "data_link": lambda html: "[page](data:" in html and "<a" not in html,
    "vbscript_link": lambda html: "[v](vbscript:msgbox)" in html,
    "javascript_autolink": lambda html: "&lt;javascript:alert(1)&gt;" in html,
    "javascript_link_by_reference": lambda html: "[click][x]" in html and "<a" not in html,
    "telephone_link": lambda html: "<a rel" in html and "href" not in html,
    "ftp_link": lambda html: "href" not in html and "files" in html,
    "link_to_another_host_without_scheme": lambda html: "href" not in html,
    "heading": lambda html: "<h" not in html.replace("<hr", "") and "Results" in html,
    "underlined_heading": lambda html: "<h1" not in html and "Results\n<p>" in html,
    "line_of_dashes_under_text": lambda html: "<h2" not in html and "---" not in html,
    "horizontal_rule": lambda html: "<hr" not in html and "*" not in html,
    "fenced_code": lambda html: "<pre" not in html and "<code>make site\nmake test" in html,
    "indented_code": lambda html: "<pre" not in html and "<code>" in html,
    "table": lambda html: "<table" not in html and "| village | wells |\n| ---" in html,
    "numbered_list_from_3": lambda html: "<ol>" in html and "3" not in html,
    "line_starting_with_a_year": lambda html: "2007" not in html,
    "unused_link_definition": lambda html: "example.org/plan" not in html,
}


@pytest.mark.parametrize("case", CASES)
def test_each_warning_says_what_the_renderer_does(case: str) -> None:
    html = rich_html(CASES[case][0])
    assert RENDERED[case](html), html


VALID = {
    "sentences": "Residents of Lyon who come from Mali run projects. The town co-finances them.",
    "emphasis_and_code": "*wells*, **schools**, `code ![x](y) [a](javascript:b)` and a_b_c",
    "lists": "The fund pays for:\n- wells\n- schools\n\n1. ask\n2. listen\n   - act\n",
    "links": "See [the plan](https://example.org/plan), [write](mailto:a@example.org), "
    "[about](/about/), [top](#top), <https://example.org> and <a@example.org>.",
    "link_by_reference": "See [the plan][p] and [p].\n\n[p]: https://example.org/plan",
    "quote_and_line_break": "> Quoted\n> text.\n\nLine one  \nline two\\\nline three",
    "escaped_markdown": "\\![not an image](x.png), \\# not a heading, 2007\\. a year",
    "raw_address": "See https://example.org/plan for more.",
    "dashes_and_numbers": "2005-2010: 12 wells - 3 schools; 40 % = 1.5 M€.\nA *b* c *d*\n",
    "nested_list_indented": "- one\n\n    more about one\n- two",
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID)
def test_valid_rich_text_gets_no_warning(text: str) -> None:
    assert unshown._unshown(text) == []
    assert unshown_markdown(text) == []


def test_each_construct_is_warned_at_its_place_and_repeats_are_counted() -> None:
    """Different links of the same kind each get their own warning and position (a
    `data:` link after a `javascript:` one is named too); the same one again is counted."""
    found = unshown_markdown(
        "![a](https://x.example/a.png) [t](tel:1)\n\n![a](https://x.example/a.png) [u](tel:2) "
        "[w](javascript:x) [d](data:text/html,x)"
    )
    assert [(f.kind, f.line, f.column, f.count) for f in found] == [
        ("image", 0, 0, 2),
        ("link shown as text", 0, 30, 1),
        ("link shown as text", 2, 30, 1),
        ("link shown as written", 2, 41, 1),
        ("link shown as written", 2, 59, 1),
    ]
    assert found[0].message.startswith("image ![a](https://x.example/a.png) (2 times) is never")
    assert found[3].message.startswith("link [w](javascript:x) is not shown as a link")
    assert found[4].message.startswith("link [d](data:text/html,x) is not shown as a link")


def test_warnings_follow_what_the_renderer_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "# Title\n\n![map](https://example.org/map.png)\n\n---\n\n```\ncode\n```"
    assert [f.kind for f in unshown_markdown(text)] == ["heading", "image", "rule", "code"]
    monkeypatch.setattr(
        richhtml, "ALLOWED_TAGS", richhtml.ALLOWED_TAGS | {"h1", "img", "hr", "pre"}
    )
    assert unshown_markdown(text) == []
    monkeypatch.undo()
    # Were the renderer to show an image's text in its place, the warning would say so.
    monkeypatch.setattr(richhtml, "rich_html", lambda source: "<p>Zqxj</p>")
    assert "is never shown, only its text 'map'" in unshown_markdown(text)[1].message


_PIECES = [
    *"[]()!<>`\\:#-*=|/ \t\na",
    *("\n\n", "    ", "1.", "3)", "//", "x.png", '"t"', "&#x61;", "https://a.b", "mailto:a@b"),
    *("javascript:x", "tel:1"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_texts_the_quick_filter_lets_through_unparsed_would_get_no_warning(text: str) -> None:
    if not may_hold_unshown(text):
        assert unshown._unshown(text) == []


def test_every_case_passes_the_quick_filter() -> None:
    for text, *_ in CASES.values():
        assert may_hold_unshown(text), text


@pytest.mark.parametrize(
    "source",
    [
        "![a](b)" * 2800,
        "[a](javascript:b)" * 1100,
        "# h\n" * 5000,
        "|a|\n|-|\n" * 2000,
        "-" * 19999 + "x",
        " -" * 9999 + "x",
        "[a](" * 5000,
        "=\n" * 10000,
    ],
)
def test_hostile_rich_text_is_checked_in_bounded_time(source: str) -> None:
    started = time.perf_counter()
    unshown_markdown(source)
    assert time.perf_counter() - started < 3  # a generous bound on a shared machine


@pytest.mark.parametrize("folder", [EXAMPLE, CONTRACT], ids=["example", "contract"])
def test_the_example_and_contract_sites_get_no_markdown_warning(folder: Path) -> None:
    dataset = load_dataset(folder).dataset
    assert dataset is not None
    checked = 0
    for roadmap in dataset.roadmaps.values():
        for _, text in texts(roadmap.data):
            if isinstance(text, RichText):
                for value in text.values():
                    assert unshown_markdown(value) == [], value
                    checked += 1
    assert checked > 10


WRITTEN = (
    "  en: |\n"
    "    Many Montreuil residents come from the Yélimané circle in Mali.\n"
    "    See ![img](https://evil.example/x.png) and [click](javascript:alert(3)).\n"
    "\n"
    "    ## Results\n"
)


def test_validate_warns_at_the_line_and_column_of_each_construct(roadmaps, run) -> None:
    data = roadmaps()
    lines = write_montreuil_summary(data, WRITTEN)
    see = next(n for n, line in enumerate(lines, 1) if "See ![img]" in line)
    heading = next(n for n, line in enumerate(lines, 1) if "## Results" in line)
    result = run("validate", "--roadmaps", data)
    assert result.code == 0, result.err
    err = result.err
    assert re.search(
        rf"montreuil\.yml:{see}:9: warning: summary\.en: image "
        r"!\[img\]\(https://evil\.example/x\.png\) is never shown, (nor|only) its text 'img'",
        err,
    ), err
    assert "hint: link to it instead: [img](https://evil.example/x.png)" in err
    assert (
        f"montreuil.yml:{see}:48: warning: summary.en: link [click](javascript:alert(3)) is "
        "not shown as a link: the page shows it as written" in err
    ), err
    assert "hint: only http, https and mailto links are shown: [click](https://…)" in err
    assert f"montreuil.yml:{heading}:5: warning: summary.en: heading '## Results'" in err
    assert run("validate", "--strict", "--roadmaps", data).code == 1


def test_the_page_keeps_an_images_text_or_the_warning_says_it_is_dropped(
    roadmaps, run, tmp_path: Path
) -> None:
    data = roadmaps()
    write_montreuil_summary(data, WRITTEN)
    site = tmp_path / "site"
    result = run("build", "--roadmaps", data, "--site-dir", site)
    assert result.code == 0, result.err
    page = (site / "en/fr/montreuil/index.html").read_text("utf-8")
    assert "evil.example" not in page and "javascript:alert" not in page.replace(
        "[click](javascript:alert(3))", ""
    )
    shown = _text_of(page[page.index("Yélimané circle in Mali.") :])
    text_kept = re.search(r"See\s+img\s+and", shown) is not None
    said = "only its text 'img'" if text_kept else "nor its text 'img'"
    assert f"is never shown, {said}" in result.err, result.err
    # The link to javascript: is shown as written, and said so.
    assert "[click](javascript:alert(3))" in page
    assert "the page shows it as written" in result.err
