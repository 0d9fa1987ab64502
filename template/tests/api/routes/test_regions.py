"""Regions: children, detail with ancestors, search."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.profile import Profile
from app.domain.seed import seed_regions
from tests.api.routes.test_open311_queries import counted
from tests.conftest import Places

SEARCH = "/api/regions/search"


def test_top_level_lists_the_regencies(client: TestClient, profile: Profile) -> None:
    body = client.get("/api/regions").json()
    expected = sorted(r.code for r in profile.regions if r.parent == profile.province.code)
    assert [r["code"] for r in body] == expected
    assert all(r["level"] == 2 for r in body)


def test_children_of_a_district(client: TestClient, profile: Profile, places: Places) -> None:
    body = client.get("/api/regions", params={"parent": places.district.code}).json()
    expected = sorted(r.code for r in profile.regions if r.parent == places.district.code)
    assert [r["code"] for r in body] == expected
    assert places.village.code in expected


def test_unknown_parent_is_404(client: TestClient) -> None:
    response = client.get("/api/regions", params={"parent": "99.99.99"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Region '99.99.99' does not exist."}


def test_detail_has_ancestors(client: TestClient, places: Places) -> None:
    body = client.get(f"/api/regions/{places.village.code}").json()
    assert body["name"] == places.village.name
    assert [a["code"] for a in body["ancestors"]] == [
        places.province.code,
        places.regency.code,
        places.district.code,
    ]


def test_search_is_case_insensitive(client: TestClient, places: Places) -> None:
    name = places.village.name
    for query in (name, name.upper(), name.lower()):
        body = client.get("/api/regions/search", params={"q": query, "limit": 100}).json()
        assert places.village.code in [r["code"] for r in body]


def test_search_matches_word_starts(client: TestClient, places: Places) -> None:
    last_word = places.regency.name.split()[-1]
    body = client.get("/api/regions/search", params={"q": last_word, "limit": 100}).json()
    assert places.regency.code in [r["code"] for r in body]
    assert body == sorted(body, key=lambda r: (r["level"], r["name"], r["code"]))


def test_search_without_match(client: TestClient) -> None:
    assert client.get("/api/regions/search", params={"q": "qqxxzz"}).json() == []


def test_search_needs_letters(client: TestClient) -> None:
    response = client.get("/api/regions/search", params={"q": "--"})
    assert response.status_code == 422


def _entry(region: Any) -> dict[str, Any]:
    fields = ("code", "parent", "level", "kind", "name", "postal_code")
    entry = {name: getattr(region, name) for name in fields}
    entry["parent_code"] = entry.pop("parent")
    return entry


def test_a_search_answer_is_reused_until_the_regions_are_seeded_again(
    client: TestClient, session: Session, test_profile: Profile, places: Places
) -> None:
    words = {"q": "Qozwaldi"}
    assert client.get(SEARCH, params=words).json() == []
    with counted(client) as statements:
        assert client.get(SEARCH, params=words).json() == []
    assert [s for s in statements if "app_meta" not in s] == []  # answered from memory
    everything = [_entry(region) for region in test_profile.regions]
    village = {**_entry(places.village), "code": places.district.code + ".2999", "name": "Qozwaldi"}
    seed_regions(session, [*everything, village])
    session.commit()
    try:
        found = client.get(SEARCH, params=words).json()
        assert [region["code"] for region in found] == [village["code"]]  # at once
    finally:
        seed_regions(session, everything)
        session.commit()
    assert client.get(SEARCH, params=words).json() == []
