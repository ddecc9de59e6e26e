"""Counting the cohort and its respondents by group, in the database (GROUP BY), never row by row.

An event is a child and a day: the day their new plan was issued or their review held. The cohort of a
period is every event in it that reached us as an invitation, whatever became of the invitation (answered,
closed, expired, opted out): a family we never managed to ask is still a family we did not hear from. An
event is a respondent when at least one of its invitations has a response, by any channel, so two parents
answering about one child count once (and a young person and their parent answering about the same review).

One query does the work for a run of quarters: an inner GROUP BY makes the events (child, day) with
whether anyone answered, an outer one counts them by quarter and group. A year is the sum of its quarters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Select, func, literal, select, text

from feedback.core.extensions import db
from feedback.insight.figures.counts import quarter_bucket
from feedback.insight.periods import Period
from feedback.models import Child, Contact, Invitation
from feedback.representation.attributes import Attribute


@dataclass(frozen=True)
class GroupCount:
    cohort: int = 0  # events in the period
    respondents: int = 0  # of those, events with at least one response

    def __add__(self, other: GroupCount) -> GroupCount:
        return GroupCount(self.cohort + other.cohort, self.respondents + other.respondents)


Counts = dict[str, GroupCount]  # group key -> counts


def group_counts_query(
    quarters: Sequence[Period], attribute: Attribute, *, survey_key: str | None = None, per_survey: bool = False
) -> Select:
    """(quarter position, survey key or '', group, events, respondent events) for consecutive `quarters`.

    `survey_key` keeps one survey's invitations only. `per_survey` counts each survey's events apart (the
    weights of each survey's % agree); otherwise an event counts once across the surveys.

    Three steps. The events: invitations grouped by child and day (and survey), read from
    ix_invitation_child_event alone in its order, so PostgreSQL groups them as it reads; an event was
    answered when any of its invitations was (Invitation.responded_at, set with the response in one
    transaction by surveys.responses, whatever the channel). Then the events joined to their child (in the
    same child order) and counted by day and raw value (a few thousand rows a year). Last, those counts
    added up into quarters and groups: the CASE expressions run over the few thousand, not a million.
    """
    per_survey_columns = [Invitation.survey_key] if per_survey else []
    event_columns = [Invitation.child_id, Invitation.event_date, *per_survey_columns]
    columns = [*event_columns, func.max(Invitation.responded_at).label("answered_at")]
    if attribute.per_contact:
        columns.append(func.max(attribute.expression()).label("value"))
    events = select(*columns).where(
        Invitation.event_date >= quarters[0].start, Invitation.event_date < quarters[-1].end
    )
    if attribute.per_contact:
        events = events.join(Contact, Contact.id == Invitation.contact_id)
    if survey_key:
        events = events.where(Invitation.survey_key == survey_key)
    events = events.group_by(*event_columns).subquery("events")
    survey = events.c.survey_key if per_survey else literal("")
    value = events.c.value if attribute.per_contact else attribute.value_column()
    by_day = select(
        events.c.event_date,
        survey.label("survey_key"),
        value.label("value"),
        func.count().label("cohort"),
        func.count(events.c.answered_at).label("respondents"),
    ).select_from(events)
    if not attribute.per_contact:
        by_day = by_day.join(Child, Child.id == events.c.child_id)
    by_day = by_day.group_by(events.c.event_date, survey, value).subquery("by_day")
    bucket = quarter_bucket(by_day.c.event_date, quarters).label("bucket")
    group = attribute.group_of(by_day.c.value).label("grp")
    return select(
        bucket, by_day.c.survey_key, group, func.sum(by_day.c.cohort), func.sum(by_day.c.respondents)
    ).group_by(bucket, by_day.c.survey_key, group)


@contextmanager
def _plan_for_streaming():
    """On PostgreSQL, for this query only: no parallel workers and no JIT.

    The query streams: events come off the index already grouped and meet the children in the same order.
    A parallel plan splits the children between workers but has every worker rebuild all the events (a
    Materialize under the merge join), three times the work on two cores; JIT compiling costs more than it
    saves on a query this size. Measured on the big year (bench/bench_representation.py). The settings go
    back to their defaults afterwards, so the rest of the transaction plans as usual."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        db.session.execute(text("SET LOCAL jit = off"))
    try:
        yield
    finally:
        if postgres:
            db.session.execute(text("SET LOCAL max_parallel_workers_per_gather TO DEFAULT"))
            db.session.execute(text("SET LOCAL jit TO DEFAULT"))


def group_counts(
    quarters: Sequence[Period], attribute: Attribute, *, survey_key: str | None = None, per_survey: bool = False
) -> dict[tuple[Period, str], Counts]:
    """(quarter, survey key or '') -> group -> counts, for consecutive quarters, in one query."""
    if not quarters:
        return {}
    result: dict[tuple[Period, str], Counts] = defaultdict(dict)
    with _plan_for_streaming():
        rows = db.session.execute(
            group_counts_query(quarters, attribute, survey_key=survey_key, per_survey=per_survey)
        ).all()
    for position, key, group, cohort, respondents in rows:
        if position is None:
            continue
        result[(quarters[position], key)][group] = GroupCount(int(cohort), int(respondents or 0))
    return dict(result)


def add_up(*many: Counts) -> Counts:
    """Counts of several quarters (or surveys) added up, group by group."""
    total: Counts = {}
    for counts in many:
        for group, count in counts.items():
            total[group] = total.get(group, GroupCount()) + count
    return total
