"""Data kept no longer than the privacy notice says (`flask --app wsgi purge`, daily).

Contact details (name, email, mobile; the child's first name; what was sent to them and what they texted
back; notes of calls) go once every invitation to the contact has been finished (answered, closed, opted
out or expired) for longer than RETENTION_CONTACT_DAYS. Free text (answers, quotes, follow-up notes,
safeguarding actions, message bodies, texts received) goes RETENTION_TEXT_DAYS after it was written. Rows,
choices and dates stay, so every figure is unchanged. Set-based UPDATEs: a year of a million invitations
is purged without loading a row into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, and_, cast, delete, exists, func, literal, not_, or_, select, update

from feedback.core.audit import record_audit
from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models import (
    ActionQuote,
    Answer,
    CallRecord,
    Child,
    Contact,
    FollowUp,
    FollowUpNote,
    InboundSms,
    Invitation,
    InvitationStatus,
    Message,
    Response,
    SafeguardingAlert,
    StaffMessage,
)

FINISHED = (InvitationStatus.RESPONDED, InvitationStatus.CLOSED, InvitationStatus.OPTED_OUT, InvitationStatus.EXPIRED)
REMOVED = ""  # what a removed name or text becomes where the column may not be empty


@dataclass
class PurgeResult:
    contacts: int = 0
    answers: int = 0
    other_text: int = 0


def finished_at():
    """When an invitation was finished with (closed, answered, or last changed for the others)."""
    return func.coalesce(Invitation.closed_at, Invitation.responded_at, Invitation.updated_at)


def contacts_due(cutoff: datetime):
    """Contacts still holding details whose every invitation was finished before `cutoff`."""
    kept = select(Invitation.id).where(
        Invitation.contact_id == Contact.id,
        or_(not_(Invitation.status.in_([s.value for s in FINISHED])), finished_at() >= cutoff),
    )
    has_any = select(Invitation.id).where(Invitation.contact_id == Contact.id)
    return select(Contact.id).where(
        or_(Contact.email.is_not(None), Contact.mobile.is_not(None), Contact.name != REMOVED),
        exists(has_any),
        not_(exists(kept)),
    )


def purge(moment: datetime | None = None) -> PurgeResult:
    """Applies both retention periods; commits and audits. Running it again changes nothing."""
    moment = moment or now()
    contact_cutoff = moment - timedelta(days=current_app.config["RETENTION_CONTACT_DAYS"])
    text_cutoff = moment - timedelta(days=current_app.config["RETENTION_TEXT_DAYS"])
    result = PurgeResult()
    due = [row for row in db.session.scalars(contacts_due(contact_cutoff))]
    if due:
        result.contacts = _remove_contacts(due, contact_cutoff)
    result.answers, result.other_text = _remove_old_text(text_cutoff)
    record_audit(
        "purge",
        detail=f"{result.contacts} contact(s), {result.answers} answer(s), {result.other_text} other text(s)",
    )
    db.session.commit()
    return result


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _remove_contacts(contact_ids: list[int], cutoff: datetime) -> int:
    s = db.session
    kept_mobiles = select(Contact.mobile).where(Contact.mobile.is_not(None), Contact.id.not_in(contact_ids))
    for chunk in _chunks(contact_ids):
        invitations = select(Invitation.id).where(Invitation.contact_id.in_(chunk))
        mobiles = select(Contact.mobile).where(Contact.id.in_(chunk), Contact.mobile.is_not(None))
        # Texts they sent: by number, unless someone whose details are kept shares it.
        s.execute(
            update(InboundSms)
            .where(InboundSms.source_number.in_(mobiles), InboundSms.source_number.not_in(kept_mobiles))
            .values(message=REMOVED, source_number=REMOVED)
        )
        s.execute(update(Message).where(Message.invitation_id.in_(invitations)).values(body=None))
        s.execute(update(CallRecord).where(CallRecord.invitation_id.in_(invitations)).values(note=None))
        s.execute(
            update(Contact)
            .where(Contact.id.in_(chunk))
            .values(
                name=REMOVED,
                name_key=literal("removed-") + cast(Contact.id, String),
                email=None,
                mobile=None,
            )
        )
    # A child's first name goes with the last of their contacts' details.
    s.execute(
        update(Child)
        .where(
            Child.first_name.is_not(None),
            not_(exists(select(Contact.id).where(Contact.child_id == Child.id, Contact.name != REMOVED))),
        )
        .values(first_name=None)
    )
    # Texts from numbers nobody whose details are kept has, received before the cut-off.
    s.execute(
        update(InboundSms)
        .where(InboundSms.received_at < cutoff, InboundSms.source_number.not_in(kept_mobiles))
        .values(message=REMOVED, source_number=REMOVED)
    )
    return len(contact_ids)


def _remove_old_text(cutoff: datetime) -> tuple[int, int]:
    s = db.session
    old_responses = select(Response.id).where(Response.submitted_at < cutoff)
    s.execute(
        update(Response)
        .where(Response.submitted_at < cutoff, Response.text_removed_at.is_(None))
        .values(text_removed_at=now())
    )
    answers = s.execute(
        update(Answer).where(Answer.response_id.in_(old_responses), Answer.text.is_not(None)).values(text=None)
    ).rowcount
    other = s.execute(delete(ActionQuote).where(ActionQuote.response_id.in_(old_responses))).rowcount
    old_follow_ups = select(FollowUp.id).where(FollowUp.response_id.in_(old_responses))
    other += s.execute(
        update(FollowUpNote)
        .where(
            or_(FollowUpNote.created_at < cutoff, FollowUpNote.follow_up_id.in_(old_follow_ups)),
            FollowUpNote.body != REMOVED,
        )
        .values(body=REMOVED)
    ).rowcount
    other += s.execute(
        update(SafeguardingAlert)
        .where(
            or_(SafeguardingAlert.raised_at < cutoff, SafeguardingAlert.response_id.in_(old_responses)),
            SafeguardingAlert.action_taken.is_not(None),
        )
        .values(action_taken=None)
    ).rowcount
    for model, column, when in (
        (Message, Message.body, Message.created_at),
        (StaffMessage, StaffMessage.body, StaffMessage.created_at),
        (CallRecord, CallRecord.note, CallRecord.created_at),
    ):
        other += s.execute(update(model).where(when < cutoff, column.is_not(None)).values({column: None})).rowcount
    other += s.execute(
        update(InboundSms)
        .where(and_(InboundSms.received_at < cutoff, InboundSms.message != REMOVED))
        .values(message=REMOVED)
    ).rowcount
    return answers or 0, other or 0
