"""POST /notify/inbound: texts families send back, and STOP."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from feedback.chasing.receipts import is_stop_request
from feedback.core.extensions import db
from feedback.models import (
    AuditEvent,
    Channel,
    Contact,
    InboundSms,
    Invitation,
    InvitationStatus,
    Message,
    MessageStatus,
)
from tests.factories import create_child, create_contact, create_invitation, create_user, sign_in_as

TOKEN = "inbound-token-for-tests-0123456789"  # noqa: S105
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
SHARED_MOBILE = "+447700900123"


@pytest.fixture(autouse=True)
def callback_token(notify_callback_token):
    return notify_callback_token


def inbound(message: str, source: str = "447700900123", **fields) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "source_number": source,
        "destination_number": "07700900000",
        "message": message,
        "date_received": "2026-11-10T09:30:00.000000Z",
    }
    body.update(fields)
    return body


def post(client, body, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/notify/inbound", json=body, headers=headers)


def sign_in(client, user):
    sign_in_as(client, user)


# ------------------------------------------------------------------ what counts as STOP

STOPS = [
    "STOP", "stop", "Stop", " stop ", "Stop.", "STOP!!", "stop\n", "'stop'", "\u201cStop\u201d", "STOP ALL", "stop all",
    "STOPALL", "Stopall", "UNSUBSCRIBE", "Unsubscribe me", "unsub", "stop please", "Stop please.", "Please stop",
    "please STOP!", "Stop, thank you", "stop thanks x", "Hi, please stop", "cancel", "CANCEL", "End", "end.", "quit",
    "QUIT", "opt out", "Opt-out", "OPTOUT", "opt me out", "Stop sending me these", "please stop texting me",
    "Stop messages", "stop now", "Remove me", "No more texts please", "Could you please stop",
    "\uff33\uff34\uff2f\uff30",
]  # fmt: skip
NOT_STOPS = [
    "don't stop sending me these", "Don\u2019t stop", "do not stop", "When does the survey stop?",
    "I will stop by the office", "Stopped", "non-stop", "please", "thanks", "", "   ", None, "stop" + " stop" * 20,
    "The end", "end of term", "cancel my meeting", "Can you call me? I can't stop worrying", "Who is this?", "Yes",
    "Not now", "Please don't stop", "stop by", "stops", "STOP is what my son said about school", "s t o p",
]  # fmt: skip


@pytest.mark.parametrize("text", STOPS)
def test_stop_requests(text):
    assert is_stop_request(text) is True


@pytest.mark.parametrize("text", NOT_STOPS)
def test_not_stop_requests(text):
    assert is_stop_request(text) is False


# ------------------------------------------------------------------ authentication and bad bodies


def test_inbound_needs_the_bearer_token(client):
    assert post(client, inbound("STOP"), token=None).status_code == 401
    assert post(client, inbound("STOP"), token="not-the-token").status_code == 401
    assert db.session.scalar(select(func.count(InboundSms.id))) == 0


def test_inbound_is_401_without_a_configured_token(app, client):
    app.config["NOTIFY_CALLBACK_TOKEN"] = ""
    assert post(client, inbound("STOP")).status_code == 401
    assert post(client, inbound("STOP"), token="None").status_code == 401


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": None}, "id is missing"),
        ({"message": None}, "message is missing"),
        ({"message": 42}, "message must be a string"),
        ({"source_number": None}, "source_number is missing"),
        ({"source_number": "not a number"}, "source_number is not a phone number"),
        ({"source_number": "1" * 25}, "source_number is not a phone number"),
    ],
)
def test_malformed_inbound_is_400(client, change, reason):
    body = inbound("hello")
    body.update(change)
    response = post(client, body)
    assert response.status_code == 400
    assert reason in response.json["error"]
    assert db.session.scalar(select(func.count(InboundSms.id))) == 0


def test_inbound_body_must_be_json(client):
    response = client.post("/notify/inbound", data="STOP", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400


# ------------------------------------------------------------------ STOP opts out every contact with the mobile


def _family_sharing_a_mobile():
    """A parent whose two children each have an invitation, recorded as two contacts with one mobile."""
    first = create_contact(create_child(), mobile=SHARED_MOBILE, name="Sam Parent")
    second = create_contact(create_child(), mobile=SHARED_MOBILE, name="Sam Parent")
    inv1, _ = create_invitation(contact=first, status=InvitationStatus.OPEN)
    inv2, _ = create_invitation("annual_review", contact=second)
    queued = Message(invitation=inv2, sequence=1, channel=Channel.SMS, purpose="invite", status=MessageStatus.QUEUED)
    db.session.add(queued)
    neighbour = create_contact(mobile="+447700900456")
    inv3, _ = create_invitation(contact=neighbour, status=InvitationStatus.OPEN)
    db.session.commit()
    return first, second, neighbour, (inv1, inv2, inv3), queued


def test_stop_opts_out_every_contact_with_that_mobile(client):
    first, second, neighbour, (inv1, inv2, inv3), queued = _family_sharing_a_mobile()
    response = post(client, inbound("Stop please", source="447700900123"))
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Contact, first.id).opted_out_at == NOW
    assert db.session.get(Contact, second.id).opted_out_at == NOW
    assert db.session.get(Contact, neighbour.id).opted_out_at is None
    assert db.session.get(Invitation, inv1.id).status == InvitationStatus.OPTED_OUT
    assert db.session.get(Invitation, inv2.id).status == InvitationStatus.OPTED_OUT
    assert db.session.get(Invitation, inv3.id).status == InvitationStatus.OPEN
    assert db.session.get(Message, queued.id).status == MessageStatus.CANCELLED
    sms = db.session.scalar(select(InboundSms))
    assert sms.is_stop is True
    assert sms.source_number == SHARED_MOBILE
    assert sms.received_at == datetime(2026, 11, 10, 9, 30, tzinfo=UTC)


def test_stop_is_audited_without_personal_data(client):
    first, second, *_ = _family_sharing_a_mobile()
    post(client, inbound("STOP"))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "opt_out")).all()
    assert sorted(int(e.object_id) for e in events) == sorted([first.id, second.id])
    for event in events:
        assert event.object_type == "contact"
        assert event.detail == "texted STOP"
        assert event.user_id is None
    # A second STOP opts nobody else out and audits nothing more.
    post(client, inbound("STOP"))
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "opt_out")) == 2


def test_stop_from_a_number_written_another_way_still_matches(client):
    contact = create_contact(mobile="+447700900999")
    create_invitation(contact=contact)
    post(client, inbound("unsubscribe", source="+44 7700 900999"))
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).opted_out_at is not None


def test_the_same_text_delivered_twice_is_stored_once(client):
    body = inbound("Thank you, I'll fill it in tonight")
    assert post(client, body).json["result"] == "stored"
    again = post(client, body)
    assert again.status_code == 200
    assert again.json["result"] == "duplicate"
    assert db.session.scalar(select(func.count(InboundSms.id))) == 1


def test_a_reply_that_is_not_stop_opts_nobody_out(client):
    first, second, *_ = _family_sharing_a_mobile()
    response = post(client, inbound("Don't stop sending me these, I like them"))
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Contact, first.id).opted_out_at is None
    assert db.session.get(Contact, second.id).opted_out_at is None
    sms = db.session.scalar(select(InboundSms))
    assert sms.is_stop is False
    assert sms.message == "Don't stop sending me these, I like them"


def test_a_number_that_is_not_a_uk_mobile_is_kept_as_digits(client):
    response = post(client, inbound("STOP", source="12025550123"))
    assert response.status_code == 200
    sms = db.session.scalar(select(InboundSms))
    assert sms.source_number == "12025550123"
    assert sms.is_stop is True


def test_without_date_received_the_time_is_now(client):
    post(client, inbound("hello", date_received=None))
    assert db.session.scalar(select(InboundSms)).received_at == NOW


def test_inbound_never_logs_the_number_or_the_text(client, caplog):
    _family_sharing_a_mobile()
    with caplog.at_level("DEBUG"):
        post(client, inbound("STOP"))
        post(client, inbound("My daughter Priya had a hard time", source="447700900456"))
    assert "7700900123" not in caplog.text and "7700900456" not in caplog.text
    assert "Priya" not in caplog.text and "STOP" not in caplog.text


def test_a_reply_is_shown_to_officers_beside_the_family_invitation(client):
    contact = create_contact(create_child(ref="CASE-0042"), mobile=SHARED_MOBILE)
    create_invitation("new_plan", event_date=date(2025, 3, 1), contact=contact, status=InvitationStatus.RESPONDED)
    create_invitation("annual_review", event_date=date(2026, 11, 2), contact=contact, status=InvitationStatus.OPEN)
    post(client, inbound("Can someone ring me about the review? After 3pm is best"))
    post(client, inbound("STOP ALL", source="447700900888"))
    sign_in(client, create_user(role="officer"))  # viewers see figures only (403 here)
    page = client.get("/officer/replies")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Can someone ring me about the review? After 3pm is best" in html
    assert "CASE-0042" in html
    assert "annual review" in html.lower()
    assert "Waiting for an answer" in html  # the newest invitation's status, not the answered one
    assert "STOP ALL" not in html
