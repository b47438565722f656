"""Generated Markdown keeps its blocks apart: a line never runs into the next block.

Templates are rendered with `trim_blocks`, which eats the newline after a block tag; a
line of text that ends with a block tag (`…{% endfor %}`) therefore loses its line break
and joins the next line into one paragraph (an assessment's evidence ran into the next
assessment's heading). Every such line must keep its newline with `+%}`; the golden
trees cover the pages of the minimal and full sites with neighbours of every kind."""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.render.pages import Renderer
from tests.conftest import edit

TEMPLATES = Path(__file__).parent.parent / "site_builder" / "render" / "templates"
BLOCK_TAG = re.compile(r"\{%-?[^%]*?-?%\}")


def test_no_template_line_of_text_loses_its_line_break() -> None:
    offenders = []
    for template in sorted(TEMPLATES.glob("*.j2")):
        for number, line in enumerate(template.read_text("utf-8").splitlines(), start=1):
            stripped = line.rstrip()
            if not stripped.endswith("%}") or stripped.endswith("+%}"):
                continue
            if BLOCK_TAG.sub("", stripped).strip():  # text besides the tags
                offenders.append(f"{template.name}:{number}: {stripped[-60:]}")
    assert not offenders, "end these lines with `+%}`:\n" + "\n".join(offenders)


ASSESSMENTS = """\
        evidence:
          - https://example.org/reports/matching-fund-2009
      - date: 2010-06-30
        by: diaspora
        completion: substantial
        evidence:
          - https://example.org/reports/matching-fund-2010
      - date: 2011-06-30
        by: independent
        completion: complete
"""


def test_two_assessments_in_a_row_are_separate_paragraphs(roadmaps, run, tmp_path: Path) -> None:
    folder = roadmaps()
    edit(
        folder / "ml" / "country.yml",
        "        evidence:\n          - https://example.org/reports/matching-fund-2009\n",
        ASSESSMENTS,
    )
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", folder, "--site-dir", site).code == 0
    for language in ("en", "ar"):
        page = (site / language / "ml" / "index.html").read_text("utf-8")
        paragraphs = re.findall(r"<p>(.*?)</p>", page, re.DOTALL)
        evidence = [p for p in paragraphs if "matching-fund-20" in p and "<a " in p]
        assert len(evidence) == 2, evidence
        for paragraph in evidence:
            assert "2011" not in paragraph  # no date of the next assessment inside
        # Each assessment is its own folding section, headed by its date.
        summaries = re.findall(r"<summary>(.*?)</summary>", page, re.DOTALL)
        assert any("2011" in s for s in summaries) and any("2010" in s for s in summaries)


def test_every_page_of_a_full_site_keeps_evidence_apart(tmp_path: Path) -> None:
    """Sample roadmaps fill every field with two items of every list."""
    from site_builder.format.sample import write_sample
    from site_builder.load.validate import load_dataset
    from site_builder.views.context import SiteContext

    dataset = load_dataset(write_sample(tmp_path / "r", 2, 1, ("en", "ar"))).dataset
    assert dataset is not None
    renderer = Renderer(SiteContext.of(dataset), "ar", None)
    evidence = renderer.loc.gettext("Evidence") + ":"
    rendered = renderer.render()
    assert any(evidence in text for text in rendered.pages.values())
    for path, text in rendered.pages.items():
        lines = text.splitlines()
        for before, after in zip(lines, lines[1:], strict=False):
            if before.startswith(evidence):
                assert not after.strip() or after.startswith(":"), (path, before, after)
            if after.startswith("**"):  # an assessment's date starts a paragraph
                assert not before.strip(), (path, before, after)
