"""Closing the loop (feedback.publishing.updates): one update message to each family who asked to hear back, sent
at most once through the chase's sender, inside civil hours; through the fake Notify and through the outbox."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from feedback.chasing.optout import opt_out_contacts
from feedback.chasing.runner import run_chase
from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight.intake import save_response
from feedback.models import ActionNotice, ActionStatus, Message, MessageStatus
from feedback.publishing.entries import update_entry
from feedback.publishing.lifecycle import link_and_notify, publish_due, publish_entry, schedule_entry, withdraw_entry
from feedback.publishing.updates import deliver_updates
from feedback.surveys.definitions import SURVEYS
from tests.factories import create_invitation
from tests.fake_notify import TEMPLATE_IDS, fake_notify  # noqa: F401
from tests.publishing.conftest import TUESDAY, fields, london, make_entry, respond

SUNDAY = date(2026, 11, 8)


@pytest.fixture
def notify(app, fake_notify):  # noqa: F811
    fake_notify.configure(app)
    return fake_notify


def five_families():
    """Three families who asked to hear back and two who did not, each answering once."""
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        yes = [respond(consent_contact=True) for _ in range(3)]
        no = [respond(consent_contact=False) for _ in range(2)]
    return yes, no


def deliver(moment, **kwargs):
    with clock.frozen(moment):
        return deliver_updates(moment, **kwargs)


def update_messages() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(select(Message).where(Message.purpose == "update").order_by(Message.id)))


def test_three_consenting_families_get_exactly_three_messages_however_often_it_is_published(notify):
    yes, no = five_families()
    action = make_entry(responses=yes + no, publish_at=london(TUESDAY))
    report = deliver(london(TUESDAY, 10, 5))
    assert report.total_sent == 3
    sent = notify.notifications
    assert len(sent) == 3
    assert {n.to for n in sent} == {r.invitation.contact.email for r in yes}
    assert {n.template_id for n in sent} == {TEMPLATE_IDS["update_email"]}
    assert {n.personalisation["survey_link"] for n in sent} == {f"http://survey.test/you-said-we-did/{action.slug}"}

    # Edited, published again (as is, and after a withdrawal), delivered again: nobody is sent a second one.
    with clock.frozen(london(TUESDAY, 11)):
        update_entry(action, fields(we_did="We added three caseworkers."), None)
        publish_entry(action)
        withdraw_entry(action, None, "a mistake")
        db.session.commit()
        publish_entry(action)
        db.session.commit()
    for moment in (london(TUESDAY, 12), london(TUESDAY + timedelta(days=1), 10)):
        assert deliver(moment).total_sent == 0
    assert len(notify.notifications) == 3
    assert Counter(notify.references()) == Counter({m.reference: 1 for m in update_messages()})
    assert db.session.scalar(select(db.func.count(ActionNotice.id))) == 3


def test_the_outbox_shows_them_when_there_is_no_notify_key(app, client):
    from tests.factories import sign_in

    yes, no = five_families()
    action = make_entry(responses=yes + no, publish_at=london(TUESDAY))
    report = deliver(london(TUESDAY, 10, 5))
    assert report.outbox and report.total_sent == 3
    messages = update_messages()
    assert [m.status for m in messages] == [MessageStatus.OUTBOX] * 3
    assert all(f"/you-said-we-did/{action.slug}" in m.body for m in messages)
    assert deliver(london(TUESDAY, 11)).total_sent == 0
    sign_in(client, "officer")
    page = client.get("/officer/outbox").get_data(as_text=True)
    assert page.count("You said, we did update") == 3
    assert f"/you-said-we-did/{action.slug}" in page


def test_messages_wait_for_civil_hours(notify):
    yes, _ = five_families()
    make_entry(responses=yes, publish_at=london(SUNDAY, 12))
    report = deliver(london(SUNDAY, 12, 5))
    assert report.total_sent == 0 and report.deferred == 3
    assert deliver(london(SUNDAY + timedelta(days=1), 8, 59)).total_sent == 0
    assert deliver(london(SUNDAY + timedelta(days=1), 9)).total_sent == 3
    assert len(notify.notifications) == 3


def test_a_withdrawn_entry_sends_nothing(notify):
    yes, _ = five_families()
    action = make_entry(responses=yes, publish_at=london(SUNDAY, 12))  # queued, waiting for Monday
    with clock.frozen(london(SUNDAY, 13)):
        withdraw_entry(action, None, "published by mistake")
        db.session.commit()
    assert [m.status for m in update_messages()] == [MessageStatus.CANCELLED] * 3
    assert deliver(london(SUNDAY + timedelta(days=1), 10)).total_sent == 0
    with clock.frozen(london(SUNDAY + timedelta(days=1), 11)):
        publish_entry(action)  # published again: the families' one update was cancelled, not owed twice
        db.session.commit()
    assert deliver(london(SUNDAY + timedelta(days=1), 11, 5)).total_sent == 0
    assert notify.notifications == []


def test_opted_out_and_non_consenting_contacts_get_nothing(notify):
    yes, no = five_families()
    opt_out_contacts([yes[0].invitation.contact_id], reason="test")
    db.session.commit()
    action = make_entry(responses=yes + no, publish_at=london(SUNDAY, 12))
    assert len(update_messages()) == 2  # the opted-out family is never queued
    opt_out_contacts([yes[1].invitation.contact_id], reason="test")  # opts out while the message waits
    db.session.commit()
    report = deliver(london(SUNDAY + timedelta(days=1), 10))
    assert report.total_sent == 1 and report.cancelled == 1
    assert [n.to for n in notify.notifications] == [yes[2].invitation.contact.email]
    assert action.status == ActionStatus.PUBLISHED


def test_by_the_familys_usual_channel_and_the_other_when_notify_refuses_the_first(notify):
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        text_only = respond(consent_contact=True, email=None, mobile="+447700900501")
        bad_email = respond(consent_contact=True, email="not-an-address@bad", mobile="+447700900502")
    make_entry(responses=[text_only, bad_email], publish_at=london(TUESDAY))
    report = deliver(london(TUESDAY, 10, 5))
    assert report.rejected == 1
    by_type = sorted((n.type, n.to) for n in notify.notifications)
    assert by_type == [("sms", "+447700900501"), ("sms", "+447700900502")]
    assert {n.template_id for n in notify.notifications} == {TEMPLATE_IDS["update_sms"]}
    assert deliver(london(TUESDAY, 11)).total_sent == 0
    assert len(notify.notifications) == 2


def test_an_unknown_outcome_is_asked_about_by_reference_before_sending_again(app, notify):
    yes, _ = five_families()
    make_entry(responses=yes[:2], publish_at=london(TUESDAY))
    notify.hang(3, times=1, accept=True)  # Notify takes the first but its answer is lost
    app.config["NOTIFY_TIMEOUT"] = 1
    notify.configure(app, timeout=1)
    report = deliver(london(TUESDAY, 10, 5))
    assert report.unknown == 1 and report.total_sent == 1
    notify.fail(500, times=1, methods=("POST",))  # nothing is lost the second time: it must not be sent
    later = london(TUESDAY, 10, 30)  # after CHASE_STALE_MINUTES
    report = deliver(later)
    assert report.recovered == 1 and report.total_sent == 0
    assert all(n == 1 for n in Counter(notify.references()).values())
    assert len(notify.notifications) == 2
    assert {m.status for m in update_messages()} == {MessageStatus.SENT}


def test_the_chase_never_touches_an_update_message(notify):
    yes, _ = five_families()
    make_entry(responses=yes, publish_at=london(SUNDAY, 12))
    later = london(SUNDAY + timedelta(days=1), 8)  # stale, still outside civil hours
    with clock.frozen(later):
        run_chase(now=later)
    assert [m.status for m in update_messages()] == [MessageStatus.QUEUED] * 3
    assert notify.calls() == 0


def test_linking_a_family_to_a_published_entry_sends_them_the_update_once(notify):
    yes, _ = five_families()
    action = make_entry(responses=yes[:1], publish_at=london(TUESDAY))
    with clock.frozen(london(TUESDAY, 10, 30)):
        assert link_and_notify(action, yes[1].id, None) == 1
        db.session.commit()
    assert deliver(london(TUESDAY, 10, 35)).total_sent == 2
    with clock.frozen(london(TUESDAY, 11)):
        assert link_and_notify(action, yes[2].id, None) == 1
        db.session.commit()
    assert deliver(london(TUESDAY, 11, 5)).total_sent == 1
    assert len(notify.notifications) == 3


def test_a_family_linked_through_two_responses_gets_one_message(notify):
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        first = respond(consent_contact=True)
        contact = first.invitation.contact
        invitation, _ = create_invitation("annual_review", date(2026, 10, 20), contact=contact)
        survey = SURVEYS["annual_review"]
        answers = {s.key: "agree" for s in survey.statements} | {"consent_contact": "yes"}
        second = save_response(invitation, survey, answers)
    make_entry(responses=[first, second], publish_at=london(TUESDAY))
    assert deliver(london(TUESDAY, 10, 5)).total_sent == 1


def test_publish_due_publishes_on_the_date_and_sends_once(notify, runner):
    yes, no = five_families()
    action = make_entry(responses=yes + no)
    with clock.frozen(london(TUESDAY, 9)):
        schedule_entry(action, london(TUESDAY + timedelta(days=2), 0), None)
        db.session.commit()
    before = runner.invoke(args=["publish-due", "--now", "2026-11-04T10:00"])
    assert before.exit_code == 0, before.output
    assert "Published: 0 entries" in before.output
    db.session.expire_all()
    assert action.status == ActionStatus.SCHEDULED and notify.notifications == []
    due = runner.invoke(args=["publish-due", "--now", "2026-11-05T10:00"])
    assert due.exit_code == 0, due.output
    assert "Published: 1 entries (3 update messages queued)" in due.output
    assert "Updates sent: email 3, sms 0" in due.output
    again = runner.invoke(args=["publish-due", "--now", "2026-11-05T10:15"])
    assert "Published: 0 entries" in again.output and "email 0" in again.output
    db.session.expire_all()
    assert action.status == ActionStatus.PUBLISHED
    assert action.published_at == london(TUESDAY + timedelta(days=2), 10)
    assert len(notify.notifications) == 3


def test_publish_due_holds_an_entry_that_names_someone(app):
    yes, _ = five_families()
    name = yes[0].invitation.contact.name
    action = make_entry(responses=yes, we_did=f"{name} helped us.")
    action.status, action.publish_at = ActionStatus.SCHEDULED, london(TUESDAY, 0)  # scheduled before the import
    db.session.commit()
    report = publish_due(london(TUESDAY, 1))
    assert report.held == [action.id] and report.published == []
    db.session.expire_all()
    assert action.status == ActionStatus.SCHEDULED and update_messages() == []


def test_runs_at_once_on_postgresql_never_send_an_update_twice(app, notify):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL only")
    app.config.update(CHASE_BATCH_SIZE=4, NOTIFY_WORKERS=2)
    notify.latency = 0.02
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        families = [respond(consent_contact=True) for _ in range(24)]
    make_entry(responses=families, publish_at=london(SUNDAY, 12))  # queued, waiting for Monday
    moment = london(SUNDAY + timedelta(days=1), 10)
    reports, errors = [None] * 3, []

    def work(index: int) -> None:
        try:
            with app.app_context():
                reports[index] = deliver_updates(moment)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    with clock.frozen(moment):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not errors, errors
    assert sum(r.total_sent for r in reports) == 24
    assert len(notify.notifications) == 24
    assert all(n == 1 for n in Counter(notify.references()).values())
