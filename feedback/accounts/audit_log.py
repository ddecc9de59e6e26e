"""The audit log as people read it: a label for every action the code records, filters (person, action,
dates) and the rows for the page and the CSV download. Reading only: rows are never edited or deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select

from feedback.core.clock import LONDON
from feedback.core.extensions import db
from feedback.models import AuditEvent, User

# Every action name passed to record_audit anywhere in feedback/ (tests/accounts/test_audit_page.py checks).
ACTION_LABELS: dict[str, str] = {
    # Signing in and accounts
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in failed",
    "sign_out": "Signed out",
    "two_factor_set_up": "Set up two-factor sign-in",
    "recovery_code_used": "Signed in with a recovery code",
    "two_factor_reset": "Two-factor sign-in reset by an admin",
    "password_changed": "Changed password",
    "user_invited": "Invited a new user",
    "invitation_accepted": "Accepted an invitation",
    "user_role_changed": "Changed a user's role",
    "user_deactivated": "Deactivated a user",
    "user_reactivated": "Reactivated a user",
    "signed_out_everywhere": "Signed a user out everywhere",
    "forbidden": "Refused a page (no permission)",
    "audit_downloaded": "Downloaded the audit log",
    "api_token.create": "Created an API token",
    "api_token.revoke": "Revoked an API token",
    # Families' data
    "view_response": "Viewed a family's response",
    "enter_response": "Entered a response (paper or in person)",
    "export_responses": "Exported responses",
    "cohort.import": "Imported the cohort",
    "call_recorded": "Recorded a call",
    "opt_out": "A family opted out",
    # Follow-ups and safeguarding
    "follow_up_opened": "Follow-up opened",
    "follow_up_viewed": "Viewed a follow-up",
    "follow_up_changed": "Changed a follow-up",
    "follow_up_note_added": "Added a note to a follow-up",
    "follow_ups_downloaded": "Downloaded follow-ups",
    "safeguarding_alert_raised": "Safeguarding alert raised",
    "safeguarding_alert_viewed": "Viewed a safeguarding alert",
    "safeguarding_alert_handled": "Recorded the action on a safeguarding alert",
    "safeguarding_alert_action_updated": "Updated the action on a safeguarding alert",
    # You said, we did
    "entry_created": "Created a You said, we did entry",
    "entry_edited": "Edited a You said, we did entry",
    "entry_published": "Published a You said, we did entry",
    "entry_scheduled": "Scheduled a You said, we did entry",
    "entry_unscheduled": "Unscheduled a You said, we did entry",
    "entry_withdrawn": "Withdrew a You said, we did entry",
    "entry_words_confirmed": "Confirmed words are not names",
    # Retention and erasure
    "purge": "Retention purge",
    "erase": "Erased a child's personal data",
    "subject_access": "Subject access export",
}

PAGE_SIZE = 50


def label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


@dataclass(frozen=True)
class AuditFilters:
    user_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON)


def _query(filters: AuditFilters) -> Select:
    query = select(AuditEvent, User.name, User.email).outerjoin(User, User.id == AuditEvent.user_id)
    if filters.user_id:
        query = query.where(AuditEvent.user_id == filters.user_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.date_from:
        query = query.where(AuditEvent.at >= _london_midnight(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.at < _london_midnight(filters.date_to + timedelta(days=1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def events(filters: AuditFilters, page: int = 1) -> tuple[list, bool]:
    """One page of events, newest first, and whether there is a next page."""
    rows = db.session.execute(_query(filters).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def all_events(filters: AuditFilters):
    """Every matching event, streamed for the CSV download."""
    return db.session.execute(_query(filters).execution_options(yield_per=1000))


def people() -> list[tuple[int, str]]:
    return [(row[0], row[1]) for row in db.session.execute(select(User.id, User.name).order_by(User.name))]
