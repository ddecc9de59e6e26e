"""Follow-ups (DESIGN section 8): opened by rule, once per response; owned by a team (education, health,
social care) from the themes; assigned to an officer; open → contacted → resolved; dated notes; due a
number of working days after they were opened. Every change is audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.exc import IntegrityError

from feedback.core.audit import record_audit
from feedback.core.clock import london, now, today_london
from feedback.core.extensions import db
from feedback.insight.casework.working_days import add_working_days
from feedback.insight.text.analysis import MOST_NEGATIVE_CHOICES
from feedback.models import FollowUp, FollowUpNote, FollowUpStatus, Response, Role, User

ASKED_FOR_CONTACT = "asked_for_contact"
STRONGLY_DISAGREE = "strongly_disagree"
CONCERN = "concern"
SAFEGUARDING = "safeguarding"
REASON_LABELS = {
    ASKED_FOR_CONTACT: "Asked to be contacted",
    STRONGLY_DISAGREE: "Strongly disagreed (or said No) that it was good overall",
    CONCERN: "Concern in what they wrote or answered",
    SAFEGUARDING: "Safeguarding: a child may be at risk",
}
OWNER_LABELS = {"education": "Education", "health": "Health", "social_care": "Social care"}
STATUS_LABELS = {
    FollowUpStatus.OPEN: "Open",
    FollowUpStatus.CONTACTED: "Contacted",
    FollowUpStatus.RESOLVED: "Resolved",
}
NOT_RESOLVED = (FollowUpStatus.OPEN, FollowUpStatus.CONTACTED)
NOTE_MAX = 2000  # characters


def follow_up_reasons(
    *, consent_contact: bool, overall_choice: str | None, concern: bool, safeguarding: bool
) -> list[str]:
    """Why a response needs a follow-up; empty when it does not (DESIGN section 8)."""
    reasons = []
    if consent_contact:
        reasons.append(ASKED_FOR_CONTACT)
    if overall_choice in MOST_NEGATIVE_CHOICES:
        reasons.append(STRONGLY_DISAGREE)
    if concern or safeguarding:
        reasons.append(CONCERN)
    if safeguarding:
        reasons.append(SAFEGUARDING)
    return reasons


def owner_for(themes: Sequence[str], theme_owners: Mapping[str, str], default: str) -> tuple[str, str | None]:
    """(owner, the theme that decided it): the first theme with an owner of its own, else the default owner
    with the first theme."""
    for theme in themes:
        if theme in theme_owners:
            return theme_owners[theme], theme
    return default, themes[0] if themes else None


def due_date(opened_at: datetime, working_days: int | None = None) -> date:
    """`working_days` (FOLLOW_UP_WORKING_DAYS) working days in England after the London date it was opened."""
    days = current_app.config["FOLLOW_UP_WORKING_DAYS"] if working_days is None else working_days
    return add_working_days(london(opened_at).date(), days)


def is_overdue(follow_up: FollowUp, today: date | None = None) -> bool:
    return (
        follow_up.status != FollowUpStatus.RESOLVED
        and follow_up.due_on is not None
        and follow_up.due_on < (today or today_london())
    )


def assignable_users() -> list[User]:
    """Active officers and administrators, by name."""
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True), User.role.in_((Role.ADMIN, Role.OFFICER))).order_by(User.name)
        )
    )


class Assignees:
    """Who new follow-ups go to: for each owner, the active officer (or administrator) whose theme is that
    owner and who has the fewest follow-ups still open; nobody (unassigned) when no one's theme matches.
    Loaded with one query and kept up to date as follow-ups are handed out, so a batch spreads the work."""

    def __init__(self) -> None:
        load = (
            select(func.count(FollowUp.id))
            .where(FollowUp.assignee_id == User.id, FollowUp.status.in_(NOT_RESOLVED))
            .correlate(User)
            .scalar_subquery()
        )
        rows = db.session.execute(
            select(User.id, User.theme, load).where(
                User.active.is_(True), User.theme.is_not(None), User.role.in_((Role.ADMIN, Role.OFFICER))
            )
        ).all()
        self.load: dict[str, dict[int, int]] = {}
        for user_id, theme, count in rows:
            self.load.setdefault(theme, {})[user_id] = count

    def pick(self, owner: str) -> int | None:
        candidates = self.load.get(owner)
        if not candidates:
            return None
        user_id = min(candidates, key=lambda u: (candidates[u], u))
        candidates[user_id] += 1
        return user_id


def new_follow_up(response: Response, reasons: list[str], *, opened_at: datetime, assignees: Assignees) -> FollowUp:
    """A follow-up for the response, not yet added to the session."""
    config = current_app.config
    owner, theme = owner_for(response.themes, config["THEME_OWNERS"], config["FOLLOW_UP_DEFAULT_OWNER"])
    return FollowUp(
        response_id=response.id,
        reasons=reasons,
        theme=theme,
        owner=owner,
        assignee_id=assignees.pick(owner),
        status=FollowUpStatus.OPEN,
        due_on=due_date(opened_at),
        created_at=opened_at,
        updated_at=opened_at,
    )


def open_follow_up(response: Response, reasons: Iterable[str], *, opened_at: datetime | None = None) -> FollowUp | None:
    """Open the response's follow-up (in the caller's transaction); None when it has one or needs none."""
    reasons = list(reasons)
    if not reasons or db.session.scalar(select(FollowUp.id).where(FollowUp.response_id == response.id)):
        return None
    follow_up = new_follow_up(response, reasons, opened_at=opened_at or now(), assignees=Assignees())
    try:
        with db.session.begin_nested():  # the unique response_id decides a race with another process
            db.session.add(follow_up)
    except IntegrityError:
        return None
    record_audit("follow_up_opened", "follow_up", follow_up.id, detail=",".join(reasons), user_id=None)
    return follow_up


@dataclass(frozen=True)
class Change:
    status: FollowUpStatus
    assignee_id: int | None


def change_follow_up(follow_up: FollowUp, change: Change) -> list[str]:
    """Apply a new state and assignee; returns what changed (audited). The caller commits."""
    changed = []
    moment = now()
    if change.status != follow_up.status:
        changed.append(f"status {follow_up.status.value} -> {change.status.value}")
        follow_up.status = change.status
        if change.status == FollowUpStatus.CONTACTED and follow_up.contacted_at is None:
            follow_up.contacted_at = moment
        if change.status == FollowUpStatus.RESOLVED:
            follow_up.resolved_at = moment
        else:
            follow_up.resolved_at = None
    if change.assignee_id != follow_up.assignee_id:
        changed.append(f"assignee {follow_up.assignee_id or 'none'} -> {change.assignee_id or 'none'}")
        follow_up.assignee_id = change.assignee_id
    if changed:
        follow_up.updated_at = moment
        record_audit("follow_up_changed", "follow_up", follow_up.id, detail="; ".join(changed))
    return changed


def add_note(follow_up: FollowUp, body: str, author: User) -> FollowUpNote:
    """A dated note (audited without its text). The caller commits."""
    note = FollowUpNote(follow_up_id=follow_up.id, author_id=author.id, body=body.strip(), created_at=now())
    db.session.add(note)
    follow_up.updated_at = note.created_at
    db.session.flush()
    record_audit("follow_up_note_added", "follow_up", follow_up.id, detail=f"note {note.id}")
    return note


@dataclass(frozen=True)
class Filters:
    owner: str | None = None  # education | health | social_care
    status: str | None = None  # open | contacted | resolved | "all"; None: open or contacted
    overdue: bool = False


def follow_ups_query(filters: Filters, today: date | None = None) -> Select:
    """Follow-ups matching the filters, the most overdue first (then the newest)."""
    today = today or today_london()
    conditions = []
    if filters.owner:
        conditions.append(FollowUp.owner == filters.owner)
    if filters.status is None:
        conditions.append(FollowUp.status.in_(NOT_RESOLVED))
    elif filters.status != "all":
        conditions.append(FollowUp.status == FollowUpStatus(filters.status))
    if filters.overdue:
        conditions.append(and_(FollowUp.status.in_(NOT_RESOLVED), FollowUp.due_on < today))
    resolved_last = case((FollowUp.status == FollowUpStatus.RESOLVED, 1), else_=0)
    return (
        select(FollowUp)
        .where(*conditions)
        .order_by(resolved_last, FollowUp.due_on.asc().nulls_last(), FollowUp.id.desc())
    )


def counts_by_owner(today: date | None = None) -> dict[str, tuple[int, int]]:
    """owner -> (open or contacted, overdue), counted by the database."""
    today = today or today_london()
    overdue = func.sum(case((FollowUp.due_on < today, 1), else_=0))
    rows = db.session.execute(
        select(FollowUp.owner, func.count(FollowUp.id), overdue)
        .where(FollowUp.status.in_(NOT_RESOLVED))
        .group_by(FollowUp.owner)
    ).all()
    return {owner: (total, int(late or 0)) for owner, total, late in rows}
