"""The extra reminder for families of under-represented groups (issue 8): off by default; when configured, one more
reminder for flagged families only, inside civil hours, never within 24 hours of another message, before the call
list, with the cap of messages raised by one for them alone. Pure: feedback.chasing.rules.decide."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from feedback.chasing.rules import Action, ChaseRules, InvitationFacts, MessageFact, add_days, decide
from feedback.core.clock import LONDON

MONDAY = date(2026, 11, 2)
ON = ChaseRules(extra_reminder_days=18)


def at(day: int, hour: int = 10) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day), time(hour), LONDON).astimezone(UTC)


def sends(rules: ChaseRules, flagged: bool, hour: int = 10) -> dict[int, tuple[str, int]]:
    """Daily runs at `hour` for 30 days: day -> (purpose, sequence) of each message sent."""
    messages: list[MessageFact] = []
    state = dict(status="pending", first_sent_at=None, closes_at=None, call_list_at=None)
    sent = {}
    for day in range(30):
        facts = InvitationFacts(event_date=MONDAY, created_at=at(-1), has_email=True, has_mobile=True,
                                messages=tuple(messages), extra_reminder=flagged, **state)  # fmt: skip
        decision = decide(facts, at(day, hour), rules)
        if decision.action == Action.SEND:
            messages.append(MessageFact(decision.sequence, decision.channel, "sent", at(day, hour)))
            sent[day] = (decision.purpose, decision.sequence)
            if state["first_sent_at"] is None:
                state.update(first_sent_at=at(day, hour), closes_at=add_days(at(day, hour), 42, rules), status="open")
        elif decision.action == Action.CALL_LIST:
            state["call_list_at"] = at(day, hour)
    return sent


def test_off_by_default():
    assert ChaseRules.from_config({}).extra_reminder_days is None
    assert list(sends(ChaseRules(), flagged=True)) == [0, 7, 14]


def test_flagged_families_get_one_more_reminder_and_others_do_not():
    assert sends(ON, flagged=True) == {0: ("invite", 1), 7: ("reminder", 2), 14: ("reminder", 3), 18: ("reminder", 4)}
    assert list(sends(ON, flagged=False)) == [0, 7, 14]


def test_the_extra_reminder_keeps_civil_hours_and_the_day_between_messages():
    # Due on day 18 (a Friday) but the run is at 20:00: it waits for 09:00 the next day.
    facts = InvitationFacts(
        status="open", event_date=MONDAY, created_at=at(-1), first_sent_at=at(0), closes_at=add_days(at(0), 42, ON),
        has_email=True, has_mobile=True, extra_reminder=True,
        messages=(MessageFact(1, "email", "sent", at(0)), MessageFact(2, "sms", "sent", at(7)),
                  MessageFact(3, "sms", "sent", at(14))),
    )  # fmt: skip
    late = decide(facts, at(18, 20), ON)
    assert late.action == Action.WAIT and late.until == at(19, 9)
    # A day-15 extra reminder after a day-14 reminder sent at 18:00 waits until 18:00 on day 15.
    close = ChaseRules(extra_reminder_days=15)
    evening = (MessageFact(1, "email", "sent", at(0)), MessageFact(2, "sms", "sent", at(7)),
               MessageFact(3, "sms", "sent", at(14, 18)))  # fmt: skip
    waiting = decide(InvitationFacts(**{**facts.__dict__, "messages": evening}), at(15, 10), close)
    assert waiting.action == Action.WAIT and waiting.until == at(15, 18)
    # After the call list starts (day 21) no extra reminder goes.
    assert list(sends(ChaseRules(extra_reminder_days=22), flagged=True)) == [0, 7, 14]
