"""Desk administration pages: officers, API keys, news with an image, prices, linked apps, audit."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date, timedelta

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import Engine, select

from app.core.db import create_session_factory
from app.core.security import hash_secret
from app.models import (
    AdminEvent,
    ApiKey,
    CommodityPrice,
    Integration,
    NewsItem,
    Officer,
    OfficerRole,
)
from tests.conftest import PNG, Places, add_officer
from tests.web.conftest import Login, post_form

SECRET = re.compile(r'<code class="secret">([^<]+)</code>')


def _events(engine: Engine, action: str) -> list[AdminEvent]:
    with create_session_factory(engine)() as session:
        return list(session.scalars(select(AdminEvent).where(AdminEvent.action == action)))


def _new_officer(client: TestClient, region: str, role: str = "operator", **extra: str) -> object:
    email = f"baru-{secrets.token_hex(4)}@example.go.id"
    data = {"full_name": "Petugas Baru", "email": email, "role": role, "region_code": region}
    return post_form(client, "/desk/admin/officers", "/desk/admin/officers", {**data, **extra})


def test_admin_creates_an_officer_who_can_log_in_then_deactivates_them(
    browser: TestClient,
    another_browser: TestClient,
    officer_login: Login,
    places: Places,
    engine: Engine,
) -> None:
    admin = officer_login(browser, places.regency.code, role=OfficerRole.ADMIN)
    answer = _new_officer(browser, places.district.code)
    assert answer.status_code == 201, answer.text
    password = SECRET.search(answer.text)
    assert password, "the initial password is shown once"
    with create_session_factory(engine)() as session:
        created = session.scalars(select(Officer).order_by(Officer.id.desc())).first()
        assert created is not None
        assert created.region_code == places.district.code
        email, officer_id = created.email, created.id
    login = post_form(
        another_browser,
        "/desk/login",
        "/desk/login",
        {"email": email, "password": password.group(1)},
    )
    assert login.status_code == 303
    assert another_browser.get("/desk").status_code == 200
    # the password is never shown again
    assert password.group(1) not in browser.get("/desk/admin/officers").text
    off = post_form(
        browser,
        "/desk/admin/officers",
        f"/desk/admin/officers/{officer_id}/active",
        {"active": "0"},
    )
    assert off.status_code == 303
    assert another_browser.get("/desk").status_code == 303  # their session ended
    events = [e for e in _events(engine, "officer.create") if e.target == email]
    assert events
    assert events[0].officer_id == admin.id
    assert [e for e in _events(engine, "officer.deactivate") if e.target == email]


def test_admin_resets_a_password_and_the_old_one_stops_working(
    browser: TestClient,
    another_browser: TestClient,
    officer_login: Login,
    places: Places,
    engine: Engine,
) -> None:
    officer_login(browser, places.regency.code, role=OfficerRole.ADMIN)
    worker = officer_login(another_browser, places.village.code)
    answer = post_form(
        browser, "/desk/admin/officers", f"/desk/admin/officers/{worker.id}/password", {}
    )
    assert answer.status_code == 200
    new = SECRET.search(answer.text)
    assert new
    assert worker.email in answer.text
    assert another_browser.get("/desk").status_code == 303
    login = post_form(
        another_browser,
        "/desk/login",
        "/desk/login",
        {"email": worker.email, "password": new.group(1)},
    )
    assert login.status_code == 303
    assert [e for e in _events(engine, "officer.reset_password") if e.target == worker.email]


def test_admin_scope_officers_outside_or_beside_are_refused(
    browser: TestClient,
    another_browser: TestClient,
    officer_login: Login,
    places: Places,
    engine: Engine,
    password_hash: str,
) -> None:
    officer_login(browser, places.district.code, role=OfficerRole.ADMIN)
    assert _new_officer(browser, places.regency.code).status_code == 403
    # a new admin needs a region below the admin's own
    assert _new_officer(browser, places.district.code, role="admin").status_code == 403
    assert _new_officer(browser, places.village.code, role="admin").status_code == 201
    peer = officer_login(another_browser, places.district.code, role=OfficerRole.ADMIN)
    outside = add_officer(engine, password_hash, places.regency.code)
    page = browser.get("/desk/admin/officers").text
    assert outside.email not in page
    for target in (peer, outside):
        answer = post_form(
            browser, "/desk/admin/officers", f"/desk/admin/officers/{target.id}/password", {}
        )
        assert answer.status_code == 404


def test_hostile_officer_form_values_are_refused_with_a_message(
    browser: TestClient, officer_login: Login, places: Places
) -> None:
    officer_login(browser, places.regency.code, role=OfficerRole.ADMIN)
    bad = _new_officer(browser, places.village.code, role="emperor")
    assert bad.status_code == 422
    assert "role" in bad.text
    bad = post_form(
        browser,
        "/desk/admin/officers",
        "/desk/admin/officers",
        {
            "full_name": "<script>x</script>",
            "email": "not-an-email",
            "role": "operator",
            "region_code": "99.99",
        },
    )
    assert bad.status_code == 422
    assert "<script>x</script>" not in bad.text


def test_operators_have_no_officer_or_key_pages(
    browser: TestClient, officer_login: Login, places: Places
) -> None:
    officer_login(browser, places.village.code)
    assert browser.get("/desk/admin/officers").status_code == 403
    assert browser.get("/desk/admin/keys").status_code == 403
    assert browser.get("/desk/admin").status_code == 200


def test_province_admin_issues_a_key_shown_once_and_revokes_it(
    browser: TestClient, officer_login: Login, places: Places, engine: Engine
) -> None:
    officer_login(browser, places.province.code, role=OfficerRole.ADMIN)
    answer = post_form(browser, "/desk/admin/keys", "/desk/admin/keys", {"name": "Kota Metro"})
    assert answer.status_code == 201
    key = SECRET.search(answer.text)
    assert key
    with create_session_factory(engine)() as session:
        stored = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(key.group(1))))
        assert stored is not None
        assert stored.active
        key_id = stored.id
    assert key.group(1) not in browser.get("/desk/admin/keys").text
    revoked = post_form(browser, "/desk/admin/keys", f"/desk/admin/keys/{key_id}/revoke", {})
    assert revoked.status_code == 303
    with create_session_factory(engine)() as session:
        assert session.get(ApiKey, key_id).active is False  # type: ignore[union-attr]
    assert _events(engine, "api_key.issue")
    assert _events(engine, "api_key.revoke")
    empty = post_form(browser, "/desk/admin/keys", "/desk/admin/keys", {"name": "  "})
    assert empty.status_code == 422


def test_regency_admin_may_not_issue_keys(
    browser: TestClient, officer_login: Login, places: Places
) -> None:
    officer_login(browser, places.regency.code, role=OfficerRole.ADMIN)
    assert browser.get("/desk/admin/keys").status_code == 403


def test_news_with_an_image_is_published_and_shown(
    browser: TestClient, officer_login: Login, places: Places, engine: Engine
) -> None:
    officer_login(browser, places.province.code, role=OfficerRole.SUPERVISOR)
    title = f"Jalan baru {secrets.token_hex(3)}"
    answer = post_form(
        browser,
        "/desk/admin/news",
        "/desk/admin/news",
        {"title": title, "summary": "Ringkas", "body": "Isi berita", "lang": "id", "publish": "1"},
        files={"image": ("foto.png", PNG, "image/png")},
    )
    assert answer.status_code == 303, answer.text
    with create_session_factory(engine)() as session:
        item = session.scalar(select(NewsItem).where(NewsItem.title == title))
        assert item is not None
        assert item.published
        assert item.image_key
        item_id = item.id
    page = browser.get(f"/news/{item_id}")
    assert page.status_code == 200
    assert f"/news/{item_id}/image" in page.text
    image = browser.get(f"/news/{item_id}/image")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    down = post_form(
        browser, "/desk/admin/news", f"/desk/admin/news/{item_id}/publish", {"publish": "0"}
    )
    assert down.status_code == 303
    assert browser.get(f"/news/{item_id}").status_code == 404
    assert browser.get(f"/news/{item_id}/image").status_code == 404
    bad = post_form(
        browser,
        "/desk/admin/news",
        "/desk/admin/news",
        {"title": "x", "body": "y"},
        files={"image": ("a.png", b"not a png", "image/png")},
    )
    assert bad.status_code == 415


def test_prices_entered_and_imported_show_on_the_prices_page(
    browser: TestClient, officer_login: Login, places: Places, engine: Engine
) -> None:
    officer_login(browser, places.regency.code)
    page = browser.get("/desk/admin/prices")
    select_html = page.text.split('name="commodity_code"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([^"]+)"', select_html)
    assert options
    code = options[-1]  # another test records prices of the first commodity
    answer = post_form(
        browser,
        "/desk/admin/prices",
        "/desk/admin/prices",
        {
            "commodity_code": code,
            "region_code": places.regency.code,
            "observed_on": (date.today() - timedelta(days=3)).isoformat(),
            "price": "14750",
        },
    )
    assert answer.status_code == 303, answer.text
    assert "14.750" in browser.get(f"/prices?region={places.regency.code}").text
    csv_text = (
        f"commodity_code,region_code,observed_on,price\n"
        f"{code},{places.regency.code},{date.today() - timedelta(days=2)},15100\n"
    )
    imported = post_form(
        browser,
        "/desk/admin/prices",
        "/desk/admin/prices/import",
        {},
        files={"file": ("harga.csv", csv_text.encode(), "text/csv")},
    )
    assert imported.status_code == 200
    assert "1" in imported.text
    assert "15.100" in browser.get(f"/prices?region={places.regency.code}").text
    assert _events(engine, "prices.enter")
    assert _events(engine, "prices.import")


def test_a_bad_price_csv_names_the_line_and_saves_nothing(
    browser: TestClient, officer_login: Login, places: Places, engine: Engine
) -> None:
    officer_login(browser, places.regency.code)
    page = browser.get("/desk/admin/prices")
    code = re.search(r'name="commodity_code" required>\s*<option value="([^"]+)"', page.text)
    assert code
    rows = [
        "commodity_code,region_code,observed_on,price",
        f"{code.group(1)},{places.regency.code},2026-10-01,9000",
        f"{code.group(1)},{places.regency.code},2026-10-02,sembilan",
    ]
    answer = post_form(
        browser,
        "/desk/admin/prices",
        "/desk/admin/prices/import",
        {},
        files={"file": ("h.csv", "\n".join(rows).encode(), "text/csv")},
    )
    assert answer.status_code == 422
    assert "h.csv:3" in answer.text
    other = places.other_regency.code if places.other_regency else places.province.code
    outside = "\n".join([rows[0], f"{code.group(1)},{other},2026-10-01,9000"])
    answer = post_form(
        browser,
        "/desk/admin/prices",
        "/desk/admin/prices/import",
        {},
        files={"file": ("o.csv", outside.encode(), "text/csv")},
    )
    assert answer.status_code == (403 if places.other_regency else 422)  # outside, or no regency
    assert "o.csv:2" in answer.text
    with create_session_factory(engine)() as session:
        saved = session.scalars(
            select(CommodityPrice.price).where(CommodityPrice.observed_on == date(2026, 10, 1))
        ).all()
        assert 9000 not in saved
    header = post_form(
        browser,
        "/desk/admin/prices",
        "/desk/admin/prices/import",
        {},
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert header.status_code == 422
    assert "x.csv:1" in header.text


def test_province_admin_switches_a_linked_app(
    browser: TestClient, officer_login: Login, places: Places, engine: Engine
) -> None:
    with create_session_factory(engine)() as session:
        item = session.scalars(select(Integration).where(Integration.active.is_(True))).first()
        if item is None:
            item = Integration(
                code=f"uji-{secrets.token_hex(3)}",
                name="Aplikasi Uji",
                url="https://example.org",
                audience="citizens",
                description={"id": "Uji", "en": "Test"},
            )
            session.add(item)
            session.commit()
        code, name = item.code, item.name
    officer_login(browser, places.province.code, role=OfficerRole.ADMIN)
    assert (
        post_form(
            browser, "/desk/admin/apps", f"/desk/admin/apps/{code}", {"active": "0"}
        ).status_code
        == 303
    )
    assert str(escape(name)) not in browser.get("/apps").text
    assert (
        post_form(
            browser, "/desk/admin/apps", f"/desk/admin/apps/{code}", {"active": "1"}
        ).status_code
        == 303
    )
    assert str(escape(name)) in browser.get("/apps").text
    audit = browser.get("/desk/admin").text
    assert code in audit


def test_officers_created_through_the_api_are_in_the_audit_trail(
    client: TestClient,
    officer_headers: Callable[..., dict[str, str]],
    places: Places,
    engine: Engine,
) -> None:
    headers = officer_headers(places.regency.code, OfficerRole.ADMIN)
    email = f"api-{secrets.token_hex(4)}@example.go.id"
    body = {
        "email": email,
        "full_name": "Lewat API",
        "role": "operator",
        "region_code": places.village.code,
        "password": "rahasia-sekali-123",
    }
    assert client.post("/api/officers", headers=headers, json=body).status_code == 201
    assert [e for e in _events(engine, "officer.create") if e.target == email]
    again = client.post("/api/officers", headers=headers, json=body)
    assert again.status_code == 409
    assert len([e for e in _events(engine, "officer.create") if e.target == email]) == 1
