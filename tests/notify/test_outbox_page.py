"""/officer/outbox and /officer/replies."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import Channel, InboundSms, Message, MessageStatus, Role
from feedback.surveys.invitations import stop_link, survey_link, token_for
from feedback.web.officer.outbox import PAGE_SIZE, hide_link_tokens
from tests.factories import create_child, create_contact, create_invitation, create_user, sign_in_as

NOW = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(request):
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")
    with clock.frozen(NOW):
        yield


def sign_in(client, role: str = "officer"):
    user = create_user(email=f"{role}-{uuid.uuid4().hex[:6]}@example.org", role=Role(role))
    sign_in_as(client, user)
    return user


def outbox_message(
    invitation, *, channel=Channel.EMAIL, sequence=1, purpose="invite", at=NOW, status=MessageStatus.OUTBOX
) -> Message:
    body = (
        f"Dear {invitation.contact.name},\n\nTell us how the EHC needs assessment went: {survey_link(invitation)}\n\n"
        f"To stop these messages: {stop_link(invitation)}"
    )
    message = Message(
        invitation=invitation,
        sequence=sequence,
        channel=channel,
        purpose=purpose,
        status=status,
        body=body,
        sent_at=at,
        created_at=at,
        status_at=at,
    )
    db.session.add(message)
    db.session.commit()
    return message


def reply(text: str, mobile: str, *, at=NOW, read_at=None, is_stop=False) -> InboundSms:
    sms = InboundSms(
        notify_id=str(uuid.uuid4()),
        source_number=mobile,
        message=text,
        received_at=at,
        is_stop=is_stop,
        read_at=read_at,
    )
    db.session.add(sms)
    db.session.commit()
    return sms


# ------------------------------------------------------------------ outbox


def test_outbox_needs_signing_in(client):
    response = client.get("/officer/outbox")
    assert response.status_code == 302
    assert "/officer/sign-in" in response.headers["Location"]


def test_outbox_lists_outbox_messages_newest_first_without_tokens(client):
    contact = create_contact(create_child(ref="CASE-7"), email="robin.parent@example.org", mobile="+447700900314")
    invitation, token = create_invitation(contact=contact)
    older = outbox_message(invitation, sequence=1, at=NOW - timedelta(days=7))
    newer = outbox_message(invitation, channel=Channel.SMS, sequence=2, purpose="reminder")
    sent = outbox_message(invitation, sequence=3, status=MessageStatus.SENT)
    sent.body = "THIS WENT THROUGH NOTIFY"
    db.session.commit()
    sign_in(client, "officer")  # a viewer sees figures only: the outbox shows names and addresses (403)
    response = client.get("/officer/outbox")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "GOV.UK Notify is not configured: nothing is sent; messages are kept here" in html
    assert html.count("Tell us how the EHC needs assessment went") == 2
    assert "THIS WENT THROUGH NOTIFY" not in html
    assert token not in html and token == token_for(invitation)
    assert "/s/[link hidden]" in html and "/s/[link hidden]/stop" in html
    assert "robin.parent@example.org" in html  # email recipient
    assert "07700 900314" in html  # text recipient, as officers write numbers
    assert "CASE-7" in html
    assert html.index("Text message: Reminder") < html.index("Email: Invitation")  # newest first
    assert "10 November 2026 at 10:00am" in html  # Europe/London
    assert "3 November 2026 at 10:00am" in html
    assert older.id and newer.id


def test_outbox_times_are_in_london_summer_time(client):
    invitation, _ = create_invitation()
    outbox_message(invitation, at=datetime(2026, 7, 1, 8, 30, tzinfo=UTC))
    sign_in(client)
    assert "1 July 2026 at 9:30am" in client.get("/officer/outbox").get_data(as_text=True)


def test_outbox_banner_changes_once_notify_is_configured(app, client):
    app.config["NOTIFY_API_KEY"] = "test-key-" + str(uuid.uuid4()) + "-" + str(uuid.uuid4())
    sign_in(client)
    html = client.get("/officer/outbox").get_data(as_text=True)
    assert "GOV.UK Notify is not configured" not in html
    assert "GOV.UK Notify is configured" in html
    assert app.config["NOTIFY_API_KEY"] not in html


def test_outbox_is_paginated(client):
    invitations = [create_invitation()[0] for _ in range(PAGE_SIZE // 3 + 1)]
    messages = []
    for n in range(PAGE_SIZE + 1):
        invitation = invitations[n // 3]
        messages.append(outbox_message(invitation, sequence=n % 3 + 1, at=NOW - timedelta(minutes=PAGE_SIZE - n)))
    oldest_ref = messages[0].invitation.child.ref
    sign_in(client)
    first = client.get("/officer/outbox").get_data(as_text=True)
    assert first.count('<h2 class="govuk-summary-card__title') == PAGE_SIZE
    assert "page=2" in first
    second = client.get("/officer/outbox?page=2").get_data(as_text=True)
    assert second.count('<h2 class="govuk-summary-card__title') == 1
    assert oldest_ref in second
    assert "page=1" in second


def test_hide_link_tokens_leaves_other_text_alone():
    text = "Visit http://survey.test/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd/stop today. Call 01632 960000."
    assert hide_link_tokens(text) == "Visit http://survey.test/s/[link hidden]/stop today. Call 01632 960000."
    assert hide_link_tokens(None) == ""


# ------------------------------------------------------------------ replies


def test_replies_need_a_reader_role(client):
    assert client.get("/officer/replies").status_code == 302


def test_replies_list_unread_and_read_newest_first_without_stops(client):
    contact = create_contact(create_child(ref="CASE-9"), mobile="+447700900222")
    create_invitation(contact=contact)
    reply("First reply, older", "+447700900222", at=NOW - timedelta(hours=2))
    reply("Second reply, newer", "+447700900222", read_at=NOW)
    reply("STOP", "+447700900222", is_stop=True)
    reply("From a number we do not know", "+447700900999", at=NOW - timedelta(days=1))
    sign_in(client, "officer")  # a viewer sees figures only: replies show families' texts and numbers (403)
    html = client.get("/officer/replies").get_data(as_text=True)
    assert html.index("Second reply, newer") < html.index("First reply, older") < html.index("From a number")
    assert ">STOP<" not in html
    assert "No family has this number" in html
    unread = client.get("/officer/replies?show=unread").get_data(as_text=True)
    assert "First reply, older" in unread
    assert "Second reply, newer" not in unread


def test_an_officer_marks_a_reply_as_read(client):
    create_invitation(contact=create_contact(mobile="+447700900222"))
    sms = reply("Is the survey anonymous?", "+447700900222")
    sign_in(client, "officer")
    page = client.get("/officer/replies").get_data(as_text=True)
    assert "Mark as read" in page
    response = client.post(f"/officer/replies/{sms.id}/read", data={"page": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(InboundSms, sms.id).read_at == NOW
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reply marked as read" in followed


def test_a_viewer_cannot_mark_a_reply_as_read(client):
    sms = reply("Hello", "+447700900222")
    sign_in(client, "viewer")
    assert client.post(f"/officer/replies/{sms.id}/read").status_code == 403
    db.session.expire_all()
    assert db.session.get(InboundSms, sms.id).read_at is None


def test_marking_as_read_needs_a_csrf_token(app, client):
    sms = reply("Hello", "+447700900222")
    sign_in(client, "admin")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/officer/replies/{sms.id}/read").status_code == 400
    db.session.expire_all()
    assert db.session.get(InboundSms, sms.id).read_at is None


def test_marking_is_only_for_replies_not_stops(client):
    stop = reply("STOP", "+447700900222", is_stop=True)
    sign_in(client, "officer")
    assert client.post(f"/officer/replies/{stop.id}/read").status_code == 404
    assert client.post("/officer/replies/999999/read").status_code == 404
    assert client.get(f"/officer/replies/{stop.id}/read").status_code == 405
    assert db.session.scalar(select(InboundSms.read_at).where(InboundSms.id == stop.id)) is None
