"""Words for every enumeration value, as message ids of the interface catalogs."""

from __future__ import annotations

from site_builder.format.framework import N_

LABELS: dict[str, dict[str, str]] = {
    "role": {
        "origin": N_("Country of origin"),
        "destination": N_("Destination country"),
        "both": N_("Country of origin and destination"),
    },
    "right": {
        "allowed": N_("Allowed"),
        "restricted": N_("Restricted"),
        "not-allowed": N_("Not allowed"),
        "unknown": N_("Unknown"),
    },
    "institution_kind": {
        "ministry": N_("Ministry"),
        "agency": N_("Agency"),
        "council": N_("Council"),
        "embassy": N_("Embassy"),
        "consulate": N_("Consulate"),
        "parliament": N_("Parliament"),
        "other": N_("Other"),
    },
    "capacity": {
        "established": N_("Established"),
        "growing": N_("Growing"),
        "needs-support": N_("Needs support"),
    },
    "level": {
        "local": N_("Local"),
        "national": N_("National"),
        "regional": N_("Regional"),
        "international": N_("International"),
    },
    "format": {
        "forum": N_("Forum"),
        "council": N_("Council"),
        "consultation": N_("Consultation"),
        "platform": N_("Platform"),
        "network": N_("Network"),
        "online": N_("Online"),
        "other": N_("Other"),
    },
    "status": {
        "planned": N_("Planned"),
        "in-progress": N_("In progress"),
        "completed": N_("Completed"),
        "not-achieved": N_("Not achieved"),
        "withdrawn": N_("Withdrawn"),
    },
    "assessor": {
        "government": N_("Government"),
        "diaspora": N_("Diaspora"),
        "independent": N_("Independent"),
        "joint": N_("Joint"),
    },
    "completion": {
        "not-started": N_("Not started"),
        "limited": N_("Limited"),
        "substantial": N_("Substantial"),
        "complete": N_("Complete"),
    },
    "authority_kind": {
        "municipality": N_("Municipality"),
        "district": N_("District"),
        "province": N_("Province"),
        "region": N_("Region"),
        "other": N_("Other"),
    },
    "twinning_kind": {
        "town-twinning": N_("Town twinning"),
        "decentralised-cooperation": N_("Decentralised cooperation"),
        "partnership": N_("Partnership"),
    },
    "twinning_status": {
        "active": N_("Active"),
        "dormant": N_("Dormant"),
        "ended": N_("Ended"),
    },
    "boolean": {"true": N_("Yes"), "false": N_("No")},
}
