"""The one source of "now". Tests and `flask chase --now` move it; nothing else reads the wall clock."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_frozen: datetime | None = None


def now() -> datetime:
    """Current time, UTC, timezone-aware."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def set_now(moment: datetime | None) -> None:
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("set_now needs a timezone-aware datetime")
    _frozen = moment.astimezone(UTC) if moment else None


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    previous = _frozen
    set_now(moment)
    try:
        yield
    finally:
        set_now(previous)


def today_london() -> date:
    return now().astimezone(LONDON).date()


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes: they were stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def london(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(LONDON)


def long_date(day: date | datetime) -> str:
    """'2 November 2026'."""
    if isinstance(day, datetime):
        day = london(day).date()
    return f"{day.day} {day:%B %Y}"
