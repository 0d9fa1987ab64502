"""Service level: due times in working days (weekends and Indonesian public holidays excluded)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

HOLIDAY_COUNTRY = "ID"


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(HOLIDAY_COUNTRY, years=year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a national public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: datetime, days: int, *, timezone: str) -> datetime:
    """`start` moved forward by `days` working days, counted in `timezone`, keeping the clock time.

    A report filed on a Friday afternoon with one working day is due on Monday afternoon (or
    the next working day after that when Monday is a holiday). Returns an aware UTC datetime.
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    local = start.astimezone(ZoneInfo(timezone))
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    due_local = datetime.combine(day, local.timetz())
    return due_local.astimezone(UTC)
