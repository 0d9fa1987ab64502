"""The Open311 request list runs a constant number of SQL queries whatever the number of reports.

The lists are built afresh here (the short-lived list cache is off): what is counted is the build.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.security import new_secret
from app.models import Report, ReportPhoto, ReportStatus, ReportTransition, utcnow
from tests.conftest import Places

BASE = "/open311/v2"


@contextmanager
def counted(client: TestClient) -> Iterator[list[str]]:
    """The SQL statements the app runs meanwhile, on its own engine."""
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.fixture(autouse=True)
def _lists_built_afresh(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client.app.state.recent_lists, "seconds", 0)  # type: ignore[attr-defined]


def _add_reports(session: Session, places: Places, count: int, tag: str) -> None:
    now = utcnow()
    for index in range(count):
        report = Report(
            tracking_number=f"Q{tag.upper()}-{index:05d}",
            token=new_secret(16),
            service_code="ZZ-TEST-PROVINCE",
            description=f"Laporan {index}",
            attributes={},
            handling_agency_code="ZZ-TEST-DINAS",
            handling_region_code=places.province.code,
            status=ReportStatus.PROSES,
            is_public=True,
            created_at=now - timedelta(minutes=index),
            updated_at=now,
            due_at=now + timedelta(days=3),
        )
        report.transitions.append(
            ReportTransition(
                to_status=ReportStatus.PROSES,
                note=f"Catatan {index}",
                note_public=True,
                actor="uji",
            )
        )
        report.photos.append(
            ReportPhoto(storage_key=f"uji/{tag}/{index}.jpg", content_type="image/jpeg", size=10)
        )
        session.add(report)
    session.commit()


def _queries_for(client: TestClient, params: dict[str, str]) -> tuple[int, list[dict]]:
    client.get(f"{BASE}/requests.json", params=params)  # warm: catalogue snapshot loaded
    with counted(client) as statements:
        answer = client.get(f"{BASE}/requests.json", params=params)
    assert answer.status_code == 200, answer.text
    reads = [s for s in statements if "app_meta" not in s]  # the catalogue version check
    return len(reads), answer.json()


def test_request_list_queries_do_not_grow_with_the_reports(
    client: TestClient, places: Places, session: Session
) -> None:
    params = {"service_code": "ZZ-TEST-PROVINCE", "status": "open"}
    _add_reports(session, places, 3, "a")
    few, first = _queries_for(client, params)
    _add_reports(session, places, 40, "b")
    many, second = _queries_for(client, params)
    assert len(second) >= len(first) + 40
    # the reports, their first photos and their latest notes: one query each
    assert few == many == 3
    listed = {r["service_request_id"]: r for r in second}
    sample = listed["QB-00007"]
    assert sample["status_notes"] == "Catatan 7"
    assert sample["agency_responsible"] == "Dinas Uji"
    assert sample["service_name"] == "Uji Provinsi"
    assert "/photos/" in sample["media_url"]


def test_every_filter_keeps_the_query_count(
    client: TestClient, places: Places, session: Session
) -> None:
    _add_reports(session, places, 5, "c")
    start = (utcnow() - timedelta(days=2)).isoformat()
    ids = ",".join(f"QC-{i:05d}" for i in range(5))
    for params in (
        {},
        {"status": "open"},
        {"status": "closed"},
        {"service_code": "ZZ-TEST-PROVINCE"},
        {"start_date": start},
        {"end_date": utcnow().isoformat()},
        {"service_request_id": ids},
    ):
        count, _ = _queries_for(client, params)
        assert count <= 3, params
