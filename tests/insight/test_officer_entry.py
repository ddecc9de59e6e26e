"""Paper and in-person answers entered by an officer through the family's own form, like the phone."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from feedback.core.extensions import db
from feedback.insight import intake
from feedback.models import AuditEvent, InvitationStatus, Response, ResponseChannel
from tests.factories import create_child, create_contact, create_invitation, create_response, sign_in
from tests.surveys.test_journey import full_answers


@pytest.fixture
def saved_through_intake(monkeypatch):
    """Counts the calls to insight.intake.save_response made by the entry pages."""
    calls = []
    original = intake.save_response

    def spy(*args, **kwargs):
        calls.append(kwargs.get("channel"))
        return original(*args, **kwargs)

    monkeypatch.setattr("feedback.web.officer.answer_entry.save_response", spy)
    return calls


def test_search_finds_invitations_without_a_response_by_the_start_of_the_reference(client):
    sign_in(client, "officer")
    child = create_child(ref="NS-00417")
    open_one, _ = create_invitation("annual_review", date(2026, 10, 1), contact=create_contact(child, name="Sam Carer"))
    answered, _ = create_invitation("new_plan", date(2026, 9, 1), contact=create_contact(child, name="Sam Carer 2"))
    create_response(invitation=answered)
    create_invitation(contact=create_contact(create_child(ref="XY-1")))
    html = client.get("/officer/enter-answers?ref=ns-004").get_data(as_text=True)
    assert "NS-00417" in html and "Sam Carer" in html and "XY-1" not in html
    assert f"/officer/enter-answers/{open_one.id}/paper" in html
    assert f"/officer/enter-answers/{open_one.id}/in-person" in html
    assert f"/officer/enter-answers/{answered.id}/" not in html
    assert "1 invitation for children whose reference starts with" in html


def test_search_says_when_nothing_matches_and_treats_wildcards_as_text(client):
    sign_in(client, "officer")
    create_invitation(contact=create_contact(create_child(ref="AB_1")))
    create_invitation(contact=create_contact(create_child(ref="ABC1")))
    html = client.get("/officer/enter-answers?ref=AB_").get_data(as_text=True)
    assert "AB_1" in html and "ABC1" not in html
    assert "No invitation without a response" in client.get("/officer/enter-answers?ref=ZZ%25").get_data(as_text=True)


def test_search_without_a_reference_gets_a_clear_message(client):
    sign_in(client, "officer")
    html = client.get("/officer/enter-answers?ref=+").get_data(as_text=True)
    assert "There is a problem" in html and "Enter the child&#39;s reference" in html
    assert "<title>Error: " in html


@pytest.mark.parametrize("how, channel", [("paper", ResponseChannel.PAPER), ("in-person", ResponseChannel.IN_PERSON)])
def test_answers_are_saved_with_channel_and_officer_through_intake(client, saved_through_intake, how, channel):
    officer = sign_in(client, "officer")
    invitation, token = create_invitation("annual_review", date(2026, 10, 20))
    form = client.get(f"/officer/enter-answers/{invitation.id}/{how}").get_data(as_text=True)
    assert "I felt fully involved and my views were listened to" in form
    assert ("Paper answers" if how == "paper" else "In-person answers") in form
    reply = client.post(f"/officer/enter-answers/{invitation.id}/{how}", data=full_answers("annual_review"))
    assert reply.status_code == 302
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    assert (response.channel, response.entered_by_id, response.event_date) == (channel, officer.id, date(2026, 10, 20))
    assert reply.headers["Location"].endswith(f"/officer/responses/{response.id}")
    assert saved_through_intake == [channel]
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.RESPONDED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enter_response"))
    assert (event.object_id, event.detail, event.user_id) == (str(response.id), channel.value, officer.id)
    assert "We already have your answers" in client.get(f"/s/{token}").get_data(as_text=True)


def test_a_form_with_errors_keeps_what_was_typed(client):
    sign_in(client, "officer")
    invitation, _ = create_invitation("new_plan")
    data = full_answers("new_plan", went_well="Typed from the paper form")
    del data["plan_quality"]
    html = client.post(f"/officer/enter-answers/{invitation.id}/paper", data=data).get_data(as_text=True)
    assert "There is a problem" in html and "Typed from the paper form" in html
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_an_answered_invitation_is_not_answered_twice(client):
    sign_in(client, "officer")
    invitation, _ = create_invitation("new_plan")
    create_response(invitation=invitation)
    reply = client.post(f"/officer/enter-answers/{invitation.id}/paper", data=full_answers("new_plan"))
    assert reply.status_code == 302 and "/officer/enter-answers?ref=" in reply.headers["Location"]
    assert db.session.scalar(select(func.count(Response.id))) == 1
    assert "This family has already answered" in client.get(reply.headers["Location"]).get_data(as_text=True)


def test_only_paper_and_in_person_are_entered_here(client):
    sign_in(client, "officer")
    invitation, _ = create_invitation("new_plan")
    assert client.get(f"/officer/enter-answers/{invitation.id}/phone").status_code == 404
    assert client.get(f"/officer/enter-answers/{invitation.id}/online").status_code == 404
    assert client.get("/officer/enter-answers/999999/paper").status_code == 404


def test_the_phone_goes_through_the_same_entry(client, saved_through_intake):
    sign_in(client, "officer")
    invitation, _ = create_invitation("new_plan")
    reply = client.post(f"/officer/call-list/{invitation.id}/answers", data=full_answers("new_plan"))
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/officer/call-list")
    assert saved_through_intake == [ResponseChannel.PHONE]
    assert invitation.called_at is not None  # the answered call counts in the funnel's "called"
