"""Home page, catalogue search and service pages; module switches hide their pages."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from markupsafe import escape

from app.core.config import Settings
from app.core.profile import Profile
from app.main import create_app
from tests.conftest import make_settings


def test_home_shows_name_tagline_logo_and_service_tiles(
    browser: TestClient, test_profile: Profile
) -> None:
    page = browser.get("/")
    assert page.status_code == 200
    text = page.text
    assert f'<h1 id="hero-title" class="hero__title">{escape(test_profile.app.name)}</h1>' in text
    assert test_profile.app.tagline is not None
    assert escape(test_profile.app.tagline.id) in text
    assert 'class="hero__logo"' in text
    for group in test_profile.groups:
        assert escape(group.name.id) in text
    first = test_profile.services[0]
    assert f'href="/services/{first.code}"' in text
    assert 'href="/report"' in text
    assert 'href="/track"' in text
    for module_link in ('href="/news"', 'href="/prices"', 'href="/apps"'):
        assert module_link in text


def test_search_finds_services_by_keyword(browser: TestClient) -> None:
    page = browser.get("/services", params={"q": "ujicoba"})
    assert page.status_code == 200
    assert "Uji Desa" in page.text
    assert 'role="status"' in page.text
    none = browser.get("/services", params={"q": "zzzzzz-tidak-ada"})
    assert "Tidak ada layanan yang cocok." in none.text


def test_service_page(browser: TestClient) -> None:
    page = browser.get("/services/ZZ-TEST-VILLAGE")
    assert page.status_code == 200
    assert "Dinas Uji" in page.text
    assert 'href="/report/ZZ-TEST-VILLAGE"' in page.text
    assert "3 hari kerja" in page.text
    missing = browser.get("/services/NOPE")
    assert missing.status_code == 404
    assert "Halaman tidak ditemukan" in missing.text


def test_english_home(browser: TestClient, test_profile: Profile) -> None:
    page = browser.get("/?lang=en")
    assert test_profile.app.tagline is not None
    assert escape(test_profile.app.tagline.en or test_profile.app.tagline.id) in page.text
    assert "File a report" in page.text


def test_switched_off_modules_have_no_pages(
    database: tuple[str, str | None], tmp_path: Path, test_profile: Profile, engine: object
) -> None:
    settings: Settings = make_settings(
        database,
        tmp_path,
        modules={"reports": False, "news": False, "prices": False, "integrations": False},
    )
    with TestClient(create_app(settings, profile=test_profile)) as client:
        home = client.get("/")
        assert home.status_code == 200
        for link in ('href="/report"', 'href="/news"', 'href="/prices"', 'href="/apps"'):
            assert link not in home.text
        for path in ("/report", "/track", "/my-reports", "/desk", "/news", "/prices", "/apps"):
            assert client.get(path).status_code == 404, path
        assert client.get("/manifest.webmanifest").status_code == 200
