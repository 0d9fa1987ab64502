"""Public figures: reports per status, group and regency, SLA share, time to close, trend."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.sla import is_working_day
from app.domain.workflow import CLOSED_STATUSES
from app.models import Region, Report, ReportStatus, Service, ServiceGroup

TREND_WEEKS = 12
CLOSED_SAMPLE = 20_000  # newest closed reports used for the time to close


@dataclass(frozen=True)
class Week:
    """Reports filed and closed in the week starting `start` (Monday)."""

    start: date
    filed: int
    closed: int


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard shows."""

    total: int
    by_status: dict[ReportStatus, int]
    by_group: list[tuple[dict[str, str], int]]
    by_regency: list[tuple[str, int]]
    closed: int
    closed_in_time: int
    median_days: float | None
    weeks: list[Week]

    @property
    def in_time_share(self) -> float | None:
        """Share of closed reports closed by their due time (None before the first closure)."""
        return self.closed_in_time / self.closed if self.closed else None


def working_days_between(start: datetime, end: datetime, *, timezone: str) -> int:
    """Working days after `start`'s day up to and including `end`'s day, in `timezone`."""
    zone = ZoneInfo(timezone)
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    count = 0
    while day < last:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def _regency(code: str | None) -> str | None:
    if not code or "." not in code:
        return None
    return ".".join(code.split(".")[:2])


def _by_regency(session: Session) -> list[tuple[str, int]]:
    """Reports per regency of the place reported (else of the handling unit), most first."""
    rows = session.execute(
        select(Report.region_code, Report.handling_region_code, func.count()).group_by(
            Report.region_code, Report.handling_region_code
        )
    ).all()
    counts: dict[str, int] = {}
    for place, handling, count in rows:
        regency = _regency(place) or _regency(handling)
        if regency:
            counts[regency] = counts.get(regency, 0) + count
    names = dict(
        session.execute(select(Region.code, Region.name).where(Region.code.in_(counts))).all()
    )
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(names.get(code, code), count) for code, count in ordered]


def _weeks(session: Session, *, today: date, timezone: str) -> list[Week]:
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    zone = ZoneInfo(timezone)
    since = datetime.combine(starts[0], datetime.min.time(), zone)
    filed = session.scalars(select(Report.created_at).where(Report.created_at >= since)).all()
    closed = session.scalars(
        select(Report.closed_at).where(Report.closed_at.is_not(None), Report.closed_at >= since)
    ).all()

    def bucket(values: list[datetime]) -> dict[date, int]:
        found: dict[date, int] = {}
        for value in values:
            local = value.astimezone(zone).date()
            start = local - timedelta(days=local.weekday())
            found[start] = found.get(start, 0) + 1
        return found

    filed_by, closed_by = bucket(list(filed)), bucket([c for c in closed if c is not None])
    return [Week(s, filed_by.get(s, 0), closed_by.get(s, 0)) for s in starts]


def figures(session: Session, *, today: date, timezone: str) -> Figures:
    """The dashboard figures over every report (counts only: no content, no person)."""
    statuses = dict(
        session.execute(select(Report.status, func.count()).group_by(Report.status)).all()
    )
    by_status = {s: int(statuses.get(s, 0)) for s in ReportStatus}
    group_counts = session.execute(  # JSON names cannot be grouped on PostgreSQL: codes first
        select(Service.group_code, func.count(Report.id))
        .join(Report, Report.service_code == Service.code)
        .group_by(Service.group_code)
    ).all()
    group_names = dict(session.execute(select(ServiceGroup.code, ServiceGroup.name)).all())
    groups = sorted(
        ((group_names.get(code, {"id": code}), count) for code, count in group_counts),
        key=lambda item: -item[1],
    )
    closed_rows = session.execute(
        select(Report.created_at, Report.closed_at, Report.due_at)
        .where(Report.status.in_(CLOSED_STATUSES), Report.closed_at.is_not(None))
        .order_by(Report.closed_at.desc())
        .limit(CLOSED_SAMPLE)
    ).all()
    days = [
        working_days_between(created, closed, timezone=timezone)
        for created, closed, _ in closed_rows
    ]
    return Figures(
        total=sum(by_status.values()),
        by_status=by_status,
        by_group=[(name, int(count)) for name, count in groups],
        by_regency=_by_regency(session),
        closed=len(closed_rows),
        closed_in_time=sum(1 for _, closed, due in closed_rows if closed <= due),
        median_days=statistics.median(days) if days else None,
        weeks=_weeks(session, today=today, timezone=timezone),
    )
