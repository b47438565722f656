"""Raw HTML pasted into rich text: a warning naming the line and the Markdown to write
instead, and pages that show the text without the tags (never `&lt;br&gt;`)."""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.format.richtext import raw_html, without_tags
from tests.conftest import write_montreuil_summary

PASTED = (
    "  en: |\n"
    "    Many Montreuil residents come from the Yélimané circle.<br>See\n"
    '    <a href="https://example.org/yelimane">the circle\'s page</a>.<br/>Thanks.\n'
    "  ar: |\n"
    "    يأتي كثير من سكان مونتروي من دائرة يليماني.<br>شكرا\n"
)


def test_raw_html_is_a_warning_naming_the_line_and_the_markdown_to_write(roadmaps, run) -> None:
    data = roadmaps()
    lines = write_montreuil_summary(data, PASTED)
    br = next(n for n, line in enumerate(lines, 1) if "circle.<br>" in line)
    link = br + 1
    arabic = next(n for n, line in enumerate(lines, 1) if "يليماني.<br>" in line)
    result = run("validate", "--roadmaps", data)
    assert result.code == 0, result.err
    err = result.err
    assert re.search(
        rf"montreuil\.yml:{br}:\d+: warning: summary\.en: HTML <br> \(2 times\) is never "
        r"shown: this text is Markdown",
        err,
    ), err
    assert "hint: leave a blank line between paragraphs" in err
    assert re.search(rf'montreuil\.yml:{link}:5: warning: summary\.en: HTML <a href="', err)
    assert "hint: write a Markdown link: [the circle's page](https://example.org/yelimane)" in err
    assert re.search(rf"montreuil\.yml:{arabic}:\d+: warning: summary\.ar: HTML <br>", err)
    assert run("validate", "--strict", "--roadmaps", data).code == 1


def test_pages_show_rich_text_without_the_tags(roadmaps, run, tmp_path: Path) -> None:
    data = roadmaps()
    write_montreuil_summary(data, PASTED)
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    for language in ("en", "ar"):
        html = (site / language / "fr/montreuil/index.html").read_text("utf-8")
        assert "&lt;br" not in html and "&lt;a href" not in html and "&lt;/a" not in html
    english = (site / "en/fr/montreuil/index.html").read_text("utf-8")
    assert "Yélimané circle.\nSee\nthe circle's page.\nThanks.</p>" in english
    arabic = (site / "ar/fr/montreuil/index.html").read_text("utf-8")
    assert "يليماني.\nشكرا</p>" in arabic


def test_markdown_autolinks_and_comparisons_are_not_tags() -> None:
    text = "Fewer than 5 < 10 projects; see <https://example.org> or write <a@example.org>."
    assert raw_html(text) == []
    assert without_tags(text) == text


def test_a_paragraph_tag_keeps_the_words_apart() -> None:
    assert without_tags("<p>One.</p><p>Two.</p>") == "\nOne.\n\nTwo.\n"
    assert [t.name for t in raw_html("<p>One.</p><p>Two.</p><!-- note -->")] == ["p", "!--"]


CODE = "  en: |\n    Use `a <b> c` and ``x ` </script> y``, but <b>not this</b>.\n"


def test_tags_in_code_spans_are_shown_as_written_and_not_warned(roadmaps, run, tmp_path) -> None:
    """A code span shows what it holds as written: its tags are not HTML (outside check:
    `a <b> c` was shown as `a  c`, with a hint to write **bold**)."""
    assert [tag.text for tag in raw_html("`a <b> c` <i>x</i> \\`<br>`")] == ["<i>", "<br>"]
    assert without_tags("`a <b> c` and <b>d</b>") == "`a <b> c` and d"
    data = roadmaps()
    write_montreuil_summary(data, CODE)
    result = run("validate", "--roadmaps", data)
    assert result.code == 0, result.err
    assert "HTML <b> (2 times) is never shown" not in result.err
    assert "HTML <b> is never shown" in result.err and "HTML </script>" not in result.err
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    html = (site / "en/fr/montreuil/index.html").read_text("utf-8")
    assert "<code>a &lt;b&gt; c</code> and <code>x ` &lt;/script&gt; y</code>, but not this." in (
        html
    )


def test_a_tag_is_warned_where_it_is_not_where_a_code_span_shows_it(roadmaps, run) -> None:
    """Second outside check: the warning for `<b>` pointed at the one in a code span, two
    lines above the tag itself."""
    data = roadmaps()
    lines = write_montreuil_summary(
        data, "  en: |\n    Code one: `a <b> c` end.\n\n    Outside: a <b>bold</b> tag.\n"
    )
    tag_line = next(n for n, line in enumerate(lines, 1) if "Outside: a <b>" in line)
    result = run("validate", "--roadmaps", data)
    assert f"montreuil.yml:{tag_line}:16: warning: summary.en: HTML <b> is never shown" in (
        result.err
    )
