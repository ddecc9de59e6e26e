"""The chase rules of DESIGN section 6 as a pure decision: an invitation's facts in, what to do out.

No database and no Flask here: feedback.chasing.runner gathers the facts, calls decide() with the run's one
clock value, and carries the decision out. Day counts are calendar days in Europe/London (the same
wall-clock time N days later), so a run every day at 10:00 finds each step due on its day even when
the clocks change in between.

Which messages count: anything that may have reached the family (queued, sending, unknown, sent,
outbox, delivered, temporary- or technical-failure). A message Notify refused (rejected), one that
failed permanently, or one cancelled before sending does not count towards the 3 messages or the
24-hour gap: its channel is marked failed and the next message goes by the other channel.

Reminders prefer the channel the invitation did not go by (issue 3: "reminders on days 7 and 14, by
SMS where the first went by email and there is a mobile").

The extra reminder (issue 8, off unless CHASE_EXTRA_REMINDER_DAYS is set): a family from an ethnic group
under-represented among this quarter's respondents (InvitationFacts.extra_reminder) gets one more reminder
on that day, and its cap of messages rises by one; nothing else changes (civil hours, 24 hours between
messages, reminders end when the call list starts).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

LIVE = frozenset({"pending", "open"})
UNCOUNTED = frozenset({"rejected", "permanent-failure", "cancelled"})
OUTCOME_PENDING = frozenset({"queued", "sending", "unknown"})  # the runner resolves these first
EMAIL, SMS = "email", "sms"


class Action(enum.StrEnum):
    SEND = "send"
    WAIT = "wait"
    CALL_LIST = "call_list"
    CLOSE = "close"
    EXPIRE = "expire"  # the event was too old when the invitation reached its first message
    OPT_OUT = "opt_out"  # the contact opted out after this invitation was made
    NOTHING = "nothing"


@dataclass(frozen=True)
class ChaseRules:
    timezone: str = "Europe/London"
    civil_hours: tuple[int, int] = (9, 19)  # from 09:00 up to (not including) 19:00
    civil_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5)  # Monday to Saturday
    max_event_age_days: int = 60
    reminder_days: tuple[int, ...] = (7, 14)
    call_days: int = 21
    close_days: int = 42
    max_messages: int = 3
    min_gap_hours: int = 24
    extra_reminder_days: int | None = None  # after the first message, for flagged groups only; None: off

    @classmethod
    def from_config(cls, config: Mapping) -> ChaseRules:
        """The rules from the Flask config's CHASE_* settings."""
        return cls(
            timezone=config.get("CHASE_TIMEZONE", cls.timezone),
            civil_hours=tuple(config.get("CHASE_CIVIL_HOURS", cls.civil_hours)),
            civil_weekdays=tuple(config.get("CHASE_CIVIL_WEEKDAYS", cls.civil_weekdays)),
            max_event_age_days=int(config.get("CHASE_MAX_EVENT_AGE_DAYS", cls.max_event_age_days)),
            reminder_days=tuple(config.get("CHASE_REMINDER_DAYS", cls.reminder_days)),
            call_days=int(config.get("CHASE_CALL_DAYS", cls.call_days)),
            close_days=int(config.get("CHASE_CLOSE_DAYS", cls.close_days)),
            max_messages=int(config.get("CHASE_MAX_MESSAGES", cls.max_messages)),
            min_gap_hours=int(config.get("CHASE_MIN_GAP_HOURS", cls.min_gap_hours)),
            extra_reminder_days=config.get("CHASE_EXTRA_REMINDER_DAYS"),
        )

    def for_family(self, extra_reminder: bool) -> ChaseRules:
        """These rules, with the extra reminder and one more message allowed when it is on and the family's
        group is flagged."""
        if not extra_reminder or self.extra_reminder_days is None:
            return self
        days = tuple(sorted({*self.reminder_days, int(self.extra_reminder_days)}))
        return replace(self, reminder_days=days, max_messages=self.max_messages + 1, extra_reminder_days=None)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class MessageFact:
    sequence: int
    channel: str  # email | sms
    status: str  # a MessageStatus value
    at: datetime  # when it went (or was queued, while its outcome is pending), UTC


@dataclass(frozen=True)
class InvitationFacts:
    status: str  # an InvitationStatus value
    event_date: date
    created_at: datetime
    first_sent_at: datetime | None = None
    closes_at: datetime | None = None
    call_list_at: datetime | None = None
    messages: Sequence[MessageFact] = ()
    has_email: bool = False
    has_mobile: bool = False
    email_failed: bool = False
    mobile_failed: bool = False
    opted_out: bool = False
    responded: bool = False
    extra_reminder: bool = False  # the family's ethnic group is flagged as under-represented this quarter


@dataclass(frozen=True)
class Decision:
    action: Action
    channel: str | None = None
    purpose: str | None = None  # invite | reminder
    sequence: int | None = None
    until: datetime | None = None  # WAIT: when something may next be due (None: not by time)
    reason: str | None = None  # CALL_LIST: no_response | undeliverable; otherwise why


# ---------------------------------------------------------------- time


def add_days(moment: datetime, days: int, rules: ChaseRules) -> datetime:
    """The same local wall-clock time `days` calendar days later, in UTC."""
    local = moment.astimezone(rules.zone)
    return (local + timedelta(days=days)).astimezone(UTC)


def is_civil(moment: datetime, rules: ChaseRules) -> bool:
    """Inside civil hours: 09:00 to 19:00 local time, Monday to Saturday."""
    local = moment.astimezone(rules.zone)
    start, end = rules.civil_hours
    return local.weekday() in rules.civil_weekdays and start <= local.hour < end


def next_civil_slot(moment: datetime, rules: ChaseRules) -> datetime:
    """`moment` itself when inside civil hours, else the start of the next civil-hours slot (UTC)."""
    if is_civil(moment, rules):
        return moment
    local = moment.astimezone(rules.zone)
    day = local.date()
    for offset in range(8):
        candidate = datetime.combine(day + timedelta(days=offset), time(rules.civil_hours[0]), rules.zone)
        if candidate > local and candidate.weekday() in rules.civil_weekdays:
            return candidate.astimezone(UTC)
    raise ValueError("no civil-hours slot within a week: check CHASE_CIVIL_WEEKDAYS")


def closes_at_for(first_sent_at: datetime, rules: ChaseRules) -> datetime:
    """When an invitation whose first message went at `first_sent_at` closes."""
    return add_days(first_sent_at, rules.close_days, rules)


# ---------------------------------------------------------------- the decision


def usable_channels(facts: InvitationFacts) -> tuple[str, ...]:
    """Channels the contact can still be reached on, email first."""
    found = []
    if facts.has_email and not facts.email_failed:
        found.append(EMAIL)
    if facts.has_mobile and not facts.mobile_failed:
        found.append(SMS)
    return tuple(found)


def _too_old(event_date: date, now: datetime, rules: ChaseRules) -> bool:
    return (now.astimezone(rules.zone).date() - event_date).days > rules.max_event_age_days


def _anchor(facts: InvitationFacts, counted: list[MessageFact]) -> datetime | None:
    if facts.first_sent_at is not None:
        return facts.first_sent_at
    settled = [m for m in counted if m.status not in OUTCOME_PENDING]
    return settled[0].at if settled else None


def _close_at(facts: InvitationFacts, anchor: datetime | None, rules: ChaseRules) -> datetime | None:
    if facts.closes_at is not None:
        return facts.closes_at
    if anchor is not None:
        return closes_at_for(anchor, rules)
    if facts.call_list_at is not None:  # undeliverable before any message went: close as if sent then
        return add_days(facts.call_list_at, rules.close_days - rules.call_days, rules)
    return None


def decide(facts: InvitationFacts, now: datetime, rules: ChaseRules) -> Decision:
    """What the chase should do with one invitation at `now` (UTC)."""
    rules = rules.for_family(facts.extra_reminder)
    if facts.status not in LIVE:
        return Decision(Action.NOTHING, reason=f"invitation is {facts.status}")
    if facts.responded:
        return Decision(Action.NOTHING, reason="responded")
    if facts.opted_out:
        return Decision(Action.OPT_OUT, reason="opted out")
    messages = sorted(facts.messages, key=lambda m: m.sequence)
    counted = [m for m in messages if m.status not in UNCOUNTED]
    if not counted and facts.first_sent_at is None and _too_old(facts.event_date, now, rules):
        return Decision(Action.EXPIRE, reason=f"event more than {rules.max_event_age_days} days ago")
    anchor = _anchor(facts, counted)
    close_at = _close_at(facts, anchor, rules)
    if close_at is not None and now >= close_at:
        return Decision(Action.CLOSE, reason="closing date reached")
    usable = usable_channels(facts)
    if not usable:
        if facts.call_list_at is None:
            return Decision(Action.CALL_LIST, reason="undeliverable")
        return Decision(Action.WAIT, until=close_at, reason="undeliverable: on the call list")
    call_at = add_days(anchor, rules.call_days, rules) if anchor is not None else None
    if call_at is not None and now >= call_at:
        if facts.call_list_at is None:
            return Decision(Action.CALL_LIST, reason="no_response")
        return Decision(Action.WAIT, until=close_at, reason="on the call list")
    if any(m.status in OUTCOME_PENDING for m in messages):
        return Decision(Action.WAIT, reason="a message's outcome is not known yet")
    return _next_message(facts, messages, counted, usable, anchor, call_at, now, rules)


def _next_message(
    facts: InvitationFacts,
    messages: list[MessageFact],
    counted: list[MessageFact],
    usable: tuple[str, ...],
    anchor: datetime | None,
    call_at: datetime | None,
    now: datetime,
    rules: ChaseRules,
) -> Decision:
    if len(counted) >= rules.max_messages:
        return Decision(Action.WAIT, until=call_at, reason="every message sent")
    if not counted or anchor is None:
        purpose = "invite"
        # Due from the start of the event's own day (an event recorded ahead of time waits for it).
        # Not from created_at: with the real clock now >= created_at anyway, and a back-filling or
        # test run with an earlier --now must still see the invitation due on the event's day.
        due = datetime.combine(facts.event_date, time(0), rules.zone).astimezone(UTC)
    else:
        step = len(counted) - 1
        if step >= len(rules.reminder_days):
            return Decision(Action.WAIT, until=call_at, reason="every reminder sent")
        purpose = "reminder"
        due = add_days(anchor, rules.reminder_days[step], rules)
    if counted:
        due = max(due, max(m.at for m in counted) + timedelta(hours=rules.min_gap_hours))
    if call_at is not None and due >= call_at:
        return Decision(Action.WAIT, until=call_at, reason="reminders end when the call list starts")
    slot = next_civil_slot(max(due, now), rules)
    if slot > now:
        return Decision(Action.WAIT, until=slot, purpose=purpose, reason=f"{purpose} due")
    channel = _choose_channel(purpose, usable, counted)
    sequence = max((m.sequence for m in messages), default=0) + 1
    return Decision(Action.SEND, channel=channel, purpose=purpose, sequence=sequence)


def _choose_channel(purpose: str, usable: tuple[str, ...], counted: list[MessageFact]) -> str:
    if len(usable) == 1 or purpose == "invite" or not counted:
        return usable[0]  # email first when there is a usable address
    first_channel = counted[0].channel
    return SMS if first_channel == EMAIL else EMAIL
