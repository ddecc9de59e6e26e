"""The chase runner: claims live invitations, asks feedback.chasing.rules what to do, sends at most once.

At most once: a message row (our uuid reference, status QUEUED) is committed before Notify is
called, then marked SENDING (a lease) and handed to a worker thread; the main thread writes the
outcome: SENT with Notify's id, REJECTED (400: that channel fails, the next message takes the other),
or UNKNOWN (429, 5xx, timeout: Notify may or may not have it). A later run that finds a message
UNKNOWN, or QUEUED/SENDING older than CHASE_STALE_MINUTES (a crashed run), asks Notify by reference
and sends only when Notify has nothing.

The sending pipeline itself (worker threads, rate limit, circuit breaker, outcomes) is
feedback.chasing.sender, shared with the "You said, we did" updates; this run never touches an update message.

Several runs at once: on PostgreSQL each batch of invitations is claimed with SELECT ... FOR UPDATE
SKIP LOCKED, so two runs decide about different invitations; a decision sees every message
committed before its lock was taken, and (invitation, sequence) is unique besides. SQLite has no
row locks, so a run holds an OS file lock beside the database file and a second run exits cleanly
(see run_lock). Only the main thread touches the database; worker threads make HTTP calls only.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from feedback.chasing.guards import run_lock
from feedback.chasing.report import ChaseReport
from feedback.chasing.rules import Action, Decision, add_days, closes_at_for, decide
from feedback.chasing.sender import Job, Sender
from feedback.chasing.store import OURS, invitation_facts, mark_delivered, mark_invitation_sent
from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import Invitation, InvitationStatus, Message, MessageStatus
from feedback.notify.service import NotifyService
from feedback.notify.templates import personalisation_for
from feedback.representation.flagged import flagged_groups

log = logging.getLogger(__name__)

LIVE = (InvitationStatus.PENDING, InvitationStatus.OPEN)
CHASE_PURPOSES = ("invite", "reminder")  # "update" messages belong to feedback.publishing.updates
CLOSING = {  # decision -> the invitation's new status and the report's counter
    Action.CLOSE: (InvitationStatus.CLOSED, "closed"),
    Action.EXPIRE: (InvitationStatus.EXPIRED, "expired"),
    Action.OPT_OUT: (InvitationStatus.OPTED_OUT, "opted_out"),
}


def run_chase(now: datetime | None = None, dry_run: bool = False) -> ChaseReport:
    """Apply the chase rules to every live invitation at `now` (default clock.now()); needs an app context."""
    run_now = clock.as_utc(now) if now is not None else clock.now()
    report = ChaseReport(now=run_now, dry_run=dry_run)
    service = NotifyService.from_config(current_app.config)  # raises NotifyConfigError on a bad set-up
    report.outbox = service.outbox
    with run_lock(db.engine, dry_run) as acquired:
        if not acquired:
            report.skipped = "another chase run is working on this database"
            log.info("chase at %s skipped: another run holds the lock", run_now.isoformat())
            return report
        _ChaseRun(run_now, dry_run, service, report, current_app.config).run()
    log.info("chase at %s: %s", run_now.isoformat(), report.summary())
    return report


class _ChaseRun(Sender):
    def __init__(self, now: datetime, dry_run: bool, service: NotifyService, report: ChaseReport, config):
        super().__init__(now, dry_run, service, report, config)
        self.rejected_invitations: set[int] = set()
        # The extra reminder (off unless configured) goes to families of the groups flagged this quarter: worked
        # out once a run, from the representation table (one query).
        self.flagged: frozenset[str] = frozenset()
        if self.rules.extra_reminder_days is not None:
            self.flagged = flagged_groups(self.now.astimezone(self.rules.zone).date()).keys
            db.session.rollback()  # end the read's transaction before claiming rows

    def run(self) -> None:
        if self.dry_run:
            self.report.to_recover = len(self._recoverable_ids(0, None))
            self._pump(self._claim_invitations)
            return
        self._open_pool()
        try:
            self._pump(self._claim_recoveries)
            self._pump(self._claim_invitations)
            for _ in range(2):  # a 400 fails one channel: the other may take the message in this same run
                if not self.rejected_invitations or self.breaker.open:
                    break
                only, self.rejected_invitations = sorted(self.rejected_invitations), set()
                self._pump(lambda cursor, only=only: self._claim_invitations(cursor, only))
        finally:
            self._close_pool()

    # ------------------------------------------------------------ claiming

    def _locked_invitations(self, condition, limit: int | None) -> list[Invitation]:
        query = (
            select(Invitation)
            .where(condition)
            .order_by(Invitation.id)
            .options(
                selectinload(Invitation.messages), selectinload(Invitation.contact), selectinload(Invitation.child)
            )
            .execution_options(populate_existing=True)
        )
        if limit is not None:
            query = query.limit(limit)
        if not self.dry_run:
            query = query.with_for_update(skip_locked=True, of=Invitation)
        return list(db.session.scalars(query))

    def _claim_invitations(self, cursor: int, only: list[int] | None = None) -> tuple[list[Job], int, bool]:
        condition = Invitation.status.in_(LIVE) & (Invitation.id > cursor)
        if only is not None:
            condition = condition & Invitation.id.in_(only)
        invitations = self._locked_invitations(condition, self.batch_size)
        if not invitations:
            db.session.rollback()
            return [], cursor, True
        created: list[Message] = []
        for invitation in invitations:
            decision = decide(invitation_facts(invitation, flagged_groups=self.flagged), self.now, self.rules)
            message = self._apply(invitation, decision)
            if message is not None:
                created.append(message)
        if self.dry_run:
            db.session.rollback()
            return [], invitations[-1].id, False
        return self._commit_and_lease(created, lambda m: self._job(m.invitation, m)), invitations[-1].id, False

    def _recoverable_ids(self, cursor: int, limit: int | None) -> list[tuple[int, int]]:
        stale_before = clock.now() - self.stale
        query = (
            select(Message.id, Message.invitation_id)
            .where(
                Message.status.in_(OURS),
                Message.purpose.in_(CHASE_PURPOSES),
                func.coalesce(Message.status_at, Message.created_at) < stale_before,
                Message.id > cursor,
            )
            .order_by(Message.id)
        )
        return [tuple(row) for row in db.session.execute(query.limit(limit) if limit else query)]

    def _claim_recoveries(self, cursor: int) -> tuple[list[Job], int, bool]:
        if self.breaker.open:
            return [], cursor, True
        candidates = self._recoverable_ids(cursor, self.batch_size)
        if not candidates:
            db.session.rollback()
            return [], cursor, True
        wanted = {message_id for message_id, _ in candidates}
        stale_before = clock.now() - self.stale
        invitations = self._locked_invitations(Invitation.id.in_({i for _, i in candidates}), None)
        messages = [
            m
            for invitation in invitations
            for m in invitation.messages
            if m.id in wanted and m.status in OURS and (m.status_at or m.created_at) < stale_before
        ]
        plans = {m.id: self._recovery_plan(m) for m in messages}
        jobs = self._commit_and_lease(messages, lambda m: plans[m.id], queued_first=False)
        return jobs, candidates[-1][0], False

    def _recovery_plan(self, message: Message) -> Job:
        invitation = message.invitation
        others = invitation_facts(invitation, without=message.id, flagged_groups=self.flagged)
        decision = decide(others, self.now, self.rules)
        if decision.action == Action.SEND and decision.channel == message.channel:
            on_absent = "send"
        elif decision.action == Action.WAIT and decision.purpose is not None:
            on_absent = "requeue"  # still wanted, not yet (outside civil hours)
        else:
            on_absent = "cancel"
        attempted = message.sent_at or message.status_at or message.created_at
        return self._job(invitation, message, lookup_first=True, on_absent=on_absent, attempted_at=attempted)

    def _job(self, invitation: Invitation, message: Message, **extra) -> Job:
        contact = invitation.contact
        closes_at = invitation.closes_at or closes_at_for(self.now, self.rules)
        return Job(
            message_id=message.id,
            invitation_id=invitation.id,
            contact_id=contact.id,
            channel=str(message.channel),
            purpose=message.purpose,
            reference=message.reference,
            to=(contact.email if message.channel == "email" else contact.mobile) or "",
            personalisation=personalisation_for(invitation, closes_at=closes_at),
            **extra,
        )

    # ------------------------------------------------------------ decisions

    def _apply(self, invitation: Invitation, decision: Decision) -> Message | None:
        report = self.report
        if decision.action == Action.SEND:
            if self.dry_run:
                report.count_send(decision.channel, decision.purpose)
                return None
            if self.breaker.open:  # Notify is failing: the message waits for the next run
                report.deferred += 1
                return None
            return self._new_message(invitation, decision)
        if decision.action == Action.CALL_LIST:
            report.call_list[decision.reason] += 1
            if not self.dry_run:
                invitation.call_list_at = self.now
                invitation.call_reason = decision.reason
                if decision.reason == "undeliverable" and invitation.closes_at is None:
                    invitation.closes_at = add_days(self.now, self.rules.close_days - self.rules.call_days, self.rules)
        elif decision.action in CLOSING:
            status, counter = CLOSING[decision.action]
            setattr(report, counter, getattr(report, counter) + 1)
            if not self.dry_run:
                invitation.status = status
                invitation.closed_at = self.now
        return None

    def _new_message(self, invitation: Invitation, decision: Decision) -> Message | None:
        message = Message(
            invitation=invitation,
            sequence=decision.sequence,
            channel=decision.channel,
            purpose=decision.purpose,
            status=MessageStatus.QUEUED,
            created_at=self.now,
            status_at=clock.now(),
        )
        db.session.add(message)
        if not self.service.outbox:
            return message
        # The outbox path: no Notify, nothing to lose or double; the text is kept for officers.
        db.session.flush()
        job = self._job(invitation, message)
        send = self.service.send_email if job.channel == "email" else self.service.send_sms
        body = send(to=job.to, purpose=job.purpose, personalisation=job.personalisation, reference=job.reference).body
        message.status, message.body, message.sent_at = MessageStatus.OUTBOX, body, self.now
        mark_invitation_sent(invitation.id, self.now, self.rules, reminder=job.purpose == "reminder")
        self.report.count_send(job.channel, job.purpose)
        return None

    # ------------------------------------------------------------ outcomes (hooks of the sender)

    def _sent(self, job: Job, at: datetime) -> None:
        mark_invitation_sent(job.invitation_id, at, self.rules, reminder=job.purpose == "reminder")

    def _confirmed_delivered(self, job: Job, at: datetime) -> None:
        mark_delivered(job.invitation_id, at)  # for the dashboard's chase funnel

    def _rejected(self, job: Job) -> None:
        self.rejected_invitations.add(job.invitation_id)
