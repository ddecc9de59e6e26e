"""The demo council: believable, synthetic, reproducible, and only ever loaded into an empty database."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import and_, func, select

from feedback.cohort.ethnicity import MAIN_CODES, major_group_case
from feedback.core import clock
from feedback.core.extensions import db
from feedback.core.passwords import verify_password
from feedback.demo.council import LINK_SURVEYS, Council
from feedback.demo.population import COMPLAINTS, PRAISE, YOUNG_PERSON_COMPLAINTS, YOUNG_PERSON_PRAISE
from feedback.models import (
    Action,
    ActionNotice,
    Answer,
    CallRecord,
    Child,
    Contact,
    ContactRole,
    FollowUp,
    FollowUpStatus,
    Invitation,
    InvitationStatus,
    Message,
    Response,
    ResponseChannel,
    ResponseTheme,
    SafeguardingAlert,
    StaffMessage,
    User,
)
from feedback.surveys.definitions import get_survey
from feedback.surveys.invitations import find_by_token
from tests.factories import create_child

NOW = datetime(2026, 11, 16, 10, 30, tzinfo=UTC)
TABLES = (Child, Contact, Invitation, Message, Response, Answer, CallRecord, User)


def _counts() -> dict[str, int]:
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in TABLES}


def _rates(group) -> dict:
    """Response rate per value of `group`, over invitations old enough to be settled."""
    rows = db.session.execute(
        select(group, func.count(Invitation.id), func.count(Response.id))
        .join(Child, Child.id == Invitation.child_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.event_date < NOW.date() - timedelta(days=60))
        .group_by(group)
    ).all()
    return {key: (total, answered / total) for key, total, answered in rows}


def _check_people() -> None:
    children = db.session.scalar(select(func.count()).select_from(Child))
    assert 1350 <= children <= 1650
    by_code = dict(db.session.execute(select(Child.ethnicity, func.count()).group_by(Child.ethnicity)).all())
    assert set(MAIN_CODES) | {None} == set(by_code)
    known = sum(n for code, n in by_code.items() if code not in (None, "REFU", "NOBT"))
    assert 0.30 <= (known - by_code["WBRI"]) / known <= 0.40
    ages = {phase for (phase,) in db.session.execute(select(Child.school_phase).distinct())}
    assert {"Early years", "Primary", "Secondary", "Post-16", "Post-19"} <= ages
    assert db.session.scalar(select(func.count(func.distinct(Child.locality)))) >= 4
    assert db.session.scalar(select(func.count(func.distinct(Child.primary_need)))) == 12

    without_parent = select(Child.id).where(
        ~select(Contact.id).where(Contact.child_id == Child.id, Contact.role == ContactRole.PARENT_CARER).exists()
    )
    assert db.session.scalars(without_parent).first() is None
    bad_email = select(func.count()).where(Contact.email.is_not(None), ~Contact.email.like("%@example.org"))
    bad_mobile = select(func.count()).where(
        Contact.mobile.is_not(None), ~Contact.mobile.like("+447700900___") | (func.length(Contact.mobile) != 13)
    )
    assert db.session.scalar(bad_email) == 0
    assert db.session.scalar(bad_mobile) == 0
    email_only = select(func.count()).where(Contact.mobile.is_(None))
    mobile_only = select(func.count()).where(Contact.email.is_(None))
    young = select(func.count()).where(Contact.role == ContactRole.YOUNG_PERSON)
    assert min(db.session.scalar(email_only), db.session.scalar(mobile_only), db.session.scalar(young)) > 50


def _check_invitations() -> None:
    by_status = dict(db.session.execute(select(Invitation.status, func.count()).group_by(Invitation.status)).all())
    assert min(by_status[s] for s in ("pending", "open", "responded", "closed")) > 0
    assert by_status["responded"] == db.session.scalar(select(func.count()).select_from(Response))
    never_sent = select(Invitation.call_reason).where(Invitation.first_sent_at.is_(None)).distinct()
    never_sent = never_sent.where(Invitation.status.in_(["open", "responded", "closed"]))
    assert set(db.session.scalars(never_sent)) == {"undeliverable"}  # closed by the call list, no message
    rows = db.session.execute(
        select(Invitation.status, Invitation.first_sent_at, Invitation.closes_at, Response.submitted_at)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.status.in_(["open", "responded", "closed"]), Invitation.first_sent_at.is_not(None))
    ).all()
    for status, first, closes, submitted in rows:
        assert closes - first == timedelta(days=42)
        assert (submitted is not None) == (status == InvitationStatus.RESPONDED)
        if status == InvitationStatus.OPEN:
            assert first <= NOW < closes
        if submitted is not None:
            assert first <= submitted <= min(closes, NOW)
    # At most 3 chase messages per invitation; a "You said, we did" update (purpose "update") is not chasing.
    chase = select(Message.invitation_id).where(Message.purpose.in_(("invite", "reminder")))
    assert not db.session.scalars(chase.group_by(Message.invitation_id).having(func.count() > 3)).all()
    updates = select(func.count()).select_from(Message).where(Message.purpose == "update")
    assert db.session.scalar(updates) == db.session.scalar(select(func.count()).select_from(ActionNotice))
    unsent = select(func.count()).select_from(Message).join(Invitation).where(Invitation.first_sent_at.is_(None))
    assert db.session.scalar(unsent) == 0
    statuses = dict(db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all())
    assert statuses["delivered"] > 10 * statuses["permanent-failure"] > 0


def _check_you_said_we_did(client) -> None:
    entries = list(db.session.scalars(select(Action)))
    published = [a for a in entries if a.status == "published"]
    assert len(published) >= 3 and len(entries) > len(published)  # and a draft
    listing = client.get("/you-said-we-did").get_data(as_text=True)
    for action in entries:
        assert (action.title in listing) is (action in published)
    assert any(a.quotes for a in published)
    assert "based on feedback from fewer than" not in listing  # each answers enough families


def _check_responses() -> None:
    by_survey = _rates(Invitation.survey_key)
    overall = sum(n * rate for n, rate in by_survey.values()) / sum(n for n, _ in by_survey.values())
    assert 0.20 <= overall <= 0.40
    assert all(0.15 <= rate <= 0.45 for _, rate in by_survey.values())
    by_group = {g: rate for g, (n, rate) in _rates(major_group_case(Child.ethnicity)).items() if n >= 50}
    assert by_group["white"] - min(by_group.values()) >= 0.05  # some groups answer less often

    rows = db.session.execute(
        select(Response.survey_key, Answer.question_key, Answer.choice, func.count())
        .join(Answer)
        .where(Answer.choice.is_not(None))
        .group_by(Response.survey_key, Answer.question_key, Answer.choice)
    ).all()
    for survey_key, question_key, choice, _ in rows:
        survey = get_survey(survey_key)
        assert question_key in {s.key for s in survey.statements} and choice in survey.choice_values
    choices = {choice: n for _, _, choice, n in rows if choice}
    agree = choices["strongly_agree"] + choices["agree"]
    unhappy = choices["disagree"] + choices["strongly_disagree"]
    assert agree > 2 * unhappy > 0.2 * agree  # mostly positive, a sizeable unhappy minority
    copied = select(func.count()).select_from(Answer).join(Response)
    copied = copied.where(func.coalesce(Answer.ethnicity, "-") != func.coalesce(Response.ethnicity, "-"))
    assert db.session.scalar(copied) == 0  # every answer carries its response's ethnicity, as the ORM copies it
    incomplete = select(Answer.response_id).where(Answer.choice.is_not(None)).group_by(Answer.response_id)
    assert not db.session.scalars(incomplete.having(func.count() != 4)).all()

    responses = db.session.scalar(select(func.count()).select_from(Response))
    with_text = db.session.scalar(select(func.count(func.distinct(Answer.response_id))).where(Answer.text.is_not(None)))
    assert 0.35 <= with_text / responses <= 0.65
    assert db.session.scalar(select(func.count(func.distinct(Answer.text)))) >= 150
    channels = dict(db.session.execute(select(Response.channel, func.count()).group_by(Response.channel)).all())
    assert channels[ResponseChannel.ONLINE] > 5 * channels[ResponseChannel.PHONE] > 0
    phone_calls = select(func.count()).select_from(CallRecord).where(CallRecord.outcome == "answered")
    assert db.session.scalar(phone_calls) == channels[ResponseChannel.PHONE]
    wrong_snapshot = select(func.count()).select_from(Response).join(Invitation).join(Child)
    wrong_snapshot = wrong_snapshot.where(~and_(Response.ethnicity.is_not_distinct_from(Child.ethnicity)))
    assert db.session.scalar(wrong_snapshot) == 0


def _check_analysed(output: str) -> None:
    """Officers see sentiment, themes, follow-ups and alerts in the demo; no email is sent for its history."""
    responses = db.session.scalar(select(func.count()).select_from(Response))
    assert db.session.scalar(select(func.count()).where(Response.analysed_at.is_not(None))) == responses
    with_text = select(Answer.response_id).where(Answer.text.is_not(None))
    polarity = select(func.count()).where(Response.id.in_(with_text), Response.sentiment_polarity.is_not(None))
    writers = select(func.count(func.distinct(Answer.response_id))).where(Answer.text.is_not(None))
    assert db.session.scalar(polarity) == db.session.scalar(writers) > 0
    themes = dict(db.session.execute(select(ResponseTheme.theme, func.count()).group_by(ResponseTheme.theme)).all())
    assert len(themes) == 9 and min(themes.values()) > 10
    states = dict(db.session.execute(select(FollowUp.status, func.count()).group_by(FollowUp.status)).all())
    assert states[FollowUpStatus.RESOLVED] > states.get(FollowUpStatus.OPEN, 0) > 0
    assert 0.1 < sum(states.values()) / responses < 0.6
    assert db.session.scalar(select(func.count()).select_from(StaffMessage)) == 0  # no alert emails for history
    alerts = db.session.scalar(select(func.count()).select_from(SafeguardingAlert))
    open_alerts = select(func.count()).where(SafeguardingAlert.handled_at.is_(None))
    assert db.session.scalar(open_alerts) == (1 if alerts else 0)
    assert f"{sum(states.values()):,} follow-ups" in output


def _check_printed_links(output: str, client) -> list[str]:
    tokens = re.findall(r"http://survey\.test/s/([A-Za-z0-9_-]+)", output)
    assert len(tokens) == 3
    surveys = set()
    for token in tokens:
        invitation = find_by_token(token)
        assert invitation.status == InvitationStatus.OPEN and invitation.closes_at > NOW
        assert invitation.response is None and invitation.messages
        surveys.add(invitation.survey_key)
        page = client.get(f"/s/{token}", follow_redirects=True)
        assert page.status_code == 200 and "closed" not in page.get_data(as_text=True).lower()
    assert surveys == set(LINK_SURVEYS)
    return tokens


def _check_sign_in(output: str, client) -> None:
    found = dict(re.findall(r"(\S+@example\.org)\s+password: (\S+)", output))
    assert set(found) == {"officer@example.org", "admin@example.org"}
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles == {"officer@example.org": "officer", "admin@example.org": "admin"}
    for email, password in found.items():
        assert verify_password(db.session.scalar(select(User.password_hash).where(User.email == email)), password)
    page = client.post(
        "/officer/sign-in", data={"email": "officer@example.org", "password": found["officer@example.org"]}
    )
    assert page.status_code == 302 and page.headers["Location"].endswith("/officer/two-factor")
    keys = re.findall(r"two-factor key: ([A-Z2-7]+)", output)
    assert len(keys) == 2 and output.count("otpauth://totp/") == 2
    officer_key = keys[list(found).index("officer@example.org")]
    page = client.post("/officer/two-factor", data={"code": pyotp.TOTP(officer_key).at(clock.now())})
    assert page.status_code == 302 and "sign-in" not in page.headers["Location"]
    assert client.get("/officer/").status_code == 200


def test_demo_fills_an_empty_database_once(app, runner, client):
    clock.set_now(NOW)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Loaded the demo council" in result.output
    _check_people()
    _check_invitations()
    _check_responses()
    _check_analysed(result.output)
    _check_you_said_we_did(client)
    tokens = _check_printed_links(result.output, client)
    _check_sign_in(result.output, client)

    before = _counts()
    again = runner.invoke(args=["demo", "--seed", "7"])
    assert again.exit_code == 0
    assert "nothing was loaded" in again.output
    assert _counts() == before
    assert re.findall(r"/s/([A-Za-z0-9_-]+)", again.output) == tokens  # the demo's links are shown again
    db.session.rollback()
    assert create_child(ref="AFTER-DEMO").id > 0  # ids still free after the bulk insert (PostgreSQL sequences)


def test_demo_refuses_a_database_that_has_children(app, runner):
    create_child(ref="REAL-0001")
    db.session.commit()
    before = _counts()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "already has 1 children, so nothing was loaded" in result.output
    assert "/s/" not in result.output and "password" not in result.output  # never a real family's link
    assert _counts() == before


def _council(seed: int, count: int) -> Council:
    council = Council(random.Random(seed), NOW, "test-secret-key", officer_id=1)
    council.build(count)
    return council


def test_the_same_seed_gives_the_same_council():
    first, second, other = _council(5, 60), _council(5, 60), _council(6, 60)
    assert first.invitations == second.invitations and first.answers == second.answers
    assert first.contacts == second.contacts and first.messages == second.messages
    assert first.contacts != other.contacts


def test_a_small_council_still_has_an_open_invitation_for_each_survey():
    council = _council(2026, 40)
    for key in LINK_SURVEYS:
        open_ones = [i for i in council.invitations if i["survey_key"] == key and i["status"] == "open"]
        assert open_ones and all(i["first_sent_at"] <= NOW < i["closes_at"] for i in open_ones)
        assert any(m["_inv"] == i["_index"] for i in open_ones for m in council.messages)


def test_free_text_banks_are_varied_and_synthetic():
    fragments = PRAISE + COMPLAINTS + YOUNG_PERSON_PRAISE + YOUNG_PERSON_COMPLAINTS
    assert len(set(fragments)) == len(fragments) >= 60
    assert not any("@" in f or re.search(r"\d{5}", f) for f in fragments)
