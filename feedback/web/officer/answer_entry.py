"""Answers an officer enters for a family: on paper, in person, or on the phone from the call list.

Every channel uses the family's own survey form and `insight.intake.save_response`, recorded with the
channel and the officer (`enter_answers`, shared with the call list). Paper and in-person answers start
from finding the invitation by the child's reference, among invitations without a response.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload
from wtforms import Form, StringField
from wtforms.validators import DataRequired, Length

from feedback.core.audit import record_audit
from feedback.core.extensions import db
from feedback.insight.intake import save_response
from feedback.models import Child, Invitation, Response, ResponseChannel
from feedback.surveys.definitions import SURVEYS, get_survey
from feedback.surveys.responses import AlreadyAnswered, has_response
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item
from feedback.web.survey.forms import survey_form_class

add_nav_item("officer.find_invitation", "Enter answers")

# The channels entered from this page, by the word in the address.
ENTRY_CHANNELS = {"paper": ResponseChannel.PAPER, "in-person": ResponseChannel.IN_PERSON}
CHANNEL_HEADINGS = {
    ResponseChannel.PAPER: "Paper answers",
    ResponseChannel.IN_PERSON: "In-person answers",
    ResponseChannel.PHONE: "Phone answers",
}
SEARCH_LIMIT = 50


def enter_answers(
    invitation: Invitation,
    channel: ResponseChannel,
    *,
    form_action: str,
    back_url: str,
    done_url: Callable[[Response], str],
    after_save: Callable[[Response], None] | None = None,
):
    """The family's own survey form, filled in by the signed-in officer: GET shows it, a valid POST saves it
    through save_response with `channel` and the officer, audits it and redirects to done_url(response)."""
    if has_response(invitation):
        flash("This family has already answered")
        return redirect(back_url)
    survey = get_survey(invitation.survey_key)
    form = survey_form_class(survey, current_app.config["FREE_TEXT_MAX"])()
    if form.validate_on_submit():
        try:
            response = save_response(invitation, survey, form.data, channel=channel, entered_by=current_user)
        except AlreadyAnswered:
            flash("This family has already answered")
            return redirect(back_url)
        if after_save is not None:
            after_save(response)
        record_audit("enter_response", "response", response.id, detail=str(channel))
        db.session.commit()
        flash(f"Answers from the family of {invitation.child.ref} saved")
        return redirect(done_url(response))
    return render_template(
        "survey/easy_read.html" if survey.easy_read else "survey/survey.html",
        form=form,
        survey=survey,
        heading=f"{CHANNEL_HEADINGS[channel]}: {survey.heading_for(invitation.event_date)}",
        max_text=current_app.config["FREE_TEXT_MAX"],
        form_action=form_action,
        officer_entry=True,
        back_url=back_url,
    )


class FindInvitationForm(Form):
    """The child's reference, by GET (no CSRF: nothing changes)."""

    ref = StringField(
        "Child's reference",
        description="As in the case management system, for example C000123. The start of it is enough.",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message="Enter the child's reference"),
            Length(max=64, message="A child's reference is 64 characters or fewer"),
        ],
        widget=GovTextInput(),
    )


def invitations_without_response(ref: str) -> list[Invitation]:
    """Invitations of children whose reference starts with `ref` (any case) that have no response yet."""
    pattern = ref.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(
        db.session.scalars(
            select(Invitation)
            .join(Child, Child.id == Invitation.child_id)
            .where(Child.ref.ilike(pattern, escape="\\"), ~exists().where(Response.invitation_id == Invitation.id))
            .options(joinedload(Invitation.child), joinedload(Invitation.contact))
            .order_by(Child.ref, Invitation.event_date.desc(), Invitation.id)
            .limit(SEARCH_LIMIT + 1)
        )
    )


@officer_bp.get("/enter-answers")
def find_invitation():
    searched = "ref" in request.args
    form = FindInvitationForm(request.args if searched else None)
    found = invitations_without_response(form.ref.data) if searched and form.validate() else None
    return render_template(
        "officer/find_invitation.html",
        form=form,
        found=found[:SEARCH_LIMIT] if found is not None else None,
        more=found is not None and len(found) > SEARCH_LIMIT,
        limit=SEARCH_LIMIT,
        surveys=SURVEYS,
    )


@officer_bp.route("/enter-answers/<int:invitation_id>/<how>", methods=["GET", "POST"])
def enter_paper_or_in_person(invitation_id: int, how: str):
    """A paper form returned by post, or answers given face to face, entered by an officer."""
    channel = ENTRY_CHANNELS.get(how)
    invitation = db.session.get(Invitation, invitation_id)
    if channel is None or invitation is None:
        abort(404)
    return enter_answers(
        invitation,
        channel,
        form_action=url_for("officer.enter_paper_or_in_person", invitation_id=invitation.id, how=how),
        back_url=url_for("officer.find_invitation", ref=invitation.child.ref),
        done_url=lambda response: url_for("officer.response", response_id=response.id),
    )
