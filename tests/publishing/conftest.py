"""Helpers for the publishing tests: responses from families with chosen answers and consents, and entries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight.intake import save_response
from feedback.models import ActionProgress, Response, User
from feedback.publishing.entries import EntryFields, create_entry
from feedback.publishing.lifecycle import publish_entry
from feedback.surveys.definitions import SURVEYS
from tests.factories import create_contact, create_invitation

TUESDAY = date(2026, 11, 3)


def london(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), clock.LONDON).astimezone(UTC)


def respond(
    survey_key: str = "new_plan",
    event_date: date = date(2026, 11, 2),
    choice: str | list[str] | None = None,
    consent_contact: bool = False,
    consent_quote: bool = False,
    texts: dict[str, str] | None = None,
    **contact_fields,
) -> Response:
    """A family answers a survey: every statement `choice` (or one choice per statement), the free texts given."""
    survey = SURVEYS[survey_key]
    contact = create_contact(**contact_fields) if contact_fields else None
    invitation, _ = create_invitation(survey_key, event_date, contact=contact)
    choices = choice if isinstance(choice, list) else [choice or survey.scale[0].value] * len(survey.statements)
    data = {s.key: c for s, c in zip(survey.statements, choices, strict=True)}
    data.update(texts or {})
    data["consent_contact"] = "yes" if consent_contact else "no"
    data["consent_quote"] = "yes" if consent_quote else "no"
    return save_response(invitation, survey, data)


def fields(**overrides) -> EntryFields:
    values = {
        "title": "Quicker decisions after assessments",
        "you_said": "Families told us decisions took **too long**.",
        "we_did": "We added two caseworkers and now reply within 10 working days.",
        "theme": "timeliness",
        "progress": ActionProgress.DONE,
        "progress_on": date(2026, 10, 1),
    }
    values.update(overrides)
    return EntryFields(**values)


def make_entry(user: User | None = None, responses: list[Response] = (), publish_at: datetime | None = None, **kw):
    """A draft entry (published at `publish_at` when given), linked to `responses`; committed."""
    action = create_entry(fields(**kw), user)
    for response in responses:
        action.responses.append(response)
    db.session.flush()
    if publish_at is not None:
        with clock.frozen(publish_at):
            publish_entry(action, user, publish_at)
    db.session.commit()
    return action
