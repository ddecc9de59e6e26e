"""The demo council's "You said, we did": three published entries and a draft, each linked to the demo responses
whose words it answers, one quoting a family who agreed to be quoted. They go through the real editor functions
(versions, flags, the one publication path); the updates to the families who asked to hear back go to the outbox
when there is no Notify key, and otherwise wait for `flask publish-due`, like the chase's own messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import ActionProgress, Answer, Response, User
from feedback.publishing.entries import EntryFields, add_quote, create_entry, flags_for
from feedback.publishing.identifiers import find_identifiers, known_for
from feedback.publishing.lifecycle import publish_entry
from feedback.publishing.updates import deliver_updates


@dataclass(frozen=True)
class DemoEntry:
    fields: EntryFields
    words: tuple[str, ...]  # linked: responses whose free text has one of these
    survey: str
    limit: int
    days_ago: int | None  # published this many days ago; None: a draft


def _entries(today) -> list[DemoEntry]:
    return [
        DemoEntry(
            EntryFields(
                title="Decisions after an assessment now come within 16 weeks",
                you_said="Families told us that **plans took too long**, and that children went without support "
                "while they waited.",
                we_did="We added two caseworkers to the assessment team and now track every request against the "
                "20-week limit each week.\n\n- Most plans are now issued within 16 weeks.\n- A family whose plan "
                "is running late hears from us before the deadline, with a new date.",
                theme="timeliness",
                progress=ActionProgress.DONE,
                progress_on=today - timedelta(days=70),
            ),
            ("longer than 20 weeks", "months later", "too late"),
            "new_plan",
            40,
            60,
        ),
        DemoEntry(
            EntryFields(
                title="A named caseworker, and an answer to emails within 5 working days",
                you_said="Families said it was hard to reach anyone, and that nobody told them when their caseworker "
                "changed.",
                we_did="Every letter now gives your caseworker's name and direct phone number. We answer emails "
                "within 5 working days, and we write to you when your caseworker changes.",
                theme="communication",
                progress=ActionProgress.IN_PROGRESS,
                progress_on=today - timedelta(days=30),
            ),
            ("hard to get hold of", "caseworker had changed", "keep families updated"),
            "new_plan",
            30,
            20,
        ),
        DemoEntry(
            EntryFields(
                title="Review papers two weeks before the meeting",
                you_said="Young people and families told us review meetings had too many people and hard words.",
                we_did="From next term the papers for an annual review will arrive two weeks before the meeting, "
                "with an easy read summary, and young people can choose who comes.",
                theme="review_meeting",
                progress=ActionProgress.PLANNED,
                progress_on=today + timedelta(days=60),
            ),
            ("too many people", "words were hard", "talked about me"),
            "annual_review_young_person",
            25,
            5,
        ),
        DemoEntry(
            EntryFields(
                title="Transport to school: what we are looking into",
                you_said="Some families told us transport was not sorted before the start of term.",
                we_did="We are talking to the transport team about deciding transport at the same time as the plan.",
                theme="transport",
                progress=ActionProgress.PLANNED,
                progress_on=today + timedelta(days=90),
            ),
            ("transport",),
            "new_plan",
            5,
            None,
        ),
    ]


def _responses(entry: DemoEntry) -> list[Response]:
    matches = or_(*[func.lower(Answer.text).like(f"%{word}%") for word in entry.words])
    ids = select(Answer.response_id).where(matches)
    query = select(Response).where(Response.survey_key == entry.survey, Response.id.in_(ids))
    return list(db.session.scalars(query.order_by(Response.submitted_at.desc()).limit(entry.limit)))


def _quote(action, responses: list[Response], user: User | None) -> None:
    """The first family who agreed to be quoted and wrote something with nothing flagged in it."""
    candidates = [
        (response, answer)
        for response in responses
        if response.consent_quote
        for answer in response.answers
        if answer.question_key == "do_better" and answer.text
    ]
    known = known_for("\n".join(answer.text for _, answer in candidates))
    for response, answer in candidates:
        if not find_identifiers(answer.text, known):
            add_quote(action, response, answer.question_key, answer.text, user)
            return


def _weekday_morning(days_ago: int) -> datetime:
    """10am London that many days ago, moved back off a Sunday (updates go out Monday to Saturday)."""
    day = clock.today_london() - timedelta(days=days_ago)
    if day.weekday() == 6:
        day -= timedelta(days=1)
    return datetime.combine(day, time(10), clock.LONDON).astimezone(UTC)


def add_demo_entries(officer_id: int) -> int:
    """Create the demo's entries; returns how many were published. The caller commits."""
    user = db.session.get(User, officer_id)
    published = 0
    for entry in _entries(clock.today_london()):
        action = create_entry(entry.fields, user)
        responses = _responses(entry)
        action.responses.extend(responses)
        _quote(action, responses, user)
        db.session.flush()
        # Our own wording: a word that happens to be a demo child's name ("Will", say) is not one here.
        action.not_names = sorted({flag.text for _, flag in flags_for(action) if flag.confirmable})
        if entry.days_ago is None or flags_for(action):
            continue
        moment = _weekday_morning(entry.days_ago)
        with clock.frozen(moment):
            publish_entry(action, user, moment)
            db.session.commit()
            if not current_app.config.get("NOTIFY_API_KEY"):
                deliver_updates(moment, action_id=action.id)
        published += 1
    return published
