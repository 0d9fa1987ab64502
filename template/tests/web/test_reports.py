"""The report flow through the pages: service, attributes, location, photo, tracking number."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Report
from tests.conftest import PNG, Places
from tests.web.conftest import csrf_token, post_form

NUMBER = re.compile(r"/track/([A-Z0-9-]+)\?filed=1")


def test_choose_a_service(browser: TestClient) -> None:
    page = browser.get("/report")
    assert page.status_code == 200
    assert 'href="/report/ZZ-TEST-VILLAGE"' in page.text
    assert 'href="/report/ZZ-TEST-VILLAGE"' in browser.get("/report?q=uji").text
    assert browser.get("/report/NOPE").status_code == 404


def test_form_renders_attributes_from_their_datatypes(browser: TestClient) -> None:
    page = browser.get("/report/ZZ-TEST-VILLAGE").text
    assert '<select id="f-attr-tingkat" name="attr.tingkat" required>' in page
    assert 'name="attr.jumlah" type="number"' in page
    assert 'type="file"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="regency"' in page
    assert 'name="district"' in page
    assert 'name="village"' in page


def test_location_lists_go_down_the_hierarchy_without_script(
    browser: TestClient, places: Places
) -> None:
    page = browser.get(
        "/report/ZZ-TEST-VILLAGE",
        params={
            "regency": places.regency.code,
            "district": places.district.code,
            "description": "x",
        },
    ).text
    assert f'<option value="{places.regency.code}" selected>' in page
    assert f'<option value="{places.district.code}" selected>' in page
    assert f'<option value="{places.village.code}">' in page
    assert ">x</textarea>" in page


def test_place_search(browser: TestClient, places: Places) -> None:
    word = places.village.name.split()[0]
    found = browser.get("/report/places", params={"q": word}).json()
    match = next(p for p in found if p["code"] == places.village.code)
    assert match["chain"] == {
        "regency": places.regency.code,
        "district": places.district.code,
        "village": places.village.code,
    }
    assert places.district.name in match["path"]
    assert browser.get("/report/places", params={"q": "  "}).json() == []
    page = browser.get("/report/ZZ-TEST-VILLAGE", params={"region_q": word}).text
    assert f'name="region_code" value="{places.village.code}"' in page


def test_guest_files_a_report_with_attributes_location_and_photo(
    browser: TestClient, session: Session, places: Places
) -> None:
    answer = post_form(
        browser,
        "/report/ZZ-TEST-VILLAGE",
        "/report/ZZ-TEST-VILLAGE",
        {
            "description": "Jalan berlubang di depan sekolah",
            "attr.tingkat": "berat",
            "attr.jumlah": "3",
            "regency": places.regency.code,
            "district": places.district.code,
            "village": places.village.code,
            "lat": "-5.4",
            "long": "105.26",
            "contact_email": "warga@example.org",
        },
        files=[("photos", ("lubang.png", PNG, "image/png"))],
    )
    assert answer.status_code == 303, answer.text
    number = NUMBER.search(answer.headers["location"])
    assert number
    page = browser.get(answer.headers["location"])
    assert number.group(1) in page.text
    assert "data-access-code" in page.text
    assert "Jalan berlubang di depan sekolah" in page.text
    report = session.scalar(select(Report).where(Report.tracking_number == number.group(1)))
    assert report is not None
    assert report.region_code == places.village.code
    assert report.source == "web"
    assert report.contact_email == "warga@example.org"
    assert report.attributes == {"tingkat": "berat", "jumlah": 3.0}
    assert len(report.photos) == 1
    photo = browser.get(f"/track/{report.tracking_number}/photos/{report.photos[0].id}")
    assert photo.status_code == 200
    assert photo.content == PNG


def test_a_search_pick_wins_over_the_lists(
    browser: TestClient, session: Session, places: Places
) -> None:
    answer = post_form(
        browser,
        "/report/ZZ-TEST-DISTRICT",
        "/report/ZZ-TEST-DISTRICT",
        {
            "description": "Uji",
            "regency": places.regency.code,
            "region_code": places.village.code,
            "contact_phone": "0812000000",
        },
    )
    assert answer.status_code == 303
    number = NUMBER.search(answer.headers["location"])
    assert number
    report = session.scalar(select(Report).where(Report.tracking_number == number.group(1)))
    assert report is not None
    assert report.region_code == places.village.code


def test_invalid_report_is_shown_again_with_the_message(
    browser: TestClient, places: Places
) -> None:
    answer = post_form(
        browser,
        "/report/ZZ-TEST-VILLAGE",
        "/report/ZZ-TEST-VILLAGE",
        {"description": "Tanpa tingkat", "village": places.village.code, "contact_email": "a@b.id"},
    )
    assert answer.status_code == 422
    assert "Laporan belum terkirim" in answer.text
    assert "wajib untuk layanan ini" in answer.text
    assert ">Tanpa tingkat</textarea>" in answer.text
    assert 'value="a@b.id"' in answer.text


def test_guest_needs_a_contact(browser: TestClient, places: Places) -> None:
    answer = post_form(
        browser,
        "/report/ZZ-TEST-DISTRICT",
        "/report/ZZ-TEST-DISTRICT",
        {"description": "Tanpa kontak", "village": places.village.code},
    )
    assert answer.status_code == 422
    assert "contact" in answer.text


def test_forms_without_the_csrf_token_are_refused(browser: TestClient, places: Places) -> None:
    browser.get("/report/ZZ-TEST-DISTRICT")
    data = {"description": "x", "village": places.village.code, "contact_email": "a@b.id"}
    refused = browser.post("/report/ZZ-TEST-DISTRICT", data=data)
    assert refused.status_code == 403
    assert "Formulir kedaluwarsa" in refused.text
    forged = browser.post("/report/ZZ-TEST-DISTRICT", data={**data, "csrf_token": "0" * 64})
    assert forged.status_code == 403


def test_csrf_token_is_bound_to_the_browser(
    browser: TestClient, another_browser: TestClient, places: Places
) -> None:
    token = csrf_token(another_browser, "/report/ZZ-TEST-DISTRICT")
    browser.get("/report/ZZ-TEST-DISTRICT")
    data = {"description": "x", "village": places.village.code, "contact_email": "a@b.id"}
    answer = browser.post("/report/ZZ-TEST-DISTRICT", data={**data, "csrf_token": token})
    assert answer.status_code == 403


def test_session_cookies_are_http_only(browser: TestClient) -> None:
    answer = browser.get("/login")  # a page with a form
    header = answer.headers["set-cookie"]
    assert "csrf_session=" in header
    assert "HttpOnly" in header
    assert "SameSite=lax" in header
