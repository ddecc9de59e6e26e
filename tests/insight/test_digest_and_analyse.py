"""`flask digest` (weekly, at most once per owner and week, no personal data) and `flask analyse` (recompute
every response after a word list changes; alerts at most once per response)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import (
    Answer,
    FollowUp,
    FollowUpStatus,
    Response,
    ResponseTheme,
    SafeguardingAlert,
    StaffMessage,
)
from tests.factories import create_invitation
from tests.fake_notify import TEMPLATE_IDS, fake_notify  # noqa: F401
from tests.insight.test_follow_up_pages import follow_up_of, respond

MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


def _digests() -> dict[str, StaffMessage]:
    rows = db.session.scalars(select(StaffMessage).where(StaffMessage.purpose == "digest")).all()
    return {m.dedupe_key.split(":")[1]: m for m in rows}


def test_the_digest_goes_to_each_owner_once_a_week_without_personal_data(app, runner):
    with clock.frozen(MONDAY):
        late = respond("The coordinator never returned my calls and the plan arrived months late")
        health = respond("Speech and language therapy has not happened at all", consent_contact="yes")
        resolved = respond("Not great")
    follow_up_of(resolved).status = FollowUpStatus.RESOLVED
    db.session.commit()
    with clock.frozen(NEXT_MONDAY):
        first = runner.invoke(args=["digest"])
        second = runner.invoke(args=["digest"])
    assert first.exit_code == 0, first.output
    assert "Education: sent (1 follow-ups)" in first.output and "Health: sent (1 follow-ups)" in first.output
    assert "Social care: nothing open, nothing sent" in first.output
    assert "already sent this week" in second.output and "sent (" not in second.output
    digests = _digests()
    assert set(digests) == {"education", "health"}
    education = digests["education"]
    assert education.to_email == app.config["FOLLOW_UP_OWNER_EMAILS"]["education"]
    assert education.dedupe_key == "digest:education:2026-W47"
    body = education.body
    assert "Follow-ups for education: 1 open, 1 overdue" in body
    assert f"Follow-up {follow_up_of(late).id}: due 9 November 2026 (overdue), open." in body
    assert "http://survey.test/officer/follow-ups?owner=education" in body
    assert "week of 16 November 2026" in body
    assert f"Follow-up {follow_up_of(resolved).id}" not in body
    for response in (late, health):
        contact = response.invitation.contact
        for private in (contact.name, contact.email, response.invitation.child.ref, "coordinator never returned"):
            assert private not in body and private not in digests["health"].body
    assert "Asked to be contacted" in digests["health"].body

    with clock.frozen(NEXT_MONDAY + timedelta(days=7)):
        again = runner.invoke(args=["digest"])
    assert "Education: sent" in again.output
    assert db.session.scalar(select(func.count(StaffMessage.id)).where(StaffMessage.purpose == "digest")) == 4


def test_the_digest_goes_through_notify_once(app, runner, fake_notify):  # noqa: F811
    fake_notify.configure(app)
    with clock.frozen(MONDAY):
        respond("Not great")
    with clock.frozen(NEXT_MONDAY):
        runner.invoke(args=["digest"])
        runner.invoke(args=["digest"])
    [message] = _digests().values()
    [sent] = fake_notify.by_reference(message.reference)
    assert sent.template_id == TEMPLATE_IDS["digest_email"]
    assert sent.personalisation["open_count"] == "1" and sent.personalisation["overdue_count"] == "1"
    assert fake_notify.calls("POST") == 1


def _texts(response: Response, text: str) -> None:
    answer = db.session.scalar(select(Answer).where(Answer.response_id == response.id, Answer.text.is_not(None)))
    answer.text = text
    db.session.commit()


def test_analyse_recomputes_everything_and_is_idempotent(app, runner):
    with clock.frozen(MONDAY):
        happy = respond("The taxi was on time every day")
        worried = respond("Lovely staff")
    assert happy.themes == ["timeliness", "transport"] and not worried.concern
    first = runner.invoke(args=["analyse"])
    assert first.exit_code == 0, first.output
    assert "Responses analysed: 2 (0 changed)" in first.output

    # A new word list: "hovercraft" is transport now, and the wording of a response changed underneath.
    app.config["THEME_WORDS"] = {**app.config["THEME_WORDS"], "transport": ["hovercraft"]}
    _texts(worried, "He came home with bruises and the hovercraft was late")
    with clock.frozen(MONDAY + timedelta(days=3)):
        second = runner.invoke(args=["analyse", "--batch-size", "1"])
    assert "Responses analysed: 2 (2 changed)" in second.output
    assert "Safeguarding alerts raised: 1 (emailed: 1)" in second.output
    assert "Follow-ups opened: 1" in second.output
    db.session.expire_all()
    assert db.session.get(Response, happy.id).themes == ["timeliness"]
    worried = db.session.get(Response, worried.id)
    assert worried.safeguarding and worried.concern and "transport" in worried.themes
    assert follow_up_of(worried).due_on.isoformat() == "2026-11-12"  # opened by the run, 5 working days on
    assert db.session.scalar(select(func.count(ResponseTheme.response_id))) == 3

    third = runner.invoke(args=["analyse"])
    assert "(0 changed)" in third.output and "Safeguarding alerts raised: 0 (emailed: 0)" in third.output
    assert (
        db.session.scalar(select(func.count(StaffMessage.id)).where(StaffMessage.purpose == "safeguarding_alert")) == 1
    )


def test_analyse_never_alerts_twice_and_leaves_old_responses_without_new_follow_ups(app, runner):
    with clock.frozen(MONDAY):
        alerted = respond("He keeps saying he wishes he was dead")  # alerted and emailed when it came in
        old = respond("Lovely staff")
    assert db.session.scalar(select(func.count(StaffMessage.id))) == 1
    _texts(old, "Nobody ever rang me back")
    app.config["FOLLOW_UP_BACKFILL_DAYS"] = 60
    with clock.frozen(MONDAY + timedelta(days=90)):
        result = runner.invoke(args=["analyse"])
    assert "Follow-ups opened: 0 (1 older responses left without one)" in result.output
    assert "Safeguarding alerts raised: 0" in result.output
    assert db.session.scalar(select(func.count(StaffMessage.id))) == 1
    assert db.session.scalar(select(func.count(SafeguardingAlert.id))) == 1
    assert follow_up_of(old) is None and db.session.get(Response, old.id).concern
    assert follow_up_of(alerted) is not None


def test_analyse_no_alert_emails_records_the_alert_for_the_banner_only(app, runner):
    invitation, _ = create_invitation()
    response = Response(invitation_id=invitation.id, survey_key="new_plan", survey_version=1)
    response.answers.append(Answer(question_key="do_better", text="The staff restrained him on the floor"))
    db.session.add(response)
    db.session.commit()
    result = runner.invoke(args=["analyse", "--no-alert-emails"])
    assert "Safeguarding alerts raised: 1 (emailed: 0)" in result.output
    assert db.session.scalar(select(func.count(StaffMessage.id))) == 0
    assert db.session.scalar(select(SafeguardingAlert.handled_at)) is None
    assert db.session.scalar(select(FollowUp.reasons)) == ["concern", "safeguarding"]


def test_chase_settles_an_alert_email_whose_outcome_was_unknown(app, runner, fake_notify):  # noqa: F811
    fake_notify.configure(app, timeout=0.5)
    with clock.frozen(MONDAY):
        fake_notify.fail(500, times=1, methods=("POST",))  # Notify never got it
        response = respond("He keeps saying he wishes he was dead")
    [message] = db.session.scalars(select(StaffMessage)).all()
    assert message.status == "unknown"
    with clock.frozen(MONDAY + timedelta(minutes=20)):
        result = runner.invoke(args=["chase"])
    assert result.exit_code == 0, result.output
    assert "Staff emails settled after an unknown outcome: 1" in result.output
    db.session.refresh(message)
    assert message.status == "sent"
    [sent] = fake_notify.by_reference(message.reference)
    assert sent.personalisation["response_link"].endswith(f"/officer/responses/{response.id}")
