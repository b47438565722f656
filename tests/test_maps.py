"""The twinning map: country outlines, towns placed by their location, arcs grouped by
diaspora, numbered markers that never overlap, and warnings for towns it cannot place."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from site_builder.format.model import Invalid, Location
from site_builder.render import maps
from tests.conftest import edit
from tests.test_contract_site import page

MONTREUIL, YELIMANE, COTTBUS = "48.8617, 2.4422", "15.12, -10.57", "51.7563, 14.3329"


def test_locations_are_read_and_checked() -> None:
    montreuil = Location.parse(MONTREUIL)
    assert (montreuil.latitude, montreuil.longitude) == (48.8617, 2.4422)
    assert Location.parse("-33.9,18.4").longitude == 18.4
    for wrong, words in (("95, 3", "latitude 95.0"), ("10, 190", "longitude 190.0")):
        with pytest.raises(Invalid, match=words):
            Location.parse(wrong)
    with pytest.raises(Invalid, match="not a valid location"):
        Location.parse("Paris")


def test_outlines_are_natural_earth_countries() -> None:
    rings = maps._outlines()
    assert len(rings) > 250
    # Every point is a longitude and a latitude.
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for ring in rings for lon, lat in ring)


def test_markers_never_overlap_and_close_towns_share_one() -> None:
    places = [
        maps.Place("paris", 48.86, 2.35),
        maps.Place("montreuil", 48.86, 2.44),  # a few km away: one marker with Paris
        maps.Place("bamako", 12.64, -8.0),
        maps.Place("kayes", 14.45, -11.44),
        maps.Place("dakar", 14.72, -17.47),
    ]
    arcs = [maps.Arc("montreuil", "kayes", 0), maps.Arc("paris", "dakar", 1)]
    plan = maps.layout(places, arcs)
    assert plan.marker_of["paris"] is plan.marker_of["montreuil"]
    assert [m.number for m in plan.markers] == list(range(1, len(plan.markers) + 1))
    for i, a in enumerate(plan.markers):
        for b in plan.markers[i + 1 :]:
            assert math.hypot(a.x - b.x, a.y - b.y) >= 2 * maps.MARKER
        assert 0 <= a.x <= plan.width and 0 <= a.y <= plan.height
    assert len(plan.arcs) == 2
    svg = maps.draw(plan, "Map", {m.number: str(m.number) for m in plan.markers})
    assert svg.count('class="dr-town"') == len(plan.markers)
    assert 'stroke-dasharray="8 4"' in svg  # the second diaspora's lines are dashed
    assert 'direction="ltr"' in svg and "dr-land" in svg
    with pytest.raises(ValueError):
        maps.layout([], [])


def test_the_twinning_page_draws_a_map_of_located_towns(roadmaps, run, tmp_path) -> None:
    data = roadmaps()
    edit(
        data / "fr/montreuil.yml",
        "kind: municipality\n",
        f"kind: municipality\nlocation: {MONTREUIL}\n",
    )
    edit(
        data / "fr/montreuil.yml",
        "      country: DE\n",
        f"      country: DE\n      location: {COTTBUS}\n",
    )
    site = tmp_path / "site"
    result = run("build", "--roadmaps", data, "--site-dir", site)
    assert result.code == 0
    # Yélimané has no location: a warning names it, and the page does too.
    assert re.search(
        r"ml/yelimane\.yml:\d+:\d+: warning: name: Yélimané circle has no location", result.err
    )
    html = page(site, "en/twinning")
    figure = html.split('<figure class="dr-figure dr-map-figure">', 1)[1].split("</figure>", 1)[0]
    assert figure.count('class="dr-town"') == 2 and figure.count('class="dr-land"') > 5
    assert figure.count('class="dr-arc"') == 1  # Montreuil–Cottbus; Yélimané is not placed
    assert "Not on the map, as no location is given:" in html and "Yélimané circle" in html
    edit(data / "ml/yelimane.yml", "kind: district\n", f"kind: district\nlocation: {YELIMANE}\n")
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    html = page(site, "ar/twinning")
    figure = html.split('<figure class="dr-figure dr-map-figure">', 1)[1].split("</figure>", 1)[0]
    assert figure.count('class="dr-town"') == 3 and figure.count('class="dr-arc"') == 2
    assert "Not on the map" not in html


def test_a_site_without_locations_has_no_map_and_no_warnings(contract_site: Path, run) -> None:
    assert "dr-map" not in page(contract_site, "en/twinning")
    assert "no location" not in run("validate", "--roadmaps", "tests/fixtures/contract").err


def test_the_example_site_maps_every_town(example_site: Path) -> None:
    html = page(example_site, "en/twinning")
    assert html.count('class="dr-town"') >= 4 and "Not on the map" not in html
