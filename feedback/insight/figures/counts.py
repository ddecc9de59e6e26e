"""Counting a period's invitations, responses and answers, in the database (GROUP BY), never row by row.

A response counts in the period of its event (`Response.event_date`, copied from the invitation); an
invitation likewise. Quarters are counted in one pass: a CASE gives each row its quarter, and a year's
figure is the sum of its quarters' counts.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, select

from feedback.core.extensions import db
from feedback.insight.periods import Period
from feedback.models import Answer, Invitation, InvitationStatus, Response, ResponseChannel
from feedback.surveys.definitions import SURVEYS

log = logging.getLogger(__name__)

CHANNELS = tuple(ResponseChannel)  # online, phone, in person, paper
CHANNEL_LABELS = {
    ResponseChannel.ONLINE: "Online",
    ResponseChannel.PHONE: "Phone",
    ResponseChannel.PAPER: "Paper",
    ResponseChannel.IN_PERSON: "In person",
}
# Invitations recorded for an event already too old to survey: nobody was ever asked, so they are not
# counted as invitations (nor in the response rate), unless the family answered all the same (on paper).
NOT_INVITED = (InvitationStatus.EXPIRED,)
UNDELIVERABLE = "undeliverable"  # Invitation.call_reason when every email address and mobile failed


@dataclass(frozen=True)
class SurveyCounts:
    """One survey in one period."""

    survey_key: str
    invitations: int = 0  # invitations for events in the period, except those too old to survey
    responses: int = 0  # every response for an event in the period, whatever the channel
    invited_responses: int = 0  # responses to those invitations (open surveys' responses have none)
    by_channel: dict[str, int] = field(default_factory=dict)

    @property
    def response_rate(self) -> float | None:
        """Responses to invitations / invitations, in per cent; None without invitations."""
        return None if not self.invitations else 100.0 * self.invited_responses / self.invitations


def in_period(column, period: Period):
    """`start <= column < end`: the index on the column does the work."""
    return and_(column >= period.start, column < period.end)


def quarter_bucket(column, quarters: Sequence[Period]):
    """SQL CASE giving the position in `quarters` of the quarter a date falls in (None outside them)."""
    return case(*[(in_period(column, q), i) for i, q in enumerate(quarters)], else_=None)


def invitation_counts_query(period: Period) -> Select:
    return (
        select(
            Invitation.survey_key,
            func.count().label("invitations"),
            func.count(Invitation.first_sent_at).label("invited"),
            func.count(Invitation.delivered_at).label("delivered"),
            func.sum(case((Invitation.call_reason == UNDELIVERABLE, 1), else_=0)).label("failed"),
            func.count(Invitation.reminded_at).label("reminded"),
            func.count(Invitation.call_list_at).label("call_list"),
            func.count(Invitation.called_at).label("called"),
        )
        .where(in_period(Invitation.event_date, period), Invitation.status.not_in(NOT_INVITED))
        .group_by(Invitation.survey_key)
    )


def invitation_counts(period: Period) -> dict[str, dict[str, int]]:
    """For each survey, its invitations for events in `period` and how far the chase got with them.

    One GROUP BY over the invitation table (for a quarter, over ix_invitation_period alone). The keys are
    the chase funnel's first steps: invitations, invited, delivered, failed, reminded, call_list, called.
    """
    rows = db.session.execute(invitation_counts_query(period)).all()
    return {row.survey_key: {k: int(v or 0) for k, v in row._mapping.items() if k != "survey_key"} for row in rows}


def response_counts_query(period: Period) -> Select:
    return (
        select(Response.survey_key, Response.channel, func.count(), func.count(Response.invitation_id))
        .where(in_period(Response.event_date, period))
        .group_by(Response.survey_key, Response.channel)
    )


def response_counts(period: Period) -> dict[str, dict[str, tuple[int, int]]]:
    """survey key -> channel -> (responses, responses to an invitation), for events in `period`."""
    rows = db.session.execute(response_counts_query(period)).all()
    counts: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for survey_key, channel, count, invited in rows:
        counts[survey_key][str(channel)] = (count, invited)
    return dict(counts)


def survey_counts(
    invitations: dict[str, dict[str, int]], responses: dict[str, dict[str, tuple[int, int]]]
) -> dict[str, SurveyCounts]:
    """Each survey's counts (every defined survey, with zeros when it has none) from the two queries above."""
    keys = list(SURVEYS) + sorted((set(invitations) | set(responses)) - set(SURVEYS))
    result = {}
    for key in keys:
        by_channel = responses.get(key, {})
        result[key] = SurveyCounts(
            survey_key=key,
            invitations=invitations.get(key, {}).get("invitations", 0),
            responses=sum(count for count, _ in by_channel.values()),
            invited_responses=sum(invited for _, invited in by_channel.values()),
            by_channel={str(c): by_channel.get(str(c), (0, 0))[0] for c in CHANNELS},
        )
    return result


ChoiceCounts = dict[str, int]  # choice value -> how many chose it


def statement_counts_query(quarters: Sequence[Period]) -> Select:
    """Answers by quarter, survey, statement and choice: an inner GROUP BY by day in the order of
    ix_answer_period (event date, survey, statement, choice), so PostgreSQL counts straight from the index
    without sorting, and an outer one that adds the days up into quarters."""
    by_day = (
        select(Answer.event_date, Answer.survey_key, Answer.question_key, Answer.choice, func.count().label("n"))
        .where(
            Answer.event_date >= quarters[0].start,
            Answer.event_date < quarters[-1].end,
            Answer.choice.is_not(None),
        )
        .group_by(Answer.event_date, Answer.survey_key, Answer.question_key, Answer.choice)
        .subquery()
    )
    bucket = quarter_bucket(by_day.c.event_date, quarters).label("bucket")
    columns = (by_day.c.survey_key, by_day.c.question_key, by_day.c.choice)
    return select(bucket, *columns, func.sum(by_day.c.n)).group_by(bucket, *columns)


def statement_counts(quarters: Sequence[Period]) -> dict[tuple[Period, str, str], ChoiceCounts]:
    """(quarter, survey key, statement key) -> answers by choice, for consecutive `quarters`, in one query.

    Only answers with a choice (statements) are counted; free text is not. Every choice is returned,
    "Does not apply" included: `surveys.definitions.score` leaves it out of N.
    """
    if not quarters:
        return {}
    counts: dict[tuple[Period, str, str], ChoiceCounts] = defaultdict(dict)
    unknown = 0
    for position, survey_key, question_key, choice, count in db.session.execute(statement_counts_query(quarters)):
        survey = SURVEYS.get(survey_key)
        if position is None or survey is None or survey.choice(choice) is None:
            unknown += int(count)  # a retired survey or choice: not in today's definitions, so not scored
            continue
        counts[(quarters[position], survey_key, question_key)][choice] = int(count)
    if unknown:
        log.warning("%s answers with a survey or choice not in the definitions were not counted", unknown)
    return dict(counts)


def add_counts(*many: ChoiceCounts) -> ChoiceCounts:
    """Counts of several quarters added up (a year is the sum of its quarters)."""
    total: Counter = Counter()
    for counts in many:
        total.update(counts)
    return dict(total)
