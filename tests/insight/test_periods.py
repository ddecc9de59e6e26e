"""Financial years and quarters, as the reports write them."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.insight.periods import Period, PeriodError, current_period


@pytest.mark.parametrize(
    "day, label, start, end",
    [
        (date(2026, 4, 1), "2026/27 Q1", date(2026, 4, 1), date(2026, 7, 1)),
        (date(2026, 6, 30), "2026/27 Q1", date(2026, 4, 1), date(2026, 7, 1)),
        (date(2026, 7, 1), "2026/27 Q2", date(2026, 7, 1), date(2026, 10, 1)),
        (date(2026, 12, 31), "2026/27 Q3", date(2026, 10, 1), date(2027, 1, 1)),
        (date(2027, 1, 1), "2026/27 Q4", date(2027, 1, 1), date(2027, 4, 1)),
        (date(2027, 3, 31), "2026/27 Q4", date(2027, 1, 1), date(2027, 4, 1)),
        (date(2021, 11, 15), "2021/22 Q3", date(2021, 10, 1), date(2022, 1, 1)),
        (date(2099, 12, 1), "2099/00 Q3", date(2099, 10, 1), date(2100, 1, 1)),
    ],
)
def test_quarter_of_a_day(day, label, start, end):
    period = current_period(day)
    assert (period.label, period.start, period.end) == (label, start, end)
    assert period.contains(day) and not period.contains(end)


def test_financial_year():
    year = Period.containing(date(2027, 2, 3), whole_year=True)
    assert (year.label, year.start, year.end) == ("2026/27", date(2026, 4, 1), date(2027, 4, 1))
    assert [q.label for q in year.quarters()] == ["2026/27 Q1", "2026/27 Q2", "2026/27 Q3", "2026/27 Q4"]
    assert [y.label for y in year.years_back(3)] == ["2024/25", "2025/26", "2026/27"]
    assert year.months == "April 2026 to March 2027"
    assert Period(2026, 3).months == "October to December 2026"
    assert Period(2026, 4).months == "January to March 2027"


def test_previous_and_same_quarter_last_year():
    assert Period(2026, 3).previous() == Period(2026, 2)
    assert Period(2026, 1).previous() == Period(2025, 4)
    assert Period(2026).previous() == Period(2025)
    assert Period(2026, 3).same_last_year() == Period(2025, 3)


@pytest.mark.parametrize(
    "text, quarter, expected",
    [
        ("2026/27", None, Period(2026)),
        ("2026/27 Q3", None, Period(2026, 3)),
        (" 2026-27 q4 ", None, Period(2026, 4)),
        ("2026/2027", "2", Period(2026, 2)),
        ("2026/27", 3, Period(2026, 3)),
        ("2099/00", None, Period(2099)),
    ],
)
def test_parse(text, quarter, expected):
    assert Period.parse(text, quarter) == expected


@pytest.mark.parametrize(
    "text, quarter", [("2026", None), ("2026/28", None), ("26/27", None), ("2026/27", 5), ("", None)]
)
def test_parse_refuses_what_is_not_a_period(text, quarter):
    with pytest.raises(PeriodError):
        Period.parse(text, quarter)
