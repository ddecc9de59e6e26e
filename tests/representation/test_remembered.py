"""Counts kept for a few minutes: used again until a new invitation arrives or five minutes pass."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from feedback.core import clock
from feedback.representation.remembered import remembered
from tests.factories import create_invitation, create_response

NOW = datetime(2026, 12, 21, 11, 0, tzinfo=UTC)


def test_counts_are_kept_until_new_data_or_five_minutes(app):
    calls = []

    def count():
        calls.append(1)
        return len(calls)

    with clock.frozen(NOW):
        assert remembered("k", count) == 1 and remembered("k", count) == 1
        assert remembered("other", count) == 2
        invitation, _ = create_invitation("new_plan", date(2026, 11, 2))
        assert remembered("k", count) == 3  # a new invitation: counted again at once
        assert remembered("k", count) == 3
    with clock.frozen(NOW + timedelta(minutes=4, seconds=59)):
        create_response("new_plan", date(2026, 11, 3), invitation=invitation)
        assert remembered("k", count) == 3  # an answer shifts the counts very little: kept
    with clock.frozen(NOW + timedelta(minutes=5)):
        assert remembered("k", count) == 4  # new answers and an edited ethnicity show within five minutes
