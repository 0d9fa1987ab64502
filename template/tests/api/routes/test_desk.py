"""Officers' desk: scope enforcement, the state machine, audit trail, verification, overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import OfficerRole, Report, ReportTransition, utcnow
from tests.conftest import OfficerFactory, Places, ReportFactory


def _move(
    client: TestClient, number: str, headers: dict[str, str], status: str, note: str | None = None
):
    return client.post(
        f"/api/desk/reports/{number}/transitions",
        headers=headers,
        json={"to_status": status, "note": note},
    )


def test_village_officer_sees_and_other_regency_does_not(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    if places.other_regency is None:
        pytest.skip("the profile has a single regency")
    number = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    village_officer = officer_headers(places.village.code)
    outsider = officer_headers(places.other_regency.code, OfficerRole.SUPERVISOR)

    listed = client.get("/api/desk/reports", headers=village_officer).json()
    assert number in [r["tracking_number"] for r in listed]
    assert client.get(f"/api/desk/reports/{number}", headers=village_officer).status_code == 200

    assert number not in [
        r["tracking_number"] for r in client.get("/api/desk/reports", headers=outsider).json()
    ]
    assert client.get(f"/api/desk/reports/{number}", headers=outsider).status_code == 404
    refused = _move(client, number, outsider, "Proses")
    assert refused.status_code == 404
    assert "in your area" in refused.json()["detail"]
    assert client.post(f"/api/desk/reports/{number}/verify", headers=outsider).status_code == 404


def test_agency_scope(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_report("ZZ-TEST-PROVINCE", places.village.code)["tracking_number"]
    same_agency = officer_headers(places.province.code, agency_code="ZZ-TEST-DINAS")
    other_agency = officer_headers(places.province.code, agency_code="ZZ-TEST-OTHER")
    assert client.get(f"/api/desk/reports/{number}", headers=same_agency).status_code == 200
    assert client.get(f"/api/desk/reports/{number}", headers=other_agency).status_code == 404
    assert _move(client, number, other_agency, "Proses").status_code == 404


def test_lower_office_cannot_act_on_higher_level_report(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_report("ZZ-TEST-REGENCY", places.village.code)["tracking_number"]
    village_officer = officer_headers(places.village.code)
    assert _move(client, number, village_officer, "Proses").status_code == 404
    regency_officer = officer_headers(places.regency.code)
    assert _move(client, number, regency_officer, "Proses").status_code == 200


def test_full_workflow_with_audit_and_verification(
    client: TestClient,
    session: Session,
    file_report: ReportFactory,
    places: Places,
    officer_headers: OfficerFactory,
) -> None:
    number = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    operator = officer_headers(places.village.code)
    supervisor = officer_headers(places.district.code, OfficerRole.SUPERVISOR)

    no_note = _move(client, number, operator, "Koordinasi")
    assert no_note.status_code == 422
    assert no_note.json() == {"detail": "A note is required when moving a report to Koordinasi."}
    assert _move(client, number, operator, "Koordinasi", "Ke dinas terkait").status_code == 200
    assert _move(client, number, operator, "Disposisi").status_code == 200
    forbidden = _move(client, number, operator, "Selesai")
    assert forbidden.status_code == 409
    assert forbidden.json() == {
        "detail": "A report in status Disposisi cannot move to Selesai; "
        "allowed next statuses: Ditolak, Proses."
    }
    assert _move(client, number, operator, "Proses").status_code == 200
    early = client.post(f"/api/desk/reports/{number}/verify", headers=supervisor)
    assert early.status_code == 409
    done = _move(client, number, operator, "Selesai")
    assert done.status_code == 200
    assert done.json()["closed_at"] is not None

    assert client.post(f"/api/desk/reports/{number}/verify", headers=operator).status_code == 403
    verified = client.post(f"/api/desk/reports/{number}/verify", headers=supervisor)
    assert verified.status_code == 200
    assert verified.json()["verified_at"] is not None
    assert verified.json()["verified_by_id"] is not None
    assert client.post(f"/api/desk/reports/{number}/verify", headers=supervisor).status_code == 409
    assert _move(client, number, operator, "Proses").status_code == 409

    report = session.scalar(select(Report).where(Report.tracking_number == number))
    assert report is not None
    steps = session.scalars(
        select(ReportTransition)
        .where(ReportTransition.report_id == report.id)
        .order_by(ReportTransition.id)
    ).all()
    assert [(s.from_status, s.to_status) for s in steps] == [
        (None, "Menunggu"),
        ("Menunggu", "Koordinasi"),
        ("Koordinasi", "Disposisi"),
        ("Disposisi", "Proses"),
        ("Proses", "Selesai"),
    ]
    assert steps[1].note == "Ke dinas terkait"
    assert all(s.officer_id is not None for s in steps[1:])
    assert all(s.created_at is not None for s in steps)
    tracked = client.get(f"/api/track/{number}").json()
    assert tracked["verified"] is True
    assert tracked["status"] == "Selesai"


def test_rejection_needs_a_reason(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    operator = officer_headers(places.village.code)
    assert _move(client, number, operator, "Ditolak").status_code == 422
    rejected = _move(client, number, operator, "Ditolak", "Bukan wilayah kami")
    assert rejected.status_code == 200
    assert rejected.json()["transitions"][-1]["note"] == "Bukan wilayah kami"
    assert _move(client, number, operator, "Proses").status_code == 409


def test_unknown_status_is_a_validation_error(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    response = _move(client, number, officer_headers(places.village.code), "Closed")
    assert response.status_code == 422


def test_overdue_reports_are_flagged_and_listable(
    client: TestClient,
    session: Session,
    file_report: ReportFactory,
    places: Places,
    officer_headers: OfficerFactory,
) -> None:
    late = file_report("ZZ-TEST-DISTRICT", places.village.code)["tracking_number"]
    on_time = file_report("ZZ-TEST-DISTRICT", places.village.code)["tracking_number"]
    report = session.scalar(select(Report).where(Report.tracking_number == late))
    assert report is not None
    report.due_at = utcnow() - timedelta(hours=1)
    session.commit()
    headers = officer_headers(places.district.code)
    overdue = client.get("/api/desk/reports", headers=headers, params={"overdue": "true"}).json()
    numbers = [r["tracking_number"] for r in overdue]
    assert late in numbers
    assert on_time not in numbers
    assert all(r["is_overdue"] for r in overdue)
    assert client.get(f"/api/track/{late}").json()["is_overdue"] is True
    not_overdue = client.get("/api/desk/reports", headers=headers, params={"overdue": "false"})
    assert late not in [r["tracking_number"] for r in not_overdue.json()]


def test_desk_needs_an_officer(client: TestClient) -> None:
    assert client.get("/api/desk/reports").status_code == 401
