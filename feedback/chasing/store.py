"""The chase's reads and writes: an invitation's facts from its rows, and outcomes written back safely."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from feedback.chasing.rules import ChaseRules, InvitationFacts, MessageFact, closes_at_for
from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import Contact, Invitation, InvitationStatus, Message, MessageStatus
from feedback.representation.attributes import ethnic_group

OURS = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.UNKNOWN)  # Notify has not confirmed it


def invitation_facts(
    invitation: Invitation, without: int | None = None, *, flagged_groups: frozenset[str] = frozenset()
) -> InvitationFacts:
    """What feedback.chasing.rules.decide needs, from an invitation with its contact and messages loaded.
    `flagged_groups`: the ethnic groups under-represented this quarter (their families may get an extra reminder)."""
    contact = invitation.contact
    messages = tuple(
        MessageFact(m.sequence, str(m.channel), str(m.status), m.sent_at or m.created_at)
        for m in invitation.messages
        if m.id != without
    )
    return InvitationFacts(
        status=str(invitation.status),
        event_date=invitation.event_date,
        created_at=invitation.created_at,
        first_sent_at=invitation.first_sent_at,
        closes_at=invitation.closes_at,
        call_list_at=invitation.call_list_at,
        messages=messages,
        has_email=bool(contact.email),
        has_mobile=bool(contact.mobile),
        email_failed=contact.email_failed_at is not None,
        mobile_failed=contact.mobile_failed_at is not None,
        opted_out=contact.opted_out_at is not None,
        responded=invitation.responded_at is not None,
        extra_reminder=bool(flagged_groups) and ethnic_group(invitation.child.ethnicity) in flagged_groups,
    )


def settle(message_id: int, status: MessageStatus, *, notify_id: str | None = None, **values) -> None:
    """Write an outcome. Only a message still in our hands changes status: a delivery receipt may
    already have moved it on (to delivered, say), and that news must not be overwritten."""
    values = {k: v for k, v in values.items() if v is not None or k == "error"}
    db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status.in_(OURS))
        .values(status=status, status_at=clock.now(), **values)
        .execution_options(synchronize_session=False)
    )
    if notify_id is not None:
        db.session.execute(
            update(Message)
            .where(Message.id == message_id, Message.notify_id.is_(None))
            .values(notify_id=notify_id)
            .execution_options(synchronize_session=False)
        )


def mark_invitation_sent(invitation_id: int, at: datetime, rules: ChaseRules, *, reminder: bool = False) -> None:
    """A message went. The first: the invitation is open, its reminders count from `at`, it closes 42 days on.
    The first reminder: noted for the dashboard's chase funnel (Invitation.reminded_at)."""
    if reminder:
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation_id, Invitation.reminded_at.is_(None))
            .values(reminded_at=at)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.first_sent_at.is_(None))
        .values(first_sent_at=at, closes_at=closes_at_for(at, rules), updated_at=at)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.status == InvitationStatus.PENDING)
        .values(status=InvitationStatus.OPEN)
        .execution_options(synchronize_session=False)
    )


def mark_delivered(invitation_id: int, at: datetime) -> None:
    """Notify delivered one of the invitation's messages: noted once, for the chase funnel."""
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.delivered_at.is_(None))
        .values(delivered_at=at)
        .execution_options(synchronize_session=False)
    )


def fail_channel(contact_id: int, channel: str, to: str, at: datetime) -> None:
    """Notify says this address or number is bad: never use it again (unless it has changed since)."""
    column = Contact.email if channel == "email" else Contact.mobile
    failed = Contact.email_failed_at if channel == "email" else Contact.mobile_failed_at
    db.session.execute(
        update(Contact)
        .where(Contact.id == contact_id, column == to, failed.is_(None))
        .values({failed: at})
        .execution_options(synchronize_session=False)
    )
