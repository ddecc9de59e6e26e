"""Follow-ups: the tracker (filter by owner, state and overdue; CSV download) and one page per follow-up to
read the response, change state or assignee and add dated notes. Staff only; every change is audited."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from feedback.core.audit import record_audit
from feedback.core.clock import london, today_london
from feedback.core.csv_safe import safe_cell
from feedback.core.extensions import db
from feedback.insight.casework.follow_ups import (
    NOTE_MAX,
    OWNER_LABELS,
    REASON_LABELS,
    STATUS_LABELS,
    Change,
    Filters,
    add_note,
    assignable_users,
    change_follow_up,
    follow_ups_query,
    is_overdue,
)
from feedback.models import FollowUp, FollowUpStatus, Invitation, Response
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item
from feedback.web.officer.casework.response_parts import response_context

PAGE_SIZE = 50
STATE_FILTERS = {
    "": "Open or contacted",
    "open": "Open",
    "contacted": "Contacted",
    "resolved": "Resolved",
    "all": "All",
}
add_nav_item("officer.follow_ups", "Follow-ups")


def _filters() -> Filters:
    owner = request.args.get("owner") or None
    status = request.args.get("state") or None
    return Filters(
        owner=owner if owner in OWNER_LABELS else None,
        status=status if status in STATE_FILTERS and status else None,
        overdue=request.args.get("overdue") == "yes",
    )


def _filter_args(filters: Filters) -> dict[str, str]:
    args = {}
    if filters.owner:
        args["owner"] = filters.owner
    if filters.status:
        args["state"] = filters.status
    if filters.overdue:
        args["overdue"] = "yes"
    return args


def _with_details(query):
    return query.options(
        joinedload(FollowUp.assignee),
        joinedload(FollowUp.response).joinedload(Response.invitation).joinedload(Invitation.child),
        joinedload(FollowUp.response).selectinload(Response.theme_tags),
    )


@officer_bp.get("/follow-ups")
def follow_ups():
    filters = _filters()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    today = today_london()
    query = follow_ups_query(filters, today)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(_with_details(query).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).unique().all()
    return render_template(
        "officer/follow_ups.html",
        rows=rows,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        filters=filters,
        filter_args=_filter_args(filters),
        today=today,
        owners=OWNER_LABELS,
        states=STATE_FILTERS,
        status_labels=STATUS_LABELS,
        reason_labels=REASON_LABELS,
        is_overdue=is_overdue,
    )


# ---------------------------------------------------------------- CSV
CSV_COLUMNS = (
    "follow_up",
    "opened",
    "due",
    "overdue",
    "state",
    "owner",
    "assignee",
    "reasons",
    "themes",
    "survey",
    "response_id",
    "child_ref",
)


def follow_ups_csv_rows(follow_ups: list[FollowUp], today: date) -> list[list[str]]:
    rows = [list(CSV_COLUMNS)]
    for f in follow_ups:
        invitation = f.response.invitation
        rows.append(
            [
                safe_cell(value)
                for value in (
                    f.id,
                    london(f.created_at).date().isoformat(),
                    f.due_on.isoformat() if f.due_on else "",
                    "yes" if is_overdue(f, today) else "no",
                    f.status.value,
                    f.owner or "",
                    f.assignee.name if f.assignee else "",
                    ";".join(f.reasons or []),
                    ";".join(f.response.themes),
                    f.response.survey_key,
                    f.response_id,
                    invitation.child.ref if invitation else "",
                )
            ]
        )
    return rows


@officer_bp.get("/follow-ups.csv")
def follow_ups_csv():
    filters = _filters()
    today = today_london()
    found = db.session.scalars(_with_details(follow_ups_query(filters, today))).unique().all()
    out = io.StringIO()
    csv.writer(out).writerows(follow_ups_csv_rows(found, today))
    record_audit("follow_ups_downloaded", "follow_up", None, detail=f"{len(found)} rows {_filter_args(filters)}")
    db.session.commit()
    return HttpResponse(
        "\ufeff" + out.getvalue(),  # a BOM, so that Excel reads UTF-8
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="follow-ups-{today.isoformat()}.csv"',
            "Cache-Control": "no-store",
        },
    )


# ---------------------------------------------------------------- one follow-up


class ChangeForm(FlaskForm):
    status = RadioField(
        "State",
        choices=[SelectChoice(s.value, STATUS_LABELS[s]) for s in FollowUpStatus],
        validators=[InputRequired(message="Select the state of the follow-up")],
        widget=GovRadioInput(),
    )
    assignee = SelectField("Assigned to", choices=[], widget=GovSelect())
    save = SubmitField("Save changes", widget=GovSubmitInput())


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a note",
        description="What you did or agreed, for example a call with the family. The date is added for you.",
        validators=[
            InputRequired(message="Enter a note"),
            Length(max=NOTE_MAX, message=f"Note must be {NOTE_MAX:,} characters or fewer"),
        ],
        widget=GovTextArea(),
    )
    add = SubmitField("Add note", widget=GovSubmitInput())


def _follow_up(follow_up_id: int) -> FollowUp:
    follow_up = db.session.scalar(
        select(FollowUp)
        .where(FollowUp.id == follow_up_id)
        .options(
            selectinload(FollowUp.notes),
            joinedload(FollowUp.response).selectinload(Response.answers),
            joinedload(FollowUp.response).joinedload(Response.invitation).joinedload(Invitation.contact),
        )
    )
    if follow_up is None:
        abort(404)
    return follow_up


def _change_form(follow_up: FollowUp, formdata=None) -> ChangeForm:
    form = ChangeForm(formdata=formdata, status=follow_up.status.value, assignee=str(follow_up.assignee_id or ""))
    users = assignable_users()
    form.assignee.choices = [SelectChoice("", "Nobody (unassigned)")] + [
        SelectChoice(str(u.id), f"{u.name} ({OWNER_LABELS.get(u.theme, 'no team')})") for u in users
    ]
    current = follow_up.assignee
    if current is not None and current not in users:  # keep showing someone who has left until reassigned
        form.assignee.choices.append(SelectChoice(str(current.id), f"{current.name} (no longer active)"))
    return form


def _render(follow_up: FollowUp, change_form: ChangeForm, note_form: NoteForm, status: int = 200):
    return (
        render_template(
            "officer/follow_up.html",
            follow_up=follow_up,
            change_form=change_form,
            note_form=note_form,
            form=change_form if change_form.errors else note_form,  # the layout's "Error: " title prefix
            overdue=is_overdue(follow_up),
            owners=OWNER_LABELS,
            status_labels=STATUS_LABELS,
            reason_labels=REASON_LABELS,
            **response_context(follow_up.response),
        ),
        status,
    )


@officer_bp.route("/follow-ups/<int:follow_up_id>", methods=["GET", "POST"])
def follow_up(follow_up_id: int):
    follow_up = _follow_up(follow_up_id)
    if request.method == "GET":
        record_audit("follow_up_viewed", "follow_up", follow_up.id)
        db.session.commit()
        return _render(follow_up, _change_form(follow_up), NoteForm(formdata=None))
    form = _change_form(follow_up, request.form)
    if form.validate_on_submit():
        assignee = int(form.assignee.data) if form.assignee.data else None
        changed = change_follow_up(follow_up, Change(FollowUpStatus(form.status.data), assignee))
        db.session.commit()
        flash(f"Follow-up {follow_up.id} saved" if changed else "Nothing was changed")
        return redirect(url_for("officer.follow_up", follow_up_id=follow_up.id))
    return _render(follow_up, form, NoteForm(formdata=None))


@officer_bp.post("/follow-ups/<int:follow_up_id>/notes")
def follow_up_note(follow_up_id: int):
    follow_up = _follow_up(follow_up_id)
    form = NoteForm()
    if form.validate_on_submit() and form.body.data.strip():
        add_note(follow_up, form.body.data, current_user)
        db.session.commit()
        flash("Note added")
        return redirect(url_for("officer.follow_up", follow_up_id=follow_up.id) + "#notes")
    if not form.errors:
        form.body.errors = ["Enter a note"]
    return _render(follow_up, _change_form(follow_up), form)
