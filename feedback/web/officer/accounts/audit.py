"""The audit log (admins only): who did what, filtered by person, action and dates, and as CSV."""

from __future__ import annotations

from flask import render_template, request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import DateField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from feedback.accounts.audit_log import ACTION_LABELS, AuditFilters, all_events, events, label, people
from feedback.core.audit import record_audit
from feedback.core.clock import london
from feedback.core.extensions import db
from feedback.web.csv_download import csv_download, csv_filename
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item

add_nav_item("officer.audit", "Audit log")

CSV_HEADER = ["When (London)", "Person", "Action", "Action code", "Record", "Record id", "Address", "Detail"]


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    user = SelectField("Person", validate_choice=False, widget=GovSelect(), default="")
    action = SelectField("Action", validate_choice=False, widget=GovSelect(), default="")
    date_from = DateField(
        "From", validators=[Optional()], widget=GovTextInput(), format="%Y-%m-%d", render_kw={"type": "date"}
    )
    date_to = DateField(
        "To", validators=[Optional()], widget=GovTextInput(), format="%Y-%m-%d", render_kw={"type": "date"}
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())


def _form() -> tuple[AuditFilterForm, AuditFilters]:
    form = AuditFilterForm(request.args)
    form.user.choices = [SelectChoice("", "Anyone")] + [SelectChoice(str(i), name) for i, name in people()]
    form.action.choices = [SelectChoice("", "Any action")] + [
        SelectChoice(key, text) for key, text in sorted(ACTION_LABELS.items(), key=lambda item: item[1])
    ]
    form.validate()
    user = request.args.get("user", "")
    filters = AuditFilters(
        user_id=int(user) if user.isdigit() else None,
        action=request.args.get("action") if request.args.get("action") in ACTION_LABELS else None,
        date_from=form.date_from.data if not form.date_from.errors else None,
        date_to=form.date_to.data if not form.date_to.errors else None,
    )
    return form, filters


@officer_bp.route("/audit")
def audit():
    form, filters = _form()
    page = max(1, request.args.get("page", 1, type=int))
    rows, more = events(filters, page)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("officer/audit.html", form=form, rows=rows, more=more, page=page, label=label, args=args)


@officer_bp.route("/audit.csv")
def audit_csv():
    _, filters = _form()
    record_audit("audit_downloaded", "audit_event", None)
    db.session.commit()

    def rows():
        for event, name, email in all_events(filters):
            yield [
                london(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                f"{name} <{email}>" if name else "",
                label(event.action),
                event.action,
                event.object_type or "",
                event.object_id or "",
                event.ip or "",
                event.detail or "",
            ]

    return csv_download(csv_filename("audit-log", filters.date_from, filters.date_to), CSV_HEADER, rows())
