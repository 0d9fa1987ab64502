"""Catalogue pages rendered once per catalogue version for visitors, never for logged-in users."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from app.models import Citizen


def test_visitors_share_the_page_and_logged_in_citizens_get_their_own(
    browser: TestClient,
    another_browser: TestClient,
    citizen_login: Callable[[TestClient], Citizen],
) -> None:
    for path in ("/", "/services", "/services/ZZ-TEST-PROVINCE"):
        first = browser.get(path)
        second = another_browser.get(path)
        assert first.status_code == second.status_code == 200
        assert first.text == second.text
        assert 'action="/logout"' not in first.text
    # these pages post no form: no CSRF cookie yet; a page with a form gives each browser its own
    assert "csrf_session" not in browser.cookies
    for client in (browser, another_browser):
        assert client.get("/login").status_code == 200
    assert browser.cookies.get("csrf_session")
    assert browser.cookies.get("csrf_session") != another_browser.cookies.get("csrf_session")
    english = browser.get("/?lang=en")
    assert english.text != browser.get("/?lang=id").text
    citizen_login(another_browser)
    for path in ("/", "/services", "/services/ZZ-TEST-PROVINCE"):
        page = another_browser.get(path)
        assert 'action="/logout"' in page.text, path
        assert 'action="/logout"' not in browser.get(path).text


def test_a_search_is_rendered_for_its_words(browser: TestClient) -> None:
    found = browser.get("/services", params={"q": "uji provinsi"})
    assert "Uji Provinsi" in found.text
    assert "Uji Desa" not in found.text
    assert "Uji Desa" in browser.get("/services").text
