"""Finding responses: the officer's filters (survey, period, channel, sentiment, theme, ethnic group,
follow-up state, safeguarding), one page at a time, newest events first, with a total that stays fast.

Newest events first (then newest received), because a response belongs to the period of its event: the
period filter and the order then follow one index, `ix_response_event_order` (event_date, submitted_at,
id), which the database reads backwards and stops after one page. Every other filter is a condition on
the response table or an EXISTS on a small related table (a partial index serves safeguarding, the rarest).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import Select, and_, exists, func, not_, or_, select, text
from sqlalchemy.orm import joinedload, selectinload

from feedback.cohort.ethnicity import EXTENDED_CODES, GROUPS, MAJOR_GROUP
from feedback.core.extensions import db
from feedback.insight.figures.counts import in_period
from feedback.insight.periods import Period
from feedback.models import Answer, FollowUp, FollowUpStatus, Invitation, Response, ResponseChannel, ResponseTheme

# Sentiment bands of the free text's polarity (TextBlob, -1 to +1). Polarity near zero is neutral: TextBlob
# gives 0.0 to much plain writing, so a band rather than the sign.
NEGATIVE_BELOW = -0.05
POSITIVE_ABOVE = 0.05
SENTIMENTS = {
    "negative": f"Negative (polarity below {NEGATIVE_BELOW:+.2f})",
    "neutral": f"Neutral ({NEGATIVE_BELOW:+.2f} to {POSITIVE_ABOVE:+.2f})",
    "positive": f"Positive (above {POSITIVE_ABOVE:+.2f})",
    "none": "No free text, or not analysed",
}
FOLLOW_UP_STATES = {
    "none": "No follow-up",
    "open": "Open",
    "contacted": "Contacted",
    "resolved": "Resolved",
}
PAGE_SIZE = 50


def sentiment_band(polarity: float | None) -> str:
    """'negative', 'neutral', 'positive' or 'none' (no free text, or not analysed yet)."""
    if polarity is None:
        return "none"
    if polarity < NEGATIVE_BELOW:
        return "negative"
    return "positive" if polarity > POSITIVE_ABOVE else "neutral"


@dataclass(frozen=True)
class ResponseFilters:
    """What the officer asked for; None means any."""

    survey: str | None = None
    period: Period | None = None
    channel: ResponseChannel | None = None
    sentiment: str | None = None  # a key of SENTIMENTS
    theme: str | None = None
    ethnic_group: str | None = None  # a key of cohort.ethnicity.GROUPS
    follow_up: str | None = None  # a key of FOLLOW_UP_STATES
    safeguarding: bool | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))


def _sentiment_condition(band: str):
    polarity = Response.sentiment_polarity
    return {
        "negative": polarity < NEGATIVE_BELOW,
        "neutral": and_(polarity >= NEGATIVE_BELOW, polarity <= POSITIVE_ABOVE),
        "positive": polarity > POSITIVE_ABOVE,
        "none": polarity.is_(None),
    }[band]


def _codes_in(group: str) -> list[str]:
    """The main codes of a major group and the extended codes that roll up to them."""
    main = [code for code, major in MAJOR_GROUP.items() if major == group]
    return main + [code for code, (_, rolls_up_to) in EXTENDED_CODES.items() if rolls_up_to in main]


def ethnic_group_condition(column, group: str):
    """A column of DfE codes in a major group; 'unknown' is refused, not obtained, blank or unrecognised."""
    if group == "unknown":
        known = [code for key in GROUPS if key != "unknown" for code in _codes_in(key)]
        return or_(column.is_(None), column.not_in(known))
    return column.in_(_codes_in(group))


def _follow_up_condition(state: str):
    if state == "none":
        return not_(exists().where(FollowUp.response_id == Response.id))
    return exists().where(FollowUp.response_id == Response.id, FollowUp.status == FollowUpStatus(state))


def conditions(filters: ResponseFilters) -> list:
    """The WHERE conditions for `filters`, on Response."""
    found = []
    if filters.survey:
        found.append(Response.survey_key == filters.survey)
    if filters.period:
        found.append(in_period(Response.event_date, filters.period))
    if filters.channel:
        found.append(Response.channel == filters.channel)
    if filters.sentiment:
        found.append(_sentiment_condition(filters.sentiment))
    if filters.theme:
        found.append(exists().where(ResponseTheme.response_id == Response.id, ResponseTheme.theme == filters.theme))
    if filters.ethnic_group:
        found.append(ethnic_group_condition(Response.ethnicity, filters.ethnic_group))
    if filters.follow_up:
        found.append(_follow_up_condition(filters.follow_up))
    if filters.safeguarding is not None:
        found.append(Response.safeguarding.is_(filters.safeguarding))
    return found


def count_query(filters: ResponseFilters) -> Select:
    return select(func.count()).select_from(Response).where(*conditions(filters))


def count_responses(filters: ResponseFilters) -> int:
    """How many responses match (a COUNT over the same conditions, no rows fetched)."""
    return db.session.scalar(count_query(filters)) or 0


NEWEST_FIRST = (Response.event_date.desc(), Response.submitted_at.desc(), Response.id.desc())


def newest_first(filters: ResponseFilters) -> Select:
    """Matching responses, newest event first, then newest received (the order of ix_response_event_order)."""
    return select(Response).where(*conditions(filters)).order_by(*NEWEST_FIRST)


@dataclass(frozen=True)
class ResponseRow:
    """One line of the responses list."""

    response: Response
    child_ref: str | None
    excerpt: str | None  # the start of the first free-text answer
    follow_up: str  # a key of FOLLOW_UP_STATES

    @property
    def sentiment(self) -> str:
        return sentiment_band(self.response.sentiment_polarity)


EXCERPT_LENGTH = 160


def page_of_responses(filters: ResponseFilters, page: int, page_size: int = PAGE_SIZE) -> list[ResponseRow]:
    """One page (1-based) of matching responses with what the list shows, in four small queries."""
    responses = (
        db.session.scalars(
            newest_first(filters)
            .options(
                joinedload(Response.invitation).joinedload(Invitation.child),
                joinedload(Response.entered_by),
                selectinload(Response.theme_tags),
            )
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        .unique()
        .all()
    )
    ids = [r.id for r in responses]
    if not ids:
        return []
    excerpts: dict[int, str] = {}
    for response_id, written in db.session.execute(
        select(Answer.response_id, Answer.text)
        .where(Answer.response_id.in_(ids), Answer.text.is_not(None))
        .order_by(Answer.response_id, Answer.question_key.desc())  # "went_well" before "do_better"
    ):
        excerpts.setdefault(response_id, written[:EXCERPT_LENGTH] + ("…" if len(written) > EXCERPT_LENGTH else ""))
    follow_ups = select(FollowUp.response_id, FollowUp.status).where(FollowUp.response_id.in_(ids))
    states = {response_id: status for response_id, status in db.session.execute(follow_ups)}
    return [
        ResponseRow(
            response=r,
            child_ref=r.invitation.child.ref if r.invitation else None,
            excerpt=excerpts.get(r.id),
            follow_up=str(states[r.id]) if r.id in states else "none",
        )
        for r in responses
    ]


# Each distinct theme by one step along ix_response_theme_theme (a "loose index scan"): a handful of index
# probes instead of reading every theme row, on SQLite and PostgreSQL alike.
_DISTINCT_THEMES = text(
    "WITH RECURSIVE found(theme) AS ("
    " SELECT min(theme) FROM response_theme"
    " UNION ALL"
    " SELECT (SELECT min(theme) FROM response_theme WHERE theme > found.theme) FROM found"
    " WHERE found.theme IS NOT NULL"
    ") SELECT theme FROM found WHERE theme IS NOT NULL"
)


def known_themes() -> list[str]:
    """Every theme found in any response, in order, for the theme filter."""
    return list(db.session.scalars(_DISTINCT_THEMES))


def earliest_event_date():
    """The first event date of any response (for the period choices); None without responses."""
    return db.session.scalar(select(func.min(Response.event_date)))


def describe(filters: ResponseFilters) -> str:
    """The filters in words, for the audit log and file names (no personal data)."""
    parts = []
    for f in fields(filters):
        value = getattr(filters, f.name)
        if value is not None:
            parts.append(f"{f.name}={value.label if isinstance(value, Period) else value}")
    return ", ".join(parts) or "all responses"
