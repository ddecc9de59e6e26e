"""Everything the dashboard and `flask report` show for a period, from one set of queries.

For the chosen quarter (or year): each survey's invitations, responses and channels; each statement's
% agree (n/N) with the change since the previous quarter and since the same quarter last year (a
two-proportion test says whether it is more than chance); the trend over the four quarters of each of
the last three financial years; and the chase funnel. Statement counts for all twelve quarters come from
one query (counts.statement_counts); a year's figure is the sum of its quarters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from feedback.insight.figures.change import Change, two_proportion_test
from feedback.insight.figures.counts import (
    ChoiceCounts,
    SurveyCounts,
    add_counts,
    invitation_counts,
    response_counts,
    statement_counts,
    survey_counts,
)
from feedback.insight.figures.funnel import Funnel, chase_funnel
from feedback.insight.periods import Period
from feedback.surveys.definitions import SURVEYS, Score, Statement, Survey, score

TREND_YEARS = 3  # "2024/25 · 2025/26 · 2026/27"


@dataclass(frozen=True)
class Comparison:
    """The chosen period's % agree against an earlier period's."""

    name: str  # "previous quarter", "same quarter last year", "previous year"
    period: Period
    score: Score
    change: Change


@dataclass(frozen=True)
class StatementFigures:
    survey_key: str
    statement: Statement
    score: Score  # the chosen period
    comparisons: tuple[Comparison, ...]
    quarters: dict[Period, tuple[Score, ...]]  # financial year -> its four quarters, oldest year first
    years: dict[Period, Score]  # financial year -> the whole year

    @property
    def key(self) -> str:
        return self.statement.key

    @property
    def text(self) -> str:
        return self.statement.text


@dataclass(frozen=True)
class SurveyFigures:
    survey: Survey
    counts: SurveyCounts
    statements: tuple[StatementFigures, ...]

    @property
    def answered_any(self) -> bool:
        return any(s.score.answered for s in self.statements)


@dataclass(frozen=True)
class DashboardFigures:
    period: Period
    comparisons: tuple[tuple[str, Period], ...]  # (name, period) in the order shown
    years: tuple[Period, ...]  # the trend's financial years, oldest first
    surveys: tuple[SurveyFigures, ...]
    funnel: Funnel | None

    @property
    def responses(self) -> int:
        return sum(s.counts.responses for s in self.surveys)


def comparisons_for(period: Period) -> tuple[tuple[str, Period], ...]:
    """A quarter is compared with the quarter before and the same quarter last year; a year with the year before."""
    if period.is_quarter:
        return (("previous quarter", period.previous()), ("same quarter last year", period.same_last_year()))
    return (("previous year", period.previous()),)


def _sum(counts: dict, periods: Sequence[Period], survey_key: str, statement_key: str) -> ChoiceCounts:
    return add_counts(*(counts.get((q, survey_key, statement_key), {}) for q in periods))


def dashboard_figures(
    period: Period, *, survey_keys: Sequence[str] | None = None, with_funnel: bool = True
) -> DashboardFigures:
    """The figures for `period` (a quarter or a financial year), for every survey or those named."""
    years = tuple(period.financial_year().years_back(TREND_YEARS))
    quarters = [q for year in years for q in year.quarters()]
    counts = statement_counts(quarters)
    named = comparisons_for(period)
    invitations, responses = invitation_counts(period), response_counts(period)
    totals = survey_counts(invitations, responses)
    keys = list(survey_keys or SURVEYS)
    surveys = []
    for key in keys:
        survey = SURVEYS[key]
        statements = []
        for statement in survey.statements:

            def scored(periods: Sequence[Period], survey=survey, statement=statement) -> Score:
                return score(_sum(counts, periods, survey.key, statement.key), survey)

            now = scored(period.quarters())
            comparisons = []
            for name, earlier in named:
                before = scored(earlier.quarters())
                change = two_proportion_test(now.agree, now.answered, before.agree, before.answered)
                comparisons.append(Comparison(name, earlier, before, change))
            statements.append(
                StatementFigures(
                    survey_key=key,
                    statement=statement,
                    score=now,
                    comparisons=tuple(comparisons),
                    quarters={year: tuple(scored([q]) for q in year.quarters()) for year in years},
                    years={year: scored(year.quarters()) for year in years},
                )
            )
        surveys.append(SurveyFigures(survey, totals.get(key, SurveyCounts(key)), tuple(statements)))
    return DashboardFigures(
        period=period,
        comparisons=named,
        years=years,
        surveys=tuple(surveys),
        funnel=chase_funnel(keys, invitations, responses) if with_funnel else None,
    )


def percent_text(value: Score) -> str | float:
    """% agree to one decimal place for a CSV cell; empty when nobody answered."""
    return "" if value.percent is None else round(value.percent, 1)


REPORT_COLUMNS = (
    "period",
    "survey",
    "statement",
    "statement_text",
    "agree",
    "answered",
    "percent",
    # % agree post-stratified by ethnic group (feedback.representation.weighted), beside the raw figure.
    "weighted_percent",
    "weighted_design_effect",
    "previous_period",
    "previous_agree",
    "previous_answered",
    "change_since_previous",
    "last_year_period",
    "last_year_agree",
    "last_year_answered",
    "change_since_last_year",
)


def report_rows(
    figures: DashboardFigures, weighted: Mapping[tuple[str, str], Any] | None = None
) -> Iterator[dict[str, object]]:
    """One row per survey and statement (REPORT_COLUMNS): what `flask report` prints and the dashboard shows.

    `weighted` maps (survey key, statement key) to its weighted figure (feedback.representation.weighted, which
    this package may not import: the caller computes it); without it the weighted columns are empty."""
    for survey in figures.surveys:
        for s in survey.statements:
            previous = s.comparisons[0]
            last_year = s.comparisons[-1]
            weight = (weighted or {}).get((survey.survey.key, s.key))
            yield {
                "period": figures.period.label,
                "survey": survey.survey.key,
                "statement": s.key,
                "statement_text": s.text,
                "agree": s.score.agree,
                "answered": s.score.answered,
                "percent": percent_text(s.score),
                "weighted_percent": "" if weight is None or weight.percent is None else round(weight.percent, 1),
                "weighted_design_effect": ""
                if weight is None or weight.design_effect is None
                else round(weight.design_effect, 2),
                "previous_period": previous.period.label,
                "previous_agree": previous.score.agree,
                "previous_answered": previous.score.answered,
                "change_since_previous": previous.change.words(),
                "last_year_period": last_year.period.label,
                "last_year_agree": last_year.score.agree,
                "last_year_answered": last_year.score.answered,
                "change_since_last_year": last_year.change.words(),
            }
