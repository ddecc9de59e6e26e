"""Closing the loop: one "update" message to each family who asked to be contacted and whose response an entry
links, with a link to the entry, sent at most once through the chase's sender.

Queueing (`queue_updates`, when an entry is published) writes, for each such contact who has none for this entry
yet, a Message (purpose "update", QUEUED, on the invitation of their response) and an ActionNotice, unique per
entry and contact: editing or publishing again finds the notice and queues nothing. Delivering (`deliver_updates`,
run by `flask publish-due`) sends the queued messages inside civil hours only (09:00 to 19:00 Europe/London,
Monday to Saturday; outside them they wait), by email when the contact has a working address, else by text, and
cancels any whose entry was withdrawn or whose contact opted out meanwhile. It is the same pipeline as the chase
(feedback.chasing.sender): the row is committed before Notify is called, and a message whose outcome is unknown is
asked about by reference before it is ever sent again.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from feedback.chasing.guards import run_lock
from feedback.chasing.report import ChaseReport
from feedback.chasing.rules import is_civil
from feedback.chasing.sender import Job, Sender
from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import (
    Action,
    ActionNotice,
    ActionStatus,
    Contact,
    Invitation,
    Message,
    MessageStatus,
    Response,
    action_response,
)
from feedback.notify.service import NotifyService
from feedback.notify.templates import personalisation_for
from feedback.publishing.entries import entry_url

log = logging.getLogger(__name__)

UPDATE = "update"
RECOVERABLE = (MessageStatus.SENDING, MessageStatus.UNKNOWN)  # QUEUED never reached Notify: it is simply sent
DELIVERED = (
    MessageStatus.SENT,
    MessageStatus.OUTBOX,
    MessageStatus.DELIVERED,
    MessageStatus.TEMPORARY_FAILURE,
    MessageStatus.TECHNICAL_FAILURE,
)


def usable_channel(contact: Contact) -> str | None:
    """The family's usual channel: email when the address works, else text, else None."""
    if contact.email and contact.email_failed_at is None:
        return "email"
    if contact.mobile and contact.mobile_failed_at is None:
        return "sms"
    return None


# ---------------------------------------------------------------- queueing


def update_targets(action: Action) -> list[tuple[Contact, Invitation]]:
    """Each contact linked to the entry through a response in which they asked to be contacted, not opted out,
    with the invitation of their latest such response."""
    rows = db.session.execute(
        select(Invitation, Contact)
        .join(Response, Response.invitation_id == Invitation.id)
        .join(action_response, action_response.c.response_id == Response.id)
        .join(Contact, Contact.id == Invitation.contact_id)
        .where(
            action_response.c.action_id == action.id,
            Response.consent_contact.is_(True),
            Contact.opted_out_at.is_(None),
        )
        .order_by(Response.id)
    ).all()
    latest = {contact.id: (contact, invitation) for invitation, contact in rows}
    return list(latest.values())


def queue_updates(action: Action, at: datetime) -> int:
    """Queue the entry's update for every target who has none for it yet; returns how many. The caller commits
    (the unique notice per entry and contact makes a second, racing publication fail rather than send twice)."""
    already = set(db.session.scalars(select(ActionNotice.contact_id).where(ActionNotice.action_id == action.id)))
    targets = [(c, i) for c, i in update_targets(action) if c.id not in already and usable_channel(c)]
    if not targets:
        return 0
    ids = sorted({invitation.id for _, invitation in targets})
    # PostgreSQL: two entries published at once number their messages on one invitation in turn.
    db.session.execute(select(Invitation.id).where(Invitation.id.in_(ids)).with_for_update()).all()
    last = dict(
        db.session.execute(
            select(Message.invitation_id, func.max(Message.sequence))
            .where(Message.invitation_id.in_(ids))
            .group_by(Message.invitation_id)
        ).all()
    )
    for contact, invitation in targets:
        sequence = last.get(invitation.id, 0) + 1
        last[invitation.id] = sequence
        message = Message(
            invitation_id=invitation.id,
            sequence=sequence,
            channel=usable_channel(contact),
            purpose=UPDATE,
            status=MessageStatus.QUEUED,
            created_at=at,
            status_at=clock.now(),
        )
        db.session.add(message)
        db.session.flush()
        db.session.add(ActionNotice(action_id=action.id, contact_id=contact.id, message_id=message.id, created_at=at))
    log.info("entry %s: %s update message(s) queued", action.id, len(targets))
    return len(targets)


def cancel_updates(action: Action, reason: str) -> int:
    """Cancel the entry's updates not yet handed to Notify (a withdrawn entry sends nothing more)."""
    notices = select(ActionNotice.message_id).where(ActionNotice.action_id == action.id)
    return (
        db.session.execute(
            update(Message)
            .where(Message.id.in_(notices), Message.status == MessageStatus.QUEUED)
            .values(status=MessageStatus.CANCELLED, error=reason, status_at=clock.now())
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )


def update_counts(action: Action) -> dict[str, int]:
    """How the entry's updates stand: queued, sent (or kept in the outbox), failed and cancelled."""
    rows = db.session.execute(
        select(Message.status, func.count(Message.id))
        .join(ActionNotice, ActionNotice.message_id == Message.id)
        .where(ActionNotice.action_id == action.id)
        .group_by(Message.status)
    ).all()
    counts: Counter = Counter()
    for status, n in rows:
        if status in (MessageStatus.QUEUED, *RECOVERABLE):
            counts["queued"] += n
        elif status in DELIVERED:
            counts["sent"] += n
        elif status == MessageStatus.CANCELLED:
            counts["cancelled"] += n
        else:
            counts["failed"] += n
    return {key: counts[key] for key in ("queued", "sent", "failed", "cancelled")}


# ---------------------------------------------------------------- delivering


def deliver_updates(now: datetime | None = None, dry_run: bool = False, action_id: int | None = None) -> ChaseReport:
    """Send the queued update messages that are due at `now` (default clock.now()); needs an app context."""
    run_now = clock.as_utc(now) if now is not None else clock.now()
    report = ChaseReport(now=run_now, dry_run=dry_run)
    service = NotifyService.from_config(current_app.config)  # raises NotifyConfigError on a bad set-up
    report.outbox = service.outbox
    with run_lock(db.engine, dry_run) as acquired:
        if not acquired:
            report.skipped = "another run is sending on this database"
            return report
        _UpdateRun(run_now, dry_run, service, report, current_app.config, action_id).run()
    log.info("updates at %s: %s", run_now.isoformat(), report.summary())
    return report


class _UpdateRun(Sender):
    def __init__(self, now, dry_run, service, report, config, action_id: int | None):
        super().__init__(now, dry_run, service, report, config)
        self.action_id = action_id
        self.rejected: set[int] = set()  # message ids refused by Notify (400): the other channel may take them

    def run(self) -> None:
        civil = is_civil(self.now, self.rules)
        if self.dry_run:
            self._count_waiting(civil)
            return
        self._open_pool()
        try:
            self._pump(self._claim_recoveries)
            if not civil:
                self._count_waiting(civil)
                return
            self._pump(self._claim_queued)
            if self.rejected and not self.breaker.open:
                self._requeue_rejected()
                self._pump(self._claim_queued)
        finally:
            self._close_pool()

    def _count_waiting(self, civil: bool) -> None:
        rows = db.session.execute(
            self._scope(select(Message.channel, func.count(Message.id)), MessageStatus.QUEUED).group_by(Message.channel)
        ).all()
        for channel, n in rows:
            if civil:
                self.report.sent[str(channel)] += n
                self.report.purposes[UPDATE] += n
            else:
                self.report.deferred += n
        db.session.rollback()

    def _scope(self, query, *statuses):
        query = (
            query.join(ActionNotice, ActionNotice.message_id == Message.id)
            .join(Action, Action.id == ActionNotice.action_id)
            .where(Message.purpose == UPDATE, Message.status.in_(statuses))
        )
        return query if self.action_id is None else query.where(ActionNotice.action_id == self.action_id)

    def _locked(self, cursor: int, *statuses, older_than: datetime | None = None) -> list[tuple[Message, Action]]:
        query = self._scope(select(Message, Action), *statuses).where(Message.id > cursor)
        if older_than is not None:
            query = query.where(func.coalesce(Message.status_at, Message.created_at) < older_than)
        query = (
            query.order_by(Message.id)
            .limit(self.batch_size)
            .options(selectinload(Message.invitation).selectinload(Invitation.contact))
            .options(selectinload(Message.invitation).selectinload(Invitation.child))
            .with_for_update(skip_locked=True, of=Message)
            .execution_options(populate_existing=True)
        )
        return [(message, action) for message, action in db.session.execute(query).all()]

    @staticmethod
    def _unwanted(message: Message, action: Action) -> str | None:
        """Why the message must not go any more, or None."""
        if action.status != ActionStatus.PUBLISHED:
            return "the entry is no longer published"
        contact = message.invitation.contact
        if contact.opted_out_at is not None:
            return "opted out"
        if usable_channel(contact) is None:
            return "no working email address or mobile"
        return None

    def _claim_queued(self, cursor: int) -> tuple[list[Job], int, bool]:
        rows = self._locked(cursor, MessageStatus.QUEUED)
        if not rows:
            db.session.rollback()
            return [], cursor, True
        wanted, slugs = [], {}
        for message, action in rows:
            reason = self._unwanted(message, action)
            if reason is not None:
                message.status, message.error, message.status_at = MessageStatus.CANCELLED, reason, clock.now()
                self.report.cancelled += 1
                continue
            message.channel = usable_channel(message.invitation.contact)  # not sent yet: the best channel now
            wanted.append(message)
            slugs[message.id] = action.slug
        # Leased in the transaction that holds the row locks: another run cannot take the same message.
        jobs = self._commit_and_lease(wanted, lambda m: self._job(m, slugs[m.id]), queued_first=False)
        return jobs, rows[-1][0].id, False

    def _claim_recoveries(self, cursor: int) -> tuple[list[Job], int, bool]:
        if self.breaker.open:
            return [], cursor, True
        rows = self._locked(cursor, *RECOVERABLE, older_than=clock.now() - self.stale)
        if not rows:
            db.session.rollback()
            return [], cursor, True
        civil = is_civil(self.now, self.rules)
        plans = {}
        for message, action in rows:
            if self._unwanted(message, action) is not None:
                on_absent = "cancel"
            else:
                on_absent = "send" if civil else "requeue"
            attempted = message.sent_at or message.status_at or message.created_at
            plans[message.id] = self._job(
                message, action.slug, lookup_first=True, on_absent=on_absent, attempted_at=attempted
            )
        jobs = self._commit_and_lease([m for m, _ in rows], lambda m: plans[m.id], queued_first=False)
        return jobs, rows[-1][0].id, False

    def _job(self, message: Message, slug: str, **extra) -> Job:
        invitation = message.invitation
        contact = invitation.contact
        return Job(
            message_id=message.id,
            invitation_id=invitation.id,
            contact_id=contact.id,
            channel=str(message.channel),
            purpose=UPDATE,
            reference=message.reference,
            to=(contact.email if message.channel == "email" else contact.mobile) or "",
            personalisation=personalisation_for(
                invitation, closes_at=invitation.closes_at or self.now, link=entry_url(slug)
            ),
            **extra,
        )

    # ------------------------------------------------------------ hooks of the sender

    def _rejected(self, job: Job) -> None:
        self.rejected.add(job.message_id)

    def _requeue_rejected(self) -> None:
        """A refused address or number: the same update by the other channel, when the contact has one."""
        notices = db.session.scalars(
            select(ActionNotice)
            .where(ActionNotice.message_id.in_(sorted(self.rejected)))
            .options(selectinload(ActionNotice.message).selectinload(Message.invitation))
            .options(selectinload(ActionNotice.contact))
        ).all()
        self.rejected = set()
        for notice in notices:
            channel = usable_channel(notice.contact)
            if channel is None:
                continue
            invitation_id = notice.message.invitation_id
            last = db.session.scalar(select(func.max(Message.sequence)).where(Message.invitation_id == invitation_id))
            message = Message(
                invitation_id=invitation_id,
                sequence=(last or 0) + 1,
                channel=channel,
                purpose=UPDATE,
                status=MessageStatus.QUEUED,
                created_at=self.now,
                status_at=clock.now(),
            )
            db.session.add(message)
            db.session.flush()
            notice.message_id = message.id
        db.session.commit()
