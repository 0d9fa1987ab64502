"""Open311 GeoReport v2 in JSON and XML, with the spec's error documents."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.profile import Profile
from app.core.security import hash_secret, new_secret
from app.models import ApiKey, OfficerRole, Report
from tests.conftest import OfficerFactory, Places, ReportFactory

BASE = "/open311/v2"
REQUESTABLE = {"report", "application"}


@pytest.fixture(scope="module")
def api_key(engine) -> str:
    from app.core.db import create_session_factory

    key = new_secret()
    with create_session_factory(engine)() as session:
        session.add(ApiKey(name="uji", key_hash=hash_secret(key), prefix=key[:8]))
        session.commit()
    return key


def _xml(response) -> ET.Element:
    assert response.headers["content-type"].startswith("text/xml")
    return ET.fromstring(response.content)


def _post(client: TestClient, fmt: str, **fields: str):
    return client.post(f"{BASE}/requests.{fmt}", data=fields)


def test_discovery(client: TestClient) -> None:
    body = client.get(f"{BASE}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = _xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]


def test_services_json_lists_requestable_services(client: TestClient, profile: Profile) -> None:
    body = client.get(f"{BASE}/services.json").json()
    codes = [s["service_code"] for s in body]
    expected = [s.code for s in profile.services if s.kind in REQUESTABLE]
    assert [c for c in codes if not c.startswith("ZZ-TEST")] == expected
    first = next(s for s in body if s["service_code"] == "ZZ-TEST-VILLAGE")
    assert first == {
        "service_code": "ZZ-TEST-VILLAGE",
        "service_name": "Uji Desa",
        "description": "Layanan uji",
        "metadata": True,
        "type": "realtime",
        "keywords": "ujicoba",
        "group": "Grup Uji",
    }


def test_services_xml(client: TestClient) -> None:
    root = _xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    service = next(
        s for s in root.findall("service") if s.findtext("service_code") == "ZZ-TEST-VILLAGE"
    )
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"


def test_service_definition_json(client: TestClient, profile: Profile) -> None:
    body = client.get(f"{BASE}/services/ZZ-TEST-VILLAGE.json").json()
    assert body["service_code"] == "ZZ-TEST-VILLAGE"
    first = body["attributes"][0]
    assert set(first) == {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    }
    assert first["variable"] is True
    assert first["datatype"] == "singlevaluelist"
    assert first["values"] == [
        {"key": "ringan", "name": "Ringan"},
        {"key": "berat", "name": "Berat"},
    ]
    assert body["attributes"][1]["datatype"] == "number"
    for service in profile.services:
        if service.kind in REQUESTABLE:
            definition = client.get(f"{BASE}/services/{service.code}.json").json()
            assert [a["code"] for a in definition["attributes"]] == [
                a.code for a in sorted(service.attributes, key=lambda a: a.order)
            ]


def test_service_definition_xml(client: TestClient) -> None:
    root = _xml(client.get(f"{BASE}/services/ZZ-TEST-VILLAGE.xml"))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("code") == "tingkat"
    assert attribute.findtext("required") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["ringan", "berat"]


def test_errors_in_both_formats(client: TestClient) -> None:
    response = client.get(f"{BASE}/services/NOPE.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "Layanan 'NOPE' tidak ada."}]
    english = {"Accept-Language": "en-GB,en;q=0.8"}
    response = client.get(f"{BASE}/services/NOPE.xml", headers=english)
    assert response.status_code == 404
    root = _xml(response)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert root.findtext("error/description") == "Service 'NOPE' does not exist."
    bad_format = client.get(f"{BASE}/services.yaml")
    assert bad_format.status_code == 404
    assert bad_format.json()[0]["description"].startswith("Format 'yaml' is not supported")


def test_post_requires_a_valid_api_key(client: TestClient, places: Places) -> None:
    fields = {
        "service_code": "ZZ-TEST-PROVINCE",
        "address_id": places.village.code,
        "description": "x",
    }
    missing = _post(client, "json", **fields)
    assert missing.status_code == 403
    assert missing.json() == [
        {"code": 403, "description": "api_key is required to submit a service request."}
    ]
    wrong = _post(client, "xml", **fields, api_key="wrong")
    assert wrong.status_code == 403
    assert _xml(wrong).findtext("error/description") == "The api_key is not valid."


def test_post_validates_attributes(client: TestClient, places: Places, api_key: str) -> None:
    fields = {
        "api_key": api_key,
        "service_code": "ZZ-TEST-VILLAGE",
        "address_id": places.village.code,
        "description": "Lampu padam",
    }
    missing = _post(client, "json", **fields)
    assert missing.status_code == 400
    assert missing.json()[0]["description"] == "Isian 'tingkat' wajib untuk layanan ini."
    english = client.post(
        f"{BASE}/requests.json", data=fields, headers={"Accept-Language": "en"}
    ).json()[0]["description"]
    assert english == "Attribute 'tingkat' is required for this service."
    wrong = _post(client, "json", **fields, **{"attribute[tingkat]": "parah"})
    assert wrong.status_code == 400
    unknown = _post(
        client, "json", **fields, **{"attribute[tingkat]": "ringan", "attribute[x]": "1"}
    )
    assert unknown.status_code == 400
    no_location = _post(client, "json", api_key=api_key, service_code="ZZ-TEST-PROVINCE")
    assert no_location.status_code == 400
    bad_lat = _post(
        client, "json", api_key=api_key, service_code="ZZ-TEST-PROVINCE", lat="x", long="1"
    )
    assert bad_lat.status_code == 400
    unknown_service = _post(
        client, "json", api_key=api_key, service_code="NOPE", lat="-5", long="105"
    )
    assert unknown_service.status_code == 404


def test_post_then_read_request_token_and_list(
    client: TestClient, places: Places, api_key: str, profile: Profile, session: Session
) -> None:
    created = _post(
        client,
        "json",
        api_key=api_key,
        service_code="ZZ-TEST-VILLAGE",
        address_id=places.village.code,
        lat="-5.4",
        long="105.2",
        description="Jalan desa rusak",
        email="warga@example.org",
        first_name="Budi",
        **{"attribute[tingkat]": "berat", "attribute[jumlah]": "2"},
    )
    assert created.status_code == 201, created.text
    answer = created.json()[0]
    number = answer["service_request_id"]
    assert "token" not in answer  # a realtime service answers the id, not a token
    token = session.scalar(select(Report.token).where(Report.tracking_number == number))
    assert answer["service_notice"] == "Ditangani oleh Dinas Uji."
    again = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": api_key,
            "service_code": "ZZ-TEST-PROVINCE",
            "address_id": places.village.code,
            "description": "Laporan kedua",
        },
        headers={"Accept-Language": "en-US,en;q=0.9,id;q=0.5"},
    )
    assert again.json()[0]["service_notice"] == "Handled by Dinas Uji."

    by_token = client.get(f"{BASE}/tokens/{token}.json").json()
    assert by_token == [{"service_request_id": number, "token": token}]
    assert (
        _xml(client.get(f"{BASE}/tokens/{token}.xml")).findtext("request/service_request_id")
        == number
    )

    request = client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert request["service_request_id"] == number
    assert request["status"] == "open"
    assert request["service_code"] == "ZZ-TEST-VILLAGE"
    assert request["agency_responsible"] == "Dinas Uji"
    assert request["description"] is None  # private by default
    assert request["lat"] is None
    requested = datetime.fromisoformat(request["requested_datetime"])
    expected = datetime.fromisoformat(request["expected_datetime"])
    assert expected - requested >= timedelta(days=3)

    root = _xml(client.get(f"{BASE}/requests/{number}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == number
    assert root.findtext("request/expected_datetime") == request["expected_datetime"]

    listed = client.get(f"{BASE}/requests.json", params={"service_request_id": f"{number},NOPE"})
    assert [r["service_request_id"] for r in listed.json()] == [number]
    by_code = client.get(f"{BASE}/requests.json", params={"service_code": "ZZ-TEST-VILLAGE"}).json()
    assert number not in [r["service_request_id"] for r in by_code]  # private: not listed
    closed = client.get(
        f"{BASE}/requests.json", params={"service_code": "ZZ-TEST-VILLAGE", "status": "closed"}
    ).json()
    assert number not in [r["service_request_id"] for r in closed]
    future = client.get(f"{BASE}/requests.json", params={"start_date": "2999-01-01T00:00:00Z"})
    assert future.json() == []
    recent = client.get(
        f"{BASE}/requests.xml", params={"start_date": "2000-01-01T00:00:00+07:00", "status": "open"}
    )
    assert number not in [r.findtext("service_request_id") for r in _xml(recent).findall("request")]


def test_list_errors(client: TestClient) -> None:
    bad_date = client.get(f"{BASE}/requests.json", params={"start_date": "kemarin"})
    assert bad_date.status_code == 400
    assert bad_date.json()[0]["description"].startswith("start_date must be a W3C date-time")
    bad_status = client.get(f"{BASE}/requests.xml", params={"status": "pending"})
    assert bad_status.status_code == 400
    assert _xml(bad_status).findtext("error/code") == "400"
    assert client.get(f"{BASE}/requests/NOPE.json").status_code == 404
    assert client.get(f"{BASE}/tokens/nope.json").status_code == 404


def test_public_reports_show_content_and_closed_status(
    client: TestClient,
    file_report: ReportFactory,
    places: Places,
    officer_headers: OfficerFactory,
    session: Session,
) -> None:
    number = file_report(
        "ZZ-TEST-PROVINCE",
        places.village.code,
        is_public="true",
        exact_location_public="true",
        address="Jl. Terbuka 1",
    )["tracking_number"]
    headers = officer_headers(places.province.code, OfficerRole.OPERATOR)
    client.post(
        f"/api/desk/reports/{number}/transitions",
        headers=headers,
        json={"to_status": "Ditolak", "note": "Duplikat"},
    )
    request = client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert request["status"] == "closed"
    assert request["description"] == "Laporan uji otomatis"
    assert request["address"] == "Jl. Terbuka 1"
    assert request["status_notes"] == "Duplikat"


def test_public_lists_show_rounded_places_and_no_private_reports(
    client: TestClient, file_report: ReportFactory, places: Places
) -> None:
    public = file_report(
        "ZZ-TEST-PROVINCE",
        places.village.code,
        is_public="true",
        lat="-5.429871",
        long="105.261234",
        address="Jl. Rumah Saya 7",
    )["tracking_number"]
    exact = file_report(
        "ZZ-TEST-PROVINCE",
        places.village.code,
        is_public="true",
        exact_location_public="true",
        lat="-5.429871",
        long="105.261234",
    )["tracking_number"]
    private = file_report(
        "ZZ-TEST-PROVINCE", places.village.code, description="Pungutan liar di kantor"
    )["tracking_number"]
    listed = {
        r["service_request_id"]: r
        for r in client.get(
            f"{BASE}/requests.json", params={"service_code": "ZZ-TEST-PROVINCE"}
        ).json()
    }
    assert private not in listed
    assert (listed[public]["lat"], listed[public]["long"]) == (-5.43, 105.261)
    assert listed[public]["address"] is None
    assert "Rumah Saya" not in client.get(f"{BASE}/requests/{public}.xml").text
    assert (listed[exact]["lat"], listed[exact]["long"]) == (-5.429871, 105.261234)
    by_number = client.get(f"{BASE}/requests/{private}.json").json()[0]
    assert by_number["status"] == "open"
    assert by_number["description"] is None
    assert by_number["lat"] is None
