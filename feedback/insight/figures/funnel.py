"""The chase funnel: of the invitations for a period's events, how many were sent, delivered, could not be
delivered, were reminded, put on the call list, called, and answered by each channel.

Every step counts invitations (families), not messages, so that the steps can be compared; each is
defined in STEPS, and the dashboard prints those definitions beside the figures. The counts come from the
invitation table (feedback.chasing records there how far the chase got) and the response table.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedback.insight.figures.counts import CHANNELS

ANSWERED_HOW = {"online": "online", "phone": "by phone", "paper": "on paper", "in_person": "in person"}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    definition: str


STEPS: tuple[Step, ...] = (
    Step(
        "invitations",
        "Invitations",
        "Invitations for an event in the period, except events already too old to survey when they reached "
        "us (nobody was asked)",
    ),
    Step("invited", "Invited", "Invitations whose first email or text was sent (or kept in the outbox)"),
    Step("delivered", "Delivered", "Invitations with at least one email or text that GOV.UK Notify delivered"),
    Step(
        "failed",
        "Failed",
        "Invitations that could not be delivered: every email address and mobile number we had failed, so "
        "the family went on the call list as undeliverable",
    ),
    Step("reminded", "Reminded", "Invitations that were sent at least one reminder"),
    Step(
        "call_list",
        "Put on the call list",
        "Invitations put on the call list: no answer 21 days after the first message, or no working email "
        "address or mobile",
    ),
    Step("called", "Called", "Invitations with at least one call recorded from the call list"),
    *(
        Step(f"answered_{c}", f"Answered {ANSWERED_HOW[c]}", f"Invitations answered {ANSWERED_HOW[c]}")
        for c in map(str, CHANNELS)
    ),
)


@dataclass(frozen=True)
class Funnel:
    """Counts by step key, for each survey and for all surveys together."""

    by_survey: dict[str, dict[str, int]]

    @property
    def total(self) -> dict[str, int]:
        return {step.key: sum(counts.get(step.key, 0) for counts in self.by_survey.values()) for step in STEPS}


def chase_funnel(
    survey_keys: list[str],
    invitations: dict[str, dict[str, int]],
    responses: dict[str, dict[str, tuple[int, int]]],
) -> Funnel:
    """The funnel for each survey, from counts.invitation_counts and counts.response_counts of one period.

    "Answered" counts responses to invitations only: an open survey's response was never invited.
    """
    by_survey = {}
    for key in survey_keys:
        counts = {step.key: 0 for step in STEPS}
        counts.update(invitations.get(key, {}))
        for channel in CHANNELS:
            counts[f"answered_{channel.value}"] = responses.get(key, {}).get(str(channel), (0, 0))[1]
        by_survey[key] = counts
    return Funnel(by_survey=by_survey)
