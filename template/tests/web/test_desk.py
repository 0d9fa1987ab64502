"""Officer dashboard: login, scope on every page and action, filters, counters, transitions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import OfficerRole, Report, utcnow
from tests.conftest import PNG, Places, ReportFactory
from tests.web.conftest import Login, post_form


def _move(client: TestClient, number: str, status: str, note: str = "") -> object:
    return post_form(
        client,
        "/desk",
        f"/desk/reports/{number}/transition",
        {"to_status": status, "note": note},
    )


def test_desk_needs_an_officer_login(
    browser: TestClient, officer_login: Login, places: Places
) -> None:
    redirect = browser.get("/desk")
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/desk/login?next=%2Fdesk"
    assert browser.get("/desk/reports/ABC-2026-AAAAAA").status_code == 303
    wrong = post_form(
        browser, "/desk/login", "/desk/login", {"email": "tidak@ada.id", "password": "salah-salah"}
    )
    assert wrong.status_code == 401
    officer_login(browser, places.village.code)
    page = browser.get("/desk")
    assert page.status_code == 200
    assert escape(places.village.name) in page.text
    out = post_form(browser, "/desk", "/desk/logout", {})
    assert out.status_code == 303
    assert browser.get("/desk").status_code == 303


def test_citizen_session_is_not_an_officer_session(browser: TestClient, citizen_login) -> None:
    citizen_login(browser)
    assert browser.get("/desk").status_code == 303


def test_officer_outside_the_scope_sees_and_changes_nothing(
    browser: TestClient,
    another_browser: TestClient,
    officer_login: Login,
    file_report: ReportFactory,
    places: Places,
) -> None:
    if places.other_regency is None:
        pytest.skip("the profile has a single regency")
    number = file_report(
        "ZZ-TEST-VILLAGE", places.village.code, files=[("photos", ("a.png", PNG, "image/png"))]
    )["tracking_number"]
    officer_login(browser, places.regency.code)
    officer_login(another_browser, places.other_regency.code, OfficerRole.SUPERVISOR)

    assert number in browser.get("/desk").text
    assert number not in another_browser.get("/desk").text
    assert number not in another_browser.get("/desk", params={"region": places.regency.code}).text
    assert another_browser.get(f"/desk/reports/{number}").status_code == 404
    assert _move(another_browser, number, "Proses").status_code == 404
    verify = post_form(another_browser, "/desk", f"/desk/reports/{number}/verify", {})
    assert verify.status_code == 404
    page = browser.get(f"/desk/reports/{number}")
    photo_id = page.text.split(f"/desk/reports/{number}/photos/")[1].split('"')[0]
    assert browser.get(f"/desk/reports/{number}/photos/{photo_id}").content == PNG
    assert another_browser.get(f"/desk/reports/{number}/photos/{photo_id}").status_code == 404


def test_agency_officer_sees_only_their_agency(
    browser: TestClient, officer_login: Login, file_report: ReportFactory, places: Places
) -> None:
    number = file_report("ZZ-TEST-PROVINCE", places.village.code)["tracking_number"]
    officer_login(browser, places.province.code, agency_code="ZZ-TEST-OTHER")
    assert number not in browser.get("/desk").text
    assert browser.get(f"/desk/reports/{number}").status_code == 404


def test_workflow_through_the_pages(
    browser: TestClient,
    another_browser: TestClient,
    officer_login: Login,
    file_report: ReportFactory,
    places: Places,
) -> None:
    number = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    officer_login(browser, places.village.code)
    page = browser.get(f"/desk/reports/{number}").text
    assert "Laporan uji otomatis" in page
    assert 'value="Koordinasi" required data-note-required' in page
    assert 'value="Selesai"' not in page

    no_note = _move(browser, number, "Ditolak")
    assert no_note.status_code == 422
    assert "Catatan wajib diisi untuk status Ditolak." in no_note.text
    assert _move(browser, number, "Koordinasi", "Ke dinas terkait").status_code == 303
    assert _move(browser, number, "Proses").status_code == 303
    forbidden = _move(browser, number, "Menunggu")
    assert forbidden.status_code == 409
    no_photo = _move(browser, number, "Selesai", "Lampu sudah diganti")
    assert no_photo.status_code == 422
    assert "Foto hasil penanganan wajib untuk status Selesai" in no_photo.text
    done = post_form(
        browser,
        f"/desk/reports/{number}",
        f"/desk/reports/{number}/transition",
        {"to_status": "Selesai", "note": "Lampu sudah diganti"},
        files={"evidence": ("sesudah.png", PNG, "image/png")},
    )
    assert done.status_code == 303, done.text[-3000:]
    page = browser.get(done.headers["location"]).text
    assert "Perubahan tersimpan." in page
    assert 'data-report-status="Selesai"' in page
    assert "Ke dinas terkait" in page
    assert "Verifikasi penyelesaian" not in page
    refused = post_form(browser, f"/desk/reports/{number}", f"/desk/reports/{number}/verify", {})
    assert refused.status_code == 403

    officer_login(another_browser, places.district.code, OfficerRole.SUPERVISOR)
    page = another_browser.get(f"/desk/reports/{number}").text
    assert "Verifikasi penyelesaian" in page
    verified = post_form(
        another_browser, f"/desk/reports/{number}", f"/desk/reports/{number}/verify", {}
    )
    assert verified.status_code == 303
    assert "Terverifikasi" in another_browser.get(f"/desk/reports/{number}").text
    assert "Lapor" not in another_browser.get(f"/desk/reports/{number}").text.split("<main")[0]


def test_anonymous_reporter_is_hidden(
    browser: TestClient, officer_login: Login, file_report: ReportFactory, places: Places
) -> None:
    number = file_report(
        "ZZ-TEST-DISTRICT",
        places.village.code,
        anonymous="true",
        contact_email="rahasia@example.org",
    )["tracking_number"]
    officer_login(browser, places.district.code)
    page = browser.get(f"/desk/reports/{number}").text
    assert "rahasia@example.org" not in page
    assert "Anonim" in page


def test_filters_counters_and_overdue_per_region(
    browser: TestClient,
    officer_login: Login,
    file_report: ReportFactory,
    places: Places,
    session: Session,
) -> None:
    late = file_report("ZZ-TEST-REGENCY", places.village.code)["tracking_number"]
    fresh = file_report("ZZ-TEST-DISTRICT", places.village.code)["tracking_number"]
    report = session.scalar(select(Report).where(Report.tracking_number == late))
    assert report is not None
    report.due_at = utcnow() - timedelta(days=2)
    session.commit()
    officer = officer_login(browser, places.regency.code)
    assert officer.region_code == places.regency.code

    page = browser.get("/desk").text
    assert 'data-status-count="Menunggu"' in page
    assert "Lewat tenggat per wilayah" in page
    overdue = browser.get("/desk", params={"overdue": "yes"}).text
    assert late in overdue
    assert fresh not in overdue
    by_service = browser.get("/desk", params={"service": "ZZ-TEST-DISTRICT"}).text
    assert fresh in by_service
    assert late not in by_service
    by_region = browser.get("/desk", params={"region": places.district.code}).text
    assert fresh in by_region
    assert late not in by_region
    by_status = browser.get("/desk", params={"status": "Selesai"}).text
    assert late not in by_status
    assert fresh not in by_status
    if places.other_regency is not None:
        outside = browser.get("/desk", params={"region": places.other_regency.code}).text
        assert late in outside  # a region outside the scope is ignored, never widened


def test_handover_through_the_pages(
    browser: TestClient,
    another_browser: TestClient,
    officer_login: Login,
    file_report: ReportFactory,
    places: Places,
) -> None:
    number = file_report("ZZ-TEST-REGENCY", places.village.code)["tracking_number"]
    officer_login(browser, places.regency.code, agency_code="ZZ-TEST-OTHER")
    page = browser.get(f"/desk/reports/{number}").text
    assert 'name="agency_code"' in page
    assert f'<option value="{places.district.code}"' in page
    assert f'<option value="{places.province.code}"' not in page

    refused = post_form(
        browser,
        "/desk",
        f"/desk/reports/{number}/transition",
        {"to_status": "Disposisi", "note": "", "region_code": places.province.code},
    )
    assert refused.status_code == 422
    assert "Disposisi hands a report down" in refused.text
    assert f'<option value="{places.province.code}"' not in refused.text

    moved = post_form(
        browser,
        "/desk",
        f"/desk/reports/{number}/transition",
        {"to_status": "Disposisi", "note": "", "region_code": places.district.code},
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/desk/reports/{number}?moved=1"

    handed = post_form(
        browser,
        "/desk",
        f"/desk/reports/{number}/transition",
        {"to_status": "Proses", "agency_code": "ZZ-TEST-DINAS"},
    )
    assert handed.status_code == 422
    assert "Only a move to Koordinasi or Disposisi" in handed.text

    officer_login(another_browser, places.district.code)
    page = another_browser.get(f"/desk/reports/{number}").text
    assert f'data-handed-to="ZZ-TEST-OTHER {places.district.code}"' in page
    assert escape(places.regency.name) in page.split("data-handed-to")[1].split("</p>")[0]


def test_koordinasi_to_another_agency_returns_to_the_list(
    browser: TestClient, officer_login: Login, file_report: ReportFactory, places: Places
) -> None:
    number = file_report("ZZ-TEST-PROVINCE", places.village.code)["tracking_number"]
    officer_login(browser, places.province.code, agency_code="ZZ-TEST-DINAS")
    moved = post_form(
        browser,
        "/desk",
        f"/desk/reports/{number}/transition",
        {"to_status": "Koordinasi", "note": "Ke dinas lain", "agency_code": "ZZ-TEST-OTHER"},
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/desk?handed={number}"
    listing = browser.get(moved.headers["location"]).text
    assert f"Laporan {number} telah dialihkan ke unit lain." in listing
    assert f"/desk/reports/{number}" not in listing
    assert browser.get(f"/desk/reports/{number}").status_code == 404
