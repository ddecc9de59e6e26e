"""The demo's responses, analysed as if each had been taken in on the day it was sent: sentiment, themes,
follow-ups opened on the day of the response, and safeguarding alerts.

Emails are not sent for the demo's alerts: they are history loaded in bulk, and the staff outbox would
otherwise fill with one alert per worrying answer of the last three years. The alert rows and the banner
show the feature instead. Follow-ups and alerts older than a fortnight are settled as a team would have
settled them, so the follow-ups page shows a working tracker; the newest alert is left open, so the banner
shows."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from feedback.core.clock import as_utc, today_london
from feedback.core.extensions import db
from feedback.demo.population import SAFEGUARDING_WORRIES, WORRIES
from feedback.insight.casework.findings import reanalyse
from feedback.models import FollowUp, FollowUpNote, FollowUpStatus, SafeguardingAlert
from feedback.surveys.definitions import get_survey

SETTLED_AFTER = timedelta(days=14)  # follow-ups due before this long ago are resolved
CONTACTED_AFTER = timedelta(days=4)  # due before this long ago: the family has been contacted
NOTES = (
    "Called the family and talked it through; they are happy with the next steps.",
    "Emailed the family with the date of the next review and the caseworker's direct line.",
    "Spoke to the school's SENCO; the support in the plan starts next week.",
    "Left a voicemail and sent a text asking the family to call back.",
    "Arranged a meeting with the family and the caseworker.",
)
ALERT_ACTION = "Referred to the children's services front door the same day; the family was contacted."


def add_worries(responses: list[dict], answers: list[dict], rng: random.Random) -> int:
    """Add a worrying sentence to a few parents' "could be better" answers (before the council is inserted),
    so that the demo shows safeguarding alerts. Its own random stream leaves the rest of the council as it was."""
    eligible = [
        answer
        for answer in answers
        if answer["question_key"] == "do_better"
        and answer["text"]
        and not get_survey(responses[answer["_resp"]]["survey_key"]).easy_read
    ]
    chosen = rng.sample(eligible, min(WORRIES, len(eligible)))
    for answer, worry in zip(chosen, SAFEGUARDING_WORRIES, strict=False):
        answer["text"] += " " + worry
    return len(chosen)


@dataclass
class DemoCasework:
    follow_ups: int
    alerts: int
    open_alerts: int


def analyse_demo(officer_id: int, rng: random.Random) -> DemoCasework:
    """Analyse every demo response, open follow-ups dated on the day of the response, record (not email)
    alerts, then settle the older ones."""
    report = reanalyse(
        send_alerts=False,
        backfill_days=None,
        opened_at=lambda response: as_utc(response.submitted_at),
        source="the demo load",
    )
    today = today_london()
    settled, contacted = today - SETTLED_AFTER, today - CONTACTED_AFTER
    db.session.execute(
        update(FollowUp)
        .where(FollowUp.due_on < settled)
        .values(status=FollowUpStatus.RESOLVED, contacted_at=FollowUp.created_at, resolved_at=FollowUp.created_at)
    )
    db.session.execute(
        update(FollowUp)
        .where(FollowUp.due_on >= settled, FollowUp.due_on < contacted)
        .values(status=FollowUpStatus.CONTACTED, contacted_at=FollowUp.created_at)
    )
    worked = db.session.execute(
        select(FollowUp.id, FollowUp.created_at).where(FollowUp.status != FollowUpStatus.OPEN).order_by(FollowUp.id)
    ).all()
    notes = [
        {
            "follow_up_id": follow_up_id,
            "author_id": officer_id,
            "body": rng.choice(NOTES),
            "created_at": as_utc(created_at) + timedelta(days=1),
        }
        for follow_up_id, created_at in worked
    ]
    if notes:
        db.session.execute(insert(FollowUpNote.__table__), notes)
    newest = db.session.scalar(select(func.max(SafeguardingAlert.raised_at)))
    if newest is not None:
        db.session.execute(
            update(SafeguardingAlert)
            .where(SafeguardingAlert.raised_at < newest)
            .values(handled_at=SafeguardingAlert.raised_at, handled_by_id=officer_id, action_taken=ALERT_ACTION)
        )
    db.session.commit()
    still_open = select(func.count(SafeguardingAlert.id)).where(SafeguardingAlert.handled_at.is_(None))
    return DemoCasework(report.follow_ups_opened, report.alerts_raised, db.session.scalar(still_open) or 0)
