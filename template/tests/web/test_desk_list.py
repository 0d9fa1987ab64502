"""Desk list: where each report is, search by tracking number, CSV export of reports in scope."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from app.models import OfficerRole
from tests.conftest import Places, ReportFactory
from tests.web.conftest import Login


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_location_column_names_district_and_regency_not_the_handling_unit(
    browser: TestClient, officer_login: Login, file_report: ReportFactory, places: Places
) -> None:
    number = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    officer_login(browser, places.province.code, OfficerRole.ADMIN)
    page = browser.get("/desk", params={"q": number}).text
    row = page.split(f">{number}</a>")[1].split("</tr>")[0]
    cell = row.split("data-location>")[1].split("</td>")[0]
    assert str(escape(f"{places.district.name}, {places.regency.name}")) in cell
    assert str(escape(places.village.name)) in cell


def test_search_by_tracking_number_whole_or_beginning(
    browser: TestClient, officer_login: Login, file_report: ReportFactory, places: Places
) -> None:
    first = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    second = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    officer_login(browser, places.regency.code)
    exact = browser.get("/desk", params={"q": f"  {first.lower()} "}).text
    assert first in exact
    assert second not in exact
    assert f'value="{first}"' in exact  # the search is kept in the form
    prefix = first.rsplit("-", 1)[0]
    both = browser.get("/desk", params={"q": prefix}).text
    assert first in both
    assert second in both
    for hostile in ("%", "_", "' OR 1=1 --", "<script>"):
        answer = browser.get("/desk", params={"q": hostile})
        assert answer.status_code == 200
        assert first not in answer.text
        assert "<script>" not in answer.text.split("<main", 1)[1]


def test_csv_export_holds_the_filtered_reports_in_scope_only(
    browser: TestClient,
    another_browser: TestClient,
    officer_login: Login,
    file_report: ReportFactory,
    places: Places,
) -> None:
    if places.other_regency is None:
        pytest.skip("the profile has a single regency")
    number = file_report(
        "ZZ-TEST-VILLAGE", places.village.code, description='=HYPERLINK("http://x")'
    )["tracking_number"]
    officer_login(browser, places.regency.code)
    officer_login(another_browser, places.other_regency.code)
    answer = browser.get("/desk/reports.csv", params={"q": number})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = _rows(answer.text)
    assert [r["tracking_number"] for r in rows] == [number]
    assert rows[0]["location"].endswith(f"{places.district.name}, {places.regency.name}")
    assert "warga@example.org" not in answer.text  # no reporter's contact
    assert "HYPERLINK" not in answer.text  # descriptions are not exported
    assert number not in another_browser.get("/desk/reports.csv").text
    filtered = browser.get("/desk/reports.csv", params={"status": "Selesai", "q": number})
    assert _rows(filtered.text) == []
    assert browser.get("/desk").text.count('href="/desk/reports.csv') == 1


def test_export_needs_an_officer(browser: TestClient) -> None:
    answer = browser.get("/desk/reports.csv")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/desk/login")


def test_a_report_with_only_coordinates_links_to_the_map(
    browser: TestClient, officer_login: Login, file_report: ReportFactory, places: Places
) -> None:
    number = file_report("ZZ-TEST-PROVINCE", None, lat="-5.39714", long="105.26679")[
        "tracking_number"
    ]
    officer_login(browser, places.province.code, OfficerRole.ADMIN)
    page = browser.get("/desk", params={"q": number}).text
    cell = page.split(f">{number}</a>")[1].split("</tr>")[0].split("data-location>")[1]
    assert f'href="/desk/map?focus={number}"' in cell
    assert "-5.39714, 105.26679" in cell


def test_cells_that_look_like_formulas_are_quoted() -> None:
    from app.domain.exports import cell

    assert cell("=1+1") == "'=1+1"
    assert cell("-5") == "'-5"
    assert cell("Kecamatan") == "Kecamatan"
    assert cell(None) == ""
