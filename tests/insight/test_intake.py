"""Every response is analysed, followed up and alerted on in the request that saves it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight.intake import save_response
from feedback.models import (
    AuditEvent,
    FollowUp,
    FollowUpStatus,
    Response,
    ResponseChannel,
    Role,
    SafeguardingAlert,
    StaffMessage,
)
from feedback.surveys.definitions import get_survey
from tests.factories import create_invitation, create_user, sign_in
from tests.fake_notify import TEMPLATE_IDS, fake_notify  # noqa: F401
from tests.surveys.test_journey import full_answers

MUST_SHOW = "The coordinator never returned my calls and the plan arrived months late"
SAFEGUARDING = "He came home with bruises on his arms and says a teaching assistant grabbed him"
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # Monday 2 November 2026, 10:00 London


def _post(client, survey_key="new_plan", **answers):
    invitation, token = create_invitation(survey_key)
    reply = client.post(f"/s/{token}", data=full_answers(survey_key, **answers))
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]
    return invitation, token, reply


def _response(invitation) -> Response:
    return db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))


def test_the_must_show_sentence_is_stored_with_a_follow_up_due_in_five_working_days(client):
    with clock.frozen(MONDAY):
        invitation, _, _ = _post(client, went_well="", do_better=MUST_SHOW)
    response = _response(invitation)
    assert response.sentiment_polarity < 0
    assert response.sentiment_subjectivity is not None
    assert {"communication", "timeliness"} <= set(response.themes)
    assert response.concern is True and response.safeguarding is False
    assert response.analysed_at is not None
    [follow_up] = response.follow_ups
    assert follow_up.status == FollowUpStatus.OPEN
    assert "concern" in follow_up.reasons
    assert follow_up.due_on == date(2026, 11, 9)  # Monday + 5 working days
    assert follow_up.owner == "education"


@pytest.mark.parametrize(
    "opened, due",
    [
        (datetime(2026, 12, 22, 12, 0, tzinfo=UTC), date(2026, 12, 31)),  # Christmas, Boxing Day (observed 28th)
        (datetime(2026, 8, 27, 9, 0, tzinfo=UTC), date(2026, 9, 4)),  # late summer bank holiday, 31 August
        (datetime(2026, 11, 6, 23, 30, tzinfo=UTC), date(2026, 11, 13)),  # Friday 23:30 UTC is still Friday in London
        # 23:30 UTC on Tuesday 31 March is 00:30 on Wednesday 1 April in London (BST); then Easter
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), date(2026, 4, 10)),
        (datetime(2026, 10, 31, 23, 30, tzinfo=UTC), date(2026, 11, 6)),  # Saturday 23:30 UTC: London is still Saturday
    ],
)
def test_due_dates_count_working_days_in_england_from_the_london_date(client, opened, due):
    with clock.frozen(opened):
        invitation, _, _ = _post(client, went_well="", do_better=MUST_SHOW)
    assert _response(invitation).follow_ups[0].due_on == due


def test_a_happy_family_gets_no_follow_up(client):
    invitation, _, _ = _post(client, went_well="My caseworker was brilliant and kept us informed", do_better="")
    response = _response(invitation)
    assert response.concern is False and response.sentiment_polarity > 0
    assert response.follow_ups == []
    assert db.session.scalar(select(func.count(StaffMessage.id))) == 0


@pytest.mark.parametrize(
    "survey_key, answers, reason",
    [
        ("new_plan", {"consent_contact": "yes"}, "asked_for_contact"),
        ("new_plan", {"assessment_positive": "strongly_disagree"}, "strongly_disagree"),
        ("annual_review", {"overall_positive": "strongly_disagree"}, "strongly_disagree"),
        ("annual_review_young_person", {"good": "no"}, "strongly_disagree"),
        ("annual_review_young_person", {"listened": "no", "about_me": "no"}, "concern"),  # half said No
    ],
)
def test_follow_up_reasons(client, survey_key, answers, reason):
    answers = {"went_well": "", "do_better": "", **answers}
    invitation, _, _ = _post(client, survey_key, **answers)
    [follow_up] = _response(invitation).follow_ups
    assert reason in follow_up.reasons


def test_disagreeing_without_strongly_disagreeing_overall_is_not_a_reason_of_its_own(client):
    invitation, _, _ = _post(client, "new_plan", went_well="", do_better="", assessment_positive="disagree")
    assert _response(invitation).follow_ups == []


def test_owner_and_assignee_come_from_the_themes(client):
    create_user(email="other@example.org", theme="education")
    health = create_user(email="health@example.org", theme="health")
    create_user(email="viewer@example.org", theme="health", role=Role.VIEWER)  # viewers are never assigned
    invitation, _, _ = _post(client, do_better="Speech and language therapy has not happened at all")
    [follow_up] = _response(invitation).follow_ups
    assert (follow_up.owner, follow_up.theme, follow_up.assignee_id) == ("health", "health_and_therapies", health.id)
    social, _, _ = _post(client, do_better="Short breaks were promised but nothing has happened since")
    [follow_up] = _response(social).follow_ups
    assert (follow_up.owner, follow_up.assignee_id) == ("social_care", None)  # nobody has that theme: unassigned


def test_a_safeguarding_sentence_is_alerted_before_the_thank_you_page(client, app):
    with clock.frozen(MONDAY):
        invitation, token, reply = _post(client, went_well="", do_better=SAFEGUARDING)
    # The redirect to the thank-you page has come back: the alert and its email already exist.
    assert reply.headers["Location"].endswith(f"/s/{token}/done")
    response = _response(invitation)
    alert = db.session.scalar(select(SafeguardingAlert).where(SafeguardingAlert.response_id == response.id))
    assert alert is not None and alert.handled_at is None
    assert "physical_harm" in alert.signals
    message = db.session.get(StaffMessage, alert.staff_message_id)
    assert message.purpose == "safeguarding_alert" and message.to_email == app.config["SAFEGUARDING_EMAIL"]
    assert message.dedupe_key == f"safeguarding:response:{response.id}"
    assert f"http://survey.test/officer/responses/{response.id}" in message.body
    assert "bruises" not in message.body and "teaching assistant" not in message.body  # no free text
    assert invitation.child.ref not in message.body
    audit = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "safeguarding_alert")).all()
    assert audit == ["safeguarding_alert_raised"]
    assert response.safeguarding and response.concern
    assert "safeguarding" in response.follow_ups[0].reasons
    done = client.get(f"/s/{token}/done").get_data(as_text=True)
    assert "999" in done and app.config["CHILDRENS_SERVICES_PHONE"] in done


def test_an_alert_goes_through_notify_when_it_is_configured(client, app, fake_notify):  # noqa: F811
    fake_notify.configure(app)
    invitation, _, _ = _post(client, went_well="", do_better="She has started self-harming and nobody is helping")
    response = _response(invitation)
    [sent] = fake_notify.by_reference(db.session.scalar(select(StaffMessage.reference)))
    assert sent.to == app.config["SAFEGUARDING_EMAIL"] and sent.template_id == TEMPLATE_IDS["safeguarding_alert_email"]
    assert sent.personalisation == {
        "survey_name": "a new EHC plan",
        "response_link": f"http://survey.test/officer/responses/{response.id}",
    }


def test_phone_answers_are_analysed_too(client):
    officer = sign_in(client, Role.OFFICER)
    invitation, _ = create_invitation("annual_review")
    data = full_answers("annual_review", went_well="", do_better="No one listened to us at the review meeting")
    reply = client.post(f"/officer/call-list/{invitation.id}/answers", data=data)
    assert reply.status_code == 302
    response = _response(invitation)
    assert response.channel == ResponseChannel.PHONE and response.entered_by_id == officer.id
    assert response.concern and "review_meeting" in response.themes
    assert response.follow_ups and response.follow_ups[0].reasons == ["concern"]


def test_a_failure_while_learning_keeps_the_answers_and_shows_the_thank_you_page(client, monkeypatch, caplog):
    def broken(response):
        raise RuntimeError("word list broken")

    monkeypatch.setattr("feedback.insight.intake.learn_from", broken)
    invitation, token, reply = _post(client, do_better=MUST_SHOW)
    assert reply.headers["Location"].endswith("/done")
    response = _response(invitation)
    assert response is not None and response.analysed_at is None
    assert f"analysing response {response.id} failed" in caplog.text
    assert MUST_SHOW not in caplog.text


def test_save_response_is_the_one_way_in(app):
    invitation, _ = create_invitation("new_plan")
    survey = get_survey("new_plan")
    data = full_answers("new_plan", went_well="", do_better=SAFEGUARDING)
    response = save_response(invitation, survey, data, channel=ResponseChannel.PAPER)
    assert response.safeguarding
    assert db.session.scalar(select(func.count(SafeguardingAlert.id))) == 1
    assert db.session.scalar(select(func.count(FollowUp.id))) == 1
