"""The chase funnel: each step counts invitations, from what the chase records on them as it happens."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from feedback.chasing.call_list import record_call
from feedback.chasing.receipts import record_receipt
from feedback.chasing.runner import run_chase
from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight.figures.counts import invitation_counts, response_counts
from feedback.insight.figures.funnel import STEPS, chase_funnel
from feedback.insight.periods import Period
from feedback.models import CallOutcome, InvitationStatus, Message, MessageStatus, ResponseChannel
from tests.factories import create_contact, create_invitation, create_response, create_user, sign_in

TUESDAY = date(2026, 11, 3)


def london(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), clock.LONDON).astimezone(UTC)


def chase(moment: datetime) -> None:
    with clock.frozen(moment):
        run_chase(now=moment)


def funnel_for(period: Period, keys=("new_plan",)):
    return chase_funnel(list(keys), invitation_counts(period), response_counts(period))


def test_the_chase_records_each_step_on_the_invitation_and_the_funnel_counts_them(app):
    with clock.frozen(london(TUESDAY - timedelta(days=1), 18)):
        invitations = [create_invitation(event_date=TUESDAY - timedelta(days=2))[0] for _ in range(4)]
        expired = create_invitation(event_date=TUESDAY - timedelta(days=3), status=InvitationStatus.EXPIRED)[0]
    chase(london(TUESDAY))  # every invitation goes (to the outbox: no Notify key in tests)
    db.session.expire_all()
    assert all(i.first_sent_at is not None and i.reminded_at is None for i in invitations)

    first, second, third, fourth = invitations
    # Notify delivers the first's invitation.
    message = db.session.scalar(select(Message).where(Message.invitation_id == first.id))
    message.status = MessageStatus.SENT
    db.session.commit()
    with clock.frozen(london(TUESDAY, 11)):
        record_receipt({"id": "a1b2c3d4-0000-4000-8000-000000000001", "reference": message.reference,
                        "status": "delivered", "completed_at": "2026-11-03T10:00:05.000000Z"})  # fmt: skip
    # The second answers online before any reminder; the others are reminded a week later.
    with clock.frozen(london(TUESDAY, 15)):
        create_response(invitation=second, at=london(TUESDAY, 15))
    chase(london(TUESDAY + timedelta(days=7)))
    db.session.expire_all()
    assert first.delivered_at == datetime(2026, 11, 3, 10, 0, 5, tzinfo=UTC)
    assert second.reminded_at is None and third.reminded_at is not None and fourth.reminded_at is not None
    # The fourth could not be reached; an officer calls the third, who answers on the phone.
    fourth.call_list_at, fourth.call_reason = london(TUESDAY + timedelta(days=8)), "undeliverable"
    officer = create_user()
    with clock.frozen(london(TUESDAY + timedelta(days=22))):
        record_call(third, CallOutcome.NO_ANSWER, None, officer)
        db.session.commit()
        create_response(invitation=third, channel=ResponseChannel.PHONE, entered_by=officer)
    db.session.expire_all()
    assert third.called_at == london(TUESDAY + timedelta(days=22))

    counts = funnel_for(Period(2026, 3)).by_survey["new_plan"]
    assert counts == {
        "invitations": 4,  # the expired one was never asked
        "invited": 4,
        "delivered": 1,
        "failed": 1,
        "reminded": 3,
        "call_list": 1,
        "called": 1,
        "answered_online": 1,
        "answered_phone": 1,
        "answered_in_person": 0,
        "answered_paper": 0,
    }
    assert expired.status == InvitationStatus.EXPIRED


def test_a_first_reminder_is_recorded_once(app):
    from feedback.chasing.rules import ChaseRules
    from feedback.chasing.store import mark_invitation_sent

    invitation, _ = create_invitation()
    first, later = london(TUESDAY), london(TUESDAY + timedelta(days=7))
    mark_invitation_sent(invitation.id, first, ChaseRules())
    mark_invitation_sent(invitation.id, later, ChaseRules(), reminder=True)
    mark_invitation_sent(invitation.id, later + timedelta(days=7), ChaseRules(), reminder=True)
    db.session.commit()
    db.session.refresh(invitation)
    assert (invitation.first_sent_at, invitation.reminded_at) == (first, later)


def test_the_funnel_has_every_step_defined_and_a_total(app):
    assert [s.key for s in STEPS][:7] == [
        "invitations", "invited", "delivered", "failed", "reminded", "call_list", "called"
    ]  # fmt: skip
    assert all(step.definition for step in STEPS)
    create_invitation("annual_review", date(2026, 10, 5), first_sent_at=london(date(2026, 10, 6)))
    create_invitation("new_plan", date(2026, 10, 5))
    funnel = funnel_for(Period(2026, 3), keys=("new_plan", "annual_review"))
    assert funnel.total["invitations"] == 2 and funnel.total["invited"] == 1


def test_the_dashboard_prints_the_funnel_and_what_each_step_counts(client):
    sign_in(client, "viewer")
    create_invitation("new_plan", date(2026, 10, 5), first_sent_at=london(date(2026, 10, 6)))
    with clock.frozen(london(date(2026, 11, 20))):
        html = client.get("/officer/").get_data(as_text=True)
    assert "Chase funnel" in html
    for step in STEPS:
        assert step.label in html and step.definition in html


@pytest.mark.parametrize("status", [InvitationStatus.OPEN, InvitationStatus.CLOSED, InvitationStatus.OPTED_OUT])
def test_every_invitation_but_an_expired_one_counts(app, status):
    create_invitation(event_date=date(2026, 10, 5), contact=create_contact(), status=status)
    assert funnel_for(Period(2026, 3)).by_survey["new_plan"]["invitations"] == 1
