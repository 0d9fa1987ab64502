"""Where reports are, in words: the district and regency (and village) of each report's region."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Region, Report

DISTRICT_LEVEL = 3


@dataclass(frozen=True)
class Location:
    """A report's place: `area` as "<district>, <regency>", `village` when finer."""

    area: str
    village: str | None = None

    def __str__(self) -> str:
        """The place in one line, finest first."""
        return f"{self.village}, {self.area}" if self.village else self.area


def _prefixes(code: str) -> list[str]:
    """`18.71.01.1003` -> [`18.71`, `18.71.01`, `18.71.01.1003`] (regency down to the region)."""
    parts = code.split(".")
    if len(parts) < 2:  # the province itself
        return [code]
    return [".".join(parts[:depth]) for depth in range(2, len(parts) + 1)]


def locations(session: Session, reports: Iterable[Report]) -> dict[int, Location]:
    """The place of every report that names a region, by report id."""
    wanted = {r.id: r.region_code for r in reports if r.region_code}
    codes = {prefix for code in wanted.values() for prefix in _prefixes(code)}
    if not codes:
        return {}
    rows = session.execute(select(Region.code, Region.name).where(Region.code.in_(codes)))
    names: dict[str, str] = dict(rows.all())
    found = {}
    for report_id, code in wanted.items():
        chain = [names[c] for c in _prefixes(code) if c in names]  # regency first
        if not chain:
            found[report_id] = Location(area=names.get(code, code))
            continue
        area = list(reversed(chain[: DISTRICT_LEVEL - 1]))
        village = chain[DISTRICT_LEVEL - 1] if len(chain) >= DISTRICT_LEVEL else None
        found[report_id] = Location(area=", ".join(area), village=village)
    return found
