"""The default outcome framework: the expected outcomes of the seed paper's section 8.

Titles are English message ids; pages show them through the interface catalogs.
"""

from __future__ import annotations

from site_builder.format.model import Id, Outcome, RichText, Text


def N_(message: str) -> str:  # noqa: N802 - the gettext convention Babel extracts
    return message


_DEFAULTS = (
    (
        "dialogue",
        "dialogue",
        N_("Dialogue"),
        N_(
            "Models for ongoing dialogue between home countries and the diaspora at the national, "
            "regional and international level, coordinated with other host countries."
        ),
    ),
    (
        "monitoring",
        "monitoring",
        N_("Monitoring"),
        N_(
            "Participative assessments of past engagements: what was proposed, what was achieved "
            "or not, with what results and what was learned."
        ),
    ),
    (
        "diaspora-networks",
        "national",
        N_("Diaspora networks"),
        N_(
            "A road map for supporting diaspora networks, with home and host countries as partners."
        ),
    ),
    (
        "codevelopment",
        "national",
        N_("Co-development"),
        N_(
            "Models for individual initiatives and community action that leverage the knowledge "
            "and resources of the diaspora."
        ),
    ),
    (
        "inclusive-agenda",
        "national",
        N_("Inclusive agenda"),
        N_(
            "An inclusive agenda for home country development with realistic objectives, tools "
            "and timeframes."
        ),
    ),
    (
        "bilateral-sectors",
        "national",
        N_("Bilateral sectors"),
        N_(
            "Sectors where bilateral negotiations between home and host countries matter most, "
            "such as the portability of social rights."
        ),
    ),
    (
        "integrated-approach",
        "international",
        N_("Integrated approach"),
        N_(
            "Coherence between policies promoting diasporas as development actors and policies on "
            "migration, trade and security."
        ),
    ),
    (
        "multilateral-capacity",
        "international",
        N_("Multilateral capacity building"),
        N_("Multilateral support for capacity-building programmes in home countries."),
    ),
    (
        "engagement-road-map",
        "international",
        N_("Engagement road map"),
        N_(
            "A road map for meaningful engagement of the diaspora in the development of their "
            "home country."
        ),
    ),
)

GROUP_TITLES = {
    "dialogue": N_("Dialogue"),
    "monitoring": N_("Monitoring"),
    "national": N_("At the national level"),
    "international": N_("At the international level"),
}


def default_outcomes(language: str) -> tuple[Outcome, ...]:
    """The default framework, its texts keyed by `language` so fallback finds them."""
    return tuple(
        Outcome(
            id=Id(id_),
            group=Id(group),
            title=Text({language: title}),
            description=RichText({language: description}),
        )
        for id_, group, title, description in _DEFAULTS
    )
