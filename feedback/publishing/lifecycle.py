"""An entry's life: draft, scheduled, published, withdrawn. Publishing now (the editor) and on its date
(`flask publish-due`) share one path, `publish_entry`, which also queues the update messages to the families who
asked to hear back. Every publication, scheduling and withdrawal is versioned and audited. The caller commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from feedback.core import clock
from feedback.core.audit import record_audit
from feedback.core.extensions import db
from feedback.models import Action, ActionStatus, User
from feedback.publishing.entries import EntryError, Flagged, add_version, flags_for, link_response
from feedback.publishing.updates import cancel_updates, queue_updates

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Published:
    action_id: int
    first_time: bool
    queued: int  # update messages queued by this publication


def _check(action: Action) -> None:
    flags = flags_for(action)
    if flags:
        raise Flagged(flags)


def publish_entry(action: Action, user: User | None = None, at: datetime | None = None) -> Published:
    """Make the entry public now (or at `at`), the one path for the editor and for `flask publish-due`.

    Refused (Flagged) while anything in it may identify a family. The first publication fixes its date and its
    address; publishing again (after a withdrawal) keeps both. Queues an update for every linked family who asked
    to hear back and has none for this entry yet, so however often it is published nobody gets two.
    """
    at = at or clock.now()
    if action.status == ActionStatus.PUBLISHED:
        return Published(action.id, False, queue_updates(action, at))
    _check(action)
    first_time = action.published_at is None
    previous = action.status
    action.status = ActionStatus.PUBLISHED
    action.published_at = action.published_at or at
    action.revised_at = at
    action.publish_at = None
    action.withdrawn_at = None
    queued = queue_updates(action, at)
    add_version(action, "published", user, [f"{queued} update message(s) queued"] if queued else [])
    detail = f"{'first ' if first_time else 'again '}from {previous.value}; {queued} update message(s) queued"
    record_audit("entry_published", "action", action.id, detail=detail, user_id=user.id if user else None)
    return Published(action.id, first_time, queued)


def schedule_entry(action: Action, publish_at: datetime, user: User | None) -> None:
    """Publish on a date: `flask publish-due` publishes it once `publish_at` has come."""
    if action.status not in (ActionStatus.DRAFT, ActionStatus.SCHEDULED, ActionStatus.WITHDRAWN):
        raise EntryError("This entry is already published")
    if publish_at <= clock.now():
        raise EntryError("The date must be in the future: to publish today, choose Publish now")
    _check(action)
    action.status = ActionStatus.SCHEDULED
    action.publish_at = publish_at
    add_version(action, "scheduled", user, [clock.long_date(publish_at)])
    record_audit("entry_scheduled", "action", action.id, detail=f"for {publish_at.isoformat()}")


def unschedule_entry(action: Action, user: User | None) -> None:
    """A scheduled entry back to draft."""
    if action.status != ActionStatus.SCHEDULED:
        raise EntryError("This entry is not scheduled")
    action.status = ActionStatus.WITHDRAWN if action.published_at else ActionStatus.DRAFT
    action.publish_at = None
    add_version(action, "unscheduled", user)
    record_audit("entry_unscheduled", "action", action.id)


def withdraw_entry(action: Action, user: User | None, reason: str) -> int:
    """Take a published entry off the public pages (its address answers 404) and cancel its unsent updates;
    returns how many were cancelled."""
    if action.status != ActionStatus.PUBLISHED:
        raise EntryError("Only a published entry can be withdrawn")
    action.status = ActionStatus.WITHDRAWN
    action.withdrawn_at = clock.now()
    cancelled = cancel_updates(action, "the entry was withdrawn")
    add_version(action, "withdrawn", user, [reason])
    record_audit("entry_withdrawn", "action", action.id, detail=f"{reason[:400]}; {cancelled} update(s) cancelled")
    return cancelled


@dataclass
class DueReport:
    published: list[Published] = field(default_factory=list)
    held: list[int] = field(default_factory=list)  # ids of entries due but flagged: left scheduled
    lost: int = 0  # another run published it first


def publish_due(now: datetime | None = None, dry_run: bool = False) -> DueReport:
    """Publish every scheduled entry whose date has come, each in its own transaction (commits)."""
    moment = now or clock.now()
    report = DueReport()
    due = select(Action.id).where(Action.status == ActionStatus.SCHEDULED, Action.publish_at <= moment)
    for action_id in list(db.session.scalars(due.order_by(Action.publish_at, Action.id))):
        query = select(Action).where(Action.id == action_id, Action.status == ActionStatus.SCHEDULED)
        action = db.session.scalar(query.with_for_update(skip_locked=True).execution_options(populate_existing=True))
        if action is None:  # another run has it
            db.session.rollback()
            continue
        try:
            published = publish_entry(action, None, moment)
        except Flagged:
            db.session.rollback()
            report.held.append(action_id)
            log.warning("entry %s is due but holds flagged names or details: left scheduled", action_id)
            continue
        if dry_run:
            db.session.rollback()
            report.published.append(published)
            continue
        try:
            db.session.commit()
        except IntegrityError:  # the same notice or message number written by a run at the same moment
            db.session.rollback()
            report.lost += 1
            continue
        report.published.append(published)
    return report


def publish_and_commit(action: Action, user: User | None) -> Published:
    """`publish_entry` and commit. A race with `flask publish-due` publishing the same entry at the same moment
    (the unique notice per entry and contact) is settled by trying once more: the entry is then published and
    nothing is queued twice."""
    action_id = action.id
    try:
        result = publish_entry(action, user)
        db.session.commit()
        return result
    except IntegrityError:
        db.session.rollback()
    action = db.session.get(Action, action_id, populate_existing=True)
    result = publish_entry(action, user)
    db.session.commit()
    return result


def link_and_notify(action: Action, response_id: int, user: User | None) -> int:
    """Link a response to the entry; when the entry is already published and the family asked to hear back,
    queue their update too (they were not told when it went out). Returns how many updates were queued."""
    link_response(action, response_id, user)
    if action.status != ActionStatus.PUBLISHED:
        return 0
    db.session.flush()
    return queue_updates(action, clock.now())
