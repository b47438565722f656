"""The twinning map: country outlines, towns placed by their location, arcs grouped by
diaspora, numbered markers that never overlap, and warnings for towns it cannot place."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from site_builder.format.model import Invalid, Location
from site_builder.load import gazetteer
from site_builder.load.validate import load_dataset
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
    with pytest.raises(Invalid) as both:  # both coordinates told in one run
        Location.parse("95, 200")
    assert both.value.message == "latitude 95.0 is out of range; longitude 200.0 is out of range"
    assert both.value.hint == "latitude goes from -90 to 90; longitude goes from -180 to 180"


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
    numbers = {m.number: str(m.number) for m in plan.markers}
    svg = maps.draw(plan, "Map", numbers, land="../assets/land.svg")
    assert svg.count('class="dr-town"') == len(plan.markers) and _arcs(svg) == 2
    assert 'stroke-dasharray="8 4"' in svg  # the second diaspora's lines are dashed
    assert 'direction="ltr"' in svg and 'href="../assets/land.svg#land"' in svg
    # Without the outlines' address, the map is drawn without them, readable all the same.
    bare = maps.draw(plan, "Map", numbers)
    assert "dr-land" not in bare and bare.count('class="dr-town"') == len(plan.markers)


def test_the_outlines_are_one_file_every_panel_draws_through_use() -> None:
    """The outlines are written once (`land_file`), every ring of Natural Earth in it, and
    a map draws them through `<use>` in a viewport per panel showing the panel's view, so
    that no page carries outlines of its own."""
    land = maps.land_file()
    assert land.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and land.count("<path") == 1
    rings = len(maps._outlines())  # all but specks smaller than a hundredth of a degree
    assert 'id="land"' in land and rings - 3 < land.count("M") <= rings
    assert 40_000 < len(land.encode()) < 80_000
    places = [
        maps.Place("montreuil", 48.86, 2.44),
        maps.Place("cottbus", 51.76, 14.33),
        maps.Place("yelimane", 15.12, -10.57),
        maps.Place("dakar", 14.72, -17.47),
    ]
    regions = {"montreuil": "Europe", "cottbus": "Europe", "yelimane": "Africa", "dakar": "Africa"}
    plan = maps.layout(places, [maps.Arc("montreuil", "yelimane", 0)], regions)
    svg = maps.draw(plan, "Map", {m.number: str(m.number) for m in plan.markers}, land="x.svg")
    viewports = re.findall(r'<svg x="0" y="([\d.]+)"[^>]* viewBox="([^"]+)"[^>]*>', svg)
    assert (
        len(viewports) == len(plan.panels) == svg.count('<use class="dr-land" href="x.svg#land"/>')
    )
    for (top, view), panel in zip(viewports, plan.panels, strict=True):
        west, south, east, north = panel.view
        x, y, width, height = map(float, view.split())
        assert float(top) == round(panel.top, 1)
        assert (x, y) == (round(west * 100, 1), round(-north * 100, 1))
        assert (width, height) == (round((east - west) * 100, 1), round((north - south) * 100, 1))
    assert '<path class="dr-land"' not in svg and len(svg.encode()) < 3000
    with pytest.raises(ValueError):
        maps.layout([], [])


def test_regions_get_panels_of_their_own_when_one_map_would_merge_towns() -> None:
    france = [maps.Place(f"fr-{i}", 45 + i * 0.7, 2.2 + i * 0.4) for i in range(6)]
    africa = [maps.Place("kayes", 14.45, -11.44), maps.Place("dakar", 14.72, -17.47)]
    regions = {p.key: "Europe" for p in france} | {p.key: "Africa" for p in africa}
    arcs = [maps.Arc("fr-0", "kayes", 0), maps.Arc("fr-5", "dakar", 1)]
    plan = maps.layout(france + africa, arcs, regions)
    assert [p.title for p in plan.panels] == ["Europe", "Africa"]  # north first
    europe, africa_panel = plan.panels
    # Zoomed in on France, its six towns get three markers or more, not one.
    assert len({id(plan.marker_of[p.key]) for p in france}) >= 3
    for marker in plan.markers:
        panel = europe if marker.keys[0].startswith("fr-") else africa_panel
        assert panel.top <= marker.y <= panel.top + panel.height  # never in a title band
    assert [m.number for m in plan.markers] == list(range(1, len(plan.markers) + 1))
    assert len(plan.arcs) == 2  # from one panel to the other
    svg = maps.draw(plan, "Map", {m.number: str(m.number) for m in plan.markers})
    assert svg.count('class="dr-panel-title"') == 2 and svg.count('class="dr-sea"') == 2
    # Towns that one map shows apart stay in one panel, whatever their regions.
    apart = maps.layout(africa + france[:1], arcs, regions)
    assert [p.title for p in apart.panels] == [None]


def test_a_crowded_marker_gets_an_enlarged_panel_where_its_towns_are_apart() -> None:
    # Eight towns around Paris, a few km apart: one marker at the scale of Europe.
    paris = [maps.Place(f"idf-{i}", 48.7 + (i % 4) * 0.08, 2.2 + (i // 4) * 0.12) for i in range(8)]
    lyon = maps.Place("lyon", 45.76, 4.84)
    africa = [maps.Place("kayes", 14.45, -11.44), maps.Place("dakar", 14.72, -17.47)]
    regions = {p.key: "Europe" for p in [*paris, lyon]} | {p.key: "Africa" for p in africa}
    arcs = [maps.Arc("idf-0", "kayes", 0), maps.Arc("lyon", "dakar", 1)]
    plan = maps.layout(
        [*paris, lyon, *africa], arcs, regions, lambda region, key: f"{region}: {key}"
    )
    titles = [p.title for p in plan.panels]
    assert titles[:2] == ["Europe", "Africa"] and titles[2].startswith("Europe: idf-")
    europe, _, enlarged = plan.panels
    assert len(europe.frames) == 1 and europe.frames[0] == enlarged.view
    assert len({id(plan.marker_of[p.key]) for p in paris}) >= 4  # apart when enlarged
    for p in paris:
        assert enlarged.top <= plan.marker_of[p.key].y <= enlarged.top + enlarged.height
    # The arc of a town of the enlarged panel starts from its frame, in Europe's panel.
    start = next(a for a, b, _ in plan.arcs if "idf-0" in a.keys or "idf-0" in b.keys)
    assert europe.top <= start.y <= europe.top + europe.height and start.number == 0
    svg = maps.draw(plan, "Map", {m.number: str(m.number) for m in plan.markers}, rtl=True)
    assert svg.count('class="dr-frame"') == 1 and svg.count('direction="rtl"') == 3


def test_the_gazetteer_matches_names_in_any_language_accents_and_case() -> None:
    montreuil = gazetteer.find(["MONTREUIL-SOUS-BOIS"], "fr")
    assert montreuil and montreuil.place.name == "Montreuil" and not montreuil.rivals
    # Six other places of France are called Montreuil: the most populous is taken, silently.
    assert abs(montreuil.place.latitude - 48.864) < 0.01
    assert gazetteer.find(["Luik"], "BE").place.name == "Liège"  # its Dutch name
    yelimane = gazetteer.find(["Yélimané circle", "Cercle de Yélimané"], "ML")
    assert yelimane and yelimane.place.name == "Yélimané"  # without its title
    assert gazetteer.find(["Montreuil"], "DE") is None  # only within the town's country
    assert gazetteer.find(["Nowhereville"], "FR") is None


def test_an_ambiguous_name_takes_the_most_populous_and_names_the_others() -> None:
    clichy = gazetteer.find(["Clichy"], "FR")
    assert clichy.place.name == "Clichy"
    assert [p.name for p in clichy.rivals] == ["Clichy-sous-Bois"]
    salamanca = gazetteer.find(["Salamanca"], "ES")
    assert salamanca.place.population > salamanca.rivals[0].population > 100_000


def test_the_contract_site_is_placed_by_the_gazetteer(contract_site: Path, run) -> None:
    # No town of the contract's roadmaps has a location: all three are found by name.
    figure = _map(page(contract_site, "en/twinning"))
    assert figure.count('class="dr-town"') == 3 and _arcs(figure) == 2
    html = page(contract_site, "fr/twinning")
    assert "Not on the map" not in html and "d'après" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html  # GeoNames' licence
    assert "twinning map" not in run("validate", "--roadmaps", "tests/fixtures/contract").err


def test_a_written_location_wins_over_the_gazetteer(roadmaps) -> None:
    data = roadmaps()
    edit(data / "fr/montreuil.yml", "kind: municipality\n", "kind: municipality\nlocation: 47, 3\n")
    places = load_dataset(data).dataset.places
    assert places["fr/montreuil"] == "47, 3"
    assert places["ml/yelimane"].startswith("15.11")  # the gazetteer's, for the others
    assert places[gazetteer.external_key(_cottbus())].startswith("51.75")


def _cottbus():  # noqa: ANN202
    from site_builder.format.model import Country, ExternalPartner, Name

    return ExternalPartner(name=Name({"en": "Cottbus"}), country=Country("DE"))


def test_a_town_that_cannot_be_placed_is_warned_and_listed(roadmaps, run, tmp_path) -> None:
    data = roadmaps()
    edit(data / "fr/montreuil.yml", "      name: Cottbus\n", "      name: Nowhereville\n")
    site = tmp_path / "site"
    result = run("build", "--roadmaps", data, "--site-dir", site)
    assert result.code == 0
    line = (data / "fr/montreuil.yml").read_text().splitlines().index(
        "      name: Nowhereville"
    ) + 1
    assert re.search(
        rf"fr/montreuil\.yml:{line}:\d+: warning: twinning\[1\]\.partner: Nowhereville could "
        r"not be placed on the twinning map: it has no location, and GeoNames has no place",
        result.err,
    ), result.err
    html = page(site, "ar/twinning")
    assert _map(html).count('class="dr-town"') == 2
    assert "Nowhereville" in html.split('class="dr-unplaced"')[1].split("</p>")[0]


def test_an_ambiguous_town_is_placed_and_warned(roadmaps, run, tmp_path) -> None:
    data = roadmaps()
    edit(
        data / "fr/montreuil.yml",
        "      name: Cottbus\n      country: DE\n",
        "      name: Salamanca\n      country: ES\n",
    )
    result = run("validate", "--roadmaps", data)
    assert re.search(
        r"fr/montreuil\.yml:\d+:\d+: warning: twinning\[1\]\.partner: Salamanca is the name "
        r"of several places in ES: Salamanca \(40\.4\d*, -3\.6\d*, population 147707\), "
        r"Salamanca \(40\.96\d*, -5\.66\d*, population 144825\); the map shows the first",
        result.err,
    ), result.err
    assert "add `location: LATITUDE, LONGITUDE` to say which" in result.err


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
    edit(data / "ml/yelimane.yml", "kind: district\n", f"kind: district\nlocation: {YELIMANE}\n")
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    html = page(site, "ar/twinning")
    figure = _map(html)
    assert figure.count('class="dr-town"') == 3 and _arcs(figure) == 2
    # The outlines come from the language's one shared file, by a relative address.
    assert '<use class="dr-land" href="../assets/land.svg#land"/>' in figure
    assert (site / "ar" / "assets" / "land.svg").read_text("utf-8") == maps.land_file()
    home = page(site, "ar")
    assert '<use class="dr-land" href="assets/land.svg#land"/>' in home
    assert "Not on the map" not in html and "geonames.org" not in html  # all written


def _arcs(svg: str) -> int:
    """How many arcs an SVG draws (each a quadratic curve, in one path per diaspora)."""
    return sum(d.count("Q") for d in re.findall(r'class="dr-arc[^"]*" d="([^"]*)"', svg))


def _map(html: str) -> str:
    return html.split('<figure class="dr-figure dr-map-figure">', 1)[1].split("</figure>", 1)[0]


def test_the_example_site_maps_every_town(example_site: Path) -> None:
    html = page(example_site, "en/twinning")
    assert html.count('class="dr-town"') >= 4 and "Not on the map" not in html


def test_the_map_plan_holds_each_town_once_and_an_arc_per_link() -> None:
    """`views.twinning_map.map_plan` gathers what a map shows, in no language: each end of
    the links once (in the order the links reach them), the located ones as places, an arc
    per link patterned by its diaspora, and the continent of each town; the render stage
    only names and lays them out."""
    from site_builder.views.across import Views
    from site_builder.views.twinning_map import map_plan
    from tests.conftest import EXAMPLE

    dataset = load_dataset(EXAMPLE).dataset
    assert dataset is not None
    views = Views(dataset)
    plan = map_plan(views)
    assert len(plan.arcs) == len(views.links) > 2
    ends = [
        key
        for link in views.links
        for key in (link.first, link.second or gazetteer.external_key(link.external))
    ]
    assert list(plan.ends) == list(dict.fromkeys(ends))
    assert [p.key for p in plan.places] == list(plan.ends)  # the example locates every town
    assert plan.ends["fr/lille"].continent == "150"  # Europe
    assert plan.ends["ml/kayes"].continent == "002"  # Africa
    assert plan.ends["external:AE:dubai"].roadmap is None  # a partner without a roadmap
    assert all(0 <= arc.group < len(plan.groups) for arc in plan.arcs)
    first = map_plan(views, views.links[:1])
    assert len(first.arcs) == 1 and len(first.ends) == 2
