"""CSV export of the reports in an officer's scope (no reporter's personal data)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from app.domain.catalogue import localise
from app.domain.locations import Location
from app.models import Report

EXPORT_LIMIT = 10_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "tracking_number",
    "service_code",
    "service_name",
    "status",
    "overdue",
    "created_at",
    "due_at",
    "closed_at",
    "location",
    "region_code",
    "lat",
    "long",
    "handling_agency",
    "handling_region",
    "is_public",
    "rating",
)


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float):  # numbers (negative latitudes) stay numbers
        return str(value)
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """CSV text (UTF-8 with a byte-order mark so spreadsheets pick the encoding)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def reports_csv(
    reports: list[Report],
    *,
    places: dict[int, Location],
    handling: dict[str, str],
    now: datetime,
    lang: str,
) -> str:
    """The reports as CSV, one line each, in `COLUMNS` order."""
    rows = (
        (
            r.tracking_number,
            r.service_code,
            localise(r.service.name, lang),
            r.status.value,
            "yes" if r.overdue_at(now) else "no",
            r.created_at,
            r.due_at,
            r.closed_at,
            str(places[r.id]) if r.id in places else "",
            r.region_code,
            r.lat,
            r.long,
            r.handling_agency.name,
            handling.get(r.handling_region_code, r.handling_region_code),
            "yes" if r.is_public else "no",
            r.rating_score,
        )
        for r in reports
    )
    return write_csv(COLUMNS, rows)
