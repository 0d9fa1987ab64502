"""Due times skip weekends and Indonesian public holidays, in the province's timezone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.core.profile import Profile
from app.domain.sla import add_working_days, is_working_day


@pytest.fixture
def tz(profile: Profile) -> ZoneInfo:
    return ZoneInfo(profile.province.timezone)


def test_weekend_is_skipped(profile: Profile, tz: ZoneInfo) -> None:
    friday = datetime(2026, 7, 10, 10, 0, tzinfo=tz)
    due = add_working_days(friday, 1, timezone=profile.province.timezone)
    assert due == datetime(2026, 7, 13, 10, 0, tzinfo=tz)
    assert due.tzinfo == UTC


def test_public_holiday_is_skipped(profile: Profile, tz: ZoneInfo) -> None:
    # Monday 17 August 2026 is Independence Day; with the weekend, Friday + 1 = Tuesday.
    friday = datetime(2026, 8, 14, 10, 0, tzinfo=tz)
    due = add_working_days(friday, 1, timezone=profile.province.timezone)
    assert due == datetime(2026, 8, 18, 10, 0, tzinfo=tz)


def test_several_days_across_weekend_and_holiday(profile: Profile, tz: ZoneInfo) -> None:
    thursday = datetime(2026, 8, 13, 16, 30, tzinfo=tz)
    due = add_working_days(thursday, 3, timezone=profile.province.timezone)
    assert due == datetime(2026, 8, 19, 16, 30, tzinfo=tz)  # Fri 14, Tue 18, Wed 19


def test_days_are_counted_in_the_province_timezone(profile: Profile, tz: ZoneInfo) -> None:
    # 23:30 UTC on Thursday is already Friday in Indonesia: Friday + 1 = Monday.
    late = datetime(2026, 7, 9, 23, 30, tzinfo=UTC)
    local = late.astimezone(tz)
    due = add_working_days(late, 1, timezone=profile.province.timezone)
    assert local.weekday() == 4
    assert due.astimezone(tz).date().isoformat() == "2026-07-13"


def test_zero_days_is_now(profile: Profile, tz: ZoneInfo) -> None:
    start = datetime(2026, 7, 11, 9, 0, tzinfo=tz)
    assert add_working_days(start, 0, timezone=profile.province.timezone) == start


def test_working_day_predicate() -> None:
    assert not is_working_day(datetime(2026, 8, 17).date())
    assert not is_working_day(datetime(2026, 8, 15).date())
    assert is_working_day(datetime(2026, 8, 18).date())


def test_naive_start_is_refused(profile: Profile) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(datetime(2026, 1, 5), 1, timezone=profile.province.timezone)
