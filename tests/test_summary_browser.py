"""Roadmap pages open with the answer on a phone: on a 390 × 844 screen the summary table of
commitments starts within the first two screens, on every roadmap page of the contract
and example sites, in English and Arabic."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.load.validate import load_dataset
from tests.browser import ARGS, CHROMIUM, require_chromium, serve
from tests.conftest import CONTRACT, EXAMPLE

PHONE = {"width": 390, "height": 844}

# Where the summary table starts, from the top of the page, in CSS px.
TABLE_TOP = """() => {
  const table = document.querySelector('.dr-summary table');
  return table ? table.getBoundingClientRect().top + window.scrollY : null;
}"""


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def summary_tops(browser, site: Path, roadmaps: Path, lang: str) -> dict[str, float]:  # noqa: ANN001
    """The top of each roadmap page's summary table on the phone, by roadmap id (pages
    whose roadmap has commitments)."""
    dataset = load_dataset(roadmaps).dataset
    tops: dict[str, float] = {}
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        with serve(site) as url:
            for roadmap in dataset.roadmaps.values():
                if not roadmap.data.commitments:
                    continue
                page.goto(f"{url}/{lang}/{roadmap.id}/", wait_until="networkidle")
                tops[roadmap.id] = page.evaluate(TABLE_TOP)
    finally:
        context.close()
    return tops


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("which", ["contract", "example"])
def test_summary_table_is_within_the_first_two_phone_screens(
    browser, contract_site: Path, example_site: Path, which: str, lang: str
) -> None:
    site, roadmaps = (contract_site, CONTRACT) if which == "contract" else (example_site, EXAMPLE)
    tops = summary_tops(browser, site, roadmaps, lang)
    assert len(tops) >= (4 if which == "contract" else 10), tops
    late = {rid: top for rid, top in tops.items() if top is None or top >= 2 * PHONE["height"]}
    assert late == {}, f"summary table below two screens of {PHONE['height']} px: {late}"
