"""One child's personal data on request: everything held about them and their contacts as JSON (subject
access), or removed (erasure). An erased child's answers stay as anonymous choices (unlinked from any
invitation, without ethnicity or free text), so past figures barely move and no one can be traced."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from feedback.core.audit import record_audit
from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models import (
    ActionNotice,
    ActionQuote,
    Answer,
    CallRecord,
    Child,
    Contact,
    FollowUp,
    FollowUpNote,
    InboundSms,
    Invitation,
    Message,
    Response,
    SafeguardingAlert,
)


class NoSuchChild(LookupError):
    pass


def _child(ref: str) -> Child:
    child = db.session.scalar(select(Child).where(Child.ref == ref.strip()))
    if child is None:
        raise NoSuchChild(ref)
    return child


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def subject_access(ref: str) -> dict[str, Any]:
    """Everything held about the child and their contacts; audited (the caller need not commit)."""
    child = _child(ref)
    s = db.session
    invitations = s.scalars(select(Invitation).where(Invitation.child_id == child.id).order_by(Invitation.id)).all()
    invitation_ids = [i.id for i in invitations]
    responses = s.scalars(select(Response).where(Response.invitation_id.in_(invitation_ids))).all()
    mobiles = [c.mobile for c in child.contacts if c.mobile]
    data = {
        "child": {
            "reference": child.ref,
            "first_name": child.first_name,
            "date_of_birth": _iso(child.date_of_birth),
            "ethnicity": child.ethnicity,
            "primary_need": child.primary_need,
            "school_phase": child.school_phase,
            "locality": child.locality,
        },
        "contacts": [
            {
                "role": c.role.value,
                "name": c.name,
                "email": c.email,
                "mobile": c.mobile,
                "language": c.language,
                "opted_out_at": _iso(c.opted_out_at),
            }
            for c in child.contacts
        ],
        "invitations": [
            {
                "survey": i.survey_key,
                "event_date": _iso(i.event_date),
                "status": i.status.value,
                "first_sent_at": _iso(i.first_sent_at),
                "responded_at": _iso(i.responded_at),
                "closed_at": _iso(i.closed_at),
                "messages": [
                    {
                        "channel": m.channel.value,
                        "purpose": m.purpose,
                        "status": m.status.value,
                        "sent_at": _iso(m.sent_at),
                        "body": m.body,
                    }
                    for m in i.messages
                ],
                "calls": [{"outcome": c.outcome.value, "note": c.note, "at": _iso(c.created_at)} for c in i.calls],
            }
            for i in invitations
        ],
        "responses": [_response(r) for r in responses],
        "texts_received": [
            {"from": t.source_number, "message": t.message, "received_at": _iso(t.received_at)}
            for t in s.scalars(select(InboundSms).where(InboundSms.source_number.in_(mobiles)))
        ],
    }
    record_audit("subject_access", "child", child.id)
    db.session.commit()
    return data


def _response(r: Response) -> dict[str, Any]:
    s = db.session
    follow_ups = s.scalars(select(FollowUp).where(FollowUp.response_id == r.id)).all()
    alerts = s.scalars(select(SafeguardingAlert).where(SafeguardingAlert.response_id == r.id)).all()
    quotes = s.scalars(select(ActionQuote).where(ActionQuote.response_id == r.id)).all()
    return {
        "survey": r.survey_key,
        "submitted_at": _iso(r.submitted_at),
        "channel": r.channel.value,
        "ethnicity": r.ethnicity,
        "consent_contact": r.consent_contact,
        "consent_quote": r.consent_quote,
        "answers": [{"question": a.question_key, "choice": a.choice, "text": a.text} for a in r.answers],
        "themes": r.themes,
        "concern": r.concern,
        "safeguarding": r.safeguarding,
        "follow_ups": [
            {"status": f.status.value, "notes": [{"at": _iso(n.created_at), "note": n.body} for n in f.notes]}
            for f in follow_ups
        ],
        "safeguarding_alerts": [{"raised_at": _iso(a.raised_at), "action_taken": a.action_taken} for a in alerts],
        "quoted_in_you_said_we_did": [q.text for q in quotes],
    }


def erase(ref: str) -> dict[str, int]:
    """Removes the child, their contacts, invitations, messages, calls and texts; their responses stay as
    anonymous choices. Commits and audits (by the child's row id: the reference is gone)."""
    child = _child(ref)
    s = db.session
    contact_ids = [c.id for c in child.contacts]
    mobiles = [c.mobile for c in child.contacts if c.mobile]
    invitations = select(Invitation.id).where(Invitation.child_id == child.id)
    response_ids = list(s.scalars(select(Response.id).where(Response.invitation_id.in_(invitations))))
    s.execute(update(Answer).where(Answer.response_id.in_(response_ids)).values(text=None))
    s.execute(delete(ActionQuote).where(ActionQuote.response_id.in_(response_ids)))
    follow_ups = select(FollowUp.id).where(FollowUp.response_id.in_(response_ids))
    s.execute(update(FollowUpNote).where(FollowUpNote.follow_up_id.in_(follow_ups)).values(body=""))
    s.execute(
        update(SafeguardingAlert).where(SafeguardingAlert.response_id.in_(response_ids)).values(action_taken=None)
    )
    s.execute(
        update(Response)
        .where(Response.id.in_(response_ids))
        .values(invitation_id=None, ethnicity=None, text_removed_at=now())
    )
    s.execute(delete(InboundSms).where(InboundSms.source_number.in_(mobiles)))
    s.execute(delete(ActionNotice).where(ActionNotice.contact_id.in_(contact_ids)))
    s.execute(delete(CallRecord).where(CallRecord.invitation_id.in_(invitations)))
    s.execute(delete(Message).where(Message.invitation_id.in_(invitations)))
    s.execute(delete(Invitation).where(Invitation.child_id == child.id))
    s.execute(delete(Contact).where(Contact.child_id == child.id))
    child_id = child.id
    s.execute(delete(Child).where(Child.id == child_id))
    s.expunge_all()
    counts = {"contacts": len(contact_ids), "responses": len(response_ids)}
    record_audit(
        "erase",
        "child",
        child_id,
        detail=f"{counts['contacts']} contact(s), {counts['responses']} response(s) anonymised",
    )
    s.commit()
    return counts
