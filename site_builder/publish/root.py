"""Files at the root of the published site, above the language folders."""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from site_builder.format.model import Dataset
from site_builder.i18n.localise import direction, own_name
from site_builder.render.output import LanguageInfo


def write_root_files(dataset: Dataset, site: Path, site_url: str | None = None) -> None:
    """`RootFiles.of(dataset).write(site, site_url)`."""
    RootFiles.of(dataset).write(site, site_url)


@dataclass(frozen=True)
class RootFiles:
    """What the root files say of the site: taken from the roadmaps before they are let
    go, written once the languages are built."""

    site_name: str
    languages: tuple[LanguageInfo, ...]
    """The site's languages, the default language first."""

    @classmethod
    def of(cls, dataset: Dataset) -> RootFiles:
        default = dataset.default_language
        codes = sorted(dataset.languages, key=lambda code: code != default)
        title = dataset.site.title
        return cls(
            title.get(default) or next(iter(title.values())),
            tuple(LanguageInfo(code, own_name(code), direction(code)) for code in codes),
        )

    def write(self, site: Path, site_url: str | None = None) -> None:
        """`index.html` sends visitors to a language, by redirect or by plain links;
        `404.html` is the default language's, for servers that show the root one;
        `sitemap.xml` indexes every language's sitemap when the site's URL is known, and
        `robots.txt` lets every crawler in and names that index."""
        env = Environment(
            loader=PackageLoader("site_builder.publish", "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        languages = list(self.languages)
        default = languages[0].code
        page = env.get_template("root_index.html.j2").render(
            site_name=self.site_name,
            default=languages[0],
            languages=languages,
            codes=[lang.code for lang in languages],
            base=site_url or "",  # absolute links when the site's address is known
        )
        (site / "index.html").write_text(page, "utf-8")
        if site_url:
            entries = "".join(
                f"  <sitemap><loc>{html.escape(site_url)}{lang.code}/sitemap.xml</loc></sitemap>\n"
                for lang in languages
                if (site / lang.code / "sitemap.xml").is_file()
            )
            (site / "sitemap.xml").write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{entries}</sitemapindex>\n",
                "utf-8",
            )
        robots = "User-agent: *\nAllow: /\n"
        if site_url:
            robots += f"Sitemap: {site_url}sitemap.xml\n"
        (site / "robots.txt").write_text(robots, "utf-8")
        default_404 = site / default / "404.html"
        if default_404.is_file():
            shutil.copyfile(default_404, site / "404.html")
