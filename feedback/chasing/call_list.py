"""The call list: invitations due a phone call, and what officers record about each call.

Families from the ethnic groups under-represented among this quarter's respondents come first
(feedback.representation.flagged), then the others; oldest first within each."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from feedback.core.audit import record_audit
from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models import CallOutcome, CallRecord, Child, Invitation, InvitationStatus, User
from feedback.representation.flagged import FlaggedGroups

# Outcomes that take the family off the list; after "no answer" we try again.
FINAL_OUTCOMES = {CallOutcome.DECLINED, CallOutcome.WRONG_NUMBER, CallOutcome.ANSWERED}
# Closed (42 days), answered and opted-out invitations leave the list.
CALLABLE = (InvitationStatus.PENDING, InvitationStatus.OPEN)
OUTCOME_LABELS = {
    CallOutcome.NO_ANSWER: "No answer",
    CallOutcome.DECLINED: "Declined to answer",
    CallOutcome.WRONG_NUMBER: "Wrong number",
    CallOutcome.ANSWERED: "Answered on the phone",
}


def call_list_query(flagged: FlaggedGroups | None = None) -> Select:
    """Invitations waiting for a call: families of the `flagged` groups first, then oldest first."""
    attempts = select(func.count(CallRecord.id)).where(CallRecord.invitation_id == Invitation.id).scalar_subquery()
    order = [flagged.first_column(Child.ethnicity)] if flagged else []
    return (
        select(Invitation, attempts.label("attempts"))
        .join(Invitation.child)
        .options(joinedload(Invitation.contact), contains_eager(Invitation.child))
        .where(
            Invitation.call_list_at.is_not(None),
            Invitation.call_done_at.is_(None),
            Invitation.status.in_(CALLABLE),
        )
        .order_by(*order, Invitation.call_list_at, Invitation.id)
    )


def on_call_list(invitation: Invitation) -> bool:
    return invitation.call_list_at is not None and invitation.call_done_at is None and invitation.status in CALLABLE


def record_call(invitation: Invitation, outcome: CallOutcome, note: str | None, user: User) -> CallRecord:
    """Record one call; a final outcome takes the invitation off the list. The caller commits."""
    moment = now()
    call = CallRecord(
        invitation=invitation, outcome=outcome, note=(note or "").strip() or None, user_id=user.id, created_at=moment
    )
    db.session.add(call)
    if invitation.called_at is None:  # for the dashboard's chase funnel
        invitation.called_at = moment
    if outcome in FINAL_OUTCOMES:
        invitation.call_done_at = moment
    if outcome == CallOutcome.WRONG_NUMBER and invitation.contact.mobile_failed_at is None:
        invitation.contact.mobile_failed_at = moment
    record_audit("call_recorded", "invitation", invitation.id, detail=outcome.value, user_id=user.id)
    return call
