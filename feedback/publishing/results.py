"""The public results: for each survey and financial year, the headline "% agree" of every statement and the
response rate, by quarter where the numbers allow, with small numbers suppressed (feedback.publishing.suppression).

The database counts (two GROUP BY queries, by quarter of the event); the suppression and the wording are pure.
A response belongs to the period of its event (the invitation's event date), as in the officer's figures. Only
responses to an invitation count (an open survey has no event date). "Asked" is an invitation that had at least one
message, went on the call list or was answered; "% agree" is (strongly agree + agree, or "yes") over every answer
but "does not apply".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import case, extract, func, or_, select

from feedback.core.clock import as_utc
from feedback.core.extensions import db
from feedback.insight.periods import Period
from feedback.models import Answer, Invitation, Response
from feedback.publishing.suppression import MIN_BASE, Bound, Hidden, Published, Ratio, suppress
from feedback.surveys.definitions import SURVEYS, Survey

AGREE = tuple(sorted({c.value for s in SURVEYS.values() for c in s.scale if c.agrees}))
COUNTED = tuple(sorted({c.value for s in SURVEYS.values() for c in s.scale if c.counted}))
PUBLIC_NAMES = {
    "new_plan": "After a new EHC plan: parents and carers",
    "annual_review": "After an annual review: parents and carers",
    "annual_review_young_person": "After an annual review: young people (easy read survey)",
}
QUARTER_NAMES = ("April to June", "July to September", "October to December", "January to March")


def _month():
    return extract("month", Invitation.event_date)


def _quarter():
    month = _month()
    return case((month.between(4, 6), 1), (month.between(7, 9), 2), (month.between(10, 12), 3), else_=4)


def _financial_year():
    year = extract("year", Invitation.event_date)
    return case((_month() >= 4, year), else_=year - 1)


def _in_year(year: Period):
    return (Invitation.event_date >= year.start) & (Invitation.event_date < year.end)


def _asked():
    return or_(
        Invitation.first_sent_at.is_not(None),
        Invitation.call_list_at.is_not(None),
        Invitation.responded_at.is_not(None),
        Response.id.is_not(None),
    )


def agree_counts(year: Period) -> list[tuple[str, int, str, int, int]]:
    """(survey, quarter, statement, agreeing answers, answers) for the year, counted by the database.

    The one query behind every public "% agree": kept small so that it can be swapped for the officer's figures'
    query (feedback.insight) when the two agree."""
    quarter = _quarter().label("quarter")
    rows = db.session.execute(
        select(
            Response.survey_key,
            quarter,
            Answer.question_key,
            func.sum(case((Answer.choice.in_(AGREE), 1), else_=0)),
            func.sum(case((Answer.choice.in_(COUNTED), 1), else_=0)),
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .where(Answer.choice.is_not(None), _in_year(year))
        .group_by(Response.survey_key, quarter, Answer.question_key)
    ).all()
    return [(s, int(q), k, int(agree or 0), int(answered or 0)) for s, q, k, agree, answered in rows]


def response_counts(year: Period) -> list[tuple[str, int, int, int]]:
    """(survey, quarter, families asked, families who answered) for the year, counted by the database."""
    quarter = _quarter().label("quarter")
    rows = db.session.execute(
        select(
            Invitation.survey_key,
            quarter,
            func.sum(case((_asked(), 1), else_=0)),
            func.count(Response.id),
        )
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(_in_year(year))
        .group_by(Invitation.survey_key, quarter)
    ).all()
    return [(s, int(q), int(asked or 0), int(answered or 0)) for s, q, asked, answered in rows]


def years_with_results() -> list[Period]:
    """Financial years in which families were asked, newest first."""
    year = _financial_year().label("year")
    rows = db.session.execute(
        select(year)
        .select_from(Invitation)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(_asked())
        .group_by(year)
    ).all()
    return sorted((Period(int(y)) for (y,) in rows), reverse=True)


def results_changed_at() -> datetime | None:
    """When anything behind the results last changed (a response, an invitation)."""
    moments = db.session.execute(
        select(
            select(func.max(Response.updated_at)).scalar_subquery(),
            select(func.max(Invitation.updated_at)).scalar_subquery(),
        )
    ).one()
    found = [as_utc(m) for m in moments if m is not None]
    return max(found) if found else None


# ---------------------------------------------------------------- the published tables


@dataclass(frozen=True)
class ResultRow:
    label: str
    cells: list[str]  # what each column shows
    kind: str  # count | rate | statement


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    columns: list[str]  # quarter names and the year, or the year alone
    rows: list[ResultRow]
    quarters_shown: bool
    asked: int  # the year's total (0: nobody was asked this survey that year)


def _table(survey: Survey, responses: dict, answers: dict) -> dict[str, list[int]]:
    """The survey's counts by quarter with the year last: asked, responded, then answers and agreeing answers."""
    values = {"asked": [], "responded": []}
    for q in (1, 2, 3, 4):
        asked, responded = responses.get((survey.key, q), (0, 0))
        values["asked"].append(asked)
        values["responded"].append(responded)
    for statement in survey.statements:
        counts = [answers.get((survey.key, q, statement.key), (0, 0)) for q in (1, 2, 3, 4)]
        values[f"answered:{statement.key}"] = [answered for _, answered in counts]
        values[f"agree:{statement.key}"] = [agree for agree, _ in counts]
    return {row: [*quarters, sum(quarters)] for row, quarters in values.items()}


def _links(survey: Survey) -> tuple[tuple[Ratio, ...], tuple[Bound, ...]]:
    ratios = [Ratio("responded", "asked")] + [Ratio(f"agree:{s.key}", f"answered:{s.key}") for s in survey.statements]
    bounds = [Bound(f"answered:{s.key}", "responded") for s in survey.statements]
    return tuple(ratios), tuple(bounds)


@lru_cache(maxsize=512)
def _suppressed(table: tuple, ratios: tuple, bounds: tuple, has_total: bool) -> Published:
    return suppress(dict(table), ratios, bounds, has_total)


def _count_text(cell) -> str:
    if cell.shown:
        return f"{cell.value:,}"
    return "fewer than 5" if cell.hidden == Hidden.LOW else "not shown"


def _statement_text(published: Published, ratio: Ratio, column: int) -> str:
    answered = published.cells[ratio.denominator][column]
    agree = published.cells[ratio.numerator][column]
    percent = published.percent(ratio, column)
    if percent is not None:
        return f"{percent:.0f}% ({agree.value:,}/{answered.value:,})"
    if not answered.shown:
        return "fewer than 5 answers" if answered.hidden == Hidden.LOW else "not shown"
    if answered.value == 0:
        return "no answers"
    if answered.value < MIN_BASE:  # says less than "fewer than 5 agreed" would: nothing about who agreed
        return f"{answered.value:,} answers: too few for a percentage"
    if agree.hidden == Hidden.LOW:
        return f"fewer than 5 of {answered.value:,} agreed"
    return f"{answered.value:,} answers: percentage not shown"


def _rate_text(published: Published, ratio: Ratio, column: int) -> str:
    percent = published.percent(ratio, column)
    if percent is not None:
        return f"{percent:.0f}%"
    asked = published.cells[ratio.denominator][column]
    return "no families asked" if asked.shown and asked.value == 0 else "not shown"


def _rows(survey: Survey, published: Published, columns: range) -> list[ResultRow]:
    ratios = {r.numerator: r for r in published.ratios}
    rows = [
        ResultRow("Families asked", [_count_text(published.cells["asked"][c]) for c in columns], "count"),
        ResultRow("Families who answered", [_count_text(published.cells["responded"][c]) for c in columns], "count"),
        ResultRow("Response rate", [_rate_text(published, ratios["responded"], c) for c in columns], "rate"),
    ]
    for statement in survey.statements:
        ratio = ratios[f"agree:{statement.key}"]
        rows.append(ResultRow(statement.text, [_statement_text(published, ratio, c) for c in columns], "statement"))
    return rows


def survey_results(survey: Survey, year: Period, responses: dict, answers: dict) -> SurveyResults:
    """One survey's published table for the year: quarters and the year when any quarter shows a percentage
    once suppressed, else the year alone (suppressed on its own, since no quarter is shown to subtract)."""
    table = _table(survey, responses, answers)
    ratios, bounds = _links(survey)
    frozen = tuple((row, tuple(values)) for row, values in table.items())
    published = _suppressed(frozen, ratios, bounds, True)
    quarters_shown = any(published.percent(r, q) is not None for r in ratios for q in range(4))
    if quarters_shown:
        columns = [*QUARTER_NAMES, f"Year {year.label}"]
        rows = _rows(survey, published, range(5))
    else:
        year_only = tuple((row, (values[-1],)) for row, values in table.items())
        published = _suppressed(year_only, ratios, bounds, False)
        columns = [f"Year {year.label}"]
        rows = _rows(survey, published, range(1))
    return SurveyResults(survey, columns, rows, quarters_shown, table["asked"][-1])


@dataclass(frozen=True)
class YearCounts:
    """Every count behind a year's results, as the database returned them."""

    year: Period
    responses: tuple[tuple[str, int, int, int], ...]
    answers: tuple[tuple[str, int, str, int, int], ...]

    @property
    def fingerprint(self) -> str:
        """Changes whenever any count does (the page's ETag is made of it)."""
        return repr((sorted(self.responses), sorted(self.answers)))


def year_counts(year: Period) -> YearCounts:
    return YearCounts(year, tuple(response_counts(year)), tuple(agree_counts(year)))


def results_for(counts: YearCounts) -> list[SurveyResults]:
    """Every survey's published table for a financial year, in the surveys' order."""
    responses = {(s, q): (asked, answered) for s, q, asked, answered in counts.responses}
    answers = {(s, q, statement): (agree, answered) for s, q, statement, agree, answered in counts.answers}
    return [survey_results(survey, counts.year, responses, answers) for survey in SURVEYS.values()]
