"""feedback.notify.service: the wording, personalisation, the outbox, and the real notifications-python-client
against the fake Notify (tests/fake_notify.py)."""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import UTC, date, datetime

import jwt
import pytest
import requests
from sqlalchemy import select

from feedback.chasing.runner import run_chase
from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import InvitationStatus, Message, MessageStatus
from feedback.notify.service import ErrorKind, NotifyConfigError, NotifyError, NotifyService
from feedback.notify.templates import (
    GSM_BASIC,
    PURPOSES,
    TEMPLATE_KEYS,
    TEMPLATES,
    longest_sms,
    outbox_body,
    personalisation_for,
    render,
    survey_name,
)
from tests.factories import create_child, create_contact, create_invitation
from tests.fake_notify import SECRET, SERVICE_ID, TEMPLATE_IDS, FakeNotify, fake_notify  # noqa: F401

FIELDS = {"name", "child_name", "survey_name", "survey_link", "stop_link", "closes_on"}
TUESDAY_10 = datetime(2026, 11, 3, 10, tzinfo=UTC)


def sample(link: str = "https://feedback.northshire.gov.uk/s/" + "A" * 43) -> dict:
    return {
        "name": "Alex Example",
        "child_name": "Sam",
        "survey_name": "Sam's new EHC plan",
        "survey_link": link,
        "stop_link": link + "/stop",
        "closes_on": "4 January 2027",
    }


def service(fake: FakeNotify, **overrides) -> NotifyService:
    settings = dict(
        api_key=fake.api_key,
        base_url=fake.base_url,
        template_ids=TEMPLATE_IDS,
        council_name="Northshire Council",
        timeout=1.0,
    )
    settings.update(overrides)
    return NotifyService(**settings)


# ---------------------------------------------------------------- wording


def test_every_template_exists_and_uses_only_the_six_fields():
    assert set(TEMPLATES) == set(TEMPLATE_KEYS)
    for key, text in TEMPLATES.items():
        used = set(re.findall(r"\(\(([a-z_]+)\)\)", (text.subject or "") + text.body))
        assert used <= FIELDS, key
        assert "((survey_link))" in text.body, key
        assert "{council}" in text.body, key  # the council is named as the sender
        assert (text.subject is None) == key.endswith("_sms"), key


def test_emails_offer_the_stop_link():
    for purpose in PURPOSES:
        assert "((stop_link))" in TEMPLATES[f"{purpose}_email"].body


def test_render_fills_every_placeholder_and_names_the_council():
    for key in TEMPLATE_KEYS:
        text = render(key, sample(), "Northshire Council")
        assert "((" not in text.body and "{" not in text.body, key
        assert "Northshire Council" in text.body
        assert sample()["survey_link"] in text.body
    invite = render("invite_email", sample(), "Northshire Council")
    assert invite.subject == "Sam's new EHC plan: please tell us what you think"
    assert "Please answer by 4 January 2027." in invite.body


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize(
    "base_url", ["http://survey.test", "http://127.0.0.1:5000", "https://feedback.northshire.gov.uk"]
)
def test_text_messages_fit_one_text_with_the_link(purpose, base_url):
    link = f"{base_url}/s/{'x' * 43}"
    body = render(f"{purpose}_sms", sample(link), "Northshire Council").body
    assert len(body) <= 160, (len(body), body)
    assert set(body) <= GSM_BASIC, "a character outside GSM 7-bit makes the text cost three times as much"
    assert "STOP" in body


def test_the_configured_text_messages_fit(app):
    _, token = create_invitation()
    assert len(token) == 43
    assert longest_sms(app.config["COUNCIL_NAME"], app.config["PUBLIC_BASE_URL"]) <= 160
    assert longest_sms("Northshire Council", "https://send-feedback-survey.northshire.gov.uk") > 160  # it can fail


def test_survey_names():
    assert survey_name("new_plan", "Sam") == "Sam's new EHC plan"
    assert survey_name("annual_review", "your child") == "your child's EHC plan annual review"
    assert survey_name("annual_review_young_person", "Sam") == "your EHC plan review"


def test_personalisation_for_an_invitation(app):
    child = create_child(first_name="Sam")
    invitation, token = create_invitation(contact=create_contact(child, name="Alex Example"))
    fields = personalisation_for(invitation, closes_at=datetime(2027, 1, 4, 23, 30, tzinfo=UTC))
    assert set(fields) == FIELDS
    assert fields["name"] == "Alex Example"
    assert fields["child_name"] == "Sam"
    assert fields["survey_link"] == f"http://survey.test/s/{token}"
    assert fields["stop_link"] == f"http://survey.test/s/{token}/stop"
    assert fields["closes_on"] == "4 January 2027"
    # 23:30 UTC on 30 June is 00:30 on 1 July in London
    summer = personalisation_for(invitation, closes_at=datetime(2027, 6, 30, 23, 30, tzinfo=UTC))
    assert summer["closes_on"] == "1 July 2027"
    anonymous, _ = create_invitation()
    assert personalisation_for(anonymous, closes_at=TUESDAY_10)["child_name"] == "your child"


# ---------------------------------------------------------------- the outbox


def test_outbox_service_sends_nothing_and_renders_the_text():
    outbox = NotifyService(
        api_key=None, base_url="http://127.0.0.1:9", template_ids={}, council_name="Northshire Council"
    )
    assert outbox.outbox
    result = outbox.send_email(to="a@example.org", purpose="invite", personalisation=sample(), reference="r")
    assert result.notify_id is None
    assert result.body == outbox_body("invite_email", sample(), "Northshire Council")
    assert result.body.startswith("Subject: Sam's new EHC plan: please tell us what you think\n\nDear Alex Example,")
    assert outbox.find_by_reference("r") is None


def test_chase_without_a_key_fills_the_outbox(app):
    with clock.frozen(datetime(2026, 11, 2, 18, tzinfo=UTC)):
        invitation, token = create_invitation()
    with clock.frozen(TUESDAY_10):
        report = run_chase(now=TUESDAY_10)
    assert report.outbox and report.sent["email"] == 1
    message = db.session.scalars(select(Message)).one()
    assert message.status == MessageStatus.OUTBOX
    assert f"http://survey.test/s/{token}" in message.body
    assert "Northshire Council SEND team" in message.body
    assert "Please answer by 15 December 2026." in message.body  # 42 days after 3 November
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.OPEN
    assert invitation.first_sent_at == TUESDAY_10


def test_a_key_without_template_ids_is_refused():
    with pytest.raises(NotifyConfigError, match="invite_email"):
        NotifyService(api_key=f"k-{SERVICE_ID}-{SECRET}", base_url="x", template_ids={}, council_name="C")
    with pytest.raises(NotifyConfigError):
        NotifyService(api_key="not-a-key", base_url="x", template_ids=TEMPLATE_IDS, council_name="C")


# ---------------------------------------------------------------- the real client against the fake


def test_send_email_and_sms_through_the_real_client(fake_notify):  # noqa: F811
    notify = service(fake_notify)
    reference = str(uuid.uuid4())
    email = notify.send_email(to="parent@example.org", purpose="invite", personalisation=sample(), reference=reference)
    sms = notify.send_sms(to="+447700900123", purpose="reminder", personalisation=sample(), reference="r2")
    assert email.notify_id and sms.notify_id and email.body is None
    [got] = fake_notify.by_reference(reference)
    assert (got.id, got.type, got.to, got.template_id) == (
        email.notify_id,
        "email",
        "parent@example.org",
        TEMPLATE_IDS["invite_email"],
    )
    assert got.personalisation == sample()
    [text] = fake_notify.by_reference("r2")
    assert (text.type, text.template_id) == ("sms", TEMPLATE_IDS["reminder_sms"])


def test_find_by_reference(fake_notify):  # noqa: F811
    notify = service(fake_notify)
    assert notify.find_by_reference("nothing-here") is None
    sent = notify.send_sms(to="07700 900123", purpose="invite", personalisation=sample(), reference="ref-1")
    found = notify.find_by_reference("ref-1")
    assert (found.notify_id, found.status, found.count) == (sent.notify_id, "created", 1)


@pytest.mark.parametrize(
    ("channel", "to"),
    [("email", "not-an-address"), ("email", "parent@example"), ("sms", "01632 960000"), ("sms", "+1 202 555 0100")],
)
def test_bad_address_or_number_is_rejected(fake_notify, channel, to):  # noqa: F811
    notify = service(fake_notify)
    send = notify.send_email if channel == "email" else notify.send_sms
    with pytest.raises(NotifyError) as caught:
        send(to=to, purpose="invite", personalisation=sample(), reference="r")
    assert (caught.value.kind, caught.value.status_code, caught.value.error_name) == (
        ErrorKind.REJECTED,
        400,
        "ValidationError",
    )
    assert to not in caught.value.summary  # no personal data in our error text
    assert fake_notify.notifications == []


def test_wrong_key_is_an_auth_error(fake_notify):  # noqa: F811
    notify = service(fake_notify, api_key=f"test_key-{SERVICE_ID}-{uuid.uuid4()}")
    with pytest.raises(NotifyError) as caught:
        notify.send_email(to="parent@example.org", purpose="invite", personalisation=sample(), reference="r")
    assert (caught.value.kind, caught.value.status_code, caught.value.error_name) == (ErrorKind.AUTH, 403, "AuthError")


def test_fake_checks_the_token_age(fake_notify):  # noqa: F811
    old = jwt.encode({"iss": SERVICE_ID, "iat": int(time.time()) - 60}, SECRET, algorithm="HS256")
    answer = requests.get(
        f"{fake_notify.base_url}/v2/notifications", headers={"Authorization": f"Bearer {old}"}, timeout=5
    )
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["error"] == "AuthError"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_mean_retry_later(fake_notify, status):  # noqa: F811
    notify = service(fake_notify)
    fake_notify.fail(status, times=1)
    with pytest.raises(NotifyError) as caught:
        notify.send_email(to="parent@example.org", purpose="invite", personalisation=sample(), reference="r")
    assert (caught.value.kind, caught.value.status_code) == (ErrorKind.RETRY_LATER, status)
    assert notify.send_email(to="parent@example.org", purpose="invite", personalisation=sample(), reference="r")


def test_timeout_and_refused_connection_mean_retry_later(fake_notify):  # noqa: F811
    notify = service(fake_notify, timeout=0.3)
    fake_notify.hang(1.0, times=1, accept=True)
    with pytest.raises(NotifyError) as caught:
        notify.send_email(to="parent@example.org", purpose="invite", personalisation=sample(), reference="late")
    assert caught.value.kind == ErrorKind.RETRY_LATER
    assert len(fake_notify.by_reference("late")) == 1  # Notify acted although we never heard
    fake_notify.stop()
    refused = service(fake_notify, timeout=0.3)
    with pytest.raises(NotifyError) as caught:
        refused.find_by_reference("late")
    assert caught.value.kind == ErrorKind.RETRY_LATER


def test_one_client_per_thread(fake_notify):  # noqa: F811
    notify = service(fake_notify)
    clients = []

    def grab():
        clients.append(notify._client())
        clients.append(notify._client())

    threads = [threading.Thread(target=grab) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in clients}) == 3
    assert clients[0] is clients[1]


def test_event_dates_render_for_humans(app):
    invitation, _ = create_invitation(event_date=date(2026, 11, 2))
    assert (
        personalisation_for(invitation, closes_at=datetime(2027, 1, 4, 12, tzinfo=UTC))["closes_on"] == "4 January 2027"
    )
