"""Responses (staff only): the filtered list, its CSV, and one page per response (each view audited)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, redirect, render_template, request, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, ValidationError

from feedback.cohort.ethnicity import GROUPS, label, major_group
from feedback.core.audit import record_audit
from feedback.core.clock import today_london
from feedback.core.extensions import db
from feedback.insight.figures.counts import CHANNEL_LABELS, CHANNELS
from feedback.insight.periods import Period
from feedback.insight.response_export import export_header, export_rows
from feedback.insight.response_list import (
    FOLLOW_UP_STATES,
    PAGE_SIZE,
    SENTIMENTS,
    ResponseFilters,
    count_responses,
    describe,
    known_themes,
    page_of_responses,
    sentiment_band,
)
from feedback.models import Invitation, Response, ResponseChannel
from feedback.surveys.definitions import SURVEYS
from feedback.web.csv_download import csv_download, csv_filename
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item
from feedback.web.officer.dashboard import quarter_choices, year_choices

add_nav_item("officer.responses", "Responses")

FILTER_NAMES = (
    "survey",
    "year",
    "quarter",
    "channel",
    "sentiment",
    "theme",
    "ethnic_group",
    "follow_up",
    "safeguarding",
)


def theme_label(key: str) -> str:
    """'health_therapies' -> 'Health therapies'."""
    return key.replace("_", " ").capitalize()


def _select(label: str) -> SelectField:
    return SelectField(label, validate_choice=False, widget=GovSelect(), default="")


class ResponseFilterForm(Form):
    """The list's filters, read from the query string (no CSRF: nothing changes)."""

    survey = _select("Survey")
    year = _select("Financial year of the event")
    quarter = _select("Quarter")
    channel = _select("How they answered")
    sentiment = _select("Sentiment of the free text")
    theme = _select("Theme")
    ethnic_group = _select("Ethnic group")
    follow_up = _select("Follow-up")
    safeguarding = _select("Safeguarding")

    def __init__(self, args: Mapping[str, str], themes: list[str]):
        super().__init__(formdata=args)
        any_ = [SelectChoice("", "Any")]
        self.survey.choices = [SelectChoice("", "All surveys")] + [SelectChoice(k, s.title) for k, s in SURVEYS.items()]
        self.year.choices = year_choices(today_london(), any_label="Any year")
        self.quarter.choices = quarter_choices("Any quarter")
        self.channel.choices = any_ + [SelectChoice(str(c), CHANNEL_LABELS[c]) for c in CHANNELS]
        self.sentiment.choices = any_ + [SelectChoice(k, v) for k, v in SENTIMENTS.items()]
        self.theme.choices = any_ + [SelectChoice(t, theme_label(t)) for t in themes]
        self.ethnic_group.choices = any_ + [SelectChoice(k, v) for k, v in GROUPS.items()]
        self.follow_up.choices = any_ + [SelectChoice(k, v) for k, v in FOLLOW_UP_STATES.items()]
        self.safeguarding.choices = any_ + [SelectChoice("yes", "Raised"), SelectChoice("no", "Not raised")]
        for name in FILTER_NAMES:
            field = self[name]
            field.data = field.data or ""
            field.validators = [AnyOf([c.value for c in field.choices], message=f"Select {field.label.text.lower()} "
                                      "from the list")]  # fmt: skip

    def validate_quarter(self, field):
        if field.data and not self.year.data:
            raise ValidationError("Select a financial year to choose one of its quarters")

    def filters(self) -> ResponseFilters:
        """The filters chosen (after validate())."""
        period = Period.parse(self.year.data, self.quarter.data or None) if self.year.data else None
        return ResponseFilters(
            survey=self.survey.data or None,
            period=period,
            channel=ResponseChannel(self.channel.data) if self.channel.data else None,
            sentiment=self.sentiment.data or None,
            theme=self.theme.data or None,
            ethnic_group=self.ethnic_group.data or None,
            follow_up=self.follow_up.data or None,
            safeguarding={"yes": True, "no": False}.get(self.safeguarding.data),
        )

    def query_args(self) -> dict[str, str]:
        """The chosen filters as query-string arguments (for page links and the CSV)."""
        return {name: self[name].data for name in FILTER_NAMES if self[name].data}


@officer_bp.get("/responses")
def responses():
    form = ResponseFilterForm(request.args, known_themes())
    if not form.validate():
        return render_template("officer/responses.html", form=form, rows=[], total=0, page=1, pages=1, args={})
    filters = form.filters()
    total = count_responses(filters)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    return render_template(
        "officer/responses.html",
        form=form,
        filters=filters,
        rows=page_of_responses(filters, page, PAGE_SIZE),
        total=total,
        page=page,
        pages=pages,
        args=form.query_args(),
        surveys=SURVEYS,
        channel_labels=CHANNEL_LABELS,
        follow_up_states=FOLLOW_UP_STATES,
        theme_label=theme_label,
    )


@officer_bp.get("/responses.csv")
def responses_csv():
    """Every response the filters select, one row each (the columns of `flask export-responses`). Audited."""
    form = ResponseFilterForm(request.args, known_themes())
    if not form.validate():
        return redirect(url_for("officer.responses", **request.args))
    filters = form.filters()
    keys = [filters.survey] if filters.survey else list(SURVEYS)
    record_audit("export_responses", "response", None, detail=f"download: {describe(filters)}")
    db.session.commit()
    name = csv_filename("responses", filters.survey, filters.period.label if filters.period else None)
    return csv_download(name, export_header(keys), export_rows(filters, keys))


@officer_bp.get("/responses/<int:response_id>")
def response(response_id: int):
    """One response: answers with the statements' wording, free text, sentiment, themes, flags, follow-ups."""
    found = db.session.scalar(
        select(Response)
        .where(Response.id == response_id)
        .options(
            joinedload(Response.invitation).joinedload(Invitation.child),
            joinedload(Response.invitation).joinedload(Invitation.contact),
            joinedload(Response.entered_by),
            selectinload(Response.answers),
            selectinload(Response.theme_tags),
        )
    )
    if found is None:
        abort(404)
    record_audit("view_response", "response", found.id)
    db.session.commit()
    survey = SURVEYS.get(found.survey_key)
    given = {a.question_key: a for a in found.answers}
    return render_template(
        "officer/response.html",
        response=found,
        survey=survey,
        given=given,
        period=Period.containing(found.event_date),
        channel_label=CHANNEL_LABELS[found.channel],
        ethnic_group=GROUPS[major_group(found.ethnicity)],
        ethnicity_label=label(found.ethnicity),
        sentiment=SENTIMENTS[sentiment_band(found.sentiment_polarity)],
        theme_label=theme_label,
    )
