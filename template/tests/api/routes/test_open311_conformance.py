"""Open311 GeoReport v2 conformance: optional description, 403 without a key, realtime answers,
400 for an unknown address_id, and date ranges of at most 90 days."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import hash_secret, new_secret
from app.models import ApiKey, Report, ReportStatus
from tests.conftest import Places

BASE = "/open311/v2"


@pytest.fixture(scope="module")
def api_key(engine) -> str:
    from app.core.db import create_session_factory

    key = new_secret()
    with create_session_factory(engine)() as session:
        session.add(ApiKey(name="uji-spec", key_hash=hash_secret(key), prefix=key[:8]))
        session.commit()
    return key


def _post(client: TestClient, fmt: str = "json", **fields: str):
    return client.post(f"{BASE}/requests.{fmt}", data=fields)


def test_description_may_be_left_out_when_attributes_carry_the_report(
    client: TestClient, places: Places, api_key: str, session: Session
) -> None:
    created = _post(
        client,
        api_key=api_key,
        service_code="ZZ-TEST-VILLAGE",
        address_id=places.village.code,
        **{"attribute[tingkat]": "berat", "attribute[jumlah]": "2"},
    )
    assert created.status_code == 201, created.text
    number = created.json()[0]["service_request_id"]
    stored = session.scalar(select(Report.description).where(Report.tracking_number == number))
    assert stored == "Tingkat: Berat; Jumlah: 2"


def test_description_is_still_required_without_attributes(
    client: TestClient, places: Places, api_key: str
) -> None:
    plain = _post(
        client, api_key=api_key, service_code="ZZ-TEST-PROVINCE", address_id=places.village.code
    )
    assert plain.status_code == 400
    assert plain.json() == [{"code": 400, "description": "Uraian laporan wajib diisi."}]
    # a service with attributes, but none sent and no description: nothing carries the report
    empty = _post(
        client, api_key=api_key, service_code="ZZ-TEST-VILLAGE", address_id=places.village.code
    )
    assert empty.status_code == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_api_key_is_403(client: TestClient, places: Places, fmt: str) -> None:
    answer = _post(
        client,
        fmt,
        service_code="ZZ-TEST-PROVINCE",
        address_id=places.village.code,
        description="Tanpa kunci",
    )
    assert answer.status_code == 403
    if fmt == "xml":
        assert ET.fromstring(answer.content).findtext("error/code") == "403"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_realtime_service_answers_the_request_id_and_no_token(
    client: TestClient, places: Places, api_key: str, fmt: str
) -> None:
    types = {s["type"] for s in client.get(f"{BASE}/services.json").json()}
    assert types == {"realtime"}
    created = _post(
        client,
        fmt,
        api_key=api_key,
        service_code="ZZ-TEST-PROVINCE",
        address_id=places.village.code,
        description="Lampu jalan padam",
    )
    assert created.status_code == 201, created.text
    if fmt == "json":
        answer = created.json()[0]
        assert answer["service_request_id"]
        assert "token" not in answer
    else:
        request = ET.fromstring(created.content).find("request")
        assert request is not None
        assert request.findtext("service_request_id")
        assert request.find("token") is None


def test_unknown_address_id_is_400_and_unknown_service_404(
    client: TestClient, api_key: str
) -> None:
    fields = {"api_key": api_key, "description": "Di mana?", "address_id": "99.99.99.9999"}
    unknown_place = _post(client, service_code="ZZ-TEST-PROVINCE", **fields)
    assert unknown_place.status_code == 400
    assert unknown_place.json() == [
        {"code": 400, "description": "Wilayah '99.99.99.9999' tidak ada."}
    ]
    unknown_service = _post(client, service_code="NOPE", **fields)
    assert unknown_service.status_code == 404


def _report_at(session: Session, places: Places, created: datetime, number: str) -> None:
    session.add(
        Report(
            tracking_number=number,
            token=new_secret(16),
            service_code="ZZ-TEST-PROVINCE",
            description="Laporan lama",
            attributes={},
            handling_agency_code="ZZ-TEST-DINAS",
            handling_region_code=places.province.code,
            status=ReportStatus.MENUNGGU,
            is_public=True,
            created_at=created,
            updated_at=created,
            due_at=created + timedelta(days=3),
        )
    )
    session.commit()


def _listed(client: TestClient, **params: str) -> list[str]:
    answer = client.get(f"{BASE}/requests.json", params=params)
    assert answer.status_code == 200, answer.text
    return [r["service_request_id"] for r in answer.json()]


def test_date_ranges_span_at_most_90_days(
    client: TestClient, places: Places, session: Session
) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    _report_at(session, places, start + timedelta(days=10), "SPEC-2020-0010")
    _report_at(session, places, start + timedelta(days=100), "SPEC-2020-0100")

    too_long = client.get(
        f"{BASE}/requests.xml",
        params={"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-04-01T00:00:01Z"},
    )
    assert too_long.status_code == 400
    assert ET.fromstring(too_long.content).findtext("error/description") == (
        "start_date and end_date may not span more than 90 days; ask for a shorter range."
    )
    backwards = client.get(
        f"{BASE}/requests.json",
        params={"start_date": "2020-02-01T00:00:00Z", "end_date": "2020-01-01T00:00:00Z"},
    )
    assert backwards.status_code == 400
    # 90 days exactly is allowed
    assert _listed(client, start_date="2020-01-01T00:00:00Z", end_date="2020-03-31T00:00:00Z") == [
        "SPEC-2020-0010"
    ]
    # one bound alone: a 90-day window from it
    assert _listed(client, start_date="2020-01-01T00:00:00Z") == ["SPEC-2020-0010"]
    assert _listed(client, end_date="2020-04-11T00:00:00Z") == ["SPEC-2020-0100"]
    assert _listed(client, start_date="2020-01-05T00:00:00Z", service_code="ZZ-TEST-PROVINCE") == [
        "SPEC-2020-0010"
    ]
