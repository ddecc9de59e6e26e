"""The family's journey through /s/<token> with the Flask test client."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import Answer, InvitationStatus, Message, MessageStatus, Response
from feedback.surveys.definitions import SURVEYS
from tests.factories import create_invitation

ALL_SURVEYS = list(SURVEYS)


def full_answers(survey_key: str, **overrides) -> dict:
    survey = SURVEYS[survey_key]
    data = {s.key: survey.scale[1].value for s in survey.statements}
    data.update(went_well="The caseworker kept us informed.", do_better="", consent_contact="no", consent_quote="yes")
    data.update(overrides)
    return data


def h1(html: str) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(found) == 1, found
    return re.sub(r"<[^>]+>|\s+", " ", found[0]).strip()


@pytest.mark.parametrize("survey_key", ALL_SURVEYS)
def test_survey_page_names_the_event(client, survey_key):
    _, token = create_invitation(survey_key)
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    heading = SURVEYS[survey_key].heading_for(datetime(2026, 11, 2).date())
    assert h1(html) == heading.replace("'", "&#39;") or h1(html) == heading
    assert "2 November 2026" in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]
    for statement in SURVEYS[survey_key].statements:
        assert f'name="{statement.key}"' in html


def test_new_plan_heading_wording(client):
    _, token = create_invitation("new_plan")
    html = client.get(f"/s/{token}").get_data(as_text=True)
    assert "Your child&#39;s new EHC plan, issued on 2 November 2026" in html


@pytest.mark.parametrize("survey_key", ALL_SURVEYS)
def test_complete_survey_saves_response_and_answers(app, client, survey_key):
    invitation, token = create_invitation(survey_key)
    reply = client.post(f"/s/{token}", data=full_answers(survey_key))
    assert reply.status_code == 302
    assert reply.headers["Location"].endswith(f"/s/{token}/done")
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    assert response is not None and response.survey_version == SURVEYS[survey_key].version
    keys = {a.question_key for a in response.answers}
    assert {s.key for s in SURVEYS[survey_key].statements} | {"went_well"} == keys
    assert response.consent_quote is True and response.consent_contact is False
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.RESPONDED
    done = client.get(f"/s/{token}/done")
    assert "Thank you for your answers" in done.get_data(as_text=True)
    assert "/you-said-we-did" in done.get_data(as_text=True)


def test_missing_answer_keeps_everything_typed(client):
    _, token = create_invitation("annual_review")
    data = full_answers("annual_review", went_well="Lovely meeting & <tea>", do_better="Send papers earlier")
    data["engaged"] = "strongly_agree"
    data["child_views"] = "disagree"
    del data["plan_reflects_needs"]
    page = client.post(f"/s/{token}", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in html
    assert "<title>Error: " in html
    assert "Select how much you agree that the plan reflects my child" in html
    assert 'href="#plan_reflects_needs"' in html
    assert re.search(r'value="strongly_agree"\s+checked', html) or 'value="strongly_agree" checked' in html
    assert 'value="disagree" checked' in html
    assert "Lovely meeting &amp; &lt;tea&gt;" in html
    assert "Send papers earlier" in html
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_second_submission_says_we_already_have_answers(client):
    _, token = create_invitation("new_plan")
    assert client.post(f"/s/{token}", data=full_answers("new_plan")).status_code == 302
    again = client.post(f"/s/{token}", data=full_answers("new_plan", went_well="changed my mind"))
    assert "We already have your answers" in again.get_data(as_text=True)
    assert "We already have your answers" in client.get(f"/s/{token}").get_data(as_text=True)
    assert db.session.scalar(select(func.count(Response.id))) == 1
    assert db.session.scalar(select(func.count(Answer.id)).where(Answer.text == "changed my mind")) == 0


def test_concurrent_submissions_store_exactly_one_response(app):
    invitation, token = create_invitation("new_plan")
    db.session.commit()
    db.session.remove()
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def submit():
        with app.test_client() as c:
            barrier.wait()
            codes.append(c.post(f"/s/{token}", data=full_answers("new_plan")).status_code)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(codes) == [200, 200, 200, 302]
    assert db.session.scalar(select(func.count(Response.id))) == 1
    assert db.session.scalar(select(func.count(Answer.id))) == 5


def test_unknown_token_is_a_helpful_404(client):
    page = client.get("/s/not-a-real-token")
    assert page.status_code == 404
    assert "If you followed a link" in page.get_data(as_text=True)


def test_closed_invitation_says_so_kindly(client):
    invitation, token = create_invitation("new_plan", status=InvitationStatus.CLOSED)
    page = client.get(f"/s/{token}")
    assert page.status_code == 410
    assert "This survey has closed" in page.get_data(as_text=True)
    assert client.post(f"/s/{token}", data=full_answers("new_plan")).status_code == 410
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_past_closing_time_is_closed_even_before_the_chase_runs(client):
    sent = datetime(2026, 9, 1, 10, tzinfo=UTC)
    _, token = create_invitation(
        "new_plan", status=InvitationStatus.OPEN, first_sent_at=sent, closes_at=sent + timedelta(days=42)
    )
    with clock.frozen(sent + timedelta(days=42, seconds=1)):
        assert client.get(f"/s/{token}").status_code == 410
    with clock.frozen(sent + timedelta(days=41)):
        assert client.get(f"/s/{token}").status_code == 200


def test_stop_asks_then_opts_out_every_message(client):
    invitation, token = create_invitation("new_plan", status=InvitationStatus.OPEN)
    other, _ = create_invitation("annual_review", contact=invitation.contact)
    queued = Message(invitation=other, sequence=1, channel="email", purpose="invite")
    db.session.add(queued)
    db.session.commit()
    ask = client.get(f"/s/{token}/stop")
    assert "Stop messages about this survey" in ask.get_data(as_text=True)
    assert invitation.contact.opted_out_at is None
    done = client.post(f"/s/{token}/stop", follow_redirects=True)
    assert "You will not get any more messages" in done.get_data(as_text=True)
    db.session.refresh(invitation)
    db.session.refresh(other)
    db.session.refresh(queued)
    assert invitation.contact.opted_out_at is not None
    assert other.status == InvitationStatus.OPTED_OUT
    assert queued.status == MessageStatus.CANCELLED


def test_free_text_length_is_limited(app, client):
    _, token = create_invitation("new_plan")
    too_long = "a" * (app.config["FREE_TEXT_MAX"] + 1)
    page = client.post(f"/s/{token}", data=full_answers("new_plan", do_better=too_long))
    assert "characters or fewer" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Response.id))) == 0
