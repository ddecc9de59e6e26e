"""Every response as one row, for `flask export-responses` and the responses list's "Download CSV".

Streamed in batches of BATCH responses (by id), so that 300,000 responses never sit in memory at once: a
batch's responses, then their answers and themes, in three queries. No names, references or contact
details: the choices, the free text and what the analysis found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from sqlalchemy import select

from feedback.cohort.ethnicity import major_group
from feedback.core.extensions import db
from feedback.insight.periods import Period
from feedback.insight.response_list import ResponseFilters, conditions
from feedback.models import Answer, FollowUp, Response, ResponseTheme
from feedback.surveys.definitions import SURVEYS

BATCH = 2000
ETHNIC_GROUP_NAMES = {"white": "White", "mixed": "Mixed", "asian": "Asian", "black": "Black", "other": "Other",
                      "unknown": "Unknown"}  # fmt: skip


def statement_keys(survey_keys: Sequence[str]) -> list[str]:
    """The statement keys of these surveys, in survey order, each once."""
    keys: list[str] = []
    for key in survey_keys:
        keys += [s.key for s in SURVEYS[key].statements if s.key not in keys]
    return keys


def text_keys(survey_keys: Sequence[str]) -> list[str]:
    keys: list[str] = []
    for key in survey_keys:
        keys += [q.key for q in SURVEYS[key].text_questions if q.key not in keys]
    return keys


def export_header(survey_keys: Sequence[str]) -> list[str]:
    return [
        "response_id",
        "survey",
        "survey_version",
        "event_date",
        "period",
        "submitted_at",
        "channel",
        "ethnic_group",
        *statement_keys(survey_keys),
        *text_keys(survey_keys),
        "polarity",
        "subjectivity",
        "concern",
        "themes",
        "safeguarding",
        "follow_up",
        "consent_contact",
        "consent_quote",
    ]


def export_rows(filters: ResponseFilters, survey_keys: Sequence[str]) -> Iterator[list[object]]:
    """One row per matching response, in the order of export_header(survey_keys), oldest id first."""
    statements, texts = statement_keys(survey_keys), text_keys(survey_keys)
    last_id = 0
    while True:
        batch = db.session.execute(
            select(
                Response.id,
                Response.survey_key,
                Response.survey_version,
                Response.event_date,
                Response.submitted_at,
                Response.channel,
                Response.ethnicity,
                Response.sentiment_polarity,
                Response.sentiment_subjectivity,
                Response.concern,
                Response.safeguarding,
                Response.consent_contact,
                Response.consent_quote,
                FollowUp.status,
            )
            .outerjoin(FollowUp, FollowUp.response_id == Response.id)
            .where(*conditions(filters), Response.id > last_id)
            .order_by(Response.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        ids = [row.id for row in batch]
        answers: dict[int, dict[str, str | None]] = defaultdict(dict)
        for response_id, key, choice, text in db.session.execute(
            select(Answer.response_id, Answer.question_key, Answer.choice, Answer.text).where(
                Answer.response_id.in_(ids)
            )
        ):
            answers[response_id][key] = choice if choice is not None else text
        themes: dict[int, list[str]] = defaultdict(list)
        for response_id, theme in db.session.execute(
            select(ResponseTheme.response_id, ResponseTheme.theme)
            .where(ResponseTheme.response_id.in_(ids))
            .order_by(ResponseTheme.response_id, ResponseTheme.theme)
        ):
            themes[response_id].append(theme)
        for row in batch:
            given = answers.get(row.id, {})
            yield [
                row.id,
                row.survey_key,
                row.survey_version,
                row.event_date,
                Period.containing(row.event_date).label,
                row.submitted_at,
                str(row.channel),
                ETHNIC_GROUP_NAMES[major_group(row.ethnicity)],
                *(given.get(key) for key in statements),
                *(given.get(key) for key in texts),
                row.sentiment_polarity,
                row.sentiment_subjectivity,
                row.concern,
                ";".join(themes.get(row.id, [])),
                row.safeguarding,
                str(row.status) if row.status is not None else "none",
                row.consent_contact,
                row.consent_quote,
            ]
        last_id = ids[-1]
        db.session.expire_all()  # nothing of this batch is kept in the session
