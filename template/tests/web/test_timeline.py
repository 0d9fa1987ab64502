"""The public timeline on the tracking page: public notes, rejection reason, unit, evidence."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import PNG, OfficerFactory, Places, ReportFactory, finish_report
from tests.web.test_track import file_through_pages


def _move(
    client: TestClient, number: str, headers: dict[str, str], status: str, **body: object
) -> None:
    answer = client.post(
        f"/api/desk/reports/{number}/transitions",
        headers=headers,
        json={"to_status": status, **body},
    )
    assert answer.status_code == 200, answer.text


def test_rejection_reason_is_public_and_the_due_date_goes(
    browser: TestClient,
    another_browser: TestClient,
    places: Places,
    officer_headers: OfficerFactory,
) -> None:
    number = file_through_pages(browser, places)
    before = another_browser.get(f"/track/{number}").text
    assert "Tenggat" in before
    assert "data-handling-unit" in before
    officer = officer_headers(places.district.code)
    _move(browser, number, officer, "Ditolak", note="Bukan wewenang <b>kami</b>")
    page = another_browser.get(f"/track/{number}").text
    assert "Alasan penolakan:" in page
    assert "Bukan wewenang &lt;b&gt;kami&lt;/b&gt;" in page
    assert "<b>kami</b>" not in page
    assert 'data-step="Ditolak"' in page
    assert "Tenggat" not in page
    tracked = another_browser.get(f"/api/track/{number}").json()
    assert tracked["due_at"] is None
    assert tracked["history"][-1]["note"] == "Bukan wewenang <b>kami</b>"


def test_notes_are_public_only_when_the_officer_says_so(
    browser: TestClient,
    another_browser: TestClient,
    places: Places,
    officer_headers: OfficerFactory,
) -> None:
    number = file_through_pages(browser, places)
    officer = officer_headers(places.district.code)
    _move(browser, number, officer, "Koordinasi", note="Catatan internal petugas")
    _move(browser, number, officer, "Proses", note="Tim sudah berangkat", note_public=True)
    page = another_browser.get(f"/track/{number}").text
    assert "Tim sudah berangkat" in page
    assert "Catatan internal petugas" not in page
    history = another_browser.get(f"/api/track/{number}").json()["history"]
    assert [step["note"] for step in history] == [None, None, "Tim sudah berangkat"]


def test_completion_shows_the_note_the_photo_and_the_handling_unit(
    browser: TestClient,
    another_browser: TestClient,
    places: Places,
    officer_headers: OfficerFactory,
) -> None:
    number = file_through_pages(browser, places)
    finish_report(browser, number, officer_headers(places.district.code), note="Lampu diganti")
    tracked = another_browser.get(f"/api/track/{number}").json()
    assert tracked["due_at"] is None
    assert tracked["handling_unit"].startswith("Dinas Uji")
    done = tracked["history"][-1]
    assert done["status"] == "Selesai"
    assert done["note"] == "Lampu diganti"
    assert len(done["evidence"]) == 1
    page = another_browser.get(f"/track/{number}").text
    assert "Lampu diganti" in page
    assert "Tenggat" not in page
    photo = another_browser.get(f"/track/{number}/evidence/{done['evidence'][0]}")
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/png"
    assert photo.content.startswith(b"\x89PNG")
    assert another_browser.get(f"/track/{number}/evidence/999999").status_code == 404


def test_evidence_is_refused_before_proses_and_for_non_images(
    client: TestClient, browser: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_through_pages(browser, places)
    officer = officer_headers(places.district.code)
    url = f"/api/desk/reports/{number}/evidence"
    early = client.post(url, headers=officer, files={"photo": ("a.png", PNG, "image/png")})
    assert early.status_code == 422
    assert "this one is Menunggu" in early.json()["detail"]
    _move(client, number, officer, "Proses")
    bad = client.post(url, headers=officer, files={"photo": ("a.png", b"<svg/>", "image/png")})
    assert bad.status_code == 415
    if places.other_regency is not None:
        stranger = officer_headers(places.other_regency.code)
        photo = {"photo": ("a.png", PNG, "image/png")}
        assert client.post(url, headers=stranger, files=photo).status_code == 404


def test_open311_status_notes_show_only_public_notes(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    number = file_report("ZZ-TEST-VILLAGE", places.village.code, is_public="true")[
        "tracking_number"
    ]
    officer = officer_headers(places.village.code)
    _move(client, number, officer, "Disposisi", note="Catatan internal")
    url = f"/open311/v2/requests/{number}.json"
    assert client.get(url).json()[0]["status_notes"] is None
    _move(client, number, officer, "Proses", note="Perbaikan dijadwalkan", note_public=True)
    assert client.get(url).json()[0]["status_notes"] == "Perbaikan dijadwalkan"
