"""Saving a completed survey: one response per invitation, whatever the race."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from feedback.core.clock import as_utc, now
from feedback.core.extensions import db
from feedback.models import (
    Answer,
    Invitation,
    InvitationStatus,
    Message,
    MessageStatus,
    Response,
    ResponseChannel,
    User,
)
from feedback.surveys.definitions import Survey
from feedback.surveys.invitations import SurveyLink

log = logging.getLogger(__name__)

ANSWERABLE = (InvitationStatus.PENDING, InvitationStatus.OPEN, InvitationStatus.OPTED_OUT)


class AlreadyAnswered(Exception):
    """The invitation already has a response."""


def is_closed(invitation: Invitation | SurveyLink) -> bool:
    """Past its closing time, or closed by the chase: the link then says, kindly, that it has closed."""
    if invitation.status == InvitationStatus.RESPONDED:
        return False
    if invitation.status not in ANSWERABLE:
        return True
    return invitation.closes_at is not None and as_utc(invitation.closes_at) <= now()


def has_response(invitation: Invitation) -> bool:
    return db.session.scalar(select(Response.id).where(Response.invitation_id == invitation.id)) is not None


def record_response(
    invitation: Invitation,
    survey: Survey,
    data: Mapping[str, str | None],
    *,
    channel: ResponseChannel = ResponseChannel.ONLINE,
    entered_by: User | None = None,
) -> Response:
    """Save the response and its answers in one transaction and stop chasing.

    Raises AlreadyAnswered when another submission got there first: the unique invitation_id on
    `response` decides, so a double tap or two tabs at once never make two responses.
    """
    moment = now()
    response = Response(
        invitation_id=invitation.id,
        survey_key=survey.key,
        survey_version=survey.version,
        event_date=invitation.event_date,  # the period it counts in (models.surveys.Response.event_date)
        channel=channel,
        entered_by_id=entered_by.id if entered_by else None,
        ethnicity=invitation.child.ethnicity,
        consent_contact=data.get("consent_contact") == "yes",
        consent_quote=data.get("consent_quote") == "yes",
        submitted_at=moment,
    )
    for statement in survey.statements:
        response.answers.append(Answer(question_key=statement.key, choice=data[statement.key]))
    for question in survey.text_questions:
        text = (data.get(question.key) or "").strip()
        if text:
            response.answers.append(Answer(question_key=question.key, text=text))
    try:
        db.session.add(response)
        db.session.flush()
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id)
            .values(
                status=InvitationStatus.RESPONDED,
                responded_at=moment,
                call_done_at=Invitation.call_done_at if invitation.call_list_at is None else moment,
                updated_at=moment,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(Message)
            .where(Message.invitation_id == invitation.id, Message.status == MessageStatus.QUEUED)
            .values(status=MessageStatus.CANCELLED, error="answered", status_at=moment)
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("duplicate submission for invitation %s ignored", invitation.id)
        raise AlreadyAnswered() from None
    db.session.refresh(invitation)
    return response
