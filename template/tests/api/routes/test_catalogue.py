"""Catalogue: groups, services (search, group filter, language), agencies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.core.profile import Profile


def test_groups_in_both_languages(client: TestClient, profile: Profile) -> None:
    ids = client.get("/api/groups").json()
    ens = client.get("/api/groups", params={"lang": "en"}).json()
    first = profile.groups[0]
    assert ids[0] == {"code": first.code, "name": first.name.id, "icon": first.icon}
    assert ens[0]["name"] == (first.name.en or first.name.id)


def test_every_profile_service_is_listed(client: TestClient, profile: Profile) -> None:
    codes = {s["code"] for s in client.get("/api/services").json()}
    assert {s.code for s in profile.services} <= codes


def test_filter_by_group(client: TestClient, profile: Profile) -> None:
    group = profile.services[0].group
    body = client.get("/api/services", params={"group": group}).json()
    assert body
    assert {s["group"] for s in body} == {group}
    assert {s.code for s in profile.services if s.group == group} <= {s["code"] for s in body}


def test_search_by_name_and_keyword(client: TestClient, profile: Profile) -> None:
    service = profile.services[0]
    word = service.name.id.split()[0]
    body = client.get("/api/services", params={"q": word.lower()}).json()
    assert service.code in [s["code"] for s in body]
    english = (service.name.en or service.name.id).split()[0]
    body = client.get("/api/services", params={"q": english, "lang": "en"}).json()
    assert service.code in [s["code"] for s in body]
    found = client.get("/api/services", params={"q": "ujicoba"}).json()
    assert {s["code"] for s in found} >= {"ZZ-TEST-VILLAGE", "ZZ-TEST-LUAR"}
    assert client.get("/api/services", params={"q": "qqxxzz"}).json() == []


def test_service_detail_with_attributes(client: TestClient) -> None:
    body = client.get("/api/services/ZZ-TEST-VILLAGE", params={"lang": "en"}).json()
    assert body["agency_name"] == "Dinas Uji"
    assert [a["code"] for a in body["attributes"]] == ["tingkat", "jumlah"]
    assert body["attributes"][0]["values"][1] == {"key": "berat", "name": "Berat"}


def test_unknown_service_is_404(client: TestClient) -> None:
    assert client.get("/api/services/NOPE").status_code == 404


def test_bad_language_is_refused(client: TestClient) -> None:
    assert client.get("/api/services", params={"lang": "fr"}).status_code == 422


def test_agencies(client: TestClient, profile: Profile) -> None:
    body = {a["code"]: a for a in client.get("/api/agencies").json()}
    for agency in profile.agencies:
        assert body[agency.code]["external"] == agency.external
