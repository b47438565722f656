"""Template helpers for what a page opens with: status marks and counts, summary rows of
commitments, short titles for headings and tables."""

from __future__ import annotations

from markupsafe import Markup

from site_builder.format.model import (
    Assessment,
    Commitment,
    RoadmapFile,
    Text,
    TwinningLink,
)
from site_builder.render.links import LinkHelpers, anchor
from site_builder.render.marks import status_badge
from site_builder.views.summary import StatusSummary, latest_assessment, roadmap_summary

DESCRIPTION = 200  # characters of a page's meta description
SHORT_TITLE = 90  # characters: longer titles are cut at a word in headings and tables


def shorten_words(words: str, limit: int = SHORT_TITLE) -> str:
    """`words` cut at the last space before `limit` characters, with an ellipsis; as it
    is when it is short enough. A text with no space before the limit is cut at it."""
    words = " ".join(words.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def assessment_anchor(commitment: Commitment, assessment: Assessment) -> Markup:
    """The id of an assessment: its commitment, its date and who assessed; the second and
    later of the same day by the same assessors (rare) add their rank, so that adding one
    leaves the first's anchor (and feed entry) as it was. Ranked by place in the list, not
    by value: two assessments written alike still get two ids."""
    same = [
        a for a in commitment.assessments if a.date == assessment.date and a.by == assessment.by
    ]
    rank = next(i for i, a in enumerate(same) if a is assessment) + 1
    key = f"{commitment.id}-{assessment.date}-{assessment.by}"
    return anchor("assessment", key if rank == 1 else f"{key}-{rank}")


class OverviewHelpers(LinkHelpers):
    """Marks, counts and summaries that pages open with."""

    def status(self, status: str) -> Markup:
        """The status's mark and its words."""
        return status_badge(status, self.label("status", status))

    def summary(self, roadmap: RoadmapFile) -> StatusSummary:
        return roadmap_summary(roadmap)

    def summary_latest(self, commitment: Commitment) -> Assessment | None:
        return latest_assessment(commitment)

    def short(self, text: Text | None, limit: int = SHORT_TITLE) -> Markup:
        """A Text cut to `limit` characters in every language (see `shorten_words`)."""
        if not text:
            return Markup("")
        return self.t(Text({lang: shorten_words(words, limit) for lang, words in text.items()}))

    def is_long(self, text: Text | None, limit: int = SHORT_TITLE) -> bool:
        return bool(text) and len(" ".join(self.plain(text).split())) > limit

    def assessment_anchor(self, commitment: Commitment, assessment: Assessment) -> Markup:
        return assessment_anchor(commitment, assessment)

    def assessment_line(self, assessment: Assessment) -> Markup:
        """`Limited · Joint · June 30, 2009`: what was found, by whom, when."""
        return Markup(" · ").join(
            [
                self.label("completion", assessment.completion),
                self.label("assessor", assessment.by),
                self.date(assessment.date),
            ]
        )

    def twinning_facts(self, link: TwinningLink, names: list[str]) -> Markup:
        """What one end of a twinning link says about the facts `names` (such as kind
        and since), in words: `Town twinning, from 1990`."""
        words = []
        for name in names:
            value = getattr(link, name)
            if name in ("kind", "status"):
                words.append(self.label(f"twinning_{name}", value))
            elif name == "since":
                words.append(self.period(value, None))
            elif name == "until":
                words.append(self.period(None, value))
            else:
                words.append(self._("diaspora from {country}").format(country=self.country(value)))
        return self.comma.join(words)
