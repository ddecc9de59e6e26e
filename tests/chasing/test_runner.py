"""The chase runner (feedback.chasing.runner.run_chase) and `flask chase` against the fake Notify, on both databases."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update

from feedback.chasing import runner
from feedback.chasing.guards import TokenBucket
from feedback.chasing.optout import opt_out_contacts
from feedback.chasing.rules import ChaseRules, add_days
from feedback.chasing.runner import run_chase
from feedback.chasing.store import settle
from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import Invitation, InvitationStatus, Message, MessageStatus
from feedback.notify.service import NotifyService
from tests.factories import create_contact, create_invitation
from tests.fake_notify import FakeNotify, fake_notify, max_in_window  # noqa: F401

TUESDAY = date(2026, 11, 3)
RULES = ChaseRules()


def london(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), clock.LONDON).astimezone(UTC)


def chase(moment: datetime, **kwargs):
    with clock.frozen(moment):
        return run_chase(now=moment, **kwargs)


def make(count: int = 1, day: date = TUESDAY, **contact_fields) -> list[Invitation]:
    """Invitations recorded the evening before `day`."""
    with clock.frozen(london(day - timedelta(days=1), 18)):
        return [
            create_invitation(event_date=day - timedelta(days=2), contact=create_contact(**contact_fields))[0]
            for _ in range(count)
        ]


def all_messages() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(select(Message).order_by(Message.invitation_id, Message.sequence)))


def assert_sent_exactly_once(fake: FakeNotify) -> None:
    """Every reference reached Notify once, and every message Notify holds is recorded as ours."""
    counts = Counter(fake.references())
    assert all(n == 1 for n in counts.values()), [r for r, n in counts.items() if n > 1]
    ours = {m.reference: m for m in all_messages()}
    for notification in fake.notifications:
        message = ours[notification.reference]
        assert message.notify_id == notification.id
        assert message.status == MessageStatus.SENT
    pairs = Counter((ours[r].invitation_id, ours[r].sequence) for r in counts)
    assert set(pairs.values()) == {1}


@pytest.fixture
def notify(app, fake_notify):  # noqa: F811
    fake_notify.configure(app)
    return fake_notify


# ---------------------------------------------------------------- sending


def test_sends_the_invitation_and_records_it(notify):
    [invitation] = make()
    now = london(TUESDAY)
    report = chase(now)
    assert (report.sent["email"], report.purposes["invite"]) == (1, 1)
    [message] = all_messages()
    [sent] = notify.notifications
    assert (message.status, message.notify_id, message.reference) == (MessageStatus.SENT, sent.id, sent.reference)
    assert (message.sequence, message.channel, message.purpose) == (1, "email", "invite")
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.OPEN
    assert invitation.first_sent_at == now
    assert invitation.closes_at == add_days(now, 42, RULES)
    assert sent.personalisation["closes_on"] == "15 December 2026"


def test_a_second_run_at_the_same_time_sends_nothing(notify):
    make(3)
    assert chase(london(TUESDAY)).total_sent == 3
    assert chase(london(TUESDAY)).total_sent == 0
    assert chase(london(TUESDAY, 11)).total_sent == 0
    assert len(notify.notifications) == 3


@pytest.mark.parametrize("moment", [london(TUESDAY, 8, 59), london(TUESDAY, 19), london(date(2026, 11, 8), 12)])
def test_nothing_is_sent_outside_civil_hours(notify, moment):
    make(2, day=TUESDAY - timedelta(days=7))
    assert chase(moment).total_sent == 0
    assert notify.notifications == []


def test_sending_is_concurrent(app, notify):
    notify.latency = 0.2
    app.config["NOTIFY_WORKERS"] = 8
    make(16)
    assert chase(london(TUESDAY)).total_sent == 16
    assert max_in_window([r[0] for r in notify.requests], window=0.2) >= 4  # one at a time would be 1


def test_dry_run_changes_nothing(notify):
    make(2)
    report = chase(london(TUESDAY), dry_run=True)
    assert report.dry_run and report.sent["email"] == 2
    assert all_messages() == [] and notify.notifications == []
    assert all(i.status == InvitationStatus.PENDING for i in db.session.scalars(select(Invitation)))


def test_expired_and_opted_out_invitations_are_stopped(notify):
    [old] = make()
    old.event_date = TUESDAY - timedelta(days=61)
    [opted] = make()
    opted.contact.opted_out_at = london(TUESDAY, 9)
    db.session.commit()
    report = chase(london(TUESDAY))
    assert (report.expired, report.opted_out, report.total_sent) == (1, 1, 0)
    db.session.expire_all()
    assert (old.status, opted.status) == (InvitationStatus.EXPIRED, InvitationStatus.OPTED_OUT)


# ---------------------------------------------------------------- Notify says no


def test_a_400_on_email_sends_the_invitation_by_sms(notify):
    [invitation] = make(email="not-an-address")
    report = chase(london(TUESDAY))
    assert (report.rejected, report.sent["sms"], report.sent["email"]) == (1, 1, 0)
    first, second = all_messages()
    assert (first.channel, first.status) == ("email", MessageStatus.REJECTED)
    assert "ValidationError" in first.error
    assert (second.sequence, second.channel, second.purpose, second.status) == (2, "sms", "invite", MessageStatus.SENT)
    db.session.refresh(invitation)
    assert invitation.contact.email_failed_at == london(TUESDAY)
    assert [n.type for n in notify.notifications] == ["sms"]
    # The reminders follow by text too: the email address is never used again.
    chase(london(TUESDAY + timedelta(days=7)))
    assert [n.type for n in notify.notifications] == ["sms", "sms"]


def test_a_400_with_no_other_channel_puts_the_family_on_the_call_list(notify):
    [invitation] = make(email="not-an-address", mobile=None)
    report = chase(london(TUESDAY))
    assert (report.rejected, report.call_list["undeliverable"], report.total_sent) == (1, 1, 0)
    db.session.refresh(invitation)
    assert (invitation.call_reason, invitation.call_list_at) == ("undeliverable", london(TUESDAY))


def test_the_wrong_key_stops_the_run_and_loses_nothing(app, notify, runner):
    make(3)
    app.config["NOTIFY_API_KEY"] = notify.api_key[:-36] + "00000000-0000-4000-8000-000000000000"
    result = runner.invoke(args=["chase", "--now", "2026-11-03T10:00"])
    assert result.exit_code == 1
    assert "403" in result.output
    assert {m.status for m in all_messages()} == {MessageStatus.QUEUED}
    notify.configure(app)
    result = runner.invoke(args=["chase", "--now", "2026-11-03T10:15"])
    assert result.exit_code == 0, result.output
    assert len(notify.notifications) == 3
    assert_sent_exactly_once(notify)


# ---------------------------------------------------------------- nothing lost, nothing doubled


@pytest.mark.parametrize("status", [500, 429, 503])
def test_notify_failing_for_a_while_then_recovering(notify, status):
    make(20)
    notify.fail(status, times=None)
    first = chase(london(TUESDAY))
    assert first.total_sent == 0 and first.unknown >= 1 and first.unknown + first.deferred == 20
    assert first.stopped  # the run stopped calling a failing Notify
    second = chase(london(TUESDAY, 10, 15))
    assert second.total_sent == 0
    assert notify.notifications == []
    notify.stop_failing()
    third = chase(london(TUESDAY, 10, 30))
    assert third.total_sent == 20
    assert len(notify.notifications) == 20
    assert_sent_exactly_once(notify)
    assert all(m.sequence == 1 for m in all_messages())
    assert chase(london(TUESDAY, 10, 45)).total_sent == 0
    assert len(notify.notifications) == 20


def test_closing_and_the_call_list_go_on_while_notify_fails(app, notify):
    app.config["CHASE_BATCH_SIZE"] = 5
    make(10)
    [old, older] = make(2, day=TUESDAY - timedelta(days=42))
    for invitation, days_ago in ((old, 21), (older, 42)):  # due on the call list / due to close
        invitation.status, invitation.first_sent_at = InvitationStatus.OPEN, london(TUESDAY - timedelta(days=days_ago))
        invitation.closes_at = add_days(invitation.first_sent_at, 42, RULES)
    db.session.commit()
    notify.fail(500, times=None)
    report = chase(london(TUESDAY))
    assert (report.call_list["no_response"], report.closed, report.total_sent) == (1, 1, 0)
    assert report.unknown + report.deferred == 10


def test_a_timeout_where_notify_kept_the_message_is_not_resent(app, notify):
    notify.configure(app, timeout=0.3)
    [invitation] = make()
    notify.hang(1.0, times=1, accept=True)
    report = chase(london(TUESDAY))
    assert report.unknown == 1
    [message] = all_messages()
    assert message.status == MessageStatus.UNKNOWN
    assert chase(london(TUESDAY, 10, 1)).total_sent == 0  # too soon to ask: the first call may still land
    report = chase(london(TUESDAY, 10, 15))
    assert (report.recovered, report.total_sent) == (1, 0)
    assert len(notify.notifications) == 1
    assert_sent_exactly_once(notify)
    db.session.refresh(invitation)
    assert invitation.first_sent_at == london(TUESDAY)  # when it really went


def test_a_timeout_where_notify_lost_the_message_sends_it_once(app, notify):
    notify.configure(app, timeout=0.3)
    [invitation] = make()
    notify.hang(1.0, times=1, accept=False)
    assert chase(london(TUESDAY)).unknown == 1
    report = chase(london(TUESDAY, 10, 15))
    assert (report.recovered, report.resent, report.total_sent) == (0, 1, 1)
    assert notify.calls("GET") == 1  # asked by reference before sending again
    assert_sent_exactly_once(notify)
    db.session.refresh(invitation)
    assert invitation.first_sent_at == london(TUESDAY, 10, 15)


class Crash(BaseException):
    """The process dies: nothing after this line of the run happens."""


@pytest.mark.parametrize("notify_got_it", [True, False], ids=["notify has it", "notify has nothing"])
def test_a_crash_between_the_commit_and_the_send(notify, monkeypatch, notify_got_it):
    make(1)
    real_send = NotifyService.send_email

    def send_then_die(self, **kwargs):
        if notify_got_it:
            real_send(self, **kwargs)
        raise Crash

    monkeypatch.setattr(NotifyService, "send_email", send_then_die)
    with pytest.raises(Crash):
        chase(london(TUESDAY))
    monkeypatch.undo()
    [message] = all_messages()
    assert message.status == MessageStatus.SENDING  # committed before Notify was called
    assert chase(london(TUESDAY, 10, 2)).total_sent == 0  # a fresh lease: maybe another run's call in flight
    report = chase(london(TUESDAY, 10, 15))
    assert notify.calls("GET") == 1
    assert (report.recovered, report.resent) == ((1, 0) if notify_got_it else (0, 1))
    assert len(notify.notifications) == 1
    assert_sent_exactly_once(notify)


def test_a_queued_row_left_by_a_dead_run_is_asked_about_then_sent(notify):
    [invitation] = make()
    with clock.frozen(london(TUESDAY)):
        db.session.add(
            Message(invitation=invitation, sequence=1, channel="email", purpose="invite", status_at=london(TUESDAY))
        )
        db.session.commit()
    report = chase(london(TUESDAY, 10, 15))
    assert (report.resent, report.total_sent) == (1, 1)
    assert notify.calls("GET") == 1
    [message] = all_messages()
    assert (message.sequence, message.channel, message.status) == (1, "email", MessageStatus.SENT)
    assert_sent_exactly_once(notify)


def test_an_unknown_message_no_longer_wanted_is_cancelled(notify):
    [invitation] = make()
    notify.fail(500, times=1)
    assert chase(london(TUESDAY)).unknown == 1
    invitation.status, invitation.responded_at = InvitationStatus.RESPONDED, london(TUESDAY, 10, 5)
    db.session.commit()
    report = chase(london(TUESDAY, 10, 15))
    assert (report.cancelled, report.total_sent) == (1, 0)
    assert [m.status for m in all_messages()] == [MessageStatus.CANCELLED]
    assert notify.notifications == []


def test_an_outcome_never_overwrites_a_receipt(app):
    [invitation] = make()
    message = Message(invitation=invitation, sequence=1, channel="email", purpose="invite", status="delivered")
    db.session.add(message)
    db.session.commit()
    settle(message.id, MessageStatus.SENT, notify_id="5a1b7d5e-0000-4000-8000-000000000001")
    db.session.commit()
    db.session.refresh(message)
    assert message.status == MessageStatus.DELIVERED
    assert message.notify_id == "5a1b7d5e-0000-4000-8000-000000000001"


# ---------------------------------------------------------------- 45 days of `flask chase` at 10:00

START = date(2027, 3, 15)  # a Monday; the clocks go forward on 28 March, inside the 45 days


def _plan(messages: list[Message]) -> list[tuple[int, str, str]]:
    return [((clock.london(m.created_at).date() - START).days, str(m.channel), m.purpose) for m in messages]


def test_45_days_of_daily_runs(app, runner, notify):
    with clock.frozen(london(START - timedelta(days=1), 17)):
        never, _ = create_invitation(event_date=START - timedelta(days=3))
        answers, _ = create_invitation(event_date=START - timedelta(days=3))
        opted, _ = create_invitation(event_date=START - timedelta(days=3))
        email_only, _ = create_invitation(event_date=START - timedelta(days=3), contact=create_contact(mobile=None))
    ids = {"never": never.id, "answers": answers.id, "opted": opted.id, "email_only": email_only.id}
    outputs = {}
    for day in range(46):
        today = START + timedelta(days=day)
        if day == 3:
            with clock.frozen(london(today, 8)):
                opt_out_contacts([opted.contact_id], reason="stop link")
                db.session.commit()
        if day == 8:
            db.session.execute(
                update(Invitation)
                .where(Invitation.id == answers.id)
                .values(status=InvitationStatus.RESPONDED, responded_at=london(today, 9))
            )
            db.session.commit()
        for hour in (7, 10, 20):
            before = len(notify.notifications)
            result = runner.invoke(args=["chase", "--now", f"{today.isoformat()}T{hour:02d}:00"])
            assert result.exit_code == 0, result.output
            if hour != 10:
                assert len(notify.notifications) == before, (day, hour)  # nothing outside civil hours
            else:
                outputs[day] = result.output
    messages = all_messages()
    by_invitation = {name: [m for m in messages if m.invitation_id == i] for name, i in ids.items()}
    assert _plan(by_invitation["never"]) == [(0, "email", "invite"), (7, "sms", "reminder"), (14, "sms", "reminder")]
    assert _plan(by_invitation["answers"]) == [(0, "email", "invite"), (7, "sms", "reminder")]
    assert _plan(by_invitation["opted"]) == [(0, "email", "invite")]
    assert _plan(by_invitation["email_only"]) == [
        (0, "email", "invite"),
        (7, "email", "reminder"),
        (14, "email", "reminder"),
    ]
    assert len(notify.notifications) == 9
    assert_sent_exactly_once(notify)
    db.session.expire_all()
    for name in ("never", "email_only"):
        invitation = db.session.get(Invitation, ids[name])
        assert clock.london(invitation.call_list_at) == datetime.combine(
            START + timedelta(days=21), time(10), clock.LONDON
        )
        assert invitation.call_reason == "no_response"
        assert invitation.status == InvitationStatus.CLOSED
        assert clock.london(invitation.closed_at).date() == START + timedelta(days=42)
    assert db.session.get(Invitation, ids["answers"]).call_list_at is None
    assert db.session.get(Invitation, ids["opted"]).status == InvitationStatus.OPTED_OUT
    assert "Sent: email 4, sms 0 (invitations 4, reminders 0)" in outputs[0]
    assert "Sent: email 1, sms 2 (invitations 0, reminders 3)" in outputs[7]
    assert "Sent: email 1, sms 1 (invitations 0, reminders 2)" in outputs[14]
    assert "Added to the call list: 2 (no response 2, undeliverable 0)" in outputs[21]
    assert "Closed: 2;" in outputs[42]


def test_cli_rejects_a_bad_time(runner):
    result = runner.invoke(args=["chase", "--now", "next tuesday"])
    assert result.exit_code == 2
    assert "ISO-8601" in result.output


def test_cli_help_describes_the_options(runner):
    result = runner.invoke(args=["chase", "--help"])
    assert "--now ISO-8601" in result.output and "--dry-run" in result.output
    assert "London time" in result.output


# ---------------------------------------------------------------- several runs at once


def _concurrent_runs(app, moment: datetime, count: int = 2, start_second_when=None) -> list:
    reports: list = [None] * count
    errors: list = []

    def work(index: int) -> None:
        try:
            with app.app_context():
                reports[index] = run_chase(now=moment)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    with clock.frozen(moment):
        threads[0].start()
        if start_second_when is not None:
            start_second_when()
        for thread in threads[1:]:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not errors, errors
    return reports


def test_two_runs_at_once_on_postgresql_never_send_twice(app, notify, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL only")
    app.config.update(CHASE_BATCH_SIZE=5, NOTIFY_WORKERS=4)
    notify.latency = 0.01
    make(60)
    db.session.commit()

    real_decide = runner.decide

    def slow_decide(*args):  # widen the window between claiming a batch and committing it
        threading.Event().wait(0.005)
        return real_decide(*args)

    monkeypatch.setattr("feedback.chasing.runner.decide", slow_decide)
    reports = _concurrent_runs(app, london(TUESDAY), count=3)
    assert all(r.total_sent > 0 for r in reports), [r.total_sent for r in reports]  # the work was shared
    assert not any(r.errors for r in reports)
    assert sum(r.total_sent for r in reports) == 60
    assert len(notify.notifications) == 60
    assert_sent_exactly_once(notify)
    assert db.session.scalar(select(func.count(Message.id))) == 60


def test_runs_recovering_at_once_on_postgresql_never_send_twice(app, notify, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL only")
    app.config.update(CHASE_BATCH_SIZE=5, NOTIFY_WORKERS=4, NOTIFY_BREAKER_FAILURES=1000)
    make(30)
    notify.fail(500, times=None)
    assert chase(london(TUESDAY)).unknown == 30
    notify.stop_failing()
    real_decide = runner.decide

    def slow_decide(*args):
        threading.Event().wait(0.005)
        return real_decide(*args)

    monkeypatch.setattr("feedback.chasing.runner.decide", slow_decide)
    reports = _concurrent_runs(app, london(TUESDAY, 10, 15), count=3)
    assert sum(r.resent for r in reports) == 30
    assert len(notify.notifications) == 30
    assert_sent_exactly_once(notify)


def test_a_second_run_on_sqlite_exits_cleanly(app, notify):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the single-run file lock is for SQLite")
    app.config.update(NOTIFY_WORKERS=1)
    notify.latency = 0.05
    make(10)

    def when_the_first_run_is_sending():
        for _ in range(500):
            if notify.calls():
                return
            threading.Event().wait(0.01)

    reports = _concurrent_runs(app, london(TUESDAY), start_second_when=when_the_first_run_is_sending)
    skipped = [r for r in reports if r.skipped]
    assert len(skipped) == 1 and skipped[0].total_sent == 0
    assert sum(r.total_sent for r in reports) == 10
    assert_sent_exactly_once(notify)
    assert chase(london(TUESDAY, 10, 15)).skipped is None  # the lock went with the first run


# ---------------------------------------------------------------- the rate limit


def test_token_bucket_never_exceeds_the_limit_in_any_minute():
    moment = [0.0]
    bucket = TokenBucket(2950, burst=10, clock=lambda: moment[0], sleep=lambda s: moment.__setitem__(0, moment[0] + s))
    grants = []
    for _ in range(9000):
        bucket.acquire()
        grants.append(moment[0])
    assert max_in_window(grants) <= 2960
    assert 2900 <= (len(grants) - 1) / (grants[-1] - grants[0]) * 60 <= 2960


def test_notify_templates_command_prints_the_wording(runner):
    result = runner.invoke(args=["notify-templates"])
    assert result.exit_code == 0
    assert result.output.count("=== ") == 9  # six to families, three to staff
    assert "=== safeguarding_alert_email" in result.output
    assert "Subject: ((survey_name)): please tell us what you think" in result.output
    assert (
        "Northshire Council: 2-minute survey about your EHC plan ((survey_link)) Reply STOP to opt out" in result.output
    )
