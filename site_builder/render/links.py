"""Template helpers for links: paths of generated pages, relative links between them,
anchors, links out of the site.

Links between pages are written as Markdown links to source paths, so that the engine
checks them (anchors included); links out pass `safe_href`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from markupsafe import Markup

from site_builder.format.model import ExternalPartner, RoadmapFile
from site_builder.format.paths import path_name, slug
from site_builder.format.richhtml import safe_href
from site_builder.render.markup import escape_attribute, escape_text
from site_builder.render.text import TextHelpers


def page_path(roadmap_id: str) -> str:
    """The Markdown source of a roadmap page: `ml/index.md` or `ml/yelimane.md` (a very
    long slug is shortened, see `path_name`)."""
    if "/" not in roadmap_id:
        return f"{roadmap_id}/index.md"
    country, slug = roadmap_id.split("/", 1)
    return f"{country}/{path_name(slug)}.md"


def outcome_path(outcome_id: str, number: int = 1) -> str:
    """An outcome's page, `outcomes/water.md`; a long list of commitments continues on
    numbered pages in the outcome's own folder, `outcomes/water/page-2.md`, so that no
    outcome id can name another outcome's page."""
    name = path_name(outcome_id)
    return f"outcomes/{name}.md" if number == 1 else f"outcomes/{name}/page-{number}.md"


def data_path(roadmap_id: str) -> str:
    """A roadmap's open-data file under `data/`: `roadmaps/ml.json`, `roadmaps/ml/kayes.json`."""
    country, _, slug = roadmap_id.partition("/")
    return f"roadmaps/{country}/{path_name(slug)}.json" if slug else f"roadmaps/{country}.json"


@dataclass(frozen=True)
class SourceLinks:
    edit: str  # the file in the repository's web editor (or the file itself)
    history: str | None  # every change to the file, when the host is known


def source_links(repository: str, file_name: str) -> SourceLinks:
    """Links to a roadmap file (`ml/kayes.yml`) in its repository, from `repository`:
    the web address of the roadmaps folder, such as
    `https://github.com/org/repo/tree/main/roadmaps` or
    `https://gitlab.com/group/project/-/tree/main/roadmaps`. A bare GitHub or GitLab
    repository address means the `roadmaps` folder of its `main` branch. Any other
    address is taken as the folder itself: the link goes to the file, with no history."""
    parts = urlsplit(repository.strip().rstrip("/"))
    segments = [s for s in parts.path.split("/") if s]
    base = f"{parts.scheme}://{parts.netloc}"
    host = parts.netloc.lower()
    if "-" in segments and segments.index("-") + 2 < len(segments):
        at = segments.index("-")
        if segments[at + 1] in ("tree", "blob"):  # GitLab: group/project/-/tree/branch/dir
            project, branch, folder = segments[:at], segments[at + 2], segments[at + 3 :]
            return _forge(f"{base}/{'/'.join(project)}/-", branch, folder, file_name)
    if len(segments) >= 4 and segments[2] in ("tree", "blob"):  # GitHub and alike
        project = "/".join(segments[:2])
        return _forge(f"{base}/{project}", segments[3], segments[4:], file_name)
    if host == "github.com" and len(segments) == 2:
        return _forge(f"{base}/{'/'.join(segments)}", "main", ["roadmaps"], file_name)
    if "gitlab" in host and len(segments) >= 2:
        return _forge(f"{base}/{'/'.join(segments)}/-", "main", ["roadmaps"], file_name)
    return SourceLinks(f"{repository.strip().rstrip('/')}/{file_name}", None)


def _forge(project: str, branch: str, folder: list[str], file_name: str) -> SourceLinks:
    path = "/".join([*folder, file_name])
    return SourceLinks(f"{project}/edit/{branch}/{path}", f"{project}/commits/{branch}/{path}")


def status_path(status: str, number: int = 1) -> str:
    """The list of every commitment in one status; long lists continue on numbered pages."""
    return f"status/{status}.md" if number == 1 else f"status/{status}-{number}.md"


def country_path(country: str) -> str:
    return f"{country.lower()}/index.md"


def anchor(kind: str, item_id: str) -> Markup:
    """An element id on a roadmap page; made of validated ids, so safe as it is."""
    return Markup(f"{kind}-{item_id}".replace("/", "-").replace("_", "-"))


def twinning_anchor(
    partner_id: str | None, external: ExternalPartner | None, language: str
) -> Markup:
    """The id of a twinning link on an authority's page, made from the partner: its
    roadmap id (`twinning-ml-yelimane`), or the name and country of a partner without a
    roadmap, as written in `language` (the site's default) or else its first spelling
    (`twinning-cottbus-de`), never from the link's position in the list."""
    if partner_id is not None:
        return anchor("twinning", partner_id)
    if external is None:
        raise ValueError("a twinning link has a partner id or an external partner")
    name = external.name.get(language) or external.name[min(external.name)]
    return anchor("twinning", f"{slug(name)}-{external.country.lower()}")


@lru_cache(maxsize=65536)  # pages link to the same pages from the same folders
def relative_path(target_path: str, folder: str) -> str:
    """`posixpath.relpath(target_path, folder)` for what it is given here: paths of the
    site's sources, relative to its root, without `.` or `..` parts (`folder` "." for
    the root). No absolute paths are made of them: 0.6 µs a call against relpath's 6.3
    (timeit, six pairs of a site's paths); a language of 2000 roadmaps computes 28,000."""
    if folder == ".":
        return target_path
    target, start = target_path.split("/"), folder.split("/")
    common, most = 0, min(len(target), len(start))
    while common < most and target[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


class LinkHelpers(TextHelpers):
    """Links from the page being rendered (`self.current`) to other pages and out."""

    def roadmap_link(self, roadmap_id: str) -> Markup:
        roadmap = self.dataset.roadmaps.get(roadmap_id)
        if roadmap is None:
            return escape_text(roadmap_id)
        return self.page_link(page_path(roadmap_id), self.roadmap_name(roadmap))

    def country_link(self, code: str) -> Markup:
        return self.page_link(country_path(code), self.country(code))

    def external(self, url: str, label: object = None) -> Markup:
        """A link out of the site. An address shown as its own label is written left to
        right, isolated from right-to-left text around it."""
        href = safe_href(url)
        if isinstance(label, Markup):
            text = label
        else:
            text = escape_text(label if label is not None else url)
        address = label is None or label == url.removeprefix("mailto:")
        if href is None:
            return Markup(f'<bdi dir="ltr" translate="no">{text}</bdi>') if address else text
        # An address is a code: isolated, left to right, not to be translated.
        isolate = Markup(' dir="ltr" translate="no"') if address else ""
        return Markup(f'<a href="{escape_attribute(href)}"{isolate}>{text}</a>')

    def body_ref(self, roadmap: RoadmapFile, body_id: str) -> Markup:
        """A reference to an institution or organisation of the page, linked to its row."""
        for body in (*roadmap.data.institutions, *roadmap.data.organisations):
            if body.id == body_id:
                return Markup(f"[{self.t(body.name)}](#{anchor('body', body_id)})")
        return escape_text(body_id)

    def root_link(self, path: str) -> Markup:
        """A relative link from this page to a file at the site's root, above the languages,
        for an `href` attribute."""
        return self.language_link("../" + path)

    def language_link(self, path: str) -> Markup:
        """A relative link from this page to a file of its language's folder, by its path
        there (`assets/land.svg`), for an attribute: it works from any folder the site
        is served from."""
        url = (
            self.current[: -len("index.md")]
            if self.current.endswith("index.md")
            else (self.current[:-3] + "/")
        )
        return escape_attribute("../" * url.count("/") + path)

    def page_link(self, target_path: str, label: object, fragment: str = "") -> Markup:
        """A Markdown link to another generated page (by its source path), which the
        engine checks, anchor included."""
        relative = relative_path(target_path, posixpath.dirname(self.current) or ".")
        text = label if isinstance(label, Markup) else escape_text(label)
        return Markup(f"[{text}]({relative}{fragment})")

    def twinning_anchor(self, partner_id: str | None, external: ExternalPartner | None) -> Markup:
        return twinning_anchor(partner_id, external, self.dataset.default_language)

    def page_of(self, roadmap: RoadmapFile) -> str:
        return page_path(roadmap.id)

    def data_of(self, roadmap: RoadmapFile) -> str:
        """The link to a roadmap's JSON file, for an `href` attribute."""
        return self.root_link("data/" + data_path(roadmap.id))

    def outcome_page(self, outcome_id: str, number: int = 1) -> str:
        return outcome_path(outcome_id, number)

    def status_page(self, status: str, number: int = 1) -> str:
        return status_path(status, number)

    def source_links(self, roadmap: RoadmapFile) -> SourceLinks | None:
        """The roadmap's file in the site's repository: editor and history links."""
        repository = self.dataset.site.repository
        return source_links(repository, roadmap.file_name) if repository else None
