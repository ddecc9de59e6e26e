"""What the follow-up and safeguarding pages show of a response: the family, the answers with their
wording, the free text, the analysis, and links to the response's own page."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from feedback.core.extensions import db
from feedback.insight.casework.findings import analyse_response
from feedback.insight.casework.safeguarding import KIND_LABELS
from feedback.insight.text.analysis import CONCERN_LABELS
from feedback.models import FollowUp, Response, SafeguardingAlert
from feedback.surveys.definitions import SURVEYS

SURVEY_LABELS = {
    "new_plan": "New EHC plan",
    "annual_review": "Annual review",
    "annual_review_young_person": "Young person's review",
}


def survey_label(survey_key: str) -> str:
    """A short name for tables: "New EHC plan"."""
    return SURVEY_LABELS.get(survey_key) or (SURVEYS[survey_key].title if survey_key in SURVEYS else survey_key)


def endpoint_url(endpoint: str, **values) -> str | None:
    """The page's address, or None while that page does not exist (the responses pages are built apart)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def response_url(response_id: int) -> str | None:
    return endpoint_url("officer.response", response_id=response_id)


def alert_for(response: Response) -> SafeguardingAlert | None:
    return db.session.scalar(select(SafeguardingAlert).where(SafeguardingAlert.response_id == response.id))


def follow_up_for(response: Response) -> FollowUp | None:
    return response.follow_ups[0] if response.follow_ups else None


def polarity_words(polarity: float | None) -> str:
    if polarity is None:
        return "No free text"
    if polarity <= -0.1:
        return f"Negative ({polarity:+.2f})"
    if polarity >= 0.1:
        return f"Positive ({polarity:+.2f})"
    return f"Neutral ({polarity:+.2f})"


def response_context(response: Response) -> dict:
    """Template values describing one response (for the follow-up and safeguarding alert pages)."""
    survey = SURVEYS.get(response.survey_key)
    by_key = {a.question_key: a for a in response.answers}
    answers, texts = [], []
    if survey is not None:
        for statement in survey.statements:
            answer = by_key.get(statement.key)
            choice = survey.choice(answer.choice) if answer and answer.choice else None
            answers.append((statement.text, choice.label if choice else "Not answered"))
        for question in survey.text_questions:
            answer = by_key.get(question.key)
            if answer and answer.text:
                texts.append((question.label.replace(" (optional)", "").split(" (you")[0], answer.text))
    analysis = analyse_response(response)
    phrases = [p for reading in analysis.readings for p in reading.complaint_phrases]
    invitation = response.invitation
    return {
        "response": response,
        "survey": survey,
        "answers": answers,
        "texts": texts,
        "contact": invitation.contact if invitation else None,
        "child": invitation.child if invitation else None,
        "event_date": invitation.event_date if invitation else None,
        "polarity": polarity_words(response.sentiment_polarity),
        "concern_text": "; ".join(CONCERN_LABELS.get(r, r) for r in analysis.concern_reasons),
        "complaint_phrases": phrases[:5],
        "kind_labels": KIND_LABELS,
        "response_url": response_url(response.id),
    }
