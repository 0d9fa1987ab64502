"""The reporter's browser subscribes to web push from the tracking page; nobody else can."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import PushSubscription, Report
from tests.conftest import Places
from tests.web.conftest import post_form
from tests.web.test_track import file_through_pages

SUBSCRIPTION = {"endpoint": "https://push.example.org/s/1", "p256dh": "BPk", "auth": "c2VjcmV0"}


def test_reporter_subscribes_and_a_stranger_cannot(
    browser: TestClient, another_browser: TestClient, session: Session, places: Places
) -> None:
    number = file_through_pages(browser, places)
    page = browser.get(f"/track/{number}").text
    assert "data-push-key=" in page
    assert "data-push-key=" not in another_browser.get(f"/track/{number}").text
    url = f"/track/{number}/push"
    made = post_form(browser, "/login", url, SUBSCRIPTION)
    assert made.status_code == 201
    assert "diberi tahu" in made.json()["detail"]
    again = post_form(browser, "/login", url, SUBSCRIPTION)
    assert again.status_code == 201
    report = session.scalars(select(Report).where(Report.tracking_number == number)).one()
    stored = session.scalars(
        select(PushSubscription).where(PushSubscription.report_id == report.id)
    ).all()
    assert [s.endpoint for s in stored] == [SUBSCRIPTION["endpoint"]]
    plain = post_form(browser, "/login", url, {**SUBSCRIPTION, "endpoint": "http://x"})
    assert plain.status_code == 422
    stranger = post_form(another_browser, f"/track/{number}", url, SUBSCRIPTION)
    assert stranger.status_code == 403
    assert post_form(browser, "/login", url, {}).status_code == 422
