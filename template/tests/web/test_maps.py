"""Maps: the public map (public reports, rounded), the desk map (scope, exact), the picker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.core.config import Settings
from app.core.headers import content_security_policy, tile_origin
from app.core.logo import STATIC_DIR
from app.core.profile import Profile
from app.main import create_app
from app.models import OfficerRole
from tests.conftest import Places, ReportFactory, make_settings
from tests.web.conftest import Login

EXACT = ("-5.397141", "105.266793")
EXTERNAL = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', re.IGNORECASE)


def _item(page: str, number: str) -> str:
    return page.split(f'data-number="{number}"', 1)[1].split("</li>", 1)[0]


def _point(page: str, number: str) -> tuple[str, str]:
    start = page.split(f'id="r-{number}"', 1)[1].split(">", 1)[0]
    lat = re.search(r'data-lat="([^"]+)"', start)
    lng = re.search(r'data-long="([^"]+)"', start)
    assert lat
    assert lng
    return lat.group(1), lng.group(1)


def test_public_map_lists_public_reports_with_rounded_coordinates_only(
    browser: TestClient, file_report: ReportFactory, places: Places
) -> None:
    public = file_report(
        "ZZ-TEST-VILLAGE", places.village.code, lat=EXACT[0], long=EXACT[1], is_public="true"
    )["tracking_number"]
    private = file_report("ZZ-TEST-VILLAGE", places.village.code, lat=EXACT[0], long=EXACT[1])[
        "tracking_number"
    ]
    page = browser.get("/map")
    assert page.status_code == 200
    assert public in page.text
    assert private not in page.text
    assert _point(page.text, public) == ("-5.397", "105.267")
    assert EXACT[0] not in page.text
    assert f'href="/track/{public}"' in _item(page.text, public)
    assert 'data-status="menunggu"' in page.text.split(f'id="r-{public}"', 1)[1][:300]
    only_done = browser.get("/map", params={"status": "Selesai"}).text
    assert public not in only_done


def test_reporter_may_allow_the_exact_spot_on_the_public_map(
    browser: TestClient, file_report: ReportFactory, places: Places
) -> None:
    number = file_report(
        "ZZ-TEST-VILLAGE",
        places.village.code,
        lat=EXACT[0],
        long=EXACT[1],
        is_public="true",
        exact_location_public="true",
    )["tracking_number"]
    assert _point(browser.get("/map").text, number) == EXACT


def test_desk_map_shows_exact_spots_in_scope_and_focuses_one(
    browser: TestClient,
    another_browser: TestClient,
    officer_login: Login,
    file_report: ReportFactory,
    places: Places,
) -> None:
    if places.other_regency is None:
        pytest.skip("the profile has a single regency")
    number = file_report("ZZ-TEST-VILLAGE", places.village.code, lat=EXACT[0], long=EXACT[1])[
        "tracking_number"
    ]
    assert browser.get("/desk/map").status_code == 303  # officers only
    officer_login(browser, places.regency.code)
    officer_login(another_browser, places.other_regency.code, OfficerRole.SUPERVISOR)
    page = browser.get("/desk/map", params={"focus": number.lower()}).text
    assert _point(page, number) == EXACT
    assert f'data-focus="{number}"' in page
    assert f'href="/desk/reports/{number}"' in _item(page, number)
    assert number not in another_browser.get("/desk/map").text
    detail = browser.get(f"/desk/reports/{number}").text
    assert f'href="/desk/map?focus={number}"' in detail


def test_map_pages_use_the_bundled_leaflet_and_the_tile_server_setting(
    browser: TestClient,
) -> None:
    page = browser.get("/map").text
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert "/static/vendor/leaflet/leaflet.css" in page
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    assert not EXTERNAL.search(page)
    script = browser.get("/static/vendor/leaflet/leaflet.js")
    assert script.status_code == 200
    assert "Leaflet" in script.text[:400]
    licence = (STATIC_DIR / "vendor/leaflet/LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("BSD 2-Clause License")
    csp = browser.get("/map").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org" in csp


def test_report_form_has_the_spot_picker_next_to_the_device_position(browser: TestClient) -> None:
    page = browser.get("/report/ZZ-TEST-VILLAGE").text
    assert "data-map-picker" in page
    assert "data-geo-button" in page
    assert 'name="lat"' in page
    assert not EXTERNAL.search(page)


def test_tile_settings_are_checked_and_reach_the_policy() -> None:
    with pytest.raises(ValidationError, match=r"MAP_TILE_URL 'ftp://x' must be an http\(s\) URL"):
        Settings(environment="test", map_tile_url="ftp://x")
    with pytest.raises(ValidationError, match="MAP_TILE_URL"):
        Settings(environment="test", map_tile_url="https://tiles.example/{z}/{x}.png")
    assert (
        tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    )
    policy = content_security_policy(("https://tiles.example",))
    assert "img-src 'self' data: blob: https://tiles.example;" in policy
    assert "script-src 'self';" in policy


def test_tile_server_centre_and_zoom_settings_reach_the_pages(
    engine: object, database: tuple[str, str | None], tmp_path: Path, test_profile: Profile
) -> None:
    settings = make_settings(
        database,
        tmp_path,
        map_tile_url="https://tiles.example.go.id/{z}/{x}/{y}.png",
        map_tile_attribution="Peta Dinas",
        map_center=(-5.4, 105.3),
        map_zoom=9,
    )
    with TestClient(create_app(settings, profile=test_profile)) as client:
        page = client.get("/map")
        assert 'data-tiles="https://tiles.example.go.id/{z}/{x}/{y}.png"' in page.text
        assert 'data-attribution="Peta Dinas"' in page.text
        assert 'data-centre="-5.4,105.3"' in page.text
        assert 'data-zoom="9"' in page.text
        policy = page.headers["Content-Security-Policy"]
        assert "https://tiles.example.go.id" in policy
        assert "tile.openstreetmap.org" not in policy
        form = client.get("/report/ZZ-TEST-VILLAGE").text
        assert 'data-centre="-5.4,105.3"' in form
