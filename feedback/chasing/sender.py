"""The at-most-once sending pipeline shared by the chase (invitations and reminders) and the "You said, we did"
updates (feedback.publishing.updates).

A run claims messages and hands them here as Jobs. At most once: each message row (our uuid reference) is
committed QUEUED before Notify is called, then leased (SENDING) and handed to a worker thread; the main thread
writes the outcome: SENT with Notify's id, REJECTED (400: that channel fails), or UNKNOWN (429, 5xx, timeout:
Notify may or may not have it). A recovery job asks Notify by reference first and sends only when Notify has
nothing (`on_absent`). Only the main thread touches the database; worker threads make HTTP calls only. Notify's
rate limit (a token bucket shared per key in the process) and a circuit breaker apply to every call.

Subclasses say what to claim and what a sent, delivered or rejected message means for them (`_sent`,
`_confirmed_delivered`, `_rejected`).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from feedback.chasing.guards import Breaker, shared_limiter
from feedback.chasing.receipts import NOTIFY_STATUSES
from feedback.chasing.report import ChaseReport
from feedback.chasing.rules import ChaseRules
from feedback.chasing.store import OURS, fail_channel, settle
from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import Message, MessageStatus
from feedback.notify.service import ErrorKind, NotifyError, NotifyService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One Notify call for the worker threads: everything they need, no database objects."""

    message_id: int
    invitation_id: int
    contact_id: int
    channel: str
    purpose: str
    reference: str
    to: str
    personalisation: dict
    lookup_first: bool = False  # a recovery: ask Notify by reference before sending
    on_absent: str = "send"  # recovery when Notify has nothing: send | requeue | cancel
    attempted_at: datetime | None = None  # recovery: when the earlier attempt was made


@dataclass(frozen=True)
class Outcome:
    kind: str  # sent | found | absent | rejected | unknown | auth | skipped
    notify_id: str | None = None
    notify_status: str | None = None
    body: str | None = None
    error: str | None = None


class Sender:
    """Sends claimed messages through Notify (or the outbox) at most once each, and writes every outcome."""

    def __init__(self, now: datetime, dry_run: bool, service: NotifyService, report: ChaseReport, config):
        self.now = now
        self.dry_run = dry_run
        self.service = service
        self.report = report
        self.rules = ChaseRules.from_config(config)
        self.batch_size = int(config.get("CHASE_BATCH_SIZE", 100))
        self.stale = timedelta(minutes=float(config.get("CHASE_STALE_MINUTES", 10)))
        self.workers = max(1, int(config.get("NOTIFY_WORKERS", 8)))
        self.limiter = None if service.outbox else shared_limiter(service.api_key, config["NOTIFY_RATE_PER_MINUTE"])
        self.breaker = Breaker(threshold=int(config.get("NOTIFY_BREAKER_FAILURES", 5)))
        self.pool: ThreadPoolExecutor | None = None

    def _open_pool(self) -> None:
        """Worker threads for Notify calls; none for the outbox, which sends nothing."""
        self.pool = None if self.service.outbox else ThreadPoolExecutor(self.workers, thread_name_prefix="notify")

    def _close_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        self.report.stopped = self.breaker.reason

    # ------------------------------------------------------------ hooks

    def _sent(self, job: Job, at: datetime) -> None:
        """Notify has the message (or the outbox kept it), sent at `at`."""

    def _confirmed_delivered(self, job: Job, at: datetime) -> None:
        """Asked by reference, Notify says the message was delivered."""

    def _rejected(self, job: Job) -> None:
        """Notify refused the address or number (400); the channel is already marked failed."""

    # ------------------------------------------------------------ the pipeline

    def _pump(self, claim) -> None:
        """Claim batches while the workers send the previous one; write outcomes as they come back."""
        inflight: dict = {}
        cursor, exhausted = 0, False
        while True:
            if not exhausted and len(inflight) < self.batch_size:
                jobs, cursor, exhausted = claim(cursor)
                if self.pool is None:
                    if jobs:
                        self._record([(job, self._work(job)) for job in jobs])
                    continue
                for job in jobs:
                    inflight[self.pool.submit(self._work, job)] = job
            if not inflight:
                if exhausted:
                    return
                continue
            done, _ = wait(list(inflight), timeout=0.25)
            if done:
                self._record([(inflight.pop(future), future.result()) for future in done])

    def _work(self, job: Job) -> Outcome:
        """In a worker thread: at most one lookup and one send, each through the rate limiter."""
        if job.lookup_first:
            outcome = self._lookup(job)
            if outcome is not None:
                return outcome
        if self.breaker.open:
            return Outcome("skipped")
        self._acquire()
        send = self.service.send_email if job.channel == "email" else self.service.send_sms
        try:
            result = send(to=job.to, purpose=job.purpose, personalisation=job.personalisation, reference=job.reference)
        except NotifyError as error:
            self.breaker.failure(error.kind)
            kind = {ErrorKind.REJECTED: "rejected", ErrorKind.AUTH: "auth"}.get(error.kind, "unknown")
            return Outcome(kind, error=error.summary)
        self.breaker.success()
        return Outcome("sent", result.notify_id, body=result.body)

    def _lookup(self, job: Job) -> Outcome | None:
        """Ask Notify by reference. None: Notify has nothing and the job may send."""
        if self.breaker.open:
            return Outcome("skipped")
        self._acquire()
        try:
            found = self.service.find_by_reference(job.reference)
        except NotifyError as error:
            self.breaker.failure(error.kind)
            return Outcome("auth" if error.kind == ErrorKind.AUTH else "unknown", error=error.summary)
        self.breaker.success()
        if found is not None:
            return Outcome("found", found.notify_id, found.status)
        return None if job.on_absent == "send" else Outcome("absent")

    def _acquire(self) -> None:
        if self.limiter is not None:
            self.limiter.acquire()

    def _commit_and_lease(self, messages: list[Message], make_job, *, queued_first: bool = True) -> list[Job]:
        """Commit the decisions (new rows QUEUED first), then lease the messages (SENDING), build the jobs.

        A recovery leases in the same transaction that holds its invitations' row locks: committing
        before the lease would let another run take the same stale message in between.
        """
        try:
            db.session.flush()
            jobs = {m.id: make_job(m) for m in messages}
            if queued_first:
                db.session.commit()
        except IntegrityError:
            # Another run created the same (invitation, sequence) first: nothing of this batch is lost,
            # its invitations are decided again next run.
            db.session.rollback()
            log.warning("chase batch lost a race on a message sequence; left for the next run")
            self.report.errors.append("a batch lost a race with another chase run")
            return []
        leased: set[int] = set()
        if jobs:
            db.session.execute(
                update(Message)
                .where(Message.id.in_(jobs), Message.status.in_(OURS))
                .values(status=MessageStatus.SENDING, status_at=clock.now(), attempts=Message.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            # An opt-out between the two commits cancels a QUEUED row: it is then not sent.
            leased_ids = select(Message.id).where(Message.id.in_(jobs), Message.status == MessageStatus.SENDING)
            leased = set(db.session.scalars(leased_ids))
        db.session.commit()
        return [job for message_id, job in jobs.items() if message_id in leased]

    # ------------------------------------------------------------ outcomes (main thread)

    def _record(self, results: list[tuple[Job, Outcome]]) -> None:
        for job, outcome in results:
            handler = getattr(self, f"_on_{outcome.kind}")
            handler(job, outcome)
        db.session.commit()

    def _on_sent(self, job: Job, outcome: Outcome) -> None:
        status = MessageStatus.OUTBOX if outcome.notify_id is None else MessageStatus.SENT
        settle(job.message_id, status, notify_id=outcome.notify_id, sent_at=self.now, body=outcome.body)
        self._sent(job, self.now)
        self.report.count_send(job.channel, job.purpose)
        if job.lookup_first:
            self.report.resent += 1

    def _on_found(self, job: Job, outcome: Outcome) -> None:
        status = NOTIFY_STATUSES.get(outcome.notify_status, MessageStatus.SENT)
        at = job.attempted_at or self.now
        settle(job.message_id, status, notify_id=outcome.notify_id, sent_at=at)
        self._sent(job, at)
        if status == MessageStatus.DELIVERED:
            self._confirmed_delivered(job, self.now)
        if status == MessageStatus.PERMANENT_FAILURE:
            fail_channel(job.contact_id, job.channel, job.to, self.now)
        self.report.recovered += 1

    def _on_absent(self, job: Job, outcome: Outcome) -> None:
        if job.on_absent == "requeue":
            settle(job.message_id, MessageStatus.QUEUED)
            self.report.deferred += 1
        else:
            settle(job.message_id, MessageStatus.CANCELLED, error="no longer due when found unsent")
            self.report.cancelled += 1

    def _on_rejected(self, job: Job, outcome: Outcome) -> None:
        settle(job.message_id, MessageStatus.REJECTED, error=outcome.error)
        fail_channel(job.contact_id, job.channel, job.to, self.now)
        self._rejected(job)
        self.report.rejected += 1
        log.info("message %s rejected by Notify: contact %s %s failed", job.message_id, job.contact_id, job.channel)

    def _on_unknown(self, job: Job, outcome: Outcome) -> None:
        settle(job.message_id, MessageStatus.UNKNOWN, error=outcome.error)
        self.report.unknown += 1
        log.warning("message %s outcome unknown (%s)", job.message_id, outcome.error)

    def _on_auth(self, job: Job, outcome: Outcome) -> None:
        # Notify refused the request itself: nothing was sent. A lookup that failed leaves the question open.
        status = MessageStatus.UNKNOWN if job.lookup_first else MessageStatus.QUEUED
        settle(job.message_id, status, error=outcome.error)
        self.report.auth_failed = True
        if outcome.error not in self.report.errors:
            self.report.errors.append(outcome.error)
        self.report.deferred += 1

    def _on_skipped(self, job: Job, outcome: Outcome) -> None:
        settle(job.message_id, MessageStatus.UNKNOWN if job.lookup_first else MessageStatus.QUEUED)
        self.report.deferred += 1
