"""The chase decision (feedback.chasing.rules.decide) case by case: no database, no Flask."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from feedback.chasing.rules import (
    Action,
    ChaseRules,
    InvitationFacts,
    MessageFact,
    add_days,
    decide,
    is_civil,
    next_civil_slot,
)
from feedback.core.clock import LONDON

RULES = ChaseRules()
MONDAY = date(2026, 11, 2)  # day 0 of the daily runs


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A London wall-clock time as UTC."""
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def facts(**fields) -> InvitationFacts:
    base = dict(
        status="pending",
        event_date=MONDAY - timedelta(days=5),
        created_at=at(MONDAY - timedelta(days=1), 18),
        has_email=True,
        has_mobile=True,
    )
    base.update(fields)
    return InvitationFacts(**base)


# ---------------------------------------------------------------- 45 daily runs at 10:00


def simulate(start: date, contact: dict, days: int = 46, hour: int = 10, events: dict | None = None) -> dict:
    """Run decide() once a day at `hour` and apply each decision as the runner would. Returns day -> Decision."""
    state = dict(status="pending", first_sent_at=None, closes_at=None, call_list_at=None, responded=False)
    state.update(contact)
    messages: list[MessageFact] = []
    decisions = {}
    for day in range(days):
        now = at(start + timedelta(days=day), hour)
        for key, value in (events or {}).get(day, {}).items():
            state[key] = value
        created = at(start - timedelta(days=1), 18)
        current = InvitationFacts(
            event_date=start - timedelta(days=3), created_at=created, messages=tuple(messages), **state
        )
        decision = decide(current, now, RULES)
        decisions[day] = decision
        if decision.action == Action.SEND:
            messages.append(MessageFact(decision.sequence, decision.channel, "sent", now))
            if state["first_sent_at"] is None:
                state.update(first_sent_at=now, closes_at=add_days(now, 42, RULES), status="open")
        elif decision.action == Action.CALL_LIST:
            state["call_list_at"] = now
        elif decision.action == Action.CLOSE:
            state["status"] = "closed"
        elif decision.action == Action.OPT_OUT:
            state["status"] = "opted_out"
    return decisions


BOTH = dict(has_email=True, has_mobile=True)
SENDS_BOTH = {0: ("email", "invite", 1), 7: ("sms", "reminder", 2), 14: ("sms", "reminder", 3)}
SENDS_EMAIL = {0: ("email", "invite", 1), 7: ("email", "reminder", 2), 14: ("email", "reminder", 3)}
SENDS_SMS = {0: ("sms", "invite", 1), 7: ("sms", "reminder", 2), 14: ("sms", "reminder", 3)}


def expected(day: int, sends: dict, call: int | None = 21, close: int | None = 42, stop: int | None = None):
    """The action due on `day` of the plan: sends on their days, the call list, closing."""
    if stop is not None and day >= stop:
        return (Action.NOTHING, None)
    if day in sends:
        return (Action.SEND, sends[day])
    if close is not None and day == close:
        return (Action.CLOSE, None)
    if close is not None and day > close:
        return (Action.NOTHING, None)
    if call is not None and day == call:
        return (Action.CALL_LIST, "no_response")
    return (Action.WAIT, None)


SCENARIOS = {
    "never answers, email and mobile": (BOTH, {}, lambda d: expected(d, SENDS_BOTH)),
    "email only": (dict(has_email=True, has_mobile=False), {}, lambda d: expected(d, SENDS_EMAIL)),
    "mobile only": (dict(has_email=False, has_mobile=True), {}, lambda d: expected(d, SENDS_SMS)),
    "answers on day 8": (
        BOTH,
        {8: dict(status="responded", responded=True)},
        lambda d: expected(d, {k: v for k, v in SENDS_BOTH.items() if k < 8}, stop=8),
    ),
    "opts out on day 3": (
        BOTH,
        {3: dict(opted_out=True)},
        lambda d: (Action.OPT_OUT, None) if d == 3 else expected(d, {0: SENDS_BOTH[0]}, stop=4),
    ),
}


@pytest.mark.parametrize("day", range(46))
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_daily_runs_at_ten(scenario, day):
    contact, events, plan = SCENARIOS[scenario]
    decision = simulate(MONDAY, contact, events=events)[day]
    action, detail = plan(day)
    assert decision.action == action, decision
    if action == Action.SEND:
        assert (decision.channel, decision.purpose, decision.sequence) == detail
    if action == Action.CALL_LIST:
        assert decision.reason == detail


@pytest.mark.parametrize("start", [date(2027, 3, 15), date(2026, 10, 12)], ids=["clocks go forward", "clocks go back"])
def test_daily_runs_across_a_change_of_the_clocks(start):
    decisions = simulate(start, BOTH)
    sends = {d: (x.channel, x.purpose) for d, x in decisions.items() if x.action == Action.SEND}
    assert sends == {0: ("email", "invite"), 7: ("sms", "reminder"), 14: ("sms", "reminder")}
    assert [d for d, x in decisions.items() if x.action == Action.CALL_LIST] == [21]
    assert [d for d, x in decisions.items() if x.action == Action.CLOSE] == [42]


def test_runs_outside_civil_hours_send_nothing():
    for hour in (0, 6, 8, 19, 20, 23):
        decisions = simulate(MONDAY, BOTH, hour=hour)
        assert not [d for d, x in decisions.items() if x.action == Action.SEND], hour


def test_first_run_on_a_sunday_waits_for_monday():
    sunday = date(2026, 11, 8)
    decisions = simulate(sunday, BOTH)
    assert decisions[0].action == Action.WAIT
    assert decisions[0].until == at(sunday + timedelta(days=1), 9)
    sends = [d for d, x in decisions.items() if x.action == Action.SEND]
    assert sends == [1, 8, 15]  # every later step counts from the Monday the invitation went


# ---------------------------------------------------------------- civil hours


@pytest.mark.parametrize(
    ("moment", "civil"),
    [
        (at(MONDAY, 8, 59), False),
        (at(MONDAY, 9, 0), True),
        (at(MONDAY, 18, 59), True),
        (at(MONDAY, 19, 0), False),
        (at(date(2026, 11, 7), 12), True),  # Saturday
        (at(date(2026, 11, 8), 12), False),  # Sunday
        (at(date(2027, 6, 7), 9, 30), True),  # summer time: 08:30 UTC is 09:30 in London
    ],
)
def test_civil_hours(moment, civil):
    assert is_civil(moment, RULES) is civil


@pytest.mark.parametrize(
    ("moment", "slot"),
    [
        (at(MONDAY, 7), at(MONDAY, 9)),
        (at(MONDAY, 12), at(MONDAY, 12)),
        (at(MONDAY, 19), at(MONDAY + timedelta(days=1), 9)),
        (at(date(2026, 11, 7), 19, 30), at(date(2026, 11, 9), 9)),  # Saturday evening -> Monday
        (at(date(2026, 11, 8), 10), at(date(2026, 11, 9), 9)),  # Sunday -> Monday
    ],
)
def test_next_civil_slot(moment, slot):
    assert next_civil_slot(moment, RULES) == slot


def test_invitation_made_in_the_evening_goes_next_morning():
    evening = facts(created_at=at(MONDAY, 20))
    assert decide(evening, at(MONDAY, 20, 15), RULES).until == at(MONDAY + timedelta(days=1), 9)
    assert decide(evening, at(MONDAY + timedelta(days=1), 9), RULES).action == Action.SEND


def test_backfilling_run_before_the_import_still_sends_on_the_event_day():
    imported_later = facts(created_at=at(MONDAY + timedelta(days=5), 14))
    decision = decide(imported_later, at(MONDAY, 10), RULES)
    assert decision.action == Action.SEND and decision.purpose == "invite"


# ---------------------------------------------------------------- reminders and gaps


def sent_once(first: datetime, **fields) -> InvitationFacts:
    return facts(
        status="open",
        first_sent_at=first,
        closes_at=add_days(first, 42, RULES),
        messages=(MessageFact(1, "email", "delivered", first),),
        **fields,
    )


def test_reminder_due_at_the_same_minute_is_sent():
    first = at(MONDAY, 10)
    assert decide(sent_once(first), first + timedelta(days=7), RULES).action == Action.SEND
    assert decide(sent_once(first), first + timedelta(days=7, minutes=-1), RULES).action == Action.WAIT


def test_reminder_due_on_a_sunday_waits_for_monday_morning():
    sunday = date(2026, 11, 8)
    decision = decide(sent_once(at(sunday, 10)), at(sunday + timedelta(days=7), 10), RULES)
    assert decision.action == Action.WAIT
    assert decision.until == at(sunday + timedelta(days=8), 9)


def test_never_two_messages_within_24_hours():
    first = at(MONDAY, 10)
    late_reminder = at(MONDAY + timedelta(days=13), 15)  # reminder 1 went late
    state = replace(
        sent_once(first),
        messages=(MessageFact(1, "email", "sent", first), MessageFact(2, "sms", "sent", late_reminder)),
    )
    day14 = at(MONDAY + timedelta(days=14), 10)
    decision = decide(state, day14, RULES)
    assert decision.action == Action.WAIT
    assert decision.until == late_reminder + timedelta(hours=24)
    assert decide(state, late_reminder + timedelta(hours=24), RULES).action == Action.SEND


def test_at_most_three_messages():
    first = at(MONDAY, 10)
    three = tuple(MessageFact(n, "email", "sent", first + timedelta(days=n)) for n in (1, 2, 3))
    state = replace(sent_once(first), messages=three)
    assert decide(state, at(MONDAY + timedelta(days=16), 10), RULES).action == Action.WAIT
    fewer = replace(RULES, max_messages=1)
    assert decide(sent_once(first), at(MONDAY + timedelta(days=7), 10), fewer).action == Action.WAIT


def test_reminder_prefers_the_other_channel_only_when_usable():
    first = at(MONDAY, 10)
    day7 = at(MONDAY + timedelta(days=7), 10)
    assert decide(sent_once(first), day7, RULES).channel == "sms"
    assert decide(sent_once(first, mobile_failed=True), day7, RULES).channel == "email"
    assert decide(sent_once(first, has_mobile=False), day7, RULES).channel == "email"


def test_pending_outcome_blocks_sending():
    first = at(MONDAY, 10)
    for status in ("queued", "sending", "unknown"):
        state = facts(messages=(MessageFact(1, "email", status, first),))
        assert decide(state, first + timedelta(days=1), RULES).action == Action.WAIT, status


# ---------------------------------------------------------------- failed channels


def test_rejected_email_sends_the_invitation_by_sms_at_once():
    now = at(MONDAY, 10)
    state = facts(email_failed=True, messages=(MessageFact(1, "email", "rejected", now),))
    decision = decide(state, now, RULES)
    assert (decision.action, decision.channel, decision.purpose, decision.sequence) == (Action.SEND, "sms", "invite", 2)


def test_every_channel_failed_goes_to_the_call_list_as_undeliverable():
    now = at(MONDAY, 10)
    state = facts(email_failed=True, has_mobile=False, messages=(MessageFact(1, "email", "rejected", now),))
    decision = decide(state, now, RULES)
    assert (decision.action, decision.reason) == (Action.CALL_LIST, "undeliverable")
    listed = replace(state, call_list_at=now)
    assert decide(listed, now + timedelta(days=1), RULES).action == Action.WAIT
    assert decide(listed, add_days(now, 21, RULES), RULES).action == Action.CLOSE


def test_permanent_failure_after_sending_lets_the_other_channel_invite():
    first = at(MONDAY, 10)
    state = replace(
        sent_once(first, email_failed=True), messages=(MessageFact(1, "email", "permanent-failure", first),)
    )
    decision = decide(state, first + timedelta(hours=2), RULES)
    assert (decision.action, decision.channel, decision.purpose) == (Action.SEND, "sms", "invite")


# ---------------------------------------------------------------- stopping


def test_event_older_than_60_days_is_not_surveyed():
    now = at(MONDAY, 10)
    assert decide(facts(event_date=MONDAY - timedelta(days=61)), now, RULES).action == Action.EXPIRE
    assert decide(facts(event_date=MONDAY - timedelta(days=60)), now, RULES).action == Action.SEND


def test_event_recorded_ahead_of_time_waits_for_its_day():
    decision = decide(facts(event_date=MONDAY + timedelta(days=3)), at(MONDAY, 10), RULES)
    assert decision.action == Action.WAIT
    assert decision.until == at(MONDAY + timedelta(days=3), 9)


@pytest.mark.parametrize(
    ("fields", "action"),
    [
        (dict(responded=True), Action.NOTHING),
        (dict(status="responded"), Action.NOTHING),
        (dict(status="closed"), Action.NOTHING),
        (dict(status="expired"), Action.NOTHING),
        (dict(opted_out=True), Action.OPT_OUT),
        (dict(status="opted_out", opted_out=True), Action.NOTHING),
    ],
)
def test_stops(fields, action):
    assert decide(facts(**fields), at(MONDAY, 10), RULES).action == action


def test_rules_from_config():
    rules = ChaseRules.from_config({"CHASE_MAX_MESSAGES": 2, "CHASE_REMINDER_DAYS": (5,), "CHASE_CIVIL_HOURS": (8, 20)})
    assert (rules.max_messages, rules.reminder_days, rules.civil_hours) == (2, (5,), (8, 20))
    assert is_civil(at(MONDAY, 8), rules) and not is_civil(at(MONDAY, 8), RULES)
