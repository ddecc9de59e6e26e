"""The representation table for a period, a survey (or all) and an attribute, with the minority-ethnic
headline, the chi-square test and the trend over the last three financial years, from one query.

The trend is always by ethnic group; when the table is by ethnic group too, the one query over the three
years' quarters gives both (a period always lies in the last of those years). `flask representation`, the
officer's page and its CSV all read it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from feedback.insight.periods import Period
from feedback.representation.attributes import ATTRIBUTES, MINORITY_GROUPS, UNKNOWN, Attribute
from feedback.representation.counts import Counts, GroupCount, add_up, group_counts
from feedback.representation.statistics import (
    GoodnessOfFit,
    GroupFigures,
    Headline,
    goodness_of_fit,
    group_figures,
)

TREND_YEARS = 3

CSV_COLUMNS = (
    "period",
    "survey",
    "attribute",
    "group",
    "group_label",
    "cohort",
    "cohort_share",
    "respondents",
    "respondent_share",
    "response_rate",
    "ratio",
    "ci_low",
    "ci_high",
    "under_represented",
)


@dataclass(frozen=True)
class TrendPoint:
    quarter: Period
    headline: Headline


@dataclass(frozen=True)
class Representation:
    period: Period
    survey_key: str | None
    attribute: Attribute
    rows: tuple[GroupFigures, ...]
    test: GoodnessOfFit
    headline: Headline | None  # by ethnic group only
    trend: tuple[TrendPoint, ...]  # quarters of the last three financial years, oldest first

    @property
    def known_rows(self) -> tuple[GroupFigures, ...]:
        return tuple(r for r in self.rows if r.known)

    @property
    def flagged(self) -> tuple[GroupFigures, ...]:
        return tuple(r for r in self.rows if r.under_represented)

    @property
    def cohort_total(self) -> int:
        return sum(r.cohort for r in self.rows)

    @property
    def respondent_total(self) -> int:
        return sum(r.respondents for r in self.rows)

    @property
    def years(self) -> tuple[Period, ...]:
        return tuple(dict.fromkeys(p.quarter.financial_year() for p in self.trend))


def minority_headline(counts: Counts) -> Headline:
    """Minority ethnic events (every known group but White British) among respondents and in the cohort."""
    known = {g: c for g, c in counts.items() if g != UNKNOWN}
    minority = [c for g, c in known.items() if g in MINORITY_GROUPS]
    return Headline(
        respondents=sum(c.respondents for c in minority),
        respondent_total=sum(c.respondents for c in known.values()),
        cohort=sum(c.cohort for c in minority),
        cohort_total=sum(c.cohort for c in known.values()),
    )


def table_rows(attribute: Attribute, counts: Counts) -> tuple[GroupFigures, ...]:
    """The table's rows in report order; Unknown counted and shown but out of every share."""
    known = {g: c for g, c in counts.items() if g != UNKNOWN}
    cohort_total = sum(c.cohort for c in known.values())
    respondent_total = sum(c.respondents for c in known.values())
    rows = []
    for key in attribute.order(set(counts)):
        count = counts.get(key, GroupCount())
        rows.append(
            group_figures(
                key,
                attribute.group_label(key),
                count.cohort,
                count.respondents,
                cohort_total,
                respondent_total,
                known=key != UNKNOWN,
            )  # fmt: skip
        )
    return tuple(rows)


def representation(period: Period, *, survey_key: str | None = None, by: str = "ethnicity",
                   with_trend: bool = True) -> Representation:  # fmt: skip
    """The table for `period` (a quarter or a financial year), one survey or all, by `by` (ATTRIBUTES)."""
    attribute = ATTRIBUTES[by]
    ethnicity = ATTRIBUTES["ethnicity"]
    if with_trend:
        quarters = [q for year in period.financial_year().years_back(TREND_YEARS) for q in year.quarters()]
    else:
        quarters = period.quarters()
    by_quarter = group_counts(quarters, ethnicity, survey_key=survey_key) if (with_trend or by == "ethnicity") else {}

    def ethnic_counts(periods: list[Period]) -> Counts:
        return add_up(*(by_quarter.get((q, ""), {}) for q in periods))

    if by == "ethnicity":
        counts = ethnic_counts(period.quarters())
    else:
        mine = period.quarters()
        own = group_counts(mine, attribute, survey_key=survey_key)
        counts = add_up(*(own.get((q, ""), {}) for q in mine))
    rows = table_rows(attribute, counts)
    trend = tuple(TrendPoint(q, minority_headline(ethnic_counts([q]))) for q in quarters) if with_trend else ()
    return Representation(
        period=period,
        survey_key=survey_key,
        attribute=attribute,
        rows=rows,
        test=goodness_of_fit(list(rows)),
        headline=minority_headline(ethnic_counts(period.quarters())) if by_quarter else None,
        trend=trend,
    )


def exact(value: float | None) -> Decimal | None:
    """A float as the shortest decimal that reads back as the same float: written in full in a CSV cell."""
    return None if value is None else Decimal(repr(value))


def csv_rows(rep: Representation) -> Iterator[dict[str, object]]:
    """One row per group (CSV_COLUMNS), with exact (unrounded) shares, rates, ratios and intervals as
    proportions between 0 and 1; empty where a figure does not apply (Unknown has no share)."""
    for row in rep.rows:
        yield {
            "period": rep.period.label,
            "survey": rep.survey_key or "all",
            "attribute": rep.attribute.key,
            "group": row.key,
            "group_label": row.label,
            "cohort": row.cohort,
            "cohort_share": exact(row.cohort_share),
            "respondents": row.respondents,
            "respondent_share": exact(row.respondent_share),
            "response_rate": exact(row.response_rate),
            "ratio": exact(row.ratio),
            "ci_low": exact(row.ci_low),
            "ci_high": exact(row.ci_high),
            "under_represented": row.under_represented if row.known else None,
        }
