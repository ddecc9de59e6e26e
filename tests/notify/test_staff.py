"""Emails to staff: at most once per dedupe key, through the real client against the fake Notify."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import MessageStatus, StaffMessage
from feedback.notify.staff import send_staff_email, settle_staff_messages
from tests.fake_notify import TEMPLATE_IDS, fake_notify  # noqa: F401

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ALERT = {"survey_name": "your child's EHC plan annual review", "response_link": "http://survey.test/officer/r/1"}


def _alert(key: str = "safeguarding:response:1"):
    return send_staff_email(
        purpose="safeguarding_alert",
        template_key="safeguarding_alert_email",
        to="safeguarding@example.org",
        personalisation=ALERT,
        dedupe_key=key,
    )


def test_without_a_key_the_email_is_kept_in_the_outbox_once(app):
    first = _alert()
    assert first.status == MessageStatus.OUTBOX
    assert "Read the response now" in first.body and ALERT["response_link"] in first.body
    assert _alert() is None
    assert db.session.scalar(select(func.count(StaffMessage.id))) == 1


def test_sent_through_notify_once(app, fake_notify):  # noqa: F811
    fake_notify.configure(app)
    message = _alert()
    assert message.status == MessageStatus.SENT and message.notify_id
    assert _alert() is None
    [sent] = fake_notify.by_reference(message.reference)
    assert (sent.to, sent.template_id, sent.personalisation) == (
        "safeguarding@example.org",
        TEMPLATE_IDS["safeguarding_alert_email"],
        ALERT,
    )


def test_an_unknown_outcome_is_asked_about_before_sending_again(app, fake_notify):  # noqa: F811
    fake_notify.configure(app, timeout=0.5)
    with clock.frozen(NOW):
        fake_notify.hang(1.0, accept=True)  # Notify took it, but the answer was lost
        lost = _alert("safeguarding:response:2")
        fake_notify.fail(500, times=1, methods=("POST",))
        failed = _alert("safeguarding:response:3")
    assert lost.status == failed.status == MessageStatus.UNKNOWN
    with clock.frozen(NOW + timedelta(minutes=15)):
        assert settle_staff_messages(lambda m: ALERT) == 2
    assert lost.status == failed.status == MessageStatus.SENT
    assert len(fake_notify.by_reference(lost.reference)) == 1  # found, not sent twice
    assert len(fake_notify.by_reference(failed.reference)) == 1  # not found, sent now


def test_the_outbox_lists_staff_emails_apart(app, client):
    from tests.factories import sign_in

    _alert()
    sign_in(client)
    families = client.get("/officer/outbox").get_data(as_text=True)
    assert "Emails to staff (1)" in families and "Safeguarding alert" not in families
    staff = client.get("/officer/outbox?to=staff").get_data(as_text=True)
    assert "Email to staff: Safeguarding alert" in staff and "safeguarding@example.org" in staff
