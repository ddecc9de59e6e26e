"""Taking in a response, whatever the channel: save it, then learn from it.

Every way a response arrives (online, phone, paper, in person) goes through `save_response`, so each is
analysed, followed up and, when it suggests a child is at risk, alerted on in the same request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from feedback.core.extensions import db
from feedback.insight.casework.findings import learn_from
from feedback.models import Invitation, Response, ResponseChannel, User
from feedback.surveys.definitions import Survey
from feedback.surveys.responses import record_response

log = logging.getLogger(__name__)


def save_response(
    invitation: Invitation,
    survey: Survey,
    data: Mapping[str, str | None],
    *,
    channel: ResponseChannel = ResponseChannel.ONLINE,
    entered_by: User | None = None,
) -> Response:
    """Save a completed survey (raises surveys.responses.AlreadyAnswered on a second one), then, in the same
    request and before the caller answers: analyse it, open its follow-up and raise and email its
    safeguarding alert (feedback.insight.casework.findings.learn_from).

    The response is committed first, so a failure while learning from it never loses the family's answers:
    it is logged and the response keeps `analysed_at` empty for `flask analyse` to pick up."""
    response = record_response(invitation, survey, data, channel=channel, entered_by=entered_by)
    try:
        learn_from(response)
    except Exception:  # the family's answers are safe; say so loudly and carry on to the thank-you page
        db.session.rollback()
        log.exception("analysing response %s failed: run `flask --app wsgi analyse`", response.id)
    return response
