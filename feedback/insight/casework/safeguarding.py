"""Safeguarding alerts: raised at once when a response's free text suggests a child may be at risk of harm,
at most once per response; an email to SAFEGUARDING_EMAIL (Notify or the outbox) with a link to the
response and none of what the family wrote; open until an officer records what was done. Audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from feedback.core.audit import record_audit
from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models import Response, SafeguardingAlert, StaffMessage, User
from feedback.notify.staff import send_staff_email

PURPOSE = "safeguarding_alert"
TEMPLATE_KEY = "safeguarding_alert_email"
ACTION_MAX = 2000  # characters
KIND_LABELS = {
    "physical_harm": "Physical harm",
    "restraint": "Restraint or seclusion",
    "self_harm": "Self-harm or suicide",
    "sexual_harm": "Sexual harm",
    "neglect": "Neglect or left unsupervised",
    "unsafe": "Unsafe, abuse or exploitation",
}
# How the alert names the survey: never the child's name (an email is not the place for it).
SURVEY_NAMES = {
    "new_plan": "a new EHC plan",
    "annual_review": "an EHC plan annual review",
    "annual_review_young_person": "a young person's EHC plan review",
}


def dedupe_key(response_id: int) -> str:
    return f"safeguarding:response:{response_id}"


def response_link(response_id: int) -> str:
    """The officer's page for the response (built from PUBLIC_BASE_URL: no request here)."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/officer/responses/{response_id}"


def alert_personalisation(alert: SafeguardingAlert) -> dict[str, str]:
    """What the email says: which survey and a link. No free text, no names, no reference."""
    survey_key = alert.response.survey_key
    return {
        "survey_name": SURVEY_NAMES.get(survey_key, "a SEND survey"),
        "response_link": response_link(alert.response_id),
    }


def new_alert(response: Response, kinds: Sequence[str], raised_at: datetime | None = None) -> SafeguardingAlert:
    """An alert for the response, not yet added to the session."""
    return SafeguardingAlert(response_id=response.id, signals=list(kinds), raised_at=raised_at or now())


def raise_alert(response: Response, kinds: Sequence[str], *, detail: str | None = None) -> SafeguardingAlert | None:
    """Record an alert for the response (in the caller's transaction); None when it already has one."""
    if db.session.scalar(select(SafeguardingAlert.id).where(SafeguardingAlert.response_id == response.id)):
        return None
    alert = new_alert(response, kinds)
    try:
        with db.session.begin_nested():  # unique response_id: at most one alert, whatever the race
            db.session.add(alert)
    except IntegrityError:
        return None
    record_audit(
        "safeguarding_alert_raised", "safeguarding_alert", alert.id, detail=detail or ",".join(kinds), user_id=None
    )
    return alert


def send_alert_email(alert: SafeguardingAlert) -> StaffMessage | None:
    """Email the alert at most once (commits). None when it was emailed before."""
    message = send_staff_email(
        purpose=PURPOSE,
        template_key=TEMPLATE_KEY,
        to=current_app.config["SAFEGUARDING_EMAIL"],
        personalisation=alert_personalisation(alert),
        dedupe_key=dedupe_key(alert.response_id),
    )
    if message is not None:
        alert.staff_message_id = message.id
        db.session.commit()
    return message


def record_action(alert: SafeguardingAlert, action: str, officer: User) -> None:
    """What was done (a referral, a call): closes the alert and takes it off the banner. The caller commits."""
    first = alert.handled_at is None
    alert.action_taken = action.strip()
    alert.handled_by_id = officer.id
    if first:
        alert.handled_at = now()
    record_audit(
        "safeguarding_alert_handled" if first else "safeguarding_alert_action_updated", "safeguarding_alert", alert.id
    )


@dataclass(frozen=True)
class OpenAlerts:
    count: int
    oldest_raised_at: datetime | None


def open_alerts() -> OpenAlerts:
    """How many alerts nobody has recorded an action for yet, and since when (for the banner)."""
    count, oldest = db.session.execute(
        select(func.count(SafeguardingAlert.id), func.min(SafeguardingAlert.raised_at)).where(
            SafeguardingAlert.handled_at.is_(None)
        )
    ).one()
    return OpenAlerts(count or 0, oldest)


def alerts_query(*, handled: bool):
    """Open alerts oldest first, or handled ones most recently handled first."""
    if handled:
        return (
            select(SafeguardingAlert)
            .where(SafeguardingAlert.handled_at.is_not(None))
            .order_by(SafeguardingAlert.handled_at.desc(), SafeguardingAlert.id.desc())
        )
    return (
        select(SafeguardingAlert)
        .where(SafeguardingAlert.handled_at.is_(None))
        .order_by(SafeguardingAlert.raised_at, SafeguardingAlert.id)
    )


def alert_for_message(message: StaffMessage) -> SafeguardingAlert | None:
    return db.session.scalar(select(SafeguardingAlert).where(SafeguardingAlert.response_id == _response_id(message)))


def _response_id(message: StaffMessage) -> int | None:
    prefix = dedupe_key(0)[:-1]
    if not message.dedupe_key.startswith(prefix):
        return None
    tail = message.dedupe_key[len(prefix) :]
    return int(tail) if tail.isdigit() else None
