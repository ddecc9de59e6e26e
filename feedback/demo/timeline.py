"""Demo data: what happened to one invitation, simulated by the chase rules of DESIGN section 6.

Pure functions over plain dicts (the rows the demo inserts); nothing here touches the database.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from feedback.core.clock import LONDON
from feedback.demo.population import (
    CALL_NOTES,
    COMPLAINTS,
    MOOD_SHIFT,
    PRAISE,
    YOUNG_PERSON_COMPLAINTS,
    YOUNG_PERSON_PRAISE,
)
from feedback.surveys.definitions import get_survey

DAY = timedelta(days=1)
REMINDER_DAYS = (7, 14)  # after the first message
CALL_DAYS = 21
CLOSE_DAYS = 42
BASE_RATE = {"new_plan": 0.35, "annual_review": 0.31, "annual_review_young_person": 0.26}
BASE_MOOD = {"new_plan": 0.45, "annual_review": 0.8, "annual_review_young_person": 0.9}
STATEMENT_SHIFT = {
    "assessment_positive": -0.25,
    "involved": 0.15,
    "plan_progress": 0.05,
    "engaged": 0.2,
    "child_views": -0.05,
    "plan_reflects_needs": -0.1,
    "listened": 0.2,
    "about_me": 0.1,
    "future": -0.2,
}
FAILURE_ERRORS = {"email": "Email address does not exist", "sms": "Phone number does not exist"}


@dataclass
class Outcome:
    """Rows made for one invitation; the invitation dict itself is filled in place."""

    messages: list[dict] = field(default_factory=list)
    response: dict | None = None
    answers: list[dict] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)


def rng_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def civil_slot(day: date, rng: random.Random) -> datetime:
    """A moment between 09:00 and 19:00 London time, Monday to Saturday, on or after `day`."""
    if day.weekday() == 6:
        day += DAY
    local = datetime.combine(day, time(rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=LONDON)
    return local.astimezone(UTC)


def _reminder_time(first: datetime, days: int, rng: random.Random) -> datetime:
    moment = first + days * DAY
    if moment.astimezone(LONDON).weekday() == 6:  # the chase waits for Monday morning
        return civil_slot(moment.astimezone(LONDON).date(), rng)
    return moment


def _usable(contact: dict) -> list[str]:
    channels = []
    if contact["email"] and contact["email_failed_at"] is None:
        channels.append("email")
    if contact["mobile"] and contact["mobile_failed_at"] is None:
        channels.append("sms")
    return channels


def _response_delay(rng: random.Random, can_call: bool) -> tuple[timedelta, str]:
    """How long after the first message the family answers, and how."""
    bucket = rng.random()
    if bucket < 0.5:
        return timedelta(days=min(rng.expovariate(1 / 1.2), 6.9)), "online"
    if bucket < 0.75:
        return timedelta(days=7 + min(rng.expovariate(1 / 1.0), 6.9)), "online"
    if bucket < 0.87:
        return timedelta(days=14 + min(rng.expovariate(1 / 1.0), 6.9)), "online"
    if bucket < 0.92 or not can_call:
        return timedelta(days=rng.uniform(21, 41)), "online"
    return timedelta(days=rng.uniform(22, 40)), "phone"


def simulate(inv: dict, contact: dict, ctx: dict, rng: random.Random) -> Outcome:
    """Fill `inv` (status and timestamps) and return its messages, response, answers and calls.

    `contact` is updated in place (failed channels, opt-out) so that later invitations to the
    same contact follow the rules; `ctx` holds now, the officer's id, the child's code and the
    financial-year index.
    """
    now: datetime = ctx["now"]
    out = Outcome()
    first = civil_slot(inv["event_date"] + rng.randint(1, 5) * DAY, rng)
    inv["created_at"] = min(first - timedelta(hours=rng.uniform(1, 20)), now)
    if contact["opted_out_at"] is not None:
        inv["status"] = "opted_out"
        return out
    if first > now:
        return out  # still PENDING: the chase has not reached it yet
    if not _usable(contact):
        _undeliverable(inv, out, first, ctx, rng)
        return out
    inv.update(status="open", first_sent_at=first, closes_at=first + CLOSE_DAYS * DAY)
    rate = BASE_RATE[inv["survey_key"]] * ctx["response_factor"] * (1 + 0.08 * ctx["year_index"])
    responds = rng.random() < rate
    delay, how = _response_delay(rng, can_call=bool(contact["mobile"]))
    answered_at = first + delay if responds else None
    opt_out_at = None
    if not responds and rng.random() < 0.012:
        opt_out_at = first + timedelta(days=rng.uniform(0.1, 20))
    delivered = _send_messages(inv, contact, out, answered_at, opt_out_at, now, rng)
    if how == "online" and answered_at is not None and not any(t < answered_at for t in delivered):
        answered_at = None  # the link never reached them
    if opt_out_at is not None and opt_out_at <= now:
        contact["opted_out_at"] = opt_out_at
        inv["status"] = "opted_out"
        return out
    call_at = first + CALL_DAYS * DAY + timedelta(minutes=rng.randint(0, 600))
    if inv["call_list_at"] is None and (answered_at is None or answered_at > call_at) and call_at <= now:
        inv.update(call_list_at=call_at, call_reason="no_response")
    if how == "phone" and inv["call_reason"] != "no_response":
        answered_at = None  # only families called after 21 days answer on the phone
    _finish(inv, out, answered_at, how, ctx, rng)
    return out


def _finish(inv: dict, out: Outcome, answered_at: datetime | None, how: str, ctx: dict, rng: random.Random) -> None:
    """Responded, closed, or still open (and perhaps called) at `now`."""
    now = ctx["now"]
    if answered_at is not None and answered_at <= now:
        inv.update(status="responded", responded_at=answered_at)
        if inv["call_list_at"] is not None and inv["call_list_at"] < answered_at:
            inv["call_done_at"] = answered_at
        _respond(inv, out, answered_at, how, ctx, rng)
        return
    _calls(inv, out, inv["closes_at"], ctx, rng)
    if inv["closes_at"] <= now:
        inv.update(status="closed", closed_at=inv["closes_at"])
        if inv["call_list_at"] is not None and inv["call_done_at"] is None:
            inv["call_done_at"] = inv["closes_at"]


def _undeliverable(inv: dict, out: Outcome, first: datetime, ctx: dict, rng: random.Random) -> None:
    """Every channel failed on an earlier invitation: straight to the call list, no message."""
    inv.update(call_list_at=first, call_reason="undeliverable")
    closes = first + CLOSE_DAYS * DAY
    _calls(inv, out, closes, ctx, rng)
    if closes <= ctx["now"]:
        inv.update(status="closed", closed_at=closes, call_done_at=inv["call_done_at"] or closes)


def _send_messages(inv, contact, out, answered_at, opt_out_at, now, rng) -> list[datetime]:
    """The invitation and up to two reminders; returns when each delivered message arrived."""
    first = inv["first_sent_at"]
    delivered: list[datetime] = []
    last_channel = None
    for sequence, moment in enumerate([first] + [_reminder_time(first, d, rng) for d in REMINDER_DAYS], start=1):
        if moment > now or (answered_at is not None and answered_at <= moment):
            break
        if opt_out_at is not None and opt_out_at <= moment:
            break
        channels = _usable(contact)
        if not channels:
            break
        others = [c for c in channels if c != last_channel]
        channel = others[0] if others else channels[0]
        last_channel = channel
        status_at = moment + timedelta(seconds=rng.randint(4, 600))
        roll = rng.random()
        status, error = "delivered", None
        if status_at > now:
            status, status_at = "sent", None
        elif roll < 0.025:
            status, error = "permanent-failure", FAILURE_ERRORS[channel]
            contact[f"{'email' if channel == 'email' else 'mobile'}_failed_at"] = status_at
        elif roll < 0.035:
            status = "temporary-failure"
        out.messages.append(
            {
                "_inv": inv["_index"],
                "sequence": sequence,
                "channel": channel,
                "purpose": "invite" if sequence == 1 else "reminder",
                "reference": rng_uuid(rng),
                "notify_id": rng_uuid(rng),
                "status": status,
                "error": error,
                "attempts": 1,
                "sent_at": moment,
                "status_at": status_at,
                "created_at": moment,
            }
        )
        if status in ("delivered", "sent"):
            delivered.append(moment)
        if status == "permanent-failure" and not _usable(contact) and inv["call_list_at"] is None:
            inv.update(call_list_at=status_at, call_reason="undeliverable")
    return delivered


def _calls(inv: dict, out: Outcome, closes: datetime, ctx: dict, rng: random.Random) -> None:
    """An officer works part of the call list: no answer, declined or a wrong number."""
    if inv["call_list_at"] is None or rng.random() > 0.5:
        return
    called = civil_slot((inv["call_list_at"] + rng.randint(1, 12) * DAY).astimezone(LONDON).date(), rng)
    if called > ctx["now"] or called >= closes:
        return
    if inv["call_reason"] == "undeliverable":
        outcome = "wrong_number"
    else:
        outcome = rng.choices(("no_answer", "declined", "wrong_number"), (55, 32, 13))[0]
    out.calls.append(_call(inv, outcome, called, ctx, rng))
    if outcome != "no_answer":
        inv["call_done_at"] = called


def _call(inv: dict, outcome: str, moment: datetime, ctx: dict, rng: random.Random) -> dict:
    return {
        "_inv": inv["_index"],
        "outcome": outcome,
        "note": rng.choice(CALL_NOTES[outcome]),
        "user_id": ctx["officer_id"],
        "created_at": moment,
    }


def _respond(inv: dict, out: Outcome, moment: datetime, how: str, ctx: dict, rng: random.Random) -> None:
    survey = get_survey(inv["survey_key"])
    code = ctx["ethnicity"]
    mood = rng.gauss(BASE_MOOD[survey.key] + 0.12 * ctx["year_index"] + MOOD_SHIFT.get(code or "", 0.0), 1.0)
    if how == "phone":
        out.calls.append(_call(inv, "answered", moment, ctx, rng))
    out.response = {
        "_inv": inv["_index"],
        "survey_key": survey.key,
        "survey_version": survey.version,
        "event_date": inv["event_date"],  # the period it counts in, as record_response sets it
        "channel": how,
        "entered_by_id": ctx["officer_id"] if how == "phone" else None,
        "ethnicity": code,
        "consent_contact": rng.random() < (0.5 if mood < -0.8 else 0.25 if mood < 0 else 0.06),
        "consent_quote": False,
        "sentiment_polarity": None,
        "sentiment_subjectivity": None,
        "submitted_at": moment,
        "created_at": moment,
    }
    for statement in survey.statements:
        choice = _choice(mood + STATEMENT_SHIFT.get(statement.key, 0.0) + rng.gauss(0, 0.6), survey.easy_read)
        if not survey.easy_read and rng.random() < _not_applicable(statement.key, ctx["primary_need"]):
            choice = "not_applicable"
        out.answers.append({"question_key": statement.key, "choice": choice, "text": None})
    wrote = False
    for key, text in _free_text(mood, survey.easy_read, rng).items():
        out.answers.append({"question_key": key, "choice": None, "text": text})
        wrote = True
    out.response["consent_quote"] = rng.random() < (0.55 if wrote else 0.3)


def _choice(score: float, easy_read: bool) -> str:
    if easy_read:
        return "yes" if score > 0.3 else "not_sure" if score > -0.4 else "no"
    if score > 1.3:
        return "strongly_agree"
    if score > 0.3:
        return "agree"
    if score > -0.2:
        return "neither"
    return "disagree" if score > -1.0 else "strongly_disagree"


def _not_applicable(key: str, need: str | None) -> float:
    if key == "child_views":
        return 0.3 if need in ("PMLD", "SLD") else 0.06
    return 0.025


def _free_text(mood: float, easy_read: bool, rng: random.Random) -> dict[str, str]:
    """About half of families write something: happier ones what went well, unhappier what to do better."""
    scale = 0.6 if easy_read else 1.0
    praise, complaints = (YOUNG_PERSON_PRAISE, YOUNG_PERSON_COMPLAINTS) if easy_read else (PRAISE, COMPLAINTS)
    texts = {}
    if rng.random() < scale * (0.22 + (0.2 if mood > 0.6 else 0.0)):
        texts["went_well"] = _compose(praise, rng)
    if rng.random() < scale * (0.15 + (0.3 if mood < 0 else 0.0) + (0.15 if mood < -1 else 0.0)):
        texts["do_better"] = _compose(complaints, rng)
    return texts


def _compose(bank: tuple[str, ...], rng: random.Random) -> str:
    count = rng.choices((1, 2, 3), (65, 30, 5))[0]
    return " ".join(rng.sample(bank, count))
