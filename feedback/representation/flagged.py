"""Acting on the answer: the ethnic groups under-represented among respondents in the current quarter, which
the call list puts first and the chase may send one extra reminder (feedback.chasing imports this)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, literal

from feedback.insight.periods import Period
from feedback.representation.attributes import ethnic_group_case
from feedback.representation.remembered import remembered
from feedback.representation.statistics import GroupFigures, percent_text
from feedback.representation.table import representation


@dataclass(frozen=True)
class FlaggedGroups:
    period: Period
    groups: tuple[GroupFigures, ...]  # the under-represented rows of the period's table (all surveys)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(g.key for g in self.groups)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def reason(self, group_key: str) -> str | None:
        """Why a family of this group comes first, in a sentence; None when the group is not flagged."""
        for g in self.groups:
            if g.key == group_key:
                return (
                    f"the {g.label} group is under-represented among respondents in {self.period.label}: "
                    f"{percent_text(g.respondent_share)} of respondents against {percent_text(g.cohort_share)} of "
                    f"the families surveyed (representation ratio {g.ratio_text()})."
                )
        return None

    def first_column(self, ethnicity_column):
        """SQL for ORDER BY: 0 for a child of a flagged group, 1 for the others."""
        if not self.groups:
            return literal(1)
        return case((ethnic_group_case(ethnicity_column).in_(sorted(self.keys)), 0), else_=1)


def flagged_groups(today: date) -> FlaggedGroups:
    """The ethnic groups flagged in the quarter `today` falls in, across every survey: counted at most once
    every few minutes per process, unless invitations are added (representation.remembered), as the call list
    asks on every page load and flags change slowly."""
    period = Period.containing(today)

    def count() -> FlaggedGroups:
        return FlaggedGroups(period, representation(period, with_trend=False).flagged)

    return remembered(("flagged", period), count)
