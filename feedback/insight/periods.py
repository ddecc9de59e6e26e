"""UK financial years (1 April to 31 March) and their quarters (Q1 April–June … Q4 January–March),
written as the reports we serve write them: "2026/27" and "2026/27 Q3" (October–December 2026).

A response belongs to the period of its event (the day the plan was issued or the review held), so the
figures and the cohort always describe the same families.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*(?:[\s,]*Q\s*([1-4]))?\s*$", re.IGNORECASE)
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")  # fmt: skip


class PeriodError(ValueError):
    """Text that is not a financial year ("2026/27") or quarter ("2026/27 Q3")."""


@dataclass(frozen=True, order=True)
class Period:
    """A financial year (quarter None) or one of its quarters. `year` is the year it starts: 2026 = 2026/27."""

    year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise PeriodError("A quarter is 1, 2, 3 or 4")
        if not 2000 <= self.year <= 2100:
            raise PeriodError("Enter a financial year like 2026/27")

    @classmethod
    def parse(cls, text: str, quarter: int | str | None = None) -> Period:
        """'2026/27', '2026/27 Q3', '2026-27' or '2026/2027'; `quarter` adds or overrides the quarter."""
        match = _PATTERN.match(text or "")
        if not match:
            raise PeriodError(f"Enter a financial year like 2026/27, not {text!r}")
        start, end, q = int(match.group(1)), match.group(2), match.group(3)
        if int(end) % 100 != (start + 1) % 100:
            raise PeriodError(f"{text.strip()} is not a financial year: it runs from April to March, like 2026/27")
        if quarter not in (None, ""):
            try:
                q = int(quarter)
            except (TypeError, ValueError):
                raise PeriodError("A quarter is 1, 2, 3 or 4") from None
        return cls(start, int(q) if q else None)

    @classmethod
    def containing(cls, day: date, *, whole_year: bool = False) -> Period:
        """The quarter (or financial year) a day falls in."""
        year = day.year if day.month >= 4 else day.year - 1
        if whole_year:
            return cls(year)
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def start(self) -> date:
        """First day, inclusive."""
        if self.quarter is None:
            return date(self.year, 4, 1)
        month = 4 + 3 * (self.quarter - 1)
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        """The day after the last day (exclusive), so `start <= d < end` selects the period."""
        if self.quarter is None or self.quarter == 4:
            return date(self.year + 1, 4, 1)
        return Period(self.year, self.quarter + 1).start

    @property
    def year_label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """'2026/27 Q3' or '2026/27'."""
        return f"{self.year_label} Q{self.quarter}" if self.quarter else self.year_label

    @property
    def months(self) -> str:
        """'October to December 2026', 'January to March 2027', 'April 2026 to March 2027'."""
        first, last = self.start, date.fromordinal(self.end.toordinal() - 1)
        if first.year == last.year:
            return f"{_MONTH_NAMES[first.month - 1]} to {_MONTH_NAMES[last.month - 1]} {last.year}"
        return f"{_MONTH_NAMES[first.month - 1]} {first.year} to {_MONTH_NAMES[last.month - 1]} {last.year}"

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def previous(self) -> Period:
        """The quarter before (Q1's is the previous year's Q4), or the year before."""
        if self.quarter is None:
            return Period(self.year - 1)
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else Period(self.year - 1, 4)

    def same_last_year(self) -> Period:
        return Period(self.year - 1, self.quarter)

    def financial_year(self) -> Period:
        return Period(self.year)

    def quarters(self) -> list[Period]:
        """A year's four quarters (a quarter gives itself)."""
        return [Period(self.year, q) for q in (1, 2, 3, 4)] if self.quarter is None else [self]

    def years_back(self, count: int) -> list[Period]:
        """The financial years ending with this one, oldest first: 3 → 2024/25, 2025/26, 2026/27."""
        return [Period(self.year - n) for n in range(count - 1, -1, -1)]

    def __str__(self) -> str:
        return self.label


def current_period(today: date, *, whole_year: bool = False) -> Period:
    """The quarter (or financial year) `today` is in: use clock.today_london() for today."""
    return Period.containing(today, whole_year=whole_year)
