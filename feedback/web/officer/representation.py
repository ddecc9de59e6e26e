"""Whose voice is it? (/officer/representation): the families who answered against the whole cohort, by
ethnic group or another attribute, for every role, and the same table as CSV.

Figures only: counts, shares and tests, never a name, reference or contact detail, so viewers may open it.
The period, survey and attribute are chosen with selects sent by GET.
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
from feedback.insight.periods import Period, current_period
from feedback.representation.attributes import ATTRIBUTES
from feedback.representation.statistics import percent_text
from feedback.representation.table import CSV_COLUMNS, Representation, csv_rows, representation
from feedback.surveys.definitions import SURVEYS
from feedback.web.charts import Series, line_chart
from feedback.web.csv_download import csv_download, csv_filename
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item
from feedback.web.officer.dashboard import quarter_choices, year_choices

add_nav_item("officer.representation", "Whose voice is it")

COHORT_SURVEYS = [key for key, survey in SURVEYS.items() if not survey.open]  # open surveys have no cohort


class RepresentationForm(Form):
    """Financial year, quarter, survey and attribute, read from the query string (no CSRF: nothing changes)."""

    year = SelectField("Financial year", validate_choice=False, widget=GovSelect())
    quarter = SelectField("Quarter", validate_choice=False, widget=GovSelect())
    survey = SelectField("Survey", validate_choice=False, widget=GovSelect())
    by = SelectField("Compare by", validate_choice=False, widget=GovSelect())

    def __init__(self, args: Mapping[str, str], today: date):
        chosen = "year" in args or "quarter" in args
        default = current_period(today)
        data = {
            "year": default.year_label,
            "quarter": "" if chosen else str(default.quarter),
            "survey": "",
            "by": "ethnicity",
        }
        # Without a year or quarter in the address: the current quarter (even with a survey or attribute chosen).
        super().__init__(formdata=args if args else None, data=data)
        self.year.choices = year_choices(today)
        self.quarter.choices = quarter_choices()
        self.survey.choices = [SelectChoice("", "All surveys")] + [
            SelectChoice(key, SURVEYS[key].title) for key in COHORT_SURVEYS
        ]
        self.by.choices = [SelectChoice(key, a.label) for key, a in ATTRIBUTES.items()]
        for field, message in (
            (self.year, "Select a financial year from the list"),
            (self.quarter, "Select a quarter from the list, or the whole year"),
            (self.survey, "Select a survey from the list, or all surveys"),
            (self.by, "Select what to compare by from the list"),
        ):
            field.validators = [AnyOf([c.value for c in field.choices], message=message)]
        if not self.survey.data:
            self.survey.data = ""
        if not self.by.data:
            self.by.data = "ethnicity"

    def period(self) -> Period:
        return Period.parse(self.year.data, self.quarter.data or None)


def _chosen() -> tuple[RepresentationForm, Representation | None]:
    form = RepresentationForm(request.args, today_london())
    if not form.validate():
        return form, None
    return form, representation(form.period(), survey_key=form.survey.data or None, by=form.by.data)


def _trend_chart(rep: Representation):
    labels = [f"Q{q}" for q in (1, 2, 3, 4)]
    series = []
    for year in rep.years:
        points = [p for p in rep.trend if p.quarter.financial_year() == year]
        series.append(Series(f"Respondents {year.year_label}", [_percent(p.headline.respondent_share) for p in points]))
        series.append(Series(f"Cohort {year.year_label}", [_percent(p.headline.cohort_share) for p in points]))
    return line_chart(
        "Minority ethnic families: share of respondents and of the cohort by quarter, "
        + " · ".join(y.year_label for y in rep.years),
        labels,
        series,
        summary="Two lines for each financial year: respondents and the cohort. The same figures are in the table "
        "that follows.",
        chart_id="minority-trend",
    )


def _percent(share: float | None) -> float | None:
    return None if share is None else 100.0 * share


@officer_bp.get("/representation")
def representation_page():
    form, rep = _chosen()
    return render_template(
        "officer/representation.html",
        form=form,
        rep=rep,
        trend_chart=_trend_chart(rep) if rep else None,
        percent=percent_text,
        surveys=SURVEYS,
    )


@officer_bp.get("/representation.csv")
def representation_csv():
    """The table as CSV: one row per group, exact values."""
    form, rep = _chosen()
    if rep is None:
        abort(400)
    rows = ([row[c] for c in CSV_COLUMNS] for row in csv_rows(rep))
    name = csv_filename("whose-voice", rep.attribute.key, rep.survey_key, rep.period.label)
    return csv_download(name, list(CSV_COLUMNS), rows)
