"""The call list: who to phone, call outcomes, answers taken on the phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from feedback.core.extensions import db
from feedback.models import CallOutcome, CallRecord, InvitationStatus, Response, ResponseChannel, Role
from tests.factories import create_invitation, create_user, sign_in_as
from tests.surveys.test_journey import full_answers

DAY0 = datetime(2026, 10, 1, 9, tzinfo=UTC)


def sign_in(client, role=Role.OFFICER):
    user = create_user(email=f"{role.value}@example.org", role=role)
    sign_in_as(client, user)
    return user


def due_call(**fields):
    defaults = dict(
        status=InvitationStatus.OPEN,
        first_sent_at=DAY0,
        closes_at=DAY0 + timedelta(days=42),
        call_list_at=DAY0 + timedelta(days=21),
        call_reason="no_response",
    )
    defaults.update(fields)
    return create_invitation("new_plan", **defaults)


def test_call_list_needs_an_officer(client):
    assert client.get("/officer/call-list").status_code == 302
    sign_in(client, Role.VIEWER)
    assert client.get("/officer/call-list").status_code == 403


def test_call_list_shows_due_families_oldest_first_with_contact_details(client):
    sign_in(client)
    newer, _ = due_call(call_list_at=DAY0 + timedelta(days=30))
    older, _ = due_call(call_list_at=DAY0 + timedelta(days=21))
    not_due, _ = create_invitation("new_plan", status=InvitationStatus.OPEN, first_sent_at=DAY0)
    answered, _ = due_call(status=InvitationStatus.RESPONDED)
    html = client.get("/officer/call-list").get_data(as_text=True)
    assert html.index(older.child.ref) < html.index(newer.child.ref)
    assert not_due.child.ref not in html and answered.child.ref not in html
    assert older.contact.email in html
    assert "07700 900" in html


@pytest.mark.parametrize(
    ("outcome", "stays_on_list"),
    [(CallOutcome.NO_ANSWER, True), (CallOutcome.DECLINED, False), (CallOutcome.WRONG_NUMBER, False)],
)
def test_recording_a_call(client, outcome, stays_on_list):
    user = sign_in(client)
    invitation, _ = due_call()
    reply = client.post(f"/officer/call-list/{invitation.id}", data={"outcome": outcome.value, "note": "Rang at 2pm"})
    assert reply.status_code == 302
    call = db.session.scalar(select(CallRecord).where(CallRecord.invitation_id == invitation.id))
    assert call.outcome == outcome and call.user_id == user.id and call.note == "Rang at 2pm"
    db.session.refresh(invitation)
    assert (invitation.call_done_at is None) == stays_on_list
    if outcome == CallOutcome.WRONG_NUMBER:
        assert invitation.contact.mobile_failed_at is not None
    listed = client.get("/officer/call-list").get_data(as_text=True)
    assert (f"the family of {invitation.child.ref}</span></a>" in listed) == stays_on_list


def test_call_needs_an_outcome(client):
    sign_in(client)
    invitation, _ = due_call()
    page = client.post(f"/officer/call-list/{invitation.id}", data={"note": "typed this"})
    html = page.get_data(as_text=True)
    assert "Select what happened when you called" in html and "typed this" in html
    assert db.session.scalar(select(func.count(CallRecord.id))) == 0


def test_answers_taken_on_the_phone_are_saved_with_channel_and_officer(client):
    user = sign_in(client)
    invitation, token = due_call()
    form = client.get(f"/officer/call-list/{invitation.id}/answers").get_data(as_text=True)
    assert "Overall, the EHC needs assessment was a positive experience" in form
    reply = client.post(f"/officer/call-list/{invitation.id}/answers", data=full_answers("new_plan"))
    assert reply.status_code == 302
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    assert response.channel == ResponseChannel.PHONE and response.entered_by_id == user.id
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.RESPONDED and invitation.call_done_at is not None
    assert f"the family of {invitation.child.ref}</span></a>" not in client.get("/officer/call-list").get_data(
        as_text=True
    )
    # The family's own link now says we have their answers.
    assert "We already have your answers" in client.get(f"/s/{token}").get_data(as_text=True)
