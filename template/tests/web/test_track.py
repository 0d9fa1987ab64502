"""Tracking by number, the reporter's view, rating a finished report, "my reports"."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import OfficerFactory, Places, finish_report
from tests.web.conftest import post_form

NUMBER = re.compile(r"/track/([A-Z0-9-]+)\?filed=1")


def file_through_pages(client: TestClient, places: Places, **extra: str) -> str:
    """File a ZZ-TEST-DISTRICT report through the form; return its tracking number."""
    data = {"description": "Lampu jalan mati", "village": places.village.code, **extra}
    if "contact_email" not in data and "logged_in" not in extra:
        data["contact_email"] = "warga@example.org"
    data.pop("logged_in", None)
    answer = post_form(client, "/report/ZZ-TEST-DISTRICT", "/report/ZZ-TEST-DISTRICT", data)
    assert answer.status_code == 303, answer.text
    match = NUMBER.search(answer.headers["location"])
    assert match
    return match.group(1)


def finish(client: TestClient, number: str, headers: dict[str, str]) -> None:
    """Move a report to Selesai through the officers' API."""
    finish_report(client, number, headers)


def test_track_form_and_unknown_number(browser: TestClient) -> None:
    assert browser.get("/track").status_code == 200
    redirect = browser.get("/track", params={"number": " abc-2026-xyz "})
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/track/ABC-2026-XYZ"
    missing = browser.get("/track/ABC-2026-XYZ")
    assert missing.status_code == 404
    assert "Tidak ada laporan dengan nomor" in missing.text


def test_anyone_sees_the_status_but_not_the_details(
    browser: TestClient, another_browser: TestClient, places: Places
) -> None:
    number = file_through_pages(browser, places)
    public = another_browser.get(f"/track/{number}")
    assert public.status_code == 200
    assert "Menunggu" in public.text
    assert "Lampu jalan mati" not in public.text
    assert 'action="/track/' + number + '/access"' in public.text
    assert "Lampu jalan mati" in browser.get(f"/track/{number}").text


def test_guest_rates_a_finished_report_once(
    browser: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_through_pages(browser, places)
    assert "Beri penilaian" not in browser.get(f"/track/{number}").text
    finish(browser, number, officer_headers(places.district.code))
    page = browser.get(f"/track/{number}")
    assert "Selesai" in page.text
    assert "Beri penilaian" in page.text
    rated = post_form(
        browser, "/login", f"/track/{number}/rating", {"score": "4", "comment": "Cepat"}
    )
    assert rated.status_code == 303
    after = browser.get(rated.headers["location"])
    assert "Terima kasih atas penilaian Anda." in after.text
    assert "Penilaian Anda: 4/5" in after.text
    assert "Beri penilaian" not in after.text
    again = post_form(browser, "/login", f"/track/{number}/rating", {"score": "5"})
    assert again.status_code == 422
    assert "sudah dinilai" in again.text


def test_rating_needs_the_reporter_and_a_finished_report(
    browser: TestClient, another_browser: TestClient, places: Places
) -> None:
    number = file_through_pages(browser, places)
    early = post_form(browser, "/login", f"/track/{number}/rating", {"score": "5"})
    assert early.status_code == 422
    assert "setelah berstatus Selesai" in early.text
    stranger = post_form(
        another_browser, f"/track/{number}", f"/track/{number}/rating", {"score": "1"}
    )
    assert stranger.status_code == 422
    assert "Hanya pelapor" in stranger.text


def test_access_code_unlocks_the_report_on_another_device(
    browser: TestClient, another_browser: TestClient, places: Places
) -> None:
    number = file_through_pages(browser, places)
    code = re.search(r"data-access-code>([^<]+)<", browser.get(f"/track/{number}?filed=1").text)
    assert code
    wrong = post_form(
        another_browser, f"/track/{number}", f"/track/{number}/access", {"access_code": "salah"}
    )
    assert wrong.status_code == 403
    right = post_form(
        another_browser,
        f"/track/{number}",
        f"/track/{number}/access",
        {"access_code": code.group(1)},
    )
    assert right.status_code == 303
    assert "Lampu jalan mati" in another_browser.get(f"/track/{number}").text


def test_my_reports_needs_login_and_lists_own_reports(
    browser: TestClient, citizen_login, places: Places, officer_headers: OfficerFactory
) -> None:
    redirect = browser.get("/my-reports")
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/login?next=%2Fmy-reports"
    citizen = citizen_login(browser)
    assert "Laporan saya" in browser.get("/my-reports").text
    form = browser.get("/report/ZZ-TEST-DISTRICT").text
    assert citizen.email in form
    assert 'name="contact_email"' not in form
    number = file_through_pages(browser, places, logged_in="1")
    mine = browser.get("/my-reports")
    assert number in mine.text
    finish(browser, number, officer_headers(places.district.code))
    assert "beri penilaian" in browser.get("/my-reports").text
    rated = post_form(browser, "/login", f"/track/{number}/rating", {"score": "5"})
    assert rated.status_code == 303


def test_register_login_and_logout(browser: TestClient) -> None:
    bad = post_form(
        browser,
        "/register",
        "/register",
        {"email": "bukan-email", "full_name": "A", "password": "pendek"},
    )
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text
    made = post_form(
        browser,
        "/register",
        "/register",
        {"email": "Baru@Example.org", "full_name": "Warga Baru", "password": "rahasia-uji-123"},
    )
    assert made.status_code == 303
    assert made.headers["location"] == "/my-reports"
    assert "Warga Baru" in browser.get("/my-reports").text
    twice = post_form(
        browser,
        "/register",
        "/register",
        {"email": "baru@example.org", "full_name": "X", "password": "rahasia-uji-123"},
    )
    assert twice.status_code == 409
    out = post_form(browser, "/", "/logout", {})
    assert out.status_code == 303
    assert browser.get("/my-reports").status_code == 303
    wrong = post_form(
        browser, "/login", "/login", {"email": "baru@example.org", "password": "salah-salah"}
    )
    assert wrong.status_code == 401
    assert "E-mail atau kata sandi salah." in wrong.text
    back = post_form(
        browser,
        "/login",
        "/login",
        {"email": "baru@example.org", "password": "rahasia-uji-123", "next": "//evil.example"},
    )
    assert back.status_code == 303
    assert back.headers["location"] == "/my-reports"
