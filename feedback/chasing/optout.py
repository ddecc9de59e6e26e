"""Opting a contact out of every further message."""

from __future__ import annotations

from sqlalchemy import select, update

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models import Contact, Invitation, InvitationStatus, Message, MessageStatus

LIVE_STATUSES = (InvitationStatus.PENDING, InvitationStatus.OPEN)


def opt_out_contacts(contact_ids: list[int], *, reason: str) -> int:
    """Mark contacts opted out, stop their live invitations and cancel unsent messages. Returns how many
    contacts were newly opted out. The caller commits."""
    if not contact_ids:
        return 0
    moment = now()
    newly = db.session.execute(
        update(Contact)
        .where(Contact.id.in_(contact_ids), Contact.opted_out_at.is_(None))
        .values(opted_out_at=moment, updated_at=moment)
    ).rowcount
    live = select(Invitation.id).where(Invitation.contact_id.in_(contact_ids), Invitation.status.in_(LIVE_STATUSES))
    db.session.execute(
        update(Message)
        .where(Message.invitation_id.in_(live), Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.CANCELLED, error=f"opted out: {reason}", status_at=moment)
    )
    db.session.execute(
        update(Invitation)
        .where(Invitation.contact_id.in_(contact_ids), Invitation.status.in_(LIVE_STATUSES))
        .values(status=InvitationStatus.OPTED_OUT, closed_at=moment, updated_at=moment)
        .execution_options(synchronize_session=False)
    )
    return newly or 0


def opt_out_mobile(mobile: str, *, reason: str) -> int:
    """Opt out every contact with this (normalised) mobile number."""
    ids = list(db.session.scalars(select(Contact.id).where(Contact.mobile == mobile)))
    return opt_out_contacts(ids, reason=reason)
