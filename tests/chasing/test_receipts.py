"""POST /notify/callback: GOV.UK Notify delivery receipts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from feedback.chasing.receipts import NOTIFY_STATUSES, status_rank
from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import Channel, Contact, Invitation, InvitationStatus, Message, MessageStatus
from tests.factories import create_contact, create_invitation

TOKEN = "callback-token-for-tests-0123456789"  # noqa: S105
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def callback_token(notify_callback_token):
    return notify_callback_token


def auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def make_message(
    invitation: Invitation,
    channel: Channel = Channel.EMAIL,
    *,
    sequence: int = 1,
    status: MessageStatus = MessageStatus.SENT,
    notify_id: str | None = "auto",
) -> Message:
    message = Message(
        invitation=invitation,
        sequence=sequence,
        channel=channel,
        purpose="invite",
        status=status,
        notify_id=str(uuid.uuid4()) if notify_id == "auto" else notify_id,
        sent_at=NOW,
    )
    db.session.add(message)
    db.session.commit()
    return message


def receipt(message: Message | None = None, status: str = "delivered", **fields) -> dict:
    """A receipt as Notify sends it."""
    body = {
        "id": message.notify_id if message and message.notify_id else str(uuid.uuid4()),
        "reference": message.reference if message else str(uuid.uuid4()),
        "to": "someone@example.org",
        "status": status,
        "created_at": "2026-11-10T09:00:00.000000Z",
        "completed_at": "2026-11-10T09:00:05.000000Z",
        "sent_at": "2026-11-10T09:00:01.000000Z",
        "notification_type": "email",
        "template_id": str(uuid.uuid4()),
        "template_version": 1,
    }
    if message is not None:
        contact = message.invitation.contact
        body["notification_type"] = message.channel.value
        body["to"] = contact.email if message.channel == Channel.EMAIL else contact.mobile.replace("+44", "0")
    body.update(fields)
    return body


def post(client, body, headers=None):
    return client.post("/notify/callback", json=body, headers=auth() if headers is None else headers)


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


# ------------------------------------------------------------------ authentication


def test_missing_token_is_401(client):
    invitation, _ = create_invitation()
    message = make_message(invitation)
    response = post(client, receipt(message), headers={})
    assert response.status_code == 401
    assert response.is_json and response.json["error"]
    assert fresh(Message, message.id).status == MessageStatus.SENT


@pytest.mark.parametrize(
    "header",
    [f"Bearer {TOKEN}x", "Bearer wrong-token-123456", f"Basic {TOKEN}", TOKEN, "Bearer ", f"Bearer{TOKEN}"],
)
def test_wrong_token_is_401(client, header):
    invitation, _ = create_invitation()
    message = make_message(invitation)
    response = post(client, receipt(message), headers={"Authorization": header})
    assert response.status_code == 401
    assert fresh(Message, message.id).status == MessageStatus.SENT


def test_every_call_is_401_when_no_callback_token_is_configured(app, client):
    app.config["NOTIFY_CALLBACK_TOKEN"] = None
    invitation, _ = create_invitation()
    message = make_message(invitation)
    for headers in ({}, auth(""), auth("None"), auth()):
        assert post(client, receipt(message), headers=headers).status_code == 401
    assert fresh(Message, message.id).status == MessageStatus.SENT


def test_right_token_is_accepted(client):
    invitation, _ = create_invitation()
    message = make_message(invitation)
    response = post(client, receipt(message))
    assert response.status_code == 200
    assert response.json["result"] == "updated"


# ------------------------------------------------------------------ malformed bodies


def test_a_body_that_is_not_json_is_400(client):
    response = client.post("/notify/callback", data="id=1&status=delivered", headers=auth())
    assert response.status_code == 400
    assert "JSON" in response.json["error"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([{"id": "x", "status": "delivered"}], "JSON object"),
        ({"status": "delivered", "reference": "r"}, "id is missing"),
        ({"id": "", "status": "delivered"}, "id is missing"),
        ({"id": "abc"}, "status is missing"),
        ({"id": "abc", "status": "exploded"}, "unknown status"),
        ({"id": "abc", "status": 3}, "status must be a string"),
        ({"id": 12, "status": "delivered"}, "id must be a string"),
        ({"id": "x" * 37, "status": "delivered"}, "id is longer"),
        ({"id": "abc", "status": "delivered", "notification_type": "letter"}, "notification_type"),
    ],
)
def test_malformed_bodies_are_400_with_a_reason(client, body, reason):
    response = post(client, body)
    assert response.status_code == 400
    assert reason in response.json["error"]


def test_unknown_notification_is_200_and_changes_nothing(client, caplog):
    invitation, _ = create_invitation()
    message = make_message(invitation)
    body = receipt(status="permanent-failure", to="secret.person@example.org")
    with caplog.at_level("INFO"):
        response = post(client, body)
    assert response.status_code == 200
    assert response.json["result"] == "unknown"
    assert fresh(Message, message.id).status == MessageStatus.SENT
    assert fresh(Contact, invitation.contact_id).email_failed_at is None
    assert body["id"] in caplog.text  # logged, by id
    assert "secret.person" not in caplog.text


# ------------------------------------------------------------------ recording statuses


def test_delivered_is_recorded_with_its_time_and_notify_id(client):
    invitation, _ = create_invitation()
    message = make_message(invitation, notify_id=None, status=MessageStatus.UNKNOWN)
    notify_id = str(uuid.uuid4())
    response = post(client, receipt(message, "delivered", id=notify_id))
    assert response.status_code == 200
    message = fresh(Message, message.id)
    assert message.status == MessageStatus.DELIVERED
    assert message.notify_id == notify_id  # the next chase run need not ask Notify by reference
    assert message.status_at == datetime(2026, 11, 10, 9, 0, 5, tzinfo=UTC)


def test_a_receipt_without_our_reference_is_found_by_notify_id(client):
    invitation, _ = create_invitation()
    message = make_message(invitation, Channel.SMS)
    response = post(client, receipt(message, "delivered", reference=None))
    assert response.status_code == 200
    assert fresh(Message, message.id).status == MessageStatus.DELIVERED


def test_status_at_falls_back_to_now_without_completed_at(client):
    invitation, _ = create_invitation()
    message = make_message(invitation)
    post(client, receipt(message, "temporary-failure", completed_at=None))
    message = fresh(Message, message.id)
    assert message.status == MessageStatus.TEMPORARY_FAILURE
    assert message.status_at == NOW


@pytest.mark.parametrize("notify_status", ["created", "sending", "pending", "sent"])
def test_in_flight_statuses_mean_sent(client, notify_status):
    invitation, _ = create_invitation()
    message = make_message(invitation, Channel.SMS, status=MessageStatus.UNKNOWN)
    assert post(client, receipt(message, notify_status)).status_code == 200
    assert fresh(Message, message.id).status == MessageStatus.SENT


def test_status_ranks_never_let_a_final_status_fall_back():
    finals = [
        MessageStatus.DELIVERED,
        MessageStatus.PERMANENT_FAILURE,
        MessageStatus.TEMPORARY_FAILURE,
        MessageStatus.TECHNICAL_FAILURE,
    ]
    for final in finals:
        assert status_rank(final) > status_rank(MessageStatus.SENT) > status_rank(MessageStatus.SENDING)
    assert status_rank(MessageStatus.PERMANENT_FAILURE) > status_rank(MessageStatus.DELIVERED)
    assert status_rank(MessageStatus.DELIVERED) > status_rank(MessageStatus.TEMPORARY_FAILURE)
    assert status_rank(None) == status_rank(MessageStatus.QUEUED) == status_rank(MessageStatus.OUTBOX) == 0
    assert set(NOTIFY_STATUSES) >= {"delivered", "permanent-failure", "temporary-failure", "technical-failure"}


# ------------------------------------------------------------------ out of order and repeated


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        ("delivered", "sending", MessageStatus.DELIVERED),
        ("delivered", "sent", MessageStatus.DELIVERED),
        ("temporary-failure", "sending", MessageStatus.TEMPORARY_FAILURE),
        ("technical-failure", "created", MessageStatus.TECHNICAL_FAILURE),
        ("permanent-failure", "delivered", MessageStatus.PERMANENT_FAILURE),
        ("sending", "delivered", MessageStatus.DELIVERED),
        ("delivered", "permanent-failure", MessageStatus.PERMANENT_FAILURE),  # a late bounce
        ("temporary-failure", "delivered", MessageStatus.DELIVERED),
    ],
)
def test_receipts_out_of_order(client, first, then, expected):
    invitation, _ = create_invitation()
    message = make_message(invitation)
    assert post(client, receipt(message, first, completed_at="2026-11-10T09:10:00Z")).status_code == 200
    first_at = fresh(Message, message.id).status_at
    assert post(client, receipt(message, then, completed_at="2026-11-10T09:20:00Z")).status_code == 200
    after = fresh(Message, message.id)
    assert after.status == expected
    if expected == NOTIFY_STATUSES[first]:
        assert after.status_at == first_at  # the ignored receipt left no trace


def test_a_repeated_receipt_changes_nothing(client):
    invitation, _ = create_invitation()
    message = make_message(invitation)
    body = receipt(message, "delivered")
    assert post(client, body).json["result"] == "updated"
    status_at = fresh(Message, message.id).status_at
    with clock.frozen(datetime(2026, 11, 11, 10, 0, tzinfo=UTC)):
        again = post(client, dict(body, completed_at=None))
    assert again.status_code == 200
    assert again.json["result"] == "unchanged"
    message = fresh(Message, message.id)
    assert message.status == MessageStatus.DELIVERED
    assert message.status_at == status_at


# ------------------------------------------------------------------ permanent failure fails the channel


def test_permanent_failure_of_an_email_fails_only_the_email(client):
    invitation, _ = create_invitation()
    message = make_message(invitation, Channel.EMAIL)
    response = post(client, receipt(message, "permanent-failure"))
    assert response.status_code == 200
    contact = fresh(Contact, invitation.contact_id)
    assert contact.email_failed_at == NOW
    assert contact.mobile_failed_at is None
    invitation = fresh(Invitation, invitation.id)
    assert invitation.call_list_at is None  # the mobile still works: the chase texts instead
    assert fresh(Message, message.id).status == MessageStatus.PERMANENT_FAILURE


def test_permanent_failure_of_a_text_fails_the_mobile(client):
    invitation, _ = create_invitation()
    message = make_message(invitation, Channel.SMS)
    post(client, receipt(message, "permanent-failure"))
    contact = fresh(Contact, invitation.contact_id)
    assert contact.mobile_failed_at == NOW
    assert contact.email_failed_at is None


def test_when_every_channel_has_failed_live_invitations_go_on_the_call_list(client):
    contact = create_contact()
    contact.email_failed_at = datetime(2026, 11, 3, tzinfo=UTC)
    invitation, _ = create_invitation(contact=contact, status=InvitationStatus.OPEN)
    other, _ = create_invitation("annual_review", contact=contact)  # pending
    answered, _ = create_invitation(
        "annual_review", event_date=datetime(2026, 1, 5).date(), contact=contact, status=InvitationStatus.RESPONDED
    )
    message = make_message(invitation, Channel.SMS)
    post(client, receipt(message, "permanent-failure"))
    for live in (invitation, other):
        live = fresh(Invitation, live.id)
        assert live.call_list_at == NOW
        assert live.call_reason == "undeliverable"
    answered = fresh(Invitation, answered.id)
    assert answered.call_list_at is None


def test_a_contact_with_only_an_email_is_undeliverable_after_it_fails(client):
    contact = create_contact(mobile=None)
    invitation, _ = create_invitation(contact=contact, status=InvitationStatus.OPEN)
    message = make_message(invitation, Channel.EMAIL)
    post(client, receipt(message, "permanent-failure"))
    invitation = fresh(Invitation, invitation.id)
    assert invitation.call_reason == "undeliverable"


def test_an_invitation_already_on_the_call_list_keeps_its_reason(client):
    contact = create_contact(mobile=None)
    earlier = datetime(2026, 11, 1, tzinfo=UTC)
    invitation, _ = create_invitation(
        contact=contact, status=InvitationStatus.OPEN, call_list_at=earlier, call_reason="no_response"
    )
    post(client, receipt(make_message(invitation, Channel.EMAIL), "permanent-failure"))
    invitation = fresh(Invitation, invitation.id)
    assert (invitation.call_list_at, invitation.call_reason) == (earlier, "no_response")


def test_a_failure_for_an_address_changed_since_does_not_fail_the_new_one(client):
    invitation, _ = create_invitation()
    message = make_message(invitation, Channel.EMAIL)
    body = receipt(message, "permanent-failure", to="old.address@example.org")
    assert post(client, body).status_code == 200
    assert fresh(Message, message.id).status == MessageStatus.PERMANENT_FAILURE
    assert fresh(Contact, invitation.contact_id).email_failed_at is None


def test_a_mobile_failure_matches_the_number_in_any_format(client):
    contact = create_contact(mobile="+447700900321")
    invitation, _ = create_invitation(contact=contact)
    message = make_message(invitation, Channel.SMS)
    post(client, receipt(message, "permanent-failure", to="447700900321"))
    assert fresh(Contact, contact.id).mobile_failed_at == NOW


def test_a_repeated_permanent_failure_keeps_the_first_time(client):
    invitation, _ = create_invitation()
    message = make_message(invitation, Channel.EMAIL)
    body = receipt(message, "permanent-failure")
    post(client, body)
    with clock.frozen(datetime(2026, 11, 12, tzinfo=UTC)):
        response = post(client, body)
    assert response.json["result"] == "unchanged"
    assert fresh(Contact, invitation.contact_id).email_failed_at == NOW


def test_receipts_never_log_the_recipient(client, caplog):
    contact = create_contact(email="private.parent@example.org", mobile="+447700900777", child=None)
    invitation, _ = create_invitation(contact=contact)
    email = make_message(invitation, Channel.EMAIL, sequence=1)
    sms = make_message(invitation, Channel.SMS, sequence=2)
    with caplog.at_level("DEBUG"):
        post(client, receipt(email, "permanent-failure"))
        post(client, receipt(sms, "permanent-failure"))
        post(client, {"id": "abc", "status": "nonsense", "to": "private.parent@example.org"})
    assert "private.parent" not in caplog.text
    assert "7700900777" not in caplog.text and "07700 900777" not in caplog.text
    assert db.session.scalar(select(func.count(Invitation.id)).where(Invitation.call_reason == "undeliverable")) == 1


def test_a_notify_id_already_held_by_another_message_is_not_copied(client):
    invitation, _ = create_invitation()
    holder = make_message(invitation, sequence=1)
    target = make_message(invitation, sequence=2, notify_id=None)
    response = post(client, receipt(target, "delivered", id=holder.notify_id))
    assert response.status_code == 200
    target = fresh(Message, target.id)
    assert target.status == MessageStatus.DELIVERED  # our reference names it
    assert target.notify_id is None
