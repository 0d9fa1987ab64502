"""News, commodity prices (table and trend chart) and linked apps."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from app.core.profile import Profile
from app.domain import prices
from app.models import NewsItem, Officer
from app.web.routes.content import chart_of, rupiah
from tests.conftest import Places


def test_news_list_and_item(browser: TestClient, session: Session) -> None:
    item = NewsItem(title="Jalan baru dibuka", summary="Ringkas", body="Isi berita\nbaris dua")
    session.add(item)
    session.commit()
    page = browser.get("/news")
    assert page.status_code == 200
    assert f'href="/news/{item.id}"' in page.text
    detail = browser.get(f"/news/{item.id}")
    assert "Isi berita" in detail.text
    assert browser.get("/news/999999").status_code == 404


def test_price_table_and_trend_chart(
    browser: TestClient, session: Session, places: Places, profile: Profile
) -> None:
    if not profile.commodities:
        return
    commodity = profile.commodities[0].code
    officer = Officer(
        email="harga@example.org",
        full_name="Petugas Harga",
        password_hash="x",
        role="operator",
        region_code=places.province.code,
    )
    session.add(officer)
    session.commit()
    today = date.today()
    for days_ago, price in ((20, 12000), (10, 12500), (1, 13250)):
        prices.record_price(
            session,
            officer,
            commodity_code=commodity,
            region_code=places.regency.code,
            observed_on=today - timedelta(days=days_ago),
            price=price,
        )
    table = browser.get("/prices", params={"region": places.regency.code})
    assert table.status_code == 200
    assert "Rp13.250" in table.text
    assert f'href="/prices/{commodity}?region={places.regency.code}"' in table.text
    trend = browser.get(f"/prices/{commodity}", params={"region": places.regency.code})
    assert trend.status_code == 200
    assert "<polyline" in trend.text
    assert 'role="img"' in trend.text
    assert "Rp12.000" in trend.text
    assert browser.get("/prices/nope").status_code == 404


def test_chart_scaling() -> None:
    assert chart_of([]) is None
    assert rupiah(1234567) == "Rp1.234.567"


def test_apps_page(browser: TestClient, profile: Profile) -> None:
    page = browser.get("/apps")
    assert page.status_code == 200
    for integration in profile.integrations:
        assert escape(integration.name) in page.text
