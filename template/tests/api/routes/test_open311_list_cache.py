"""A request list asked for again within a moment is reused, and never hides a change made here."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.models import Report, ReportStatus
from tests.api.routes.test_open311_queries import counted
from tests.conftest import Places, ReportFactory

BASE = "/open311/v2/requests.json"
PARAMS = {"service_code": "ZZ-TEST-PROVINCE"}


def _listed(client: TestClient) -> dict[str, dict[str, Any]]:
    answer = client.get(BASE, params=PARAMS)
    assert answer.status_code == 200, answer.text
    return {item["service_request_id"]: item for item in answer.json()}


def _file_public(file_report: ReportFactory, places: Places) -> str:
    filed = file_report("ZZ-TEST-PROVINCE", places.village.code, is_public="true")
    return str(filed["tracking_number"])


def test_the_same_list_again_runs_no_query(
    client: TestClient, file_report: ReportFactory, places: Places
) -> None:
    number = _file_public(file_report, places)
    first = client.get(BASE, params=PARAMS)
    with counted(client) as statements:
        again = client.get(BASE, params=PARAMS)
    assert again.content == first.content
    assert again.headers["content-type"] == "application/json"
    assert [s for s in statements if "app_meta" not in s] == []
    # another format or filter is another list
    assert client.get(BASE.replace(".json", ".xml"), params=PARAMS).text.startswith("<?xml")
    one = client.get(BASE, params={"service_request_id": number}).json()
    assert [item["service_request_id"] for item in one] == [number]


def test_a_report_filed_or_changed_here_shows_at_once(
    client: TestClient, file_report: ReportFactory, places: Places, session: Session
) -> None:
    _listed(client)
    number = _file_public(file_report, places)
    assert _listed(client)[number]["status"] == "open"
    report = session.scalar(select(Report).where(Report.tracking_number == number))
    assert report is not None
    report.status = ReportStatus.SELESAI
    session.commit()
    assert _listed(client)[number]["status"] == "closed"


def test_a_change_by_another_worker_shows_within_the_window(
    client: TestClient,
    file_report: ReportFactory,
    places: Places,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seconds = 0.5
    monkeypatch.setattr(client.app.state.recent_lists, "seconds", seconds)  # type: ignore[attr-defined]
    number = _file_public(file_report, places)
    assert _listed(client)[number]["description"] == "Laporan uji otomatis"
    # a plain SQL update: no ORM session of this process sees it, as with another worker's
    with engine.begin() as connection:
        changed = update(Report).where(Report.tracking_number == number)
        connection.execute(changed.values(description="Diubah pekerja lain"))
    started = time.monotonic()
    while _listed(client)[number]["description"] != "Diubah pekerja lain":
        assert time.monotonic() - started < seconds + 1, "the change never showed"
        time.sleep(0.05)
