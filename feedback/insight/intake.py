"""Taking in a response, whatever the channel: save it, then learn from it.

Every way a response arrives (online, phone, paper, in person) goes through `save_response`, so each is
analysed, followed up and, when it suggests a child is at risk, alerted on in the same request.
"""

from __future__ import annotations

from collections.abc import Mapping

from feedback.models import Invitation, Response, ResponseChannel, User
from feedback.surveys.definitions import Survey
from feedback.surveys.responses import record_response


def save_response(
    invitation: Invitation,
    survey: Survey,
    data: Mapping[str, str | None],
    *,
    channel: ResponseChannel = ResponseChannel.ONLINE,
    entered_by: User | None = None,
) -> Response:
    """Save a completed survey (raises surveys.responses.AlreadyAnswered on a second one) and analyse it."""
    return record_response(invitation, survey, data, channel=channel, entered_by=entered_by)
