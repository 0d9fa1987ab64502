"""Linked apps by audience."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.core.profile import Profile


def test_integrations_by_audience(client: TestClient, profile: Profile) -> None:
    for audience in ("citizens", "officials"):
        body = client.get("/api/integrations", params={"audience": audience}).json()
        expected = [i.code for i in profile.integrations if i.audience == audience]
        assert [i["code"] for i in body] == expected
    everything = client.get("/api/integrations").json()
    assert len(everything) == len(profile.integrations)
    assert client.get("/api/integrations", params={"audience": "aliens"}).status_code == 422
