"""Working days in England (the `holidays` library's bank holidays), and follow-up rules, as pure functions."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.insight.casework.follow_ups import follow_up_reasons, owner_for
from feedback.insight.casework.working_days import add_working_days, is_working_day


@pytest.mark.parametrize(
    "start, days, due",
    [
        (date(2026, 11, 2), 5, date(2026, 11, 9)),  # Monday -> next Monday
        (date(2026, 11, 6), 5, date(2026, 11, 13)),  # Friday -> next Friday
        (date(2026, 11, 7), 5, date(2026, 11, 13)),  # Saturday: counting starts on Monday
        (date(2026, 12, 22), 5, date(2026, 12, 31)),  # Christmas Day, Boxing Day and its Monday substitute
        (date(2026, 8, 27), 5, date(2026, 9, 4)),  # late summer bank holiday
        (date(2027, 3, 24), 5, date(2027, 4, 2)),  # Good Friday 26 March and Easter Monday 29 March 2027
        (date(2026, 11, 2), 0, date(2026, 11, 2)),
    ],
)
def test_add_working_days(start, days, due):
    assert add_working_days(start, days) == due


def test_scotland_and_wales_holidays_are_not_englands():
    assert is_working_day(date(2026, 11, 30))  # St Andrew's Day: a bank holiday in Scotland only
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (substitute day), England
    assert not is_working_day(date(2026, 11, 8))  # a Sunday


def test_follow_up_reasons():
    assert follow_up_reasons(consent_contact=False, overall_choice="agree", concern=False, safeguarding=False) == []
    assert follow_up_reasons(
        consent_contact=True, overall_choice="strongly_disagree", concern=True, safeguarding=True
    ) == [
        "asked_for_contact",
        "strongly_disagree",
        "concern",
        "safeguarding",
    ]
    assert follow_up_reasons(consent_contact=False, overall_choice="no", concern=False, safeguarding=False) == [
        "strongly_disagree"
    ]
    assert follow_up_reasons(consent_contact=False, overall_choice="disagree", concern=False, safeguarding=False) == []


def test_owner_for_themes():
    owners = {"health_and_therapies": "health", "social_care": "social_care"}
    assert owner_for(("communication", "timeliness"), owners, "education") == ("education", "communication")
    assert owner_for(("communication", "health_and_therapies"), owners, "education") == (
        "health",
        "health_and_therapies",
    )
    assert owner_for(("social_care", "health_and_therapies"), owners, "education") == ("social_care", "social_care")
    assert owner_for((), owners, "education") == ("education", None)
