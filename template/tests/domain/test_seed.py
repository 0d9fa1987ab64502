"""Seeding is idempotent and follows profile changes (upsert, deactivate)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from app.core.db import create_session_factory
from app.core.profile import Profile
from app.domain import regions
from app.domain.bootstrap import init_database
from app.models import Integration, Region, Service


def test_seed_is_idempotent_and_upserts_changes(empty_engine: Engine, profile: Profile) -> None:
    first = init_database(empty_engine, profile)
    assert first is not None
    assert first.inserted["regions"] == len(profile.regions)
    assert first.inserted["services"] == len(profile.services)

    again = init_database(empty_engine, profile)
    assert again is not None
    assert again.inserted["regions"] == again.updated["regions"] == 0
    assert again.updated["services"] == 0
    assert init_database(empty_engine, profile, force=False) is None

    data = profile.model_dump()
    village = next(r for r in data["regions"] if r["level"] == 4)
    village["name"] = "Zzyzx Baru"
    data["services"][0]["sla_days"] += 1
    removed_integration = data["integrations"].pop() if data["integrations"] else None
    changed = Profile.model_validate(data)

    result = init_database(empty_engine, changed, force=False)
    assert result is not None
    assert result.updated["regions"] == 1
    assert result.updated["services"] == 1
    with create_session_factory(empty_engine)() as session:
        assert [r.code for r in regions.search(session, "zzyzx")] == [village["code"]]
        total = session.scalar(select(func.count()).select_from(Region))
        assert total == len(profile.regions)
        service = session.get(Service, data["services"][0]["code"])
        assert service is not None
        assert service.sla_days == data["services"][0]["sla_days"]
        if removed_integration is not None:
            integration = session.get(Integration, removed_integration["code"])
            assert integration is not None
            assert integration.active is False
