"""The attributes a cohort can be compared by, and the groups of each, as SQL expressions for GROUP BY.

Ethnicity follows DfE's grouping of the school-census codes (feedback.cohort.ethnicity), with White split
into White British and other White backgrounds, because "ethnic minorities" (ONS and Race Disparity Unit
wording) means every group except White British, White minorities included. Refused, not yet obtained and
blank are Unknown: a row of their own, never in a share, never White British, never minority ethnic.

The other attributes are the values the case system sends, each its own group; blank is Unknown, except for
contact language, where blank means no language other than English was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func

from feedback.cohort.ethnicity import MAJOR_GROUP, WHITE_BRITISH
from feedback.models import Child, Contact

UNKNOWN = "unknown"

ETHNIC_GROUPS: dict[str, str] = {
    "white_british": "White British",
    "white_other": "Other White backgrounds",
    "mixed": "Mixed or Multiple ethnic groups",
    "asian": "Asian or Asian British (including Chinese)",
    "black": "Black, Black British, Caribbean or African",
    "other": "Any other ethnic group",
    UNKNOWN: "Unknown (refused, not obtained or blank)",
}
MINORITY_GROUPS = frozenset(ETHNIC_GROUPS) - {"white_british", UNKNOWN}


def ethnic_group(code: str | None) -> str:
    """The group key of a DfE main code (what Child.ethnicity holds); 'unknown' for blank, REFU and NOBT."""
    if code == WHITE_BRITISH:
        return "white_british"
    major = MAJOR_GROUP.get((code or "").upper(), UNKNOWN)
    return "white_other" if major == "white" else major


def _codes(group: str) -> list[str]:
    return sorted(code for code in MAJOR_GROUP if ethnic_group(code) == group)


def ethnic_group_case(column):
    """SQL CASE giving the group key of a column of DfE main codes."""
    whens = [(column.in_(_codes(key)), key) for key in ETHNIC_GROUPS if key != UNKNOWN]
    return case(*whens, else_=UNKNOWN)


PRIMARY_NEEDS = {  # SEN2 / school census primary type of need codes
    "ASD": "Autistic spectrum disorder",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SPLD": "Specific learning difficulty",
    "HI": "Hearing impairment",
    "VI": "Vision impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "OTH": "Other difficulty or disability",
    "NSA": "No specialist assessment of type of need",
}
NO_OTHER_LANGUAGE = "English or none recorded"


@dataclass(frozen=True)
class Attribute:
    key: str
    label: str  # "Ethnic group"
    fixed_groups: dict[str, str] = field(default_factory=dict)  # key -> label, in report order; empty: as found
    labels: dict[str, str] = field(default_factory=dict)  # labels for values found (need codes)
    per_contact: bool = False  # a contact's detail (language), not the child's

    def expression(self):
        """SQL, per contact attributes only: the value of one invitation's contact (the event takes the max)."""
        # A language other than English; blank and English are NULL, so that max() finds any other language.
        spoken = func.nullif(func.trim(Contact.language), "")
        return case((func.lower(spoken).in_(["english", "en"]), None), else_=spoken)

    def value_column(self):
        """SQL: the child's raw value (DfE code, need, phase, locality)."""
        return {
            "ethnicity": Child.ethnicity,
            "primary_need": Child.primary_need,
            "school_phase": Child.school_phase,
            "locality": Child.locality,
        }[self.key]

    def group_of(self, value):
        """SQL: the group key of a raw value (run over counts by day, not over every invitation)."""
        if self.key == "ethnicity":
            return ethnic_group_case(value)
        if self.key == "language":
            return func.coalesce(value, NO_OTHER_LANGUAGE)
        return func.coalesce(func.nullif(func.trim(value), ""), UNKNOWN)

    def group_label(self, key: str) -> str:
        if key in self.fixed_groups:
            return self.fixed_groups[key]
        if key == UNKNOWN:
            return "Unknown (not recorded)"
        return self.labels.get(key.upper(), key) if self.labels else key

    def order(self, found: set[str]) -> list[str]:
        """Groups in report order: the fixed ones (all of them, found or not), else found values by name,
        Unknown last."""
        if self.fixed_groups:
            return list(self.fixed_groups)
        return sorted(found - {UNKNOWN}, key=str.lower) + ([UNKNOWN] if UNKNOWN in found else [])


ATTRIBUTES: dict[str, Attribute] = {
    a.key: a
    for a in (
        Attribute("ethnicity", "Ethnic group", fixed_groups=ETHNIC_GROUPS),
        Attribute("primary_need", "Primary need", labels=PRIMARY_NEEDS),
        Attribute("school_phase", "School phase"),
        Attribute("locality", "Locality"),
        Attribute("language", "Contact language", per_contact=True),
    )
}
