"""Accessibility basics on every page: language, skip link, a label for every form control."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Places
from tests.web.conftest import Login, page_language, unlabelled_controls

CITIZEN_PAGES = [
    "/",
    "/services?q=uji",
    "/services/ZZ-TEST-VILLAGE",
    "/report",
    "/report/ZZ-TEST-VILLAGE",
    "/track",
    "/login",
    "/register",
    "/news",
    "/prices",
    "/apps",
    "/offline",
]


@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_citizen_pages(browser: TestClient, path: str) -> None:
    page = browser.get(path)
    assert page.status_code == 200, path
    assert page_language(page.text) == "id"
    assert '<a class="skip-link" href="#main">' in page.text
    assert '<main id="main"' in page.text
    assert unlabelled_controls(page.text) == []


def test_report_form_with_search_results_and_lists(browser: TestClient, places: Places) -> None:
    page = browser.get(
        "/report/ZZ-TEST-VILLAGE",
        params={
            "regency": places.regency.code,
            "district": places.district.code,
            "region_q": places.village.name.split()[0],
        },
    )
    assert unlabelled_controls(page.text) == []


def test_desk_pages(browser: TestClient, officer_login: Login, places: Places, file_report) -> None:
    number = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    assert unlabelled_controls(browser.get("/desk/login").text) == []
    officer_login(browser, places.village.code)
    for path in ("/desk", f"/desk/reports/{number}"):
        page = browser.get(path)
        assert page.status_code == 200
        assert unlabelled_controls(page.text) == []


def test_the_checker_finds_a_missing_label() -> None:
    page = '<html lang="id"><input name="a"><label for="b">B</label><input id="b"></html>'
    assert unlabelled_controls(page) == ["input name=a"]
