"""Officers' desk: scope enforcement, the state machine, audit trail, verification, overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import OfficerRole, Report, ReportTransition, utcnow
from tests.conftest import PNG, OfficerFactory, Places, ReportFactory


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
    no_note = _move(client, number, operator, "Selesai")
    assert no_note.status_code == 422
    assert no_note.json() == {"detail": "A note is required when moving a report to Selesai."}
    no_photo = _move(client, number, operator, "Selesai", "Sudah diperbaiki")
    assert no_photo.status_code == 422
    assert no_photo.json() == {
        "detail": "A photo of the finished work is required when moving a report to Selesai; "
        "attach one with the move."
    }
    photo = {"photo": ("sesudah.png", PNG, "image/png")}
    evidence = f"/api/desk/reports/{number}/evidence"
    assert client.post(evidence, headers=operator, files=photo).status_code == 201
    done = _move(client, number, operator, "Selesai", "Sudah diperbaiki")
    assert done.status_code == 200
    assert done.json()["closed_at"] is not None
    assert client.post(evidence, headers=operator, files=photo).status_code == 422

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


def _hand(
    client: TestClient, number: str, headers: dict[str, str], status: str, **fields: str | None
):
    return client.post(
        f"/api/desk/reports/{number}/transitions",
        headers=headers,
        json={"to_status": status, **fields},
    )


def test_koordinasi_hands_the_report_to_another_agency(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_report("ZZ-TEST-PROVINCE", places.village.code)["tracking_number"]
    first = officer_headers(places.province.code, agency_code="ZZ-TEST-DINAS")
    second = officer_headers(places.province.code, agency_code="ZZ-TEST-OTHER")
    assert client.get(f"/api/desk/reports/{number}", headers=second).status_code == 404

    moved = _hand(
        client, number, first, "Koordinasi", note="Dinas lain", agency_code="ZZ-TEST-OTHER"
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["status"] == "Koordinasi"
    assert body["handling_agency_code"] == "ZZ-TEST-OTHER"
    assert body["handling_region_code"] == places.province.code
    assert body["outside_authority"] is False
    assert body["forwards"] == []
    step = body["transitions"][-1]
    assert (step["from_agency_code"], step["from_region_code"]) == (
        "ZZ-TEST-DINAS",
        places.province.code,
    )
    assert (step["to_agency_code"], step["to_region_code"]) == (
        "ZZ-TEST-OTHER",
        places.province.code,
    )
    assert body["transitions"][0]["from_agency_code"] is None
    assert body["transitions"][0]["to_agency_code"] == "ZZ-TEST-DINAS"

    assert client.get(f"/api/desk/reports/{number}", headers=first).status_code == 404
    assert number not in [
        r["tracking_number"] for r in client.get("/api/desk/reports", headers=first).json()
    ]
    assert _move(client, number, first, "Proses").status_code == 404
    assert number in [
        r["tracking_number"] for r in client.get("/api/desk/reports", headers=second).json()
    ]
    assert _move(client, number, second, "Proses").status_code == 200


def test_koordinasi_to_an_external_agency_forwards_the_report(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_report("ZZ-TEST-PROVINCE", places.village.code)["tracking_number"]
    officer = officer_headers(places.province.code)
    moved = _hand(
        client, number, officer, "Koordinasi", note="Bukan kewenangan", agency_code="ZZ-TEST-LUAR"
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["outside_authority"] is True
    assert [f["agency_code"] for f in moved.json()["forwards"]] == ["ZZ-TEST-LUAR"]
    assert moved.json()["forwards"][0]["contact"] == "https://pengaduan.example.org"
    assert client.get(f"/api/track/{number}").json()["forwarded_to"] == "Lembaga Luar Uji"

    back = _hand(client, number, officer, "Disposisi", agency_code="ZZ-TEST-DINAS")
    assert back.status_code == 200, back.text
    assert back.json()["outside_authority"] is False
    assert client.get(f"/api/track/{number}").json()["forwarded_to"] is None


def test_disposisi_hands_the_report_down_to_a_district(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_report("ZZ-TEST-REGENCY", places.village.code)["tracking_number"]
    regency_officer = officer_headers(places.regency.code)
    district_officer = officer_headers(places.district.code)
    assert client.get(f"/api/desk/reports/{number}", headers=district_officer).status_code == 404

    moved = _hand(client, number, regency_officer, "Disposisi", region_code=places.district.code)
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["handling_region_code"] == places.district.code
    assert body["handling_agency_code"] == "ZZ-TEST-OTHER"
    step = body["transitions"][-1]
    assert step["from_region_code"] == places.regency.code
    assert step["to_region_code"] == places.district.code
    assert step["from_agency_code"] == step["to_agency_code"] == "ZZ-TEST-OTHER"

    assert number in [
        r["tracking_number"]
        for r in client.get("/api/desk/reports", headers=district_officer).json()
    ]
    assert _move(client, number, district_officer, "Proses").status_code == 200
    # the regency office still oversees the district below it
    assert client.get(f"/api/desk/reports/{number}", headers=regency_officer).status_code == 200


def test_handover_errors_are_validation_errors(
    client: TestClient,
    session: Session,
    file_report: ReportFactory,
    places: Places,
    officer_headers: OfficerFactory,
) -> None:
    number = file_report("ZZ-TEST-REGENCY", places.village.code)["tracking_number"]
    officer = officer_headers(places.province.code)

    above = _hand(client, number, officer, "Disposisi", region_code=places.province.code)
    assert above.status_code == 422
    assert above.json()["detail"] == (
        f"Disposisi hands a report down: region {places.province.code!r} "
        f"({places.province.name}) is not the current handling region "
        f"{places.regency.code!r} ({places.regency.name}) or a region below it."
    )
    if places.other_regency is not None:
        aside = _hand(client, number, officer, "Disposisi", region_code=places.other_regency.code)
        assert aside.status_code == 422
        assert "is not the current handling region" in aside.json()["detail"]
    unknown_region = _hand(client, number, officer, "Disposisi", region_code="ZZ.99.99")
    assert unknown_region.status_code == 422
    assert unknown_region.json()["detail"] == "Region 'ZZ.99.99' does not exist."
    unknown_agency = _hand(
        client, number, officer, "Koordinasi", note="Uji", agency_code="ZZ-TEST-NONE"
    )
    assert unknown_agency.status_code == 422
    assert unknown_agency.json()["detail"] == (
        "Agency 'ZZ-TEST-NONE' does not exist; choose one of the active agencies."
    )
    wrong_status = _hand(client, number, officer, "Proses", agency_code="ZZ-TEST-DINAS")
    assert wrong_status.status_code == 422
    assert "Only a move to Koordinasi or Disposisi" in wrong_status.json()["detail"]
    no_note = _hand(client, number, officer, "Koordinasi", agency_code="ZZ-TEST-DINAS")
    assert no_note.status_code == 422

    report = session.scalar(select(Report).where(Report.tracking_number == number))
    assert report is not None
    assert report.status == "Menunggu"
    assert report.handling_region_code == places.regency.code
    assert report.handling_agency_code == "ZZ-TEST-OTHER"
    assert len(report.transitions) == 1
