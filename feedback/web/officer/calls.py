"""The call list: who to phone, what happened, and answers taken on the phone."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from feedback.chasing.call_list import OUTCOME_LABELS, call_list_query, on_call_list, record_call
from feedback.core.clock import today_london
from feedback.core.extensions import db
from feedback.core.phones import display_mobile
from feedback.models import CallOutcome, Invitation, ResponseChannel
from feedback.representation.attributes import ethnic_group
from feedback.representation.flagged import flagged_groups
from feedback.surveys.definitions import SURVEYS, get_survey
from feedback.surveys.responses import has_response
from feedback.web.officer import officer_bp
from feedback.web.officer.answer_entry import enter_answers
from feedback.web.officer.auth import add_nav_item

PAGE_SIZE = 50
add_nav_item("officer.call_list", "Call list")


class CallOutcomeForm(FlaskForm):
    outcome = RadioField(
        "What happened?",
        choices=[SelectChoice(o.value, OUTCOME_LABELS[o]) for o in CallOutcome if o != CallOutcome.ANSWERED],
        validators=[InputRequired(message="Select what happened when you called")],
        widget=GovRadioInput(),
    )
    note = TextAreaField(
        "Note (optional)",
        validators=[Length(max=1000, message="Note must be 1,000 characters or fewer")],
        widget=GovTextArea(),
    )
    submit = SubmitField("Save the call", widget=GovSubmitInput())


def _invitation(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    return invitation


@officer_bp.get("/call-list")
def call_list():
    page = max(request.args.get("page", 1, type=int), 1)
    flagged = flagged_groups(today_london())
    query = call_list_query(flagged).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    rows = db.session.execute(query).unique().all()
    return render_template(
        "officer/call_list.html",
        rows=rows[:PAGE_SIZE],
        flagged=flagged,
        first_because=lambda invitation: flagged.reason(ethnic_group(invitation.child.ethnicity)),
        more=len(rows) > PAGE_SIZE,
        page=page,
        surveys=SURVEYS,
        display_mobile=display_mobile,
    )


@officer_bp.route("/call-list/<int:invitation_id>", methods=["GET", "POST"])
def call(invitation_id: int):
    invitation = _invitation(invitation_id)
    form = CallOutcomeForm()
    if form.validate_on_submit():
        record_call(invitation, CallOutcome(form.outcome.data), form.note.data, current_user)
        db.session.commit()
        flash(f"Call to the family of {invitation.child.ref} saved: {OUTCOME_LABELS[CallOutcome(form.outcome.data)]}")
        return redirect(url_for("officer.call_list"))
    return render_template(
        "officer/call.html",
        form=form,
        invitation=invitation,
        survey=get_survey(invitation.survey_key),
        on_list=on_call_list(invitation),
        answered=has_response(invitation),
        labels=OUTCOME_LABELS,
        display_mobile=display_mobile,
    )


@officer_bp.route("/call-list/<int:invitation_id>/answers", methods=["GET", "POST"])
def phone_answers(invitation_id: int):
    """The family's own survey form, filled in by the officer during the call."""
    invitation = _invitation(invitation_id)
    return enter_answers(
        invitation,
        ResponseChannel.PHONE,
        form_action=url_for("officer.phone_answers", invitation_id=invitation.id),
        back_url=url_for("officer.call", invitation_id=invitation.id),
        done_url=lambda response: url_for("officer.call_list"),
        after_save=lambda response: record_call(invitation, CallOutcome.ANSWERED, None, current_user),
    )
