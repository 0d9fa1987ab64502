"""Public dashboard figures, the trend chart and the open-data downloads (rounded places)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import Engine, select

from app.core.db import create_session_factory
from app.domain import stats
from app.models import Report, ReportStatus
from app.web.routes.dashboard import trend_chart
from tests.conftest import Places, ReportFactory

EXACT = ("-5.397141", "105.266793")


def _kpi(page: str, name: str) -> str:
    block = page.split(f'data-kpi="{name}"', 1)[1]
    return block.split('class="counter__number">', 1)[1].split("<", 1)[0]


def test_working_days_skip_weekends_and_holidays() -> None:
    friday = datetime(2026, 11, 27, 9, tzinfo=UTC)
    assert stats.working_days_between(friday, friday, timezone="Asia/Jakarta") == 0
    monday = datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert stats.working_days_between(friday, monday, timezone="Asia/Jakarta") == 1
    # 17 August (Independence Day, a Monday in 2026) is not a working day
    before = datetime(2026, 8, 14, 3, tzinfo=UTC)
    after = datetime(2026, 8, 18, 3, tzinfo=UTC)
    assert stats.working_days_between(before, after, timezone="Asia/Jakarta") == 1


def test_dashboard_counts_sla_share_and_median(
    browser: TestClient, engine: Engine, file_report: ReportFactory, places: Places
) -> None:
    before = browser.get("/dashboard").text
    total_before = int(_kpi(before, "total"))
    numbers = [
        file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"] for _ in range(3)
    ]
    now = datetime.now(UTC)
    with create_session_factory(engine)() as session:
        # every closed report in the database decides the share; make these two the known ones
        reports = [
            session.scalar(select(Report).where(Report.tracking_number == n)) for n in numbers
        ]
        in_time, late = reports[0], reports[1]
        assert in_time is not None
        assert late is not None
        in_time.status, in_time.closed_at = ReportStatus.SELESAI, now
        late.status, late.closed_at = ReportStatus.DITOLAK, late.due_at + timedelta(days=3)
        session.commit()
        expected = stats.figures(session, today=now.date(), timezone="Asia/Jakarta")
    page = browser.get("/dashboard")
    assert page.status_code == 200
    assert int(_kpi(page.text, "total")) == total_before + 3
    assert expected.closed >= 2
    assert _kpi(page.text, "in-time") == f"{expected.in_time_share * 100:.0f}%"  # type: ignore[operator]
    assert expected.closed_in_time < expected.closed  # the late one counts against
    assert _kpi(page.text, "median") == f"{expected.median_days:g}"
    assert str(escape(places.regency.name)) in page.text.split("data-by-regency", 1)[1]
    assert "<polyline" in page.text
    assert 'role="img"' in page.text


def test_trend_chart_scales_to_the_busiest_week() -> None:
    start = datetime(2026, 11, 2).date()
    weeks = [
        stats.Week(start + timedelta(weeks=i), filed, closed)
        for i, (filed, closed) in enumerate([(0, 0), (8, 2), (3, 7)])
    ]
    chart = trend_chart(weeks)
    assert chart.top == 8
    assert chart.bars[0].height == 0
    assert chart.bars[1].height > chart.bars[2].height > 0
    assert len(chart.line.split()) == 3


def test_open_data_csv_and_geojson_hold_public_reports_rounded(
    browser: TestClient, file_report: ReportFactory, places: Places
) -> None:
    public = file_report(
        "ZZ-TEST-VILLAGE",
        places.village.code,
        lat=EXACT[0],
        long=EXACT[1],
        is_public="true",
        contact_name="Budi Rahasia",
    )["tracking_number"]
    private = file_report("ZZ-TEST-VILLAGE", places.village.code, lat=EXACT[0], long=EXACT[1])[
        "tracking_number"
    ]
    answer = browser.get("/open-data/reports.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = {
        r["tracking_number"]: r for r in csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff")))
    }
    assert public in rows
    assert private not in rows
    assert (rows[public]["lat"], rows[public]["long"]) == ("-5.397", "105.267")
    assert places.district.name in rows[public]["location"]
    assert "Budi Rahasia" not in answer.text
    assert "warga@example.org" not in answer.text
    geo = browser.get("/open-data/reports.geojson")
    assert geo.headers["content-type"] == "application/geo+json"
    collection = json.loads(geo.text)
    assert collection["type"] == "FeatureCollection"
    feature = next(
        f for f in collection["features"] if f["properties"]["tracking_number"] == public
    )
    assert feature["geometry"] == {"type": "Point", "coordinates": [105.267, -5.397]}
    assert all(f["properties"]["tracking_number"] != private for f in collection["features"])
    assert EXACT[0] not in geo.text
