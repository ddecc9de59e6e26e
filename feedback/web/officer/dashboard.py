"""The dashboard (/officer/): a quarter's or a year's figures for every role, and each table as CSV.

Figures only: counts, % agree and the chase funnel, never a name, reference, contact detail or free text,
so that viewers may open it. The period is chosen with two selects sent by GET.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import abort, render_template, request
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from feedback.core.clock import today_london
from feedback.insight.figures.counts import CHANNEL_LABELS, CHANNELS
from feedback.insight.figures.dashboard import (
    REPORT_COLUMNS,
    DashboardFigures,
    dashboard_figures,
    percent_text,
    report_rows,
)
from feedback.insight.figures.funnel import STEPS
from feedback.insight.periods import Period, current_period
from feedback.representation.weighted import METHOD_NOTE, weighted_figures
from feedback.surveys.definitions import SURVEYS
from feedback.web.charts import Series, bar_chart, line_chart
from feedback.web.csv_download import csv_download, csv_filename
from feedback.web.officer import officer_bp

FIRST_YEAR = 2014  # EHC plans began in September 2014 (2014/15); the import refuses older events
QUARTER_NAMES = {
    1: "Q1 (April to June)",
    2: "Q2 (July to September)",
    3: "Q3 (October to December)",
    4: "Q4 (January to March)",
}


def year_choices(today: date, *, any_label: str | None = None) -> list[SelectChoice]:
    """Financial years from 2014/15 to the current one, newest first ("any" first, when a label is given)."""
    current = Period.containing(today).year
    years = [Period(y).year_label for y in range(current, FIRST_YEAR - 1, -1)]
    return ([SelectChoice("", any_label)] if any_label else []) + [SelectChoice(y, y) for y in years]


def quarter_choices(whole_year_label: str = "The whole year") -> list[SelectChoice]:
    return [SelectChoice("", whole_year_label)] + [SelectChoice(str(q), name) for q, name in QUARTER_NAMES.items()]


class PeriodForm(Form):
    """Financial year and quarter, read from the query string (no CSRF: nothing changes)."""

    year = SelectField("Financial year", validate_choice=False, widget=GovSelect())
    quarter = SelectField("Quarter", validate_choice=False, widget=GovSelect())

    def __init__(self, args: Mapping[str, str], today: date):
        chosen = "year" in args or "quarter" in args
        default = current_period(today)
        # Without a choice: the current quarter. With a year and no quarter: that whole year.
        data = {"year": default.year_label, "quarter": "" if chosen else str(default.quarter)}
        super().__init__(formdata=args if chosen else None, data=data)
        self.year.choices = year_choices(today)
        self.quarter.choices = quarter_choices()
        self.year.validators = [
            AnyOf([c.value for c in self.year.choices], message="Select a financial year from the list")
        ]
        self.quarter.validators = [
            AnyOf([c.value for c in self.quarter.choices], message="Select a quarter from the list, or the whole year")
        ]

    def period(self) -> Period:
        """The chosen period (after validate())."""
        return Period.parse(self.year.data, self.quarter.data or None)


def _chosen_period() -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(request.args, today_london())
    return form, (form.period() if form.validate() else None)


def _trend_charts(figures: DashboardFigures) -> dict[tuple[str, str], object]:
    """An SVG line chart for each statement: % agree in each quarter, one line per financial year."""
    charts = {}
    labels = ["Q1", "Q2", "Q3", "Q4"]
    for survey in figures.surveys:
        for s in survey.statements:
            series = [Series(year.year_label, [q.percent for q in s.quarters[year]]) for year in figures.years]
            charts[(survey.survey.key, s.key)] = line_chart(
                f"{s.text}: % agree by quarter, {' · '.join(y.year_label for y in figures.years)}",
                labels,
                series,
                summary="One line for each financial year. The same figures are in the table beside the chart.",
                chart_id=f"trend-{survey.survey.key}-{s.key}",
            )
    return charts


@officer_bp.get("/")
def dashboard():
    form, period = _chosen_period()
    figures = dashboard_figures(period) if period else None
    funnel_chart = None
    if figures and figures.funnel:
        total = figures.funnel.total
        funnel_chart = bar_chart(
            f"Chase funnel, {figures.period.label}, all surveys",
            [(step.label, total[step.key]) for step in STEPS],
            summary="Invitations at each step of the chase. The same figures are in the table that follows.",
            chart_id="funnel-chart",
        )
    return render_template(
        "officer/dashboard.html",
        form=form,
        figures=figures,
        weighted=weighted_figures(figures.period, [s.survey.key for s in figures.surveys]) if figures else {},
        weighted_note=METHOD_NOTE,
        trend_charts=_trend_charts(figures) if figures else {},
        funnel_chart=funnel_chart,
        steps=STEPS,
        channels=CHANNELS,
        channel_labels=CHANNEL_LABELS,
        quarter_names=QUARTER_NAMES,
        surveys=SURVEYS,
    )


# ---------------------------------------------------------------- each table as CSV


def _surveys_table(figures: DashboardFigures):
    header = ["period", "survey", "invitations", "responses", "responses_to_invitations", "response_rate"]
    header += [f"responses_{c}" for c in CHANNELS]
    rows = []
    for s in figures.surveys:
        c = s.counts
        rate = "" if c.response_rate is None else round(c.response_rate, 1)
        rows.append(
            [figures.period.label, s.survey.key, c.invitations, c.responses, c.invited_responses, rate]
            + [c.by_channel.get(str(ch), 0) for ch in CHANNELS]
        )
    return header, rows


def _statements_table(figures: DashboardFigures):
    weighted = weighted_figures(figures.period, [s.survey.key for s in figures.surveys])
    rows = ([row[c] for c in REPORT_COLUMNS] for row in report_rows(figures, weighted))
    return list(REPORT_COLUMNS), rows


def _trend_table(figures: DashboardFigures):
    header = ["survey", "statement", "financial_year", "quarter", "agree", "answered", "percent"]
    rows = []
    for survey in figures.surveys:
        for s in survey.statements:
            for year in figures.years:
                for q, score in zip(year.quarters(), s.quarters[year], strict=True):
                    rows.append([survey.survey.key, s.key, year.year_label, f"Q{q.quarter}", score.agree,
                                 score.answered, percent_text(score)])  # fmt: skip
                whole = s.years[year]
                rows.append([survey.survey.key, s.key, year.year_label, "whole year", whole.agree, whole.answered,
                             percent_text(whole)])  # fmt: skip
    return header, rows


def _funnel_table(figures: DashboardFigures):
    funnel = figures.funnel
    header = ["period", "step", "definition", *[s.survey.key for s in figures.surveys], "all_surveys"]
    rows = [
        [figures.period.label, step.key, step.definition]
        + [funnel.by_survey[s.survey.key][step.key] for s in figures.surveys]
        + [funnel.total[step.key]]
        for step in STEPS
    ]
    return header, rows


TABLES = {
    "surveys": _surveys_table,
    "statements": _statements_table,
    "trend": _trend_table,
    "funnel": _funnel_table,
}


@officer_bp.get("/figures/<table>.csv")
def figures_csv(table: str):
    """One of the dashboard's tables as CSV, for the chosen period (and survey, when given)."""
    make = TABLES.get(table)
    if make is None:
        abort(404)
    form, period = _chosen_period()
    if period is None:
        abort(400)
    survey = request.args.get("survey") or None
    if survey is not None and survey not in SURVEYS:
        abort(404)
    figures = dashboard_figures(period, survey_keys=[survey] if survey else None, with_funnel=table == "funnel")
    header, rows = make(figures)
    return csv_download(csv_filename("family-feedback", table, survey, period.label), header, rows)
